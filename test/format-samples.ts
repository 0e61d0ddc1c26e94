// The checks every format's samples go through (test/formats-samples.test.ts on the checked-in samples,
// test/formats-real-programs.test.ts on lines the real programs write now): each line is claimed by exactly its format,
// and ingesting them yields, for each line, one row holding exactly its fields — no reject, every line accounted.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { claimsOf, detect, detectEnv } from '../ingest/detect.js';
import { BUILTIN_FORMATS, compileFormat, parseLogFormats, type CompiledFormat } from '../ingest/formats/nginx-access/log-format.js';
import { fromRoot } from '../lib/paths.js';
import { ingestCase, writeTree } from './helpers.js';

export interface Sample {
  line: string;
  table: string;                                // the table its row lands in
  fields: Record<string, unknown>;              // what that row must hold
  format?: string;                              // sources.format when it is not the folder's name (nginx-access:NAME, envelope+payload)
  log_format?: string;                          // an nginx log_format declaration the line was written with
  from: string;                                 // where the shape comes from
}

export const samplesOf = (folder: string): Sample[] => ['samples.jsonl', 'samples.real.jsonl']
  .map((f) => fromRoot('ingest', 'formats', folder, f)).filter((p) => existsSync(p))
  .flatMap((p) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Sample));

const declared = (s: Sample): CompiledFormat[] => (s.log_format ? parseLogFormats(s.log_format, 'sample').map(compileFormat) : []);
const builtins = BUILTIN_FORMATS.map(compileFormat);

export function expectClaimed(folder: string, samples: Sample[]): void {
  for (const s of samples) {
    const formats = [...declared(s), ...builtins];
    expect(claimsOf(s.line, detectEnv(formats)), s.line).toEqual([folder]);
    if (s.format?.startsWith('nginx-access:')) expect(detect('access.log', [s.line], formats).format, s.line).toBe(s.format);
  }
}

/** A row's columns as comparable values: instants as ISO text with milliseconds, big integers as numbers. */
async function rowAt(store: Awaited<ReturnType<typeof ingestCase>>['store'], table: string, path: string, line: number): Promise<Record<string, unknown>[]> {
  const cols = await store.all<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`);
  const sel = cols.map((c) => (c.column_type.startsWith('TIMESTAMP') ? `strftime(t."${c.column_name}", '%Y-%m-%dT%H:%M:%S.%gZ') AS "${c.column_name}"` : `t."${c.column_name}"`)).join(', ');
  const rows = await store.all<Record<string, unknown>>(`SELECT ${sel} FROM ${table} t JOIN sources s USING (source_id) WHERE s.path = '${path.replace(/'/g, "''")}' AND t.line_no = ${line}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) && cols.find((c) => c.column_name === k)?.column_type.match(/INT/) ? Number(v) : v])));
}

export async function expectFields(folder: string, samples: Sample[]): Promise<void> {
  // one file per sources.format the samples expect (an nginx log_format each; an envelope's payload), with the
  // nginx.conf that declares their log_formats beside them
  const files = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = s.format ?? folder;
    files.set(key, [...(files.get(key) ?? []), s]);
  }
  const tree: Record<string, string> = {};
  const conf = samples.map((s) => s.log_format).filter((d): d is string => !!d);
  if (conf.length) tree['conf/nginx.conf'] = `http {\n${[...new Set(conf)].join('\n')}\n}\n`;
  const fileOf = (i: number, key: string): string => `logs/${i}-${key.replace(/[^\w.-]/g, '_')}.log`;
  [...files.entries()].forEach(([key, list], i) => { tree[fileOf(i, key)] = list.map((s) => s.line).join('\n') + '\n'; });
  const dir = writeTree(tree);
  const { store } = await ingestCase([dir]);
  try {
    for (const [i, [key, list]] of [...files.entries()].entries()) {
      const path = join(dir, fileOf(i, key));
      const src = await store.one<{ format: string; total: string; parsed: string; rejected: string }>(
        `SELECT format, total_lines::VARCHAR AS total, parsed_lines::VARCHAR AS parsed, rejected_lines::VARCHAR AS rejected FROM sources WHERE path = '${path}'`);
      const rejects = await store.all(`SELECT line_no::INTEGER AS line, reason, raw FROM rejects r JOIN sources s USING (source_id) WHERE s.path = '${path}'`);
      expect({ format: src?.format, rejects }).toEqual({ format: key, rejects: [] });
      expect(Number(src!.parsed) + Number(src!.rejected)).toBe(Number(src!.total));
      for (const [n, s] of list.entries()) {
        const rows = await rowAt(store, s.table, path, n + 1);
        expect(rows.length, `${s.table} rows for: ${s.line}`).toBe(1);
        const got = Object.fromEntries(Object.keys(s.fields).map((k) => [k, rows[0][k] ?? null]));
        expect(got, s.line).toEqual(s.fields);
      }
    }
  } finally {
    store.close();
  }
}
