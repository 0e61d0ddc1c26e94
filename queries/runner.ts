// The canned query pack: one .sql file per question, a YAML header in its leading comment block, plain DuckDB SQL
// underneath. Parameters are bound by name ($name). Running the pack fills `findings`, one row per answer row,
// each citing its evidence (file:line, commit, event), and `query_catalog` with the headers reports need.
// The header says everything a renderer needs about the query's findings — its group (cause, config, symptom, cost,
// coverage) and what to do about them (remediation; a row's own remediation column wins) — so a new query is one file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { splitSqlHeader } from './header.js';
import { attribute } from './attribution.js';
import { lit as sqlLit } from '../lib/sql.js';
import type { Store } from '../case/store.js';
import { findingId, GROUPS, SEVERITIES, severityRank, type Citation, type Group } from '../case/finding.js';

export interface ParamSpec { default: number | string; unit?: string; description?: string }
export interface QuerySpec {
  id: string;
  title: string;
  severity: string;                 // default severity of its findings (a row may override it)
  group: Group;                     // where reports show its findings (case/finding.ts)
  remediation: string | null;       // what to do when it fires (a row's remediation column overrides it)
  sarif: boolean;                   // its findings point at config files or commits: written to findings.sarif
  answers: string;
  params: Record<string, ParamSpec>;
  needs: string[];                  // evidence tables, any of which is enough
  file: string;
  sql: string;
}

export { SEVERITIES, severityRank };

const QUERY_DIR = fromRoot('queries');

export function parseQueryFile(file: string, text: string): QuerySpec {
  const { meta, sql } = splitSqlHeader(file, text, 'query');
  for (const k of ['id', 'title', 'severity', 'group', 'answers']) if (!meta[k]) throw new Error(`${file}: header has no ${k}`);
  if (severityRank(String(meta.severity)) < 0) throw new Error(`${file}: unknown severity ${String(meta.severity)}`);
  if (!(GROUPS as readonly string[]).includes(String(meta.group))) throw new Error(`${file}: unknown group ${String(meta.group)} (one of ${GROUPS.join(', ')})`);
  return {
    id: String(meta.id), title: String(meta.title), severity: String(meta.severity), group: meta.group as Group,
    remediation: meta.remediation ? String(meta.remediation).trim() : null, sarif: meta.sarif === true, answers: String(meta.answers).trim(),
    params: (meta.params ?? {}) as Record<string, ParamSpec>, needs: (meta.needs ?? []) as string[], file,
    sql,
  };
}

export function loadQueries(dir = QUERY_DIR): QuerySpec[] {
  return readdirSync(dir).filter((f) => f.endsWith('.sql') && !f.startsWith('_')).sort()
    .map((f) => parseQueryFile(join(dir, f), readFileSync(join(dir, f), 'utf8')));
}

export function resolveParams(q: QuerySpec, given: Record<string, string> = {}): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const k of Object.keys(given)) if (!(k in q.params)) throw new Error(`query ${q.id} has no parameter ${k} (it has: ${Object.keys(q.params).join(', ') || 'none'})`);
  for (const [k, spec] of Object.entries(q.params)) {
    const raw = given[k];
    if (raw === undefined) out[k] = spec.default;
    else if (typeof spec.default === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`parameter ${k} of ${q.id} must be a number${spec.unit ? ` (${spec.unit})` : ''}, got ${JSON.stringify(raw)}`);
      out[k] = n;
    } else out[k] = raw;
  }
  return out;
}

/** Binds $name parameters as SQL literals (numbers checked above; strings quoted). */
function bind(sql: string, params: Record<string, number | string>): string {
  return sql.replace(/\$([a-z_][a-z0-9_]*)/gi, (m, name: string) => {
    if (!(name in params)) return m;
    const v = params[name];
    return typeof v === 'number' ? (Number.isInteger(v) ? `(${v})` : `(${v}::DOUBLE)`) : `'${String(v).replace(/'/g, "''")}'`;
  });
}

export async function missingEvidence(store: Store, q: QuerySpec): Promise<string[] | null> {
  if (q.needs.length === 0) return null;
  const counts = await Promise.all(q.needs.map(async (t) => Number((await store.one<{ n: string }>(`SELECT count(*) AS n FROM ${t}`))!.n)));
  return counts.some((n) => n > 0) ? null : q.needs;
}

export async function runQuery(store: Store, q: QuerySpec, given: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  await store.refreshDerived();
  await attribute(store);
  return store.all(bind(q.sql, resolveParams(q, given)));
}

/** Runs every query and rewrites the findings table. A query whose evidence is absent yields a coverage finding. */
export async function runAll(store: Store, params: Record<string, Record<string, string>> = {}): Promise<{ id: string; rows: number; ms: number; error?: string }[]> {
  const queries = loadQueries();
  await store.refreshDerived();
  await attribute(store);
  await store.run('DELETE FROM findings');
  await store.run('DELETE FROM query_catalog');
  for (const q of queries) {
    await store.run(`INSERT INTO query_catalog (query_id, title, query_group, severity, sarif, answers)
      VALUES (${sqlLit(q.id)}, ${sqlLit(q.title)}, ${sqlLit(q.group)}, ${sqlLit(q.severity)}, ${q.sarif}, ${sqlLit(q.answers)})`);
  }
  const paths = new Map((await store.all<{ source_id: string; path: string }>('SELECT source_id, path FROM sources')).map((r) => [Number(r.source_id), r.path]));
  const report: { id: string; rows: number; ms: number; error?: string }[] = [];
  for (const q of queries) {
    const t0 = Date.now();
    const missing = await missingEvidence(store, q);
    if (missing) {
      await insertFinding(store, q, { severity: 'info', statement: `${q.title}: not answered — the evidence it needs is absent (${missing.join(', ')} empty)`, confidence: 1, kind: 'coverage' }, paths);
      report.push({ id: q.id, rows: 0, ms: Date.now() - t0 });
      continue;
    }
    try {
      const rows = await store.all(bind(q.sql, resolveParams(q, params[q.id])));
      // one statement per 500 rows: a query may return hundreds of episodes
      for (let i = 0; i < rows.length; i += 500) await store.run(`${INSERT_FINDINGS} ${rows.slice(i, i + 500).map((r) => findingValues(q, r, paths)).join(',\n')}`);
      report.push({ id: q.id, rows: rows.length, ms: Date.now() - t0 });
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      await insertFinding(store, q, { severity: 'info', statement: `${q.title}: the query failed — ${error}`, confidence: 0, kind: 'query-error' }, paths);
      report.push({ id: q.id, rows: 0, ms: Date.now() - t0, error });
    }
  }
  await store.run(`UPDATE findings SET rank = r.rk FROM (
      SELECT finding_id, row_number() OVER (ORDER BY CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END DESC,
                                                     confidence DESC NULLS LAST, start_ts NULLS LAST, query_id) AS rk FROM findings) r
    WHERE findings.finding_id = r.finding_id`);
  return report;
}

function parseEvidence(v: unknown): Citation[] {
  if (v === null || v === undefined) return [];
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(arr) ? (arr.filter((x) => x && typeof x === 'object') as Citation[]) : [];
}

/** The query row's columns that are not the finding's own fields go to details. */
const FINDING_COLUMNS = ['severity', 'statement', 'confidence', 'evidence', 'start_ts', 'end_ts', 'remediation'];

const INSERT_FINDINGS = 'INSERT INTO findings (finding_id, query_id, query_group, severity, rank, start_ts, end_ts, statement, confidence, remediation, evidence, details) VALUES';

async function insertFinding(store: Store, q: QuerySpec, row: Record<string, unknown>, paths: Map<number, string>): Promise<void> {
  await store.run(`${INSERT_FINDINGS} ${findingValues(q, row, paths)}`);
}

/** The VALUES tuple of one finding. */
function findingValues(q: QuerySpec, row: Record<string, unknown>, paths: Map<number, string>): string {
  const evidence = parseEvidence(row.evidence).map((c) => ({ ...c, path: c.path ?? (c.source_id !== undefined ? paths.get(Number(c.source_id)) : undefined) }));
  const severity = row.severity && severityRank(String(row.severity)) >= 0 ? String(row.severity) : q.severity;
  const statement = String(row.statement ?? q.title);
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!FINDING_COLUMNS.includes(k)) details[k] = v;
  const lit = (v: unknown): string => (v === null || v === undefined ? 'NULL' : sqlLit(String(v)));
  // what the runner says about a query it could not run (coverage, query-error) belongs to coverage, with nothing to do
  const aboutTheRun = row.kind === 'coverage' || row.kind === 'query-error';
  const group = aboutTheRun ? 'coverage' : q.group;
  const remediation = aboutTheRun ? null : row.remediation ?? q.remediation;
  return `(${lit(findingId(q.id, statement, row.start_ts === null || row.start_ts === undefined ? null : String(row.start_ts)))}, ${lit(q.id)}, ${lit(group)}, ${lit(severity)}, NULL,
    TRY_CAST(${lit(row.start_ts)} AS TIMESTAMPTZ), TRY_CAST(${lit(row.end_ts)} AS TIMESTAMPTZ), ${lit(statement)},
    ${row.confidence === undefined || row.confidence === null ? 'NULL' : Number(row.confidence)}, ${lit(remediation)},
    ${lit(JSON.stringify(evidence))}, ${lit(JSON.stringify(details))})`;
}
