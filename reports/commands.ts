// CLI commands that work on a case: queries, query, analyze, report, audit, export.
import type { Command } from 'commander';

export function registerAnalysisCommands(program: Command): void {
  void program;
}
