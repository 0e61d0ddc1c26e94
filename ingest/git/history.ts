// Git history of the config repository, read as data (lib/git.ts: git never sees the repository's config, hooks or
// attributes): `git rev-list` for the commits, each commit parsed from its raw object (so no subject can forge a field),
// `git diff-tree -z` for the files each changed, and one `git cat-file --batch-command` for the content of every
// revision of a recognised config file. Objects over the size cap are noted, never read.
import { createHash } from 'node:crypto';
import { MAX_CONFIG_BLOB, GitRepo, nulRecords, type ObjectReader } from '../../lib/git.js';
import { lit } from '../../lib/sql.js';
import { FingerprintKeyRefused, type Fingerprinter } from '../../case/secrets.js';
import { redactText } from '../../case/secret-rules.js';
import type { Store } from '../../case/store.js';
import { configDocumentValues } from '../structured.js';
import { configFormatOf } from '../formats/documents.js';
import { configValueBatch } from '../config/values.js';
import { summaryOf, type SourceSummary } from '../summary.js';


interface Commit { sha: string; parents: string; author: string; email: string; at: string | null; ct: string | null; subject: string;
  files: { path: string; status: string; blob: string; added: number | null; removed: number | null }[] }

const isoOf = (seconds: string | undefined): string | null => {
  const d = new Date(Number(seconds) * 1000);
  return seconds !== undefined && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
};

/** "Name <email> 1700000000 +0200", split from the right: a name cannot push the email or the time aside. */
function parseIdent(v: string): { name: string; email: string; at: string | null } {
  const gt = v.lastIndexOf('>');
  const lt = gt < 0 ? -1 : v.lastIndexOf('<', gt);
  return { name: (lt < 0 ? v : v.slice(0, lt)).trim(), email: lt < 0 ? '' : v.slice(lt + 1, gt), at: isoOf(/^\s*(\d+)/.exec(v.slice(gt + 1))?.[1]) };
}

/** A raw commit object: headers up to the first empty line (continuation lines start with a space), then the message.
 *  The subject is the message's first paragraph on one line, as `git log %s` shows it, with secrets redacted. */
export function parseCommit(sha: string, raw: Buffer): Omit<Commit, 'files'> & { firstParent: string | null } {
  const end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  const parents: string[] = [];
  let author = { name: '', email: '', at: null as string | null };
  let committer = { ...author };
  let encoding = 'utf-8';
  for (const line of head.split('\n')) {
    const sp = line.indexOf(' ');
    const [k, v] = [line.slice(0, sp), line.slice(sp + 1)];
    if (k === 'parent') parents.push(v);
    else if (k === 'author') author = parseIdent(v);
    else if (k === 'committer') committer = parseIdent(v);
    else if (k === 'encoding') encoding = v.trim();
  }
  let message: string;
  try {
    message = new TextDecoder(encoding).decode(end < 0 ? Buffer.alloc(0) : raw.subarray(end + 2));
  } catch {
    message = (end < 0 ? Buffer.alloc(0) : raw.subarray(end + 2)).toString('utf8');
  }
  const subject = message.replace(/^\s+/, '').split(/\n[ \t]*\n/)[0].split('\n').map((l) => l.trim()).join(' ').trim();
  return { sha, parents: parents.join(' '), firstParent: parents[0] ?? null, author: redactText(author.name), email: redactText(author.email),
    at: author.at, ct: committer.at, subject: redactText(subject) };
}

/** The commits of every ref (first parents, newest first, as `git log --all --first-parent`), each read raw. */
async function readCommits(repo: GitRepo, reader: ObjectReader, notes: string[]): Promise<(Commit & { firstParent: string | null })[]> {
  const list = (await repo.run(['rev-list', '--first-parent', '--stdin'], repo.tips.join('\n') + '\n')).toString('utf8').split('\n').filter(Boolean);
  const commits: (Commit & { firstParent: string | null })[] = [];
  let tooBig = 0;
  for (const sha of list) {
    const obj = await reader.read(sha);
    if (!obj || obj.type !== 'commit') continue;
    if (!obj.body) {
      tooBig++;
      commits.push({ sha, parents: '', firstParent: null, author: '', email: '', at: null, ct: null, subject: `(commit object of ${obj.size} bytes: not read)`, files: [] });
      continue;
    }
    const c = parseCommit(sha, obj.body);
    // a shallow clone's boundary, or a parent the repository lacks: the commit is read as a root
    if (c.firstParent && (repo.shallowCommits.has(sha) || !(await reader.read(c.firstParent, 0)))) c.firstParent = null;
    commits.push({ ...c, files: [] });
  }
  if (tooBig) notes.push(`${tooBig} commit object(s) over ${MAX_CONFIG_BLOB} bytes not read`);
  return commits;
}

/** Files changed by each commit against its first parent, from one `git diff-tree --stdin -z` (NUL-separated, so a
 *  path can hold any byte): raw entries give status and blob, numstat entries the line counts. */
async function readFiles(repo: GitRepo, commits: (Commit & { firstParent: string | null })[]): Promise<void> {
  const p = repo.spawn(['diff-tree', '--stdin', '-r', '--raw', '--numstat', '--no-renames', '--no-abbrev', '-z', '--root', '--always']);
  const done = new Promise<void>((res, rej) => {
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res() : rej(new Error(`git diff-tree exited ${code}`))));
  });
  p.stdin!.end(commits.map((c) => (c.firstParent ? `${c.sha} ${c.firstParent}` : c.sha)).join('\n') + '\n');
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  let cur: Commit | undefined;
  let meta: string[] | null = null; // a raw entry whose path comes next
  const stats = new Map<string, [number | null, number | null]>();
  const flush = (): void => {
    if (cur) for (const f of cur.files) [f.added, f.removed] = stats.get(f.path) ?? [null, null];
    stats.clear();
  };
  for await (const rec of nulRecords(p.stdout!)) {
    if (meta) {
      cur?.files.push({ path: rec, status: meta[4], blob: meta[3], added: null, removed: null });
      meta = null;
    } else if (rec.startsWith(':')) meta = rec.slice(1).split(' ');
    else if (bySha.has(rec.trim())) {
      flush();
      cur = bySha.get(rec.trim());
    } else {
      const m = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/.exec(rec);
      if (m) stats.set(m[3], [m[1] === '-' ? null : Number(m[1]), m[2] === '-' ? null : Number(m[2])]);
    }
  }
  flush();
  await done;
}

/** `repoPath`: a work tree, a bare repository or a bundle file; nothing inside a folder may lead out of it. */
export async function ingestGitRepo(store: Store, repoPath: string, fpr: Fingerprinter, workDir: string): Promise<SourceSummary | undefined> {
  const sourceId = Number((await store.one<{ id: string }>(`SELECT nextval('source_id_seq') AS id`))!.id);
  let repo: GitRepo;
  try {
    repo = await GitRepo.open(repoPath, workDir, { within: repoPath });
  } catch (err) {
    await store.run(`INSERT INTO sources (source_id, path, kind, format, status, note, total_lines, parsed_lines, rejected_lines, ingested_at)
      VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', 'error', ${lit(`cannot read git repository: ${(err as Error).message.split('\n')[0]}`)}, 0, 0, 0, now())`);
    return summaryOf(store, sourceId);
  }
  const reader = repo.objects();
  try {
    // One history is ingested once however many copies the evidence holds (a bundle and its clone, a moved folder):
    // its identity is its root commits and the commits its refs point at (content hashes), not its path
    const roots = repo.tips.length ? (await repo.run(['rev-list', '--max-parents=0', '--stdin'], repo.tips.join('\n') + '\n')).toString('utf8').split('\n').filter(Boolean).sort() : [];
    const head = repo.tips.length ? createHash('sha256').update(`roots ${roots.join(',')}\ntips ${[...repo.tips].sort().join(',')}`).digest('hex') : 'empty';
    const prior = await store.one<{ path: string }>(`SELECT path FROM sources WHERE kind = 'git' AND sha256 = ${lit(head)} AND status NOT IN ('duplicate', 'error') ORDER BY source_id LIMIT 1`);
    if (prior) {
      if (prior.path === repoPath) return undefined; // the same repository again: already ingested
      await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, total_lines, parsed_lines, rejected_lines, blank_lines, status, note, ingested_at)
        VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', ${lit(head)}, 0, 0, 0, 0, 'duplicate', ${lit(`the same git history as ${prior.path} (same root and tip commits): not read twice`)}, now())`);
      return summaryOf(store, sourceId);
    }
    const notes = [...repo.notes];
    const commits = repo.tips.length ? await readCommits(repo, reader, notes) : [];
    await readFiles(repo, commits);
    if (commits.length === 0) notes.unshift('empty repository (no commits)');
    if (repo.shallowCommits.size) notes.push('shallow clone: history before the graft is missing');
    await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, bytes, total_lines, parsed_lines, rejected_lines, blank_lines, status, note, ingested_at)
      VALUES (${sourceId}, ${lit(repoPath)}, 'git', 'git', ${lit(head)}, NULL, ${commits.length}, ${commits.length}, 0, 0, 'ingesting', '', now())`);
    try {
      for (let i = 0; i < commits.length; i += 500) {
        const batch = commits.slice(i, i + 500);
        await store.run(`INSERT INTO commits VALUES ${batch.map((c) => `(${sourceId}, ${lit(c.sha)}, ${lit(c.parents)}, ${lit(c.author)}, ${lit(c.email)}, TRY_CAST(${lit(c.at ?? "")} AS TIMESTAMPTZ), TRY_CAST(${lit(c.ct ?? "")} AS TIMESTAMPTZ), ${lit(c.subject)})`).join(',')}`);
        const files = batch.flatMap((c) => c.files.map((f) => `(${sourceId}, ${lit(c.sha)}, ${lit(f.path)}, ${lit(f.status)}, ${f.added ?? 'NULL'}, ${f.removed ?? 'NULL'})`));
        if (files.length) await store.run(`INSERT INTO commit_files VALUES ${files.join(',')}`);
      }
      await ingestConfigRevisions(store, sourceId, commits, reader, fpr, notes);
      await store.run(`UPDATE sources SET first_ts = (SELECT min(committer_time) FROM commits WHERE source_id = ${sourceId}),
        last_ts = (SELECT max(committer_time) FROM commits WHERE source_id = ${sourceId}), tz = 'stated', status = 'ok', note = ${lit(notes.join('; '))} WHERE source_id = ${sourceId}`);
    } catch (err) {
      await store.discardIncomplete([sourceId]);
      throw err;
    }
  } finally {
    reader.close();
    repo.close();
  }
  return summaryOf(store, sourceId);
}

/** Every revision of a recognised config file, oldest first; a revision over the cap is noted (a value row and the
 *  source's note), never read. */
async function ingestConfigRevisions(store: Store, sourceId: number, commits: Commit[], reader: ObjectReader, fpr: Fingerprinter, notes: string[]): Promise<void> {
  const tooBig: string[] = [];
  const batch = configValueBatch(store);
  for (const c of [...commits].reverse()) {
    for (const f of c.files) {
      const format = configFormatOf(f.path);
      if (!format) continue;
      const ctx = { validFrom: c.ct, validFromAssumed: false, commitSha: c.sha, path: f.path, sourceId };
      const marker = (key: string) => batch.add(ctx, [{ surface: surfaceOf(format), key, value: null, fp: null, shape: null, line: null }]);
      if (f.status === 'D' || /^0+$/.test(f.blob)) {
        await marker('(file deleted)');
        continue;
      }
      const blob = await reader.read(f.blob);
      if (!blob || blob.type !== 'blob') continue;
      if (!blob.body) {
        tooBig.push(`${c.sha.slice(0, 12)}:${f.path} (${blob.size} bytes)`);
        await marker(`(file not read: ${blob.size} bytes, over the ${MAX_CONFIG_BLOB}-byte cap)`);
        continue;
      }
      try {
        const { values } = configDocumentValues(format, blob.body.toString('utf8'), fpr);
        await batch.add(ctx, values);
      } catch (err) {
        if (err instanceof FingerprintKeyRefused) throw err;
        await store.run(`INSERT INTO rejects VALUES (${sourceId}, 0, ${lit(redactText(`${c.sha.slice(0, 12)}:${f.path}: ${(err as Error).message.split('\n')[0]}`))}, NULL)`);
      }
    }
  }
  await batch.flush();
  if (tooBig.length) notes.push(`${tooBig.length} config file revision(s) over ${MAX_CONFIG_BLOB} bytes not read: ${tooBig.slice(0, 3).join(', ')}${tooBig.length > 3 ? ', …' : ''}`);
}

function surfaceOf(format: string): string {
  return ({ compose: 'compose', dotenv: '.env', 'openclaw-json': 'openclaw.json', 'nginx-conf': 'nginx.conf', caddyfile: 'caddyfile' } as Record<string, string>)[format] ?? format;
}
