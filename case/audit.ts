// The drift audit's result: computed by queries/audit.ts, rendered by reports/ (audit.md, audit.json, audit.sarif).
import type { Finding } from './finding.js';

export interface BaselineEntry { key: string; query_id: string; severity: string; statement: string }
export interface AuditChange { surface: string; key: string; old: string | null; new: string | null; fp_change: string | null; at: string; commit_sha: string | null; path: string | null }
export interface Audit {
  period: { from: string; to: string };
  changes: AuditChange[];
  previous_period_changes: number;
  in_period: Finding[];
  new_findings: Finding[];
  stale_baseline_entries: BaselineEntry[];
  baseline: string | null;
  failing: boolean;
}
