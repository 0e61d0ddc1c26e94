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

/** Who and what a finding's episode hurt. Filled by the query when its row says so (an `impact` column), else
 *  counted by the runner from the failure signals between the finding's start and end (`basis: 'window'`). */
export interface Impact {
  clients: number | null;      // distinct clients (address, device or client name) among the failed sessions
  sessions: number | null;     // sessions that failed: abnormal WebSocket closes, rejected connects, proxy 5xx
  paths: string[] | null;      // the routes they failed on: "nginx GET /" per proxy and request path, "gateway" when direct
  duration_s: number | null;   // the finding's start to end (or the first to the last failure)
  first_at?: string | null;    // the first and the last failure counted (ISO 8601, UTC), and the lines that show them
  last_at?: string | null;
  first_cite?: Citation | null;
  last_cite?: Citation | null;
  signals: string | null;      // what was counted, in words (e.g. "1006 transport closes")
  basis: 'query' | 'window';
}

/** The explanation that came second, and why it lost. */
export interface RunnerUp { statement: string; why_lost: string }

/** A fix the evidence holds (a revert commit, a re-approval), with when it took effect and what shows it. */
export interface Fix { statement: string; at: string | null; evidence: Citation[] }

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
  // The explanation, when the query gives it (optional; reports fall back to the statement). A query fills these with
  // columns of the same names; docs/findings-json.md describes each.
  headline?: string | null;    // what happened, in plain words, one sentence
  impact?: Impact | null;
  mechanism?: string | null;   // how the cause produced the symptom
  trigger?: string | null;     // the change or event that set it off (the root cause may lie deeper)
  runner_up?: RunnerUp | null;
  fix?: Fix | null;
}

/** The finding fields a query row may set by name; every other column goes to details. */
export const FINDING_COLUMNS = ['severity', 'statement', 'confidence', 'evidence', 'start_ts', 'end_ts', 'remediation',
  'headline', 'impact', 'mechanism', 'trigger', 'runner_up', 'fix'] as const;

/** The one identity of a finding: query, statement and start. The runner writes it, the audit's baseline keys on it. */
export function findingId(queryId: string, statement: string, start: string | null | undefined): string {
  return createHash('sha256').update(`${queryId}\0${statement}\0${start ?? ''}`).digest('hex').slice(0, 16);
}
