// Git history of the config repository, read-only: one streamed `git log` for commits and files, one long-lived
// `git cat-file --batch` for the content of every revision of a recognised config file. Never a checkout, never a
// hook, filter or textconv: bundles are cloned bare (without templates) into a temporary folder, and every git
// process runs with hooks and fsmonitor disabled and system/global config ignored.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { lit } from '../../lib/sql.js';
import { SAFE_CONFIG, SAFE_ENV } from '../../lib/git.js';
import type { Fingerprinter } from '../../case/secrets.js';
import type { Store } from '../../case/store.js';
import { configDocumentValues } from '../structured.js';
import { insertConfigValues } from '../config/values.js';
import { summaryOf, type SourceSummary } from '../summary.js';


/** Which config format a repository path holds, if any. */
export function configFormatOf(path: string): string | undefined {
  const name = basename(path).toLowerCase();
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(name)) return 'compose';
  if (name === '.env' || name.endsWith('.env')) return 'dotenv';
  if (/^openclaw\.json5?$/.test(name)) return 'openclaw-json';
  if (name === 'nginx.conf' || (/\.conf$/.test(name) && /nginx/i.test(path))) return 'nginx-conf';
  if (name === 'caddyfile') return 'caddyfile';
  return undefined;
}

function git(repo: string, args: string[]): ReturnType<typeof spawn> {
  return spawn('git', [...SAFE_CONFIG, '--git-dir', repo, ...args], { env: SAFE_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function runToString(repo: string, args: string[]): Promise<string> {
  const p = git(repo, args);
  const chunks: Buffer[] = [];
  const err: Buffer[] = [];
  p.stdout!.on('data', (c: Buffer) => chunks.push(c));
  p.stderr!.on('data', (c: Buffer) => err.push(c));
  const code: number = await new Promise((r) => p.on('close', r));
  if (code !== 0) throw new Error(`git ${args[0]} failed: ${Buffer.concat(err).toString().trim().split('\n')[0]}`);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads blobs through one `git cat-file --batch`, by the byte length in each header. */
class BlobReader {
  private proc;
  private buf = Buffer.alloc(0);
  private waiting: ((b: Buffer | null) => void)[] = [];
  constructor(repo: string) {
    this.proc = git(repo, ['cat-file', '--batch']);
    this.proc.stdout!.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.drain();
    });
  }
  private drain(): void {
    while (this.waiting.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString();
      if (header.endsWith(' missing')) {
        this.buf = this.buf.subarray(nl + 1);
        this.waiting.shift()!(null);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = this.buf.subarray(nl + 1, nl + 1 + size);
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.waiting.shift()!(Buffer.from(body));
    }
  }
  read(oid: string): Promise<Buffer | null> {
    return new Promise((r) => {
      this.waiting.push(r);
      this.proc.stdin!.write(oid + '\n');
    });
  }
  close(): void {
    this.proc.stdin!.end();
  }
}

interface Commit { sha: string; parents: string; author: string; email: string; at: string; ct: string; subject: string;
  files: { path: string; status: string; blob: string; added: number | null; removed: number | null }[] }

function parseLog(text: string): Commit[] {
  const commits: Commit[] = [];
  for (const rec of text.split('\x1e')) {
    if (!rec.trim()) continue;
    const [head, ...rest] = rec.split('\n');
    const [sha, parents, author, email, at, ct, subject] = head.split('\x1f');
    const c: Commit = { sha, parents, author, email, at, ct, subject: subject ?? '', files: [] };
    const stats = new Map<string, [number | null, number | null]>();
    for (const l of rest) {
      if (l.startsWith(':')) {
        const [meta, ...paths] = l.split('\t');
        const parts = meta.split(' ');
        c.files.push({ path: paths[paths.length - 1], status: parts[4], blob: parts[3], added: null, removed: null });
      } else if (/^(\d+|-)\t(\d+|-)\t/.test(l)) {
        const [a, r, ...p] = l.split('\t');
        stats.set(p.join('\t'), [a === '-' ? null : Number(a), r === '-' ? null : Number(r)]);
      }
    }
    for (const f of c.files) [f.added, f.removed] = stats.get(f.path) ?? [null, null];
    commits.push(c);
  }
  return commits;
}

/** A bare clone of a bundle file (or the repository's own git dir), never a work tree. */
async function gitDirOf(path: string, workDir: string): Promise<string> {
  const st = statSync(path);
  if (st.isFile()) {
    const dest = join(workDir, `bundle-${Date.now()}-${Math.random().toString(36).slice(2)}.git`);
    // plain git here: simple-git (rightly) refuses --template, which we need empty so that no hook is installed
    await new Promise<void>((res, rej) => {
      const p = spawn('git', [...SAFE_CONFIG, 'clone', '--bare', '--template=', '--quiet', '--', resolve(path), dest], { env: SAFE_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      const err: Buffer[] = [];
      p.stderr!.on('data', (c: Buffer) => err.push(c));
      p.on('error', rej);
      p.on('close', (code) => (code === 0 ? res() : rej(new Error(Buffer.concat(err).toString().trim().split('\n')[0] || `git clone exited ${code}`))));
    });
    return dest;
  }
  if (existsSync(join(path, '.git'))) {
    const gd = join(path, '.git');
    return statSync(gd).isFile() ? (await simpleGit(path).env(SAFE_ENV).revparse(['--absolute-git-dir'])).trim() : gd;
  }
  return path;
}

export async function ingestGitRepo(store: Store, repoPath: string, fpr: Fingerprinter, workDir: string): Promise<SourceSummary | undefined> {
  const sourceId = Number((await store.one<{ id: string }>(`SELECT nextval('source_id_seq') AS id`))!.id);
  let gitDir: string;
  try {
    gitDir = await gitDirOf(repoPath, workDir);
  } catch (err) {
    await store.run(`INSERT INTO sources (source_id, path, kind, format, status, note, total_lines, parsed_lines, rejected_lines, ingested_at)
      VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', 'error', ${lit(`cannot read git repository: ${(err as Error).message.split('\n')[0]}`)}, 0, 0, 0, now())`);
    return summaryOf(store, sourceId);
  }
  const shallow = existsSync(join(gitDir, 'shallow'));
  // One history is ingested once however many copies the evidence holds (a bundle and its clone, the same repository
  // under two paths): its identity is its root commits and the commits its refs point at, not its path.
  const identity = await historyIdentity(gitDir);
  const prior = await store.one<{ path: string }>(`SELECT path FROM sources WHERE kind = 'git' AND sha256 = ${lit(identity)} AND status <> 'duplicate'`);
  if (prior) {
    if (prior.path === repoPath) return undefined; // the same repository again: already ingested
    await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, total_lines, parsed_lines, rejected_lines, blank_lines, status, note, ingested_at)
      VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', ${lit(identity)}, 0, 0, 0, 0, 'duplicate', ${lit(`the same git history as ${prior.path} (same root and tip commits): not read twice`)}, now())`);
    return summaryOf(store, sourceId);
  }
  // every ref counts, not HEAD alone: a bundle written from refs without HEAD has a HEAD that resolves to nothing
  const log = identity !== 'empty'
    ? await runToString(gitDir, ['log', '--all', '--no-renames', '--no-textconv', '--no-ext-diff', '--raw', '--numstat', '--no-abbrev', '-m', '--first-parent',
        '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s'])
    : '';
  const commits = parseLog(log);
  try {
    await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, bytes, total_lines, parsed_lines, rejected_lines, blank_lines, status, note, ingested_at)
      VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', ${lit(identity)}, NULL, ${commits.length}, ${commits.length}, 0, 0, 'ingesting',
      ${lit([commits.length === 0 ? 'empty repository (no commits)' : '', shallow ? 'shallow clone: history before the graft is missing' : ''].filter(Boolean).join('; ') || '')}, now())`);
    for (let i = 0; i < commits.length; i += 500) {
      const batch = commits.slice(i, i + 500);
      await store.run(`INSERT INTO commits VALUES ${batch.map((c) => `(${sourceId}, ${lit(c.sha)}, ${lit(c.parents)}, ${lit(c.author)}, ${lit(c.email)}, TRY_CAST(${lit(c.at)} AS TIMESTAMPTZ), TRY_CAST(${lit(c.ct)} AS TIMESTAMPTZ), ${lit(c.subject)})`).join(',')}`);
      const files = batch.flatMap((c) => c.files.map((f) => `(${sourceId}, ${lit(c.sha)}, ${lit(f.path)}, ${lit(f.status)}, ${f.added ?? 'NULL'}, ${f.removed ?? 'NULL'})`));
      if (files.length) await store.run(`INSERT INTO commit_files VALUES ${files.join(',')}`);
    }
    // Every revision of a recognised config file, oldest first, read through one cat-file process.
    const reader = new BlobReader(gitDir);
    try {
      for (const c of [...commits].reverse()) {
        for (const f of c.files) {
          const format = configFormatOf(f.path);
          if (!format) continue;
          const ctx = { validFrom: c.ct, validFromAssumed: false, commitSha: c.sha, path: f.path, sourceId };
          if (f.status === 'D' || /^0+$/.test(f.blob)) {
            await insertConfigValues(store, ctx, [{ surface: surfaceOf(format), key: '(file deleted)', value: null, fp: null, shape: null, line: null }]);
            continue;
          }
          const blob = await reader.read(f.blob);
          if (!blob) continue;
          try {
            const { values } = configDocumentValues(format, blob.toString('utf8'), fpr);
            await insertConfigValues(store, ctx, values);
          } catch (err) {
            await store.run(`INSERT INTO rejects VALUES (${sourceId}, 0, ${lit(`${c.sha.slice(0, 12)}:${f.path}: ${(err as Error).message.split('\n')[0]}`)}, NULL)`);
          }
        }
      }
    } finally {
      reader.close();
    }
    await store.run(`UPDATE sources SET first_ts = (SELECT min(committer_time) FROM commits WHERE source_id = ${sourceId}),
      last_ts = (SELECT max(committer_time) FROM commits WHERE source_id = ${sourceId}), tz = 'stated', status = 'ok' WHERE source_id = ${sourceId}`);
  } catch (err) {
    await store.discardIncomplete([sourceId]);
    throw err;
  }
  return summaryOf(store, sourceId);
}

/** A history's identity: its root commits and the commits its refs point at (sorted), hashed; 'empty' without commits. */
async function historyIdentity(gitDir: string): Promise<string> {
  const tips = await runToString(gitDir, ['log', '--all', '--no-walk', '--format=%H']).catch(() => '');
  if (!tips.trim()) return 'empty';
  const roots = await runToString(gitDir, ['rev-list', '--all', '--max-parents=0']).catch(() => '');
  const ids = (t: string) => [...new Set(t.split('\n').map((l) => l.trim()).filter(Boolean))].sort().join(',');
  return 'history:' + createHash('sha256').update(`roots ${ids(roots)}\ntips ${ids(tips)}`).digest('hex');
}

function surfaceOf(format: string): string {
  return ({ compose: 'compose', dotenv: '.env', 'openclaw-json': 'openclaw.json', 'nginx-conf': 'nginx.conf', caddyfile: 'caddyfile' } as Record<string, string>)[format] ?? format;
}
