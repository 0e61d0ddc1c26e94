// A finding: one answer of a canned query, with the evidence it rests on. The one shape the query runner writes
// (table findings), the audit compares against a baseline, and every report renders.
import { createHash } from 'node:crypto';

/** Where a statement comes from: a line of an input file (source_id/path + line), or a commit (sha, with the file). */
export interface Citation {
  source_id?: number;
  path?: string;
  line?: number;
  sha?: string;
  original_sha?: string;   // the commit's id in the user's own repository when collect rewrote the history
  note?: string;
}

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severityRank = (s: string): number => SEVERITIES.indexOf(s as Severity);

/** What a query's findings are for (its header's `group`), which decides where reports show them:
 *  cause — a root cause or contributing cause of an incident (the verdict is built from these);
 *  config — a configuration problem found in the files or the history (also written to SARIF);
 *  symptom — what users saw (bursts of closes), detection rather than cause;
 *  cost — incident windows and the hours they cost (the budget section);
 *  coverage — what the evidence lets us say and what it does not. */
export const GROUPS = ['cause', 'config', 'symptom', 'cost', 'coverage'] as const;
export type Group = (typeof GROUPS)[number];

export interface Finding {
  id: string;                  // findingId(): stable across re-runs and cases
  query_id: string;
  group: Group;
  severity: string;
  rank: number;
  start: string | null;
  end: string | null;
  statement: string;
  confidence: number | null;
  remediation: string | null;  // what to do, from the query (its header or a remediation column)
  evidence: Citation[];
  details: Record<string, unknown>;
}

/** The one identity of a finding: query, statement and start. The runner writes it, the audit's baseline keys on it. */
export function findingId(queryId: string, statement: string, start: string | null | undefined): string {
  return createHash('sha256').update(`${queryId}\0${statement}\0${start ?? ''}`).digest('hex').slice(0, 16);
}
