// The weekly drift audit: what changed in config values and token fingerprints over the period (against the
// period before it), and which findings are new against a baseline file whose entries are keyed by a content hash
// of (query, statement) — unrelated edits elsewhere in a file do not change a key; entries no longer seen are stale.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lit } from '../lib/sql.js';
import { safeText } from '../lib/output.js';
import { severityRank } from '../queries/runner.js';
import type { Store } from '../ingest/store.js';
import type { CaseReport, Finding } from './model.js';
import { renderSarif } from './sarif.js';
import { mdText } from './markdown.js';

export interface AuditOptions { since: string; from?: string; to?: string; now?: string; baseline?: string; writeBaseline?: string; failOn: string; out: string }
export interface BaselineEntry { key: string; query_id: string; severity: string; statement: string }

export const findingKey = (f: Pick<Finding, 'query_id' | 'statement'>): string =>
  createHash('sha256').update(`${f.query_id}\0${f.statement}`).digest('hex').slice(0, 20);

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

export async function runAudit(store: Store, report: CaseReport, o: AuditOptions): Promise<{ summary: string; failing: boolean; newFindings: Finding[]; stale: BaselineEntry[] }> {
  const end = o.to ?? o.now ?? report.span.to ?? new Date().toISOString();
  const endMs = Date.parse(end);
  if (Number.isNaN(endMs)) throw new Error(`not an instant: ${end}`);
  const startMs = o.from ? Date.parse(o.from) : endMs - parseDuration(o.since);
  if (Number.isNaN(startMs)) throw new Error(`not an instant: ${o.from}`);
  const prevMs = startMs - (endMs - startMs);
  const iso = (ms: number): string => new Date(ms).toISOString();
  const changes = await store.all<Record<string, string | null>>(`SELECT surface, key, coalesce(old_shape, old_value) AS old, coalesce(new_shape, new_value) AS new,
      CASE WHEN new_shape IS NOT NULL OR old_shape IS NOT NULL THEN 'fingerprint ' || coalesce(old_value, '∅') || ' → ' || coalesce(new_value, '∅') END AS fp_change,
      strftime(valid_from, '%Y-%m-%dT%H:%M:%SZ') AS at, commit_sha, path
    FROM config_changes WHERE NOT first_seen AND valid_from >= ${lit(iso(startMs))}::TIMESTAMPTZ AND valid_from < ${lit(iso(endMs))}::TIMESTAMPTZ ORDER BY valid_from`);
  const previous = Number((await store.one<{ n: string }>(`SELECT count(*) AS n FROM config_changes WHERE NOT first_seen
      AND valid_from >= ${lit(iso(prevMs))}::TIMESTAMPTZ AND valid_from < ${lit(iso(startMs))}::TIMESTAMPTZ`))!.n);
  const inPeriod = report.findings.filter((f) => f.severity !== 'info' && (!f.start || (Date.parse(f.start) < endMs && Date.parse(f.end ?? f.start) >= startMs)));
  const baseline = o.baseline && existsSync(o.baseline) ? readBaseline(o.baseline) : o.baseline ? (() => { throw new Error(`baseline ${o.baseline} does not exist (create one with --write-baseline)`); })() : [];
  const known = new Set(baseline.map((b) => b.key));
  const current = new Set(inPeriod.map(findingKey));
  const newFindings = inPeriod.filter((f) => !known.has(findingKey(f)));
  const stale = baseline.filter((b) => !current.has(b.key));
  const failing = newFindings.some((f) => severityRank(f.severity) >= severityRank(o.failOn));
  if (o.writeBaseline) {
    writeFileSync(o.writeBaseline, JSON.stringify({ schema: 'clawtrail.baseline/1', written_at: new Date().toISOString(),
      entries: inPeriod.map((f) => ({ key: findingKey(f), query_id: f.query_id, severity: f.severity, statement: f.statement })) }, null, 2) + '\n');
  }
  mkdirSync(o.out, { recursive: true });
  const md: string[] = [`# Drift audit ${iso(startMs)} → ${iso(endMs)}`, '',
    `Config changes in the period: **${changes.length}** (previous period of the same length: ${previous}).`, '', '## Config and fingerprint changes', ''];
  if (changes.length) {
    md.push('| when | surface | key | change | commit / file |', '| --- | --- | --- | --- | --- |');
    for (const c of changes) md.push(`| ${c.at} | ${mdText(c.surface)} | ${mdText(c.key)} | ${mdText(c.fp_change ?? `${c.old ?? '∅'} → ${c.new ?? '∅'}`)} | ${c.commit_sha ? '`' + c.commit_sha.slice(0, 12) + '`' : mdText(c.path)} |`);
  } else md.push('No config value changed in the period.');
  md.push('', `## New findings (${newFindings.length}${o.baseline ? ` against ${mdText(o.baseline)}` : ', no baseline given'})`, '');
  for (const f of newFindings) md.push(`- **${f.severity}** ${mdText(f.statement)} \`${findingKey(f)}\``);
  if (!newFindings.length) md.push('None.');
  md.push('', `## Stale baseline entries (${stale.length})`, '');
  for (const s of stale) md.push(`- \`${s.key}\` ${s.query_id}: ${mdText(s.statement)}`);
  if (!stale.length) md.push('None.');
  writeFileSync(join(o.out, 'audit.md'), md.join('\n') + '\n');
  writeFileSync(join(o.out, 'audit.json'), JSON.stringify({ schema: 'clawtrail.audit/1', period: { from: iso(startMs), to: iso(endMs) }, changes, previous_period_changes: previous,
    new_findings: newFindings.map((f) => ({ key: findingKey(f), query_id: f.query_id, severity: f.severity, statement: f.statement, evidence: f.evidence })),
    stale_baseline_entries: stale, failing }, null, 2) + '\n');
  writeFileSync(join(o.out, 'audit.sarif'), renderSarif({ ...report, findings: newFindings }));
  const summary = [`Drift audit ${iso(startMs)} → ${iso(endMs)}: ${changes.length} config change(s) (previous period ${previous}), ${newFindings.length} new finding(s), ${stale.length} stale baseline entr${stale.length === 1 ? 'y' : 'ies'}.`,
    ...newFindings.slice(0, 10).map((f) => `  new [${f.severity}] ${safeText(f.statement).slice(0, 200)}`),
    `Written: ${join(o.out, 'audit.md')}, ${join(o.out, 'audit.json')}, ${join(o.out, 'audit.sarif')}${o.writeBaseline ? `, ${o.writeBaseline}` : ''}`].join('\n');
  return { summary, failing, newFindings, stale };
}
