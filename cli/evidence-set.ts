// A case is one evidence set. analyze, ingest and audit into a case that already holds a different set refuse
// (--append adds on purpose, --force replaces the case); the same set again is idempotent.
//
// The evidence set is the set of input roots (the paths given, and --git repositories), each identified by its
// content: the sha256 over the sorted "relative path NUL sha256 of the file" of every file under it (a file root: its
// name and hash; a git repository: its refs, which name every commit by content). A root that is missing counts by its
// path. Two runs read the same evidence set when their roots' digests are equal — wherever the bundle lies on disk —
// and a run whose roots are all already in the case adds nothing (a subset is the same set). It is stored in
// case_meta `evidence_set` with each file's size, mtime and hash, so that a re-run hashes only files that changed.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { discover } from '../ingest/discover.js';
import type { Store } from '../case/store.js';
import { lit } from '../lib/sql.js';

interface FileEntry { path: string; bytes: number; mtime_ms: number; sha256: string }
export interface RootEntry { path: string; digest: string; files: number; bytes: number }
export interface EvidenceSet { roots: RootEntry[]; files: FileEntry[] }

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A git directory's refs (HEAD, packed-refs, refs/**, regular files only): commit ids are content hashes, so the
 *  refs name the whole history. */
function gitRefs(repo: string): [string, string][] {
  const gitDir = existsSync(join(repo, '.git')) ? join(repo, '.git') : repo;
  if (lstatSync(gitDir).isFile()) return [['.git', readFileSync(gitDir, 'utf8').slice(0, 4096)]];
  const out: [string, string][] = [];
  const read = (rel: string): void => {
    const p = join(gitDir, rel);
    let st;
    try { st = lstatSync(p); } catch { return; }
    if (st.isDirectory() && out.length < 10_000) for (const e of readdirSync(p).sort()) read(join(rel, e));
    else if (st.isFile() && st.size < 1 << 20) out.push([rel, readFileSync(p, 'utf8')]);
  };
  for (const rel of ['HEAD', 'packed-refs', 'refs']) read(rel);
  return out;
}

const digestOf = (entries: [string, string][]): string =>
  createHash('sha256').update(entries.map(([k, v]) => `${k}\0${v}\n`).sort().join('')).digest('hex');

/** The evidence set of these roots. `known` gives hashes already computed (by ingest, or a previous run), reused
 *  when a file's size and mtime are unchanged. */
export async function evidenceSet(roots: string[], gitRoots: string[], known: Map<string, { bytes: number; mtime_ms: number; sha256: string }>): Promise<EvidenceSet> {
  const set: EvidenceSet = { roots: [], files: [] };
  for (const root of roots) {
    const abs = resolve(root);
    if (!existsSync(abs)) {
      set.roots.push({ path: abs, digest: digestOf([['missing', abs]]), files: 0, bytes: 0 });
      continue;
    }
    const isDir = statSync(abs).isDirectory();
    const found = discover([abs]);
    const entries: [string, string][] = [];
    let bytes = 0;
    for (const f of found.files) {
      let st;
      try { st = statSync(f.path); } catch { continue; }
      const k = known.get(f.path);
      let sha = k && k.bytes === st.size && k.mtime_ms === st.mtimeMs ? k.sha256 : null;
      if (!sha) {
        try { sha = await sha256File(f.path); } catch { sha = 'unreadable'; }
      }
      set.files.push({ path: f.path, bytes: st.size, mtime_ms: st.mtimeMs, sha256: sha });
      entries.push([isDir ? relative(abs, f.path) : basename(f.path), sha]);
      bytes += st.size;
    }
    for (const repo of found.gitRepos) for (const [k, v] of gitRefs(repo)) entries.push([`git:${relative(abs, repo)}/${k}`, v]);
    set.roots.push({ path: abs, digest: digestOf(entries), files: found.files.length, bytes });
  }
  for (const repo of gitRoots) {
    const abs = resolve(repo);
    if (!existsSync(abs)) continue;   // ingest reports it
    const entries = statSync(abs).isDirectory() ? gitRefs(abs) : [[basename(abs), await sha256File(abs)] as [string, string]];
    set.roots.push({ path: abs, digest: digestOf(entries.map(([k, v]) => [`git:${k}`, v])), files: 0, bytes: 0 });
  }
  return set;
}

export async function storedEvidenceSet(store: Store): Promise<EvidenceSet | null> {
  const row = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'evidence_set'`);
  return row ? (JSON.parse(row.value) as EvidenceSet) : null;
}

/** Hashes the case already knows: a previous evidence set's files, and the sources ingest hashed. */
export async function knownHashes(store: Store, stored: EvidenceSet | null): Promise<Map<string, { bytes: number; mtime_ms: number; sha256: string }>> {
  const known = new Map<string, { bytes: number; mtime_ms: number; sha256: string }>((stored?.files ?? []).map((f) => [f.path, f]));
  for (const s of await store.all<{ path: string; sha256: string; bytes: string }>(`SELECT path, sha256, bytes::VARCHAR AS bytes FROM sources WHERE sha256 IS NOT NULL AND kind <> 'git'`)) {
    const abs = resolve(s.path);
    if (known.has(abs)) continue;
    try {
      const st = statSync(abs);
      if (st.size === Number(s.bytes)) known.set(abs, { bytes: st.size, mtime_ms: st.mtimeMs, sha256: s.sha256 });
    } catch { /* gone since */ }
  }
  return known;
}

/** Does the case hold evidence already (any source, readable or not)? */
export async function caseHasEvidence(store: Store): Promise<boolean> {
  return !!(await store.one('SELECT 1 FROM sources LIMIT 1'));
}

/** The set after this run: the stored one with the new roots added (an append, or the first ingest). */
export function mergeSets(stored: EvidenceSet | null, added: EvidenceSet): EvidenceSet {
  const roots = [...(stored?.roots ?? [])];
  for (const r of added.roots) if (!roots.some((x) => x.digest === r.digest)) roots.push(r);
  const files = new Map([...(stored?.files ?? []), ...added.files].map((f) => [f.path, f]));
  return { roots, files: [...files.values()] };
}

export async function saveEvidenceSet(store: Store, set: EvidenceSet): Promise<void> {
  await store.run(`INSERT OR REPLACE INTO case_meta VALUES ('evidence_set', ${lit(JSON.stringify(set))})`);
}

/** Is every root of `run` already in the stored set (by content)? */
export function sameEvidence(stored: EvidenceSet, run: EvidenceSet): boolean {
  return run.roots.every((r) => stored.roots.some((s) => s.digest === r.digest));
}
