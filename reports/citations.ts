// Reads the raw lines that citations point at, straight from the evidence files (streamed, .gz included), and
// redacts them with the store's own redact() so that a report never shows a secret the database would not hold.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { lit } from '../lib/sql.js';
import { isGzip } from '../lib/gzip.js';
import type { Store } from '../case/store.js';
import type { Citation } from '../case/finding.js';
import { containerOfLogPath } from '../case/bundle-layout.js';

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

/** A source's short label for people: the container's name and id prefix for a file of a container (a json-file, a
 *  gateway file log, saved `docker logs`), else the file's last two path parts — more where two sources would share
 *  a label. The full path stays in the coverage table and the tooltips. */
export function sourceLabels(paths: string[], containerNames: Map<string, string>): Map<string, string> {
  const base = (p: string, parts: number): string => {
    const id = containerOfLogPath(p);
    const file = p.split('/').slice(-parts).join('/');
    if (!id) return file;
    const kind = /-json\.log(\.\d+)?$/.test(p) ? `json-file${/\.(\d+)$/.exec(p)?.[0] ?? ''}` : p.split('/').pop()!;
    return `${containerNames.get(id) ?? 'container'} ${id} ${kind}`;
  };
  const out = new Map<string, string>();
  for (let parts = 2; parts <= 8; parts++) {
    const counts = new Map<string, number>();
    for (const p of paths) if (!out.has(p)) counts.set(base(p, parts), (counts.get(base(p, parts)) ?? 0) + 1);
    for (const p of paths) if (!out.has(p) && (counts.get(base(p, parts)) === 1 || parts === 8)) out.set(p, base(p, parts));
  }
  return out;
}

/** Citations of one source (or one commit), with consecutive lines merged into ranges. */
export interface CiteGroup {
  label: string;
  path: string | null;
  sha: string | null;
  ranges: [number, number][];   // [from, to] line ranges, to = from for a single line
  notes: string[];              // the distinct notes, three at most
  cites: Citation[];
}

/** Groups citations by source in order of first appearance: one chip per file ("access.log 889–900") instead of a
 *  wall of consecutive lines, one per commit. */
export function groupCitations(cites: Citation[], labelOf: (path: string) => string): CiteGroup[] {
  const groups = new Map<string, CiteGroup>();
  for (const c of cites) {
    const key = c.sha ? `commit:${c.sha}` : `path:${c.path ?? `source ${c.source_id}`}`;
    let g = groups.get(key);
    if (!g) {
      g = { label: c.sha ? `commit ${c.sha.slice(0, 7)}${c.path ? ` ${c.path}` : ''}` : labelOf(c.path ?? `source ${c.source_id}`),
        path: c.sha ? null : (c.path ?? null), sha: c.sha ?? null, ranges: [], notes: [], cites: [] };
      groups.set(key, g);
    }
    g.cites.push(c);
    if (c.note && !g.notes.includes(c.note) && g.notes.length < 3) g.notes.push(c.note);
  }
  for (const g of groups.values()) {
    const lines = [...new Set(g.cites.map((c) => c.line).filter((l): l is number => typeof l === 'number'))].sort((a, b) => a - b);
    for (const l of lines) {
      const last = g.ranges[g.ranges.length - 1];
      if (last && l === last[1] + 1) last[1] = l;
      else g.ranges.push([l, l]);
    }
  }
  return [...groups.values()];
}

/** "889–900, 905" */
export const rangesText = (ranges: [number, number][]): string => ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
