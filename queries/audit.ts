// The weekly drift audit: what changed in config values and token fingerprints over the period (against the
// period before it), and which findings are new against a baseline file whose entries are keyed by the findings' own
// id (case/finding.ts: query, statement, start) — entries no longer seen are stale. It computes; reports/ renders.
import { existsSync, readFileSync } from 'node:fs';
import { lit } from '../lib/sql.js';
import { severityRank, type Finding } from '../case/finding.js';
import type { Store } from '../case/store.js';
import type { Audit, AuditChange, BaselineEntry } from '../case/audit.js';

export interface AuditOptions { since: string; from?: string; to?: string; now?: string; baseline?: string; failOn: string }

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(s.trim());
  if (!m) throw new Error(`--since wants a duration like 7d, 36h, 90m or 2w, got ${JSON.stringify(s)}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
}

function readBaseline(path: string): BaselineEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`baseline ${path}: ${(err as Error).message}`);
  }
  const entries = (doc as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new Error(`baseline ${path}: no "entries" array`);
  return entries.filter((e): e is BaselineEntry => !!e && typeof e.key === 'string');
}

/** The baseline file: the findings of a period accepted as known. */
export function baselineDocument(a: Audit, writtenAt = new Date().toISOString()): string {
  return JSON.stringify({ schema: 'clawtrail.baseline/1', written_at: writtenAt,
    entries: a.in_period.map((f) => ({ key: f.id, query_id: f.query_id, severity: f.severity, statement: f.statement })) }, null, 2) + '\n';
}

export async function runAudit(store: Store, findings: Finding[], evidenceEnd: string | null, o: AuditOptions): Promise<Audit> {
  const end = o.to ?? o.now ?? evidenceEnd ?? new Date().toISOString();
  const endMs = Date.parse(end);
  if (Number.isNaN(endMs)) throw new Error(`not an instant: ${end}`);
  const startMs = o.from ? Date.parse(o.from) : endMs - parseDuration(o.since);
  if (Number.isNaN(startMs)) throw new Error(`not an instant: ${o.from}`);
  const prevMs = startMs - (endMs - startMs);
  const iso = (ms: number): string => new Date(ms).toISOString();
  const changes = await store.all<AuditChange>(`SELECT surface, key, coalesce(old_shape, old_value) AS old, coalesce(new_shape, new_value) AS new,
      CASE WHEN new_shape IS NOT NULL OR old_shape IS NOT NULL THEN 'fingerprint ' || coalesce(old_value, '∅') || ' → ' || coalesce(new_value, '∅') END AS fp_change,
      strftime(valid_from, '%Y-%m-%dT%H:%M:%SZ') AS at, commit_sha, path
    FROM config_changes WHERE NOT first_seen AND valid_from >= ${lit(iso(startMs))}::TIMESTAMPTZ AND valid_from < ${lit(iso(endMs))}::TIMESTAMPTZ ORDER BY valid_from`);
  const previous = Number((await store.one<{ n: string }>(`SELECT count(*) AS n FROM config_changes WHERE NOT first_seen
      AND valid_from >= ${lit(iso(prevMs))}::TIMESTAMPTZ AND valid_from < ${lit(iso(startMs))}::TIMESTAMPTZ`))!.n);
  const inPeriod = findings.filter((f) => f.severity !== 'info' && (!f.start || (Date.parse(f.start) < endMs && Date.parse(f.end ?? f.start) >= startMs)));
  if (o.baseline && !existsSync(o.baseline)) throw new Error(`baseline ${o.baseline} does not exist (create one with --write-baseline)`);
  const baseline = o.baseline ? readBaseline(o.baseline) : [];
  const known = new Set(baseline.map((b) => b.key));
  const current = new Set(inPeriod.map((f) => f.id));
  const newFindings = inPeriod.filter((f) => !known.has(f.id));
  return {
    period: { from: iso(startMs), to: iso(endMs) }, changes, previous_period_changes: previous, in_period: inPeriod, new_findings: newFindings,
    stale_baseline_entries: baseline.filter((b) => !current.has(b.key)), baseline: o.baseline ?? null,
    failing: newFindings.some((f) => severityRank(f.severity) >= severityRank(o.failOn)),
  };
}
