// Reads the raw lines that citations point at, straight from the evidence files (streamed, .gz included), and
// redacts them with the store's own redact() so that a report never shows a secret the database would not hold.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { lit } from '../lib/sql.js';
import { isGzip } from '../ingest/scan.js';
import type { Store } from '../ingest/store.js';
import type { Citation } from './model.js';

export const citationKey = (path: string, line: number): string => `${path}:${line}`;
const MAX_LINE_CHARS = 2000;

async function readLines(path: string, wanted: Set<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!existsSync(path) || !statSync(path).isFile()) return out;
  const last = Math.max(...wanted);
  const raw = createReadStream(path);
  const input = (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
  input.on('error', () => {});
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      if (wanted.has(n)) out.set(n, line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) + '…' : line);
      if (n >= last) break;
    }
  } catch {
    /* a damaged file: keep what was read */
  } finally {
    rl.close();
    raw.destroy();
  }
  return out;
}

export async function readCitedLines(store: Store, cites: Citation[], max: number): Promise<{ lines: Record<string, string>; omitted: number }> {
  const paths = new Map((await store.all<{ source_id: string; path: string; kind: string }>('SELECT source_id, path, kind FROM sources'))
    .map((r) => [Number(r.source_id), { path: r.path, kind: r.kind }]));
  const perPath = new Map<string, Set<number>>();
  let count = 0;
  let omitted = 0;
  for (const c of cites) {
    if (c.source_id !== undefined && c.source_id !== null && !c.path) c.path = paths.get(Number(c.source_id))?.path;
    if (!c.path || !c.line || c.sha) continue;
    const set = perPath.get(c.path) ?? new Set<number>();
    if (set.has(c.line)) continue;
    if (count >= max) {
      omitted++;
      continue;
    }
    set.add(c.line);
    perPath.set(c.path, set);
    count++;
  }
  const raw: [string, string][] = [];
  for (const [path, set] of perPath) for (const [n, text] of await readLines(path, set)) raw.push([citationKey(path, n), text]);
  const lines: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 500) {
    const batch = raw.slice(i, i + 500);
    const rows = await store.all<{ k: string; v: string }>(`SELECT k, redact(v) AS v FROM (VALUES ${batch.map(([k, v]) => `(${lit(k)}, ${lit(v)})`).join(',')}) t(k, v)`);
    for (const r of rows) lines[r.k] = r.v;
  }
  return { lines, omitted };
}
