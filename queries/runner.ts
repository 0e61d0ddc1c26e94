// The canned query pack: one .sql file per question, a YAML header in its leading comment block, plain DuckDB SQL
// underneath. Parameters are bound by name ($name). Running the pack fills `findings`, one row per answer row,
// each citing its evidence (file:line, commit, event), and `query_catalog` with the headers reports need.
// The header says everything a renderer needs about the query's findings — its group (cause, config, symptom, cost,
// coverage), what to do about them (remediation; a row's own remediation column wins) and which failure signals their
// impact counts (impact_signals) — so a new query is one file. A row may explain itself with the columns headline,
// mechanism, trigger, runner_up, fix and impact (case/finding.ts; mechanism, trigger, runner_up and fix as text or as
// a struct whose `statement` is the text); the runner counts the impact of the cause and
// symptom findings whose row gives none (queries/_impact.sql). The phase is marked in case_meta (query_phase) from its
// start until it is done, so a crash half-way shows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { inLanes } from '../lib/lanes.js';
import { lit as sqlLit, statements } from '../lib/sql.js';
import { splitSqlHeader } from './header.js';
import { attribute } from './attribution.js';
import type { Store } from '../case/store.js';
import { FINDING_COLUMNS, findingId, GROUPS, SEVERITIES, severityRank, type Citation, type Finding, type Group, type Impact } from '../case/finding.js';

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
  impactSignals: string[] | null;   // the failure signals its findings' impact counts (header impact_signals; null: all)
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
    impactSignals: meta.impact_signals ? checkSignals(file, meta.impact_signals) : null,
    sql,
  };
}

function checkSignals(file: string, v: unknown): string[] {
  const list = Array.isArray(v) ? v.map(String) : [String(v)];
  for (const k of list) if (!SIGNAL_KINDS.includes(k)) throw new Error(`${file}: unknown impact signal ${k} (one of ${SIGNAL_KINDS.join(', ')})`);
  return list;
}

const loaded = new Map<string, QuerySpec[]>();
/** The query pack, read and parsed once per process (analyze asks for it twice: to check --param, then to run). */
export function loadQueries(dir = QUERY_DIR): QuerySpec[] {
  let queries = loaded.get(dir);
  if (!queries) {
    queries = readdirSync(dir).filter((f) => f.endsWith('.sql') && !f.startsWith('_')).sort()
      .map((f) => parseQueryFile(join(dir, f), readFileSync(join(dir, f), 'utf8')));
    loaded.set(dir, queries);
  }
  return queries;
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

/** Which of the evidence tables hold rows, in one statement. */
async function tablesWithRows(store: Store, tables: string[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const row = (await store.one<Record<string, boolean>>(`SELECT ${tables.map((t) => `EXISTS (SELECT 1 FROM ${t}) AS "${t}"`).join(', ')}`))!;
  return new Set(tables.filter((t) => row[t]));
}

/** The evidence tables a query needs when every one of them is empty, else null; `held` (tablesWithRows) spares the
 *  statement when the pack runs. */
export async function missingEvidence(store: Store, q: QuerySpec, held?: Set<string>): Promise<string[] | null> {
  if (q.needs.length === 0) return null;
  const withRows = held ?? (await tablesWithRows(store, q.needs));
  return q.needs.some((t) => withRows.has(t)) ? null : q.needs;
}

export async function runQuery(store: Store, q: QuerySpec, given: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  await store.refreshDerived();
  return store.all(bind(q.sql, resolveParams(q, given)));
}

/** Where the last query phase stands (case_meta `query_phase`): a run that did not reach `done` (a crash, a kill)
 *  left findings that are only part of the answer; `report` runs the queries again and reports render it as partial. */
export interface QueryPhase { state: 'running' | 'done'; started_at: string; finished_at: string | null; failed: string[] }

export async function queryPhase(store: Store): Promise<QueryPhase | null> {
  const row = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'query_phase'`);
  return row ? (JSON.parse(row.value) as QueryPhase) : null;
}

async function setQueryPhase(store: Store, phase: QueryPhase): Promise<void> {
  await store.run(`INSERT OR REPLACE INTO case_meta VALUES ('query_phase', ${sqlLit(JSON.stringify(phase))})`);
}

export type QueryRun = { id: string; rows: number; ms: number; error?: string };

/** Runs every query and rewrites the findings table. A query whose evidence is absent yields a coverage finding.
 *  `progress` hears of each query as it starts (index from 0). */
export async function runAll(store: Store, params: Record<string, Record<string, string>> = {},
  progress?: (done: number, total: number, id: string) => void): Promise<QueryRun[]> {
  const queries = loadQueries();
  const phase: QueryPhase = { state: 'running', started_at: new Date().toISOString(), finished_at: null, failed: [] };
  await setQueryPhase(store, phase);
  await store.refreshDerived();
  await attribute(store);
  await store.run('DELETE FROM findings');
  await store.run('DELETE FROM query_catalog');
  if (queries.length) await store.run(`INSERT INTO query_catalog (query_id, title, query_group, severity, sarif, answers) VALUES
    ${queries.map((q) => `(${sqlLit(q.id)}, ${sqlLit(q.title)}, ${sqlLit(q.group)}, ${sqlLit(q.severity)}, ${q.sarif}, ${sqlLit(q.answers)})`).join(',\n    ')}`);
  // the evidence does not change while the pack runs: which tables hold rows is asked once, not per query
  const held = await tablesWithRows(store, [...new Set(queries.flatMap((q) => q.needs))]);
  const paths = new Map((await store.all<{ source_id: string; path: string }>('SELECT source_id, path FROM sources')).map((r) => [Number(r.source_id), r.path]));
  // the queries only read: two connections run them side by side, and their findings are written afterwards in the
  // pack's order; a query that reads the findings table waits for those of the queries before it
  const batches: QuerySpec[][] = [];
  for (const q of queries) if (!batches.length || readsFindings(q)) batches.push([q]); else batches[batches.length - 1].push(q);
  const other = await store.connect();
  const report: QueryRun[] = [];
  try {
    for (const batch of batches) {
      const answers = await inLanes([store, other], batch, async (lane, q) => {
        progress?.(queries.indexOf(q), queries.length, q.id);
        return answer(lane, q, params[q.id], held);
      });
      for (const [i, q] of batch.entries()) report.push(await writeAnswer(store, q, answers[i], paths));
    }
  } finally {
    other.close();
  }
  await store.run(`UPDATE findings SET rank = r.rk FROM (
      SELECT finding_id, row_number() OVER (ORDER BY CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END DESC,
                                                     confidence DESC NULLS LAST, start_ts NULLS LAST, query_id, finding_id) AS rk FROM findings) r
    WHERE findings.finding_id = r.finding_id`);
  await fillImpact(store, queries, paths);
  await setQueryPhase(store, { ...phase, state: 'done', finished_at: new Date().toISOString(), failed: report.filter((r) => r.error).map((r) => r.id) });
  return report;
}

/** What one query answered: its rows, the evidence it lacks, or its error. */
type Answer = { rows: Record<string, unknown>[]; ms: number } | { missing: string[]; ms: number } | { error: string; ms: number };

const readsFindings = (q: QuerySpec): boolean => /\b(from|join)\s+findings\b/i.test(q.sql);

async function answer(store: Store, q: QuerySpec, given: Record<string, string> | undefined, held: Set<string>): Promise<Answer> {
  const t0 = Date.now();
  const missing = await missingEvidence(store, q, held);
  if (missing) return { missing, ms: Date.now() - t0 };
  try {
    return { rows: await store.all(bind(q.sql, resolveParams(q, given))), ms: Date.now() - t0 };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0], ms: Date.now() - t0 };
  }
}

/** Writes a query's answer as findings: its rows, else a coverage finding (evidence absent) or a query-error one. */
async function writeAnswer(store: Store, q: QuerySpec, a: Answer, paths: Map<number, string>): Promise<QueryRun> {
  const t0 = Date.now();
  const ms = (): number => a.ms + Date.now() - t0;
  if ('missing' in a) {
    await insertFinding(store, q, { severity: 'info', statement: `${q.title}: not answered — the evidence it needs is absent (${a.missing.join(', ')} empty)`, confidence: 1, kind: 'coverage' }, paths);
    return { id: q.id, rows: 0, ms: ms() };
  }
  let error = 'error' in a ? a.error : '';
  if ('rows' in a) {
    try {
      // 500 findings per statement: a query may answer with thousands of rows (one per episode)
      for (let i = 0; i < a.rows.length; i += 500) await store.run(`${INSERT_FINDINGS} ${a.rows.slice(i, i + 500).map((r) => findingValues(q, r, paths)).join(',\n')}`);
      return { id: q.id, rows: a.rows.length, ms: ms() };
    } catch (err) {
      error = (err as Error).message.split('\n')[0];
    }
  }
  await insertFinding(store, q, { severity: 'info', statement: `${q.title}: the query failed — ${error}`, confidence: 0, kind: 'query-error' }, paths);
  return { id: q.id, rows: 0, ms: ms(), error };
}

/** What each signal kind of queries/_impact.sql is, in words (the impact's `signals`). */
const SIGNAL_WORDS: Record<string, string> = {
  transport: '1006 transport closes', policy: '1008/4008 policy closes', auth: 'rejected connects', 'auth-changed': '4001 token-changed closes',
  restart: '1012/1013 restart closes', other: 'other abnormal closes', 'proxy-5xx': 'proxy 5xx responses',
};
export const SIGNAL_KINDS = Object.keys(SIGNAL_WORDS);

/** Impact for the cause and symptom findings whose query gave none: counted in the finding's window from the signal
 *  kinds its header names (`impact_signals`, default all). */
async function fillImpact(store: Store, queries: QuerySpec[], paths: Map<number, string>): Promise<void> {
  const kinds = queries.flatMap((q) => (q.impactSignals ?? SIGNAL_KINDS).map((k) => `(${sqlLit(q.id)}, ${sqlLit(k)})`));
  await store.run(`CREATE OR REPLACE TEMP TABLE impact_kinds AS SELECT * FROM (VALUES ${kinds.join(', ')}) t(query_id, kind)`);
  for (const stmt of statements(readFileSync(join(QUERY_DIR, '_impact.sql'), 'utf8'))) await store.run(stmt);
  const rows = await store.all<{ finding_id: string; clients: number; sessions: number; paths: string[]; duration_s: number; kinds: string; first_at: string; last_at: string;
    first_cite: Citation; last_cite: Citation }>('SELECT * FROM finding_impact');
  const cite = (c: Citation): Citation => ({ source_id: Number(c.source_id), path: paths.get(Number(c.source_id)), line: Number(c.line) });
  const impacts = rows.map((r) => {
    const impact: Impact = { clients: r.clients, sessions: r.sessions, paths: r.paths, duration_s: r.duration_s, first_at: r.first_at, last_at: r.last_at,
      first_cite: cite(r.first_cite), last_cite: cite(r.last_cite),
      signals: r.kinds.split(', ').map((k) => SIGNAL_WORDS[k] ?? k).join(', '), basis: 'window' };
    return `(${sqlLit(r.finding_id)}, ${sqlLit(JSON.stringify(impact))})`;
  });
  // every finding's impact in one statement, and the temporaries dropped in the same call
  const update = impacts.length ? `UPDATE findings SET impact = v.impact FROM (VALUES ${impacts.join(', ')}) v(finding_id, impact) WHERE findings.finding_id = v.finding_id;\n` : '';
  await store.run(`${update}DROP TABLE IF EXISTS finding_impact;\nDROP TABLE IF EXISTS impact_signals`);
}

function parseEvidence(v: unknown): Citation[] {
  if (v === null || v === undefined) return [];
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(arr) ? (arr.filter((x) => x && typeof x === 'object') as Citation[]) : [];
}

/** A struct column (an object, or its JSON text) as an object; null when absent or not an object. */
function struct(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  const o = typeof v === 'string' ? (() => { try { return JSON.parse(v) as unknown; } catch { return null; } })() : v;
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
}

const text = (v: unknown): string | null => (v === null || v === undefined || String(v).trim() === '' ? null : String(v));

/** The explanation columns of a row (headline, impact, mechanism, trigger, runner_up, fix), checked and normalised. */
function explanation(row: Record<string, unknown>, cite: (c: Citation) => Citation): Pick<Finding, 'headline' | 'impact' | 'mechanism' | 'trigger' | 'runner_up' | 'fix'> {
  const impact = struct(row.impact);
  const runnerUp = struct(row.runner_up);
  const fix = struct(row.fix);
  const trigger = struct(row.trigger);
  const mechanism = struct(row.mechanism);
  const citeOf = (v: unknown): Citation | null => {
    const c = struct(v);
    return c ? cite(c as Citation) : null;
  };
  // a fix without its own citations cites the finding's evidence marked as the fix
  const fixCites = (): Citation[] => parseEvidence(row.evidence).filter((c) => String(c.note ?? '').startsWith('fix:')).map(cite);
  const n = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  return {
    headline: text(row.headline), mechanism: mechanism ? text(mechanism.statement) : text(row.mechanism),
    trigger: trigger ? text(trigger.statement) : text(row.trigger),
    impact: impact ? { clients: n(impact.clients), sessions: n(impact.sessions), duration_s: n(impact.duration_s), signals: text(impact.signals),
      first_at: text(impact.first_at), last_at: text(impact.last_at), first_cite: citeOf(impact.first_cite), last_cite: citeOf(impact.last_cite),
      paths: Array.isArray(impact.paths) ? impact.paths.map(String) : null, basis: 'query' } : null,
    runner_up: runnerUp && text(runnerUp.statement) ? { statement: String(runnerUp.statement), why_lost: text(runnerUp.why_lost) ?? '' } : null,
    fix: fix && text(fix.statement) ? { statement: String(fix.statement), at: text(fix.at), evidence: fix.evidence ? parseEvidence(fix.evidence).map(cite) : fixCites() } : null,
  };
}

/** The explanation columns kept in details as well (see findingValues). */
const EXPLANATION_COLUMNS = ['impact', 'mechanism', 'trigger', 'runner_up', 'fix'];

const INSERT_FINDINGS = `INSERT INTO findings (finding_id, query_id, query_group, severity, rank, start_ts, end_ts, statement, confidence, remediation, evidence,
  details, headline, impact, mechanism, trigger, runner_up, fix) VALUES`;

async function insertFinding(store: Store, q: QuerySpec, row: Record<string, unknown>, paths: Map<number, string>): Promise<void> {
  await store.run(`${INSERT_FINDINGS} ${findingValues(q, row, paths)}`);
}

/** The VALUES tuple of one finding. */
function findingValues(q: QuerySpec, row: Record<string, unknown>, paths: Map<number, string>): string {
  // a citation as the findings table keeps it: numbers as numbers, the source's path filled in, no empty keys
  const cite = (c: Citation): Citation => {
    const source = c.source_id === undefined || c.source_id === null ? undefined : Number(c.source_id);
    const out: Citation = {};
    if (source !== undefined) out.source_id = source;
    const path = c.path ?? (source !== undefined ? paths.get(source) : undefined);
    if (path) out.path = path;
    if (c.line !== undefined && c.line !== null) out.line = Number(c.line);
    if (c.sha) out.sha = c.sha;
    if (c.note) out.note = c.note;
    return out;
  };
  const evidence = parseEvidence(row.evidence).map(cite);
  const severity = row.severity && severityRank(String(row.severity)) >= 0 ? String(row.severity) : q.severity;
  const statement = String(row.statement ?? q.title);
  const details: Record<string, unknown> = {};
  // details keep the row's own columns, the explanation columns too in the richer shape the query gave them (a trigger's
  // commit and key, a fix's value), which the finding's fields render in words
  for (const [k, v] of Object.entries(row)) if (!(FINDING_COLUMNS as readonly string[]).includes(k) || EXPLANATION_COLUMNS.includes(k)) details[k] = v;
  const lit = (v: unknown): string => (v === null || v === undefined ? 'NULL' : sqlLit(String(v)));
  const json = (v: unknown): string => (v === null || v === undefined ? 'NULL' : sqlLit(JSON.stringify(v)));
  // what the runner says about a query it could not run (coverage, query-error) belongs to coverage, with nothing to do
  const aboutTheRun = row.kind === 'coverage' || row.kind === 'query-error';
  const group = aboutTheRun ? 'coverage' : q.group;
  const remediation = aboutTheRun ? null : row.remediation ?? q.remediation;
  const x = explanation(row, cite);
  return `(${lit(findingId(q.id, statement, row.start_ts === null || row.start_ts === undefined ? null : String(row.start_ts)))}, ${lit(q.id)}, ${lit(group)}, ${lit(severity)}, NULL,
    TRY_CAST(${lit(row.start_ts)} AS TIMESTAMPTZ), TRY_CAST(${lit(row.end_ts)} AS TIMESTAMPTZ), ${lit(statement)},
    ${row.confidence === undefined || row.confidence === null ? 'NULL' : Number(row.confidence)}, ${lit(remediation)},
    ${lit(JSON.stringify(evidence))}, ${lit(JSON.stringify(details))},
    ${lit(x.headline)}, ${json(x.impact)}, ${lit(x.mechanism)}, ${lit(x.trigger)}, ${json(x.runner_up)}, ${json(x.fix)})`;
}
