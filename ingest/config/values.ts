// The long table of config values over time: one shape for every surface (files, git revisions, inspect).
import { lit } from '../../lib/sql.js';
import type { Fingerprinter } from '../../case/secrets.js';
import { isSecretName } from '../../case/secrets.js';
import { redactText } from '../../case/secret-rules.js';
import type { Store } from '../../case/store.js';

export interface ConfigValue {
  surface: string;
  key: string;
  value: string | null;
  fp: string | null;
  shape: string | null;
  line: number | null;
}

export interface ConfigContext {
  validFrom: string | null;        // ISO instant
  validFromAssumed: boolean;
  commitSha: string | null;
  path: string;
  sourceId: number;
}

/** A value as stored: secrets (by key name, or known secret keys) become fingerprints; the rest stays, with any
 *  secret inside it (a --token argument in a command, a {token} in an array, a password in a URL) redacted. */
export function configValue(fpr: Fingerprinter, surface: string, key: string, raw: unknown, line: number | null, secret?: boolean): ConfigValue {
  // a boolean is never a secret, whatever its name (controlUi.allowInsecureAuth: true)
  const isSecret = typeof raw !== 'boolean' && (secret ?? isSecretName(key.split('.').pop() ?? key));
  if (isSecret) {
    const r = fpr.record(raw);
    return { surface, key, value: r.value, fp: r.fp, shape: r.shape, line };
  }
  const value = raw === null || raw === undefined ? null : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  return { surface, key, value: value === null ? null : redactText(value), fp: null, shape: null, line };
}

// Rows reach DuckDB as one JSON text per statement, unnested there: a VALUES list of literals costs the binder a tenth
// of a millisecond a row, so a 100k-key document or a history's thousands of revisions took seconds.
const ROW = `[{"surface":"VARCHAR","key":"VARCHAR","value":"VARCHAR","fp":"VARCHAR","shape":"VARCHAR","valid_from":"VARCHAR",
  "assumed":"BOOLEAN","commit_sha":"VARCHAR","path":"VARCHAR","source_id":"INTEGER","line":"BIGINT"}]`.replace(/\s+/g, '');
const ROWS_PER_STATEMENT = 5000;

const row = (ctx: ConfigContext, v: ConfigValue) => ({ surface: v.surface, key: v.key, value: v.value, fp: v.fp, shape: v.shape, valid_from: ctx.validFrom,
  assumed: ctx.validFromAssumed, commit_sha: ctx.commitSha, path: ctx.path, source_id: ctx.sourceId, line: v.line });

async function insertRows(store: Store, rows: ReturnType<typeof row>[]): Promise<void> {
  await store.run(`INSERT INTO config_values
    SELECT r.surface, r.key, r.value, r.fp, r.shape, TRY_CAST(r.valid_from AS TIMESTAMPTZ), r.assumed, r.commit_sha, r.path, r.source_id, r.line
    FROM (SELECT unnest(from_json(${lit(JSON.stringify(rows))}, '${ROW}')) AS r)`);
}

/** The values of one document. */
export async function insertConfigValues(store: Store, ctx: ConfigContext, values: ConfigValue[]): Promise<void> {
  for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) await insertRows(store, values.slice(i, i + ROWS_PER_STATEMENT).map((v) => row(ctx, v)));
}

/** The values of many documents, each with its own context (the revisions of a git history), a few thousand rows to a
 *  statement: `add` them as they come, `flush` at the end. */
export function configValueBatch(store: Store): { add: (ctx: ConfigContext, values: ConfigValue[]) => Promise<void>; flush: () => Promise<void> } {
  let rows: ReturnType<typeof row>[] = [];
  const flush = async (): Promise<void> => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    await insertRows(store, batch);
  };
  return {
    add: async (ctx, values) => {
      rows.push(...values.map((v) => row(ctx, v)));
      if (rows.length >= ROWS_PER_STATEMENT) await flush();
    },
    flush,
  };
}

/** 1-based line of a character offset, for many offsets into one text: the newlines are found once, each lookup is a
 *  binary search (a per-offset rescan made a 100k-key document quadratic). */
export function lineCounter(text: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines.push(i);
  return (offset: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
