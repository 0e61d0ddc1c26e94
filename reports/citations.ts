// Reads the raw lines that citations point at, straight from the evidence files (streamed, .gz included), and
// redacts them with the store's own redact() so that a report never shows a secret the database would not hold.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { lit } from '../lib/sql.js';
import { isGzip } from '../lib/gzip.js';
import type { Store } from '../case/store.js';
import type { Citation } from '../case/finding.js';

export const citationKey = (path: string, line: number): string => `${path}:${line}`;
const MAX_LINE_CHARS = 2000;

/** Reads the wanted lines of a file in 1 MiB chunks, splitting on newline bytes only where a wanted line lies. */
async function readLines(path: string, wanted: Set<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!existsSync(path) || !statSync(path).isFile() || wanted.size === 0) return out;
  const last = Math.max(...wanted);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
  let line = 1;
  let partial: Buffer[] = [];
  const keep = (buf: Buffer): void => {
    const text = buf.toString('utf8').replace(/\r$/, '');
    out.set(line, text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) + '…' : text);
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) {
          if (wanted.has(line)) partial.push(chunk.subarray(start));
          break;
        }
        if (wanted.has(line)) keep(Buffer.concat([...partial, chunk.subarray(start, nl)]));
        partial = [];
        line++;
        start = nl + 1;
        if (line > last) break;
      }
      if (line > last) break;
    }
    if (partial.length && wanted.has(line)) keep(Buffer.concat(partial));
  } catch {
    /* a damaged file: keep what was read */
  } finally {
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
