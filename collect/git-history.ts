// The compose folder's git history, made safe to leave the host: `git fast-export` of every ref is streamed through a
// scrubber (every file revision and commit message gets the same secret rules as the snapshot's files, so tokens
// become the keyed fingerprint markers ingest recognises) into `git fast-import` in a temporary bare repository, which
// is written as a `git bundle`. Authors, dates and the shape of the history stay; commit ids change, so the map from
// each original commit to its rewritten one travels beside the bundle.
// Like ingest, it reads the repository through lib/git.ts's private git dir: the host's repository config (which an
// attacker on the host may have written) is never read by the git that runs here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { GitRepo, MAX_CONFIG_BLOB, finished, initBare, ownGit, repositoryRootOf } from '../lib/git.js';
import type { Fingerprinter } from '../case/secrets.js';
import { scrubAnyConfig } from './scrub.js';
import { redactText } from '../case/secret-rules.js';

/** Rewrites a fast-export stream: the payload of each `data <n>` block of a blob is scrubbed as a config file, that of
 *  a commit or tag as a message; everything else passes as it is. Holds at most one blob in memory. */
export class FastExportScrubber extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private need = -1;               // bytes of the current data block still to come (-1: reading command lines)
  private skip = 0;                // bytes of an oversized blob still to discard
  private block: 'blob' | 'message' = 'message';
  private inCommit = false;
  readonly commitMarks = new Set<string>();
  leftOut = 0;

  constructor(private readonly fpr: Fingerprinter) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.pending.length);
        this.pending = this.pending.subarray(n);
        this.skip -= n;
        if (this.skip > 0) break;
        continue;
      }
      if (this.need >= 0) {
        if (this.pending.length < this.need) break;
        const payload = this.pending.subarray(0, this.need);
        this.pending = this.pending.subarray(this.need);
        this.need = -1;
        const out = this.scrub(payload);
        this.push(`data ${out.length}\n`);
        this.push(out);
        continue;
      }
      const nl = this.pending.indexOf(10);
      if (nl < 0) break;
      const line = this.pending.subarray(0, nl).toString('utf8');
      this.pending = this.pending.subarray(nl + 1);
      const data = /^data (\d+)$/.exec(line);
      if (data) {
        const n = Number(data[1]);
        if (this.block === 'blob' && n > MAX_CONFIG_BLOB) {
          const note = Buffer.from(`clawtrail: a file of ${n} bytes was left out of this history (over ${MAX_CONFIG_BLOB} bytes: not configuration)\n`);
          this.push(`data ${note.length}\n`);
          this.push(note);
          this.skip = n;
          this.leftOut++;
        } else this.need = n;
        continue;
      }
      if (line === 'blob') this.block = 'blob';
      else if (/^(commit|tag) /.test(line)) this.block = 'message';
      if (/^commit /.test(line)) this.inCommit = true;
      else if (/^(blob|reset |tag |done)/.test(line)) this.inCommit = false;
      const mark = /^mark :(\d+)$/.exec(line);
      if (mark && this.inCommit) this.commitMarks.add(mark[1]);
      this.push(line + '\n');
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.need > 0 || this.skip > 0) return done(new Error('git fast-export ended inside a data block'));
    if (this.pending.length) this.push(this.pending);
    done();
  }

  private scrub(payload: Buffer): Buffer {
    // binary revisions (a NUL byte) pass unchanged: the secret rules read text
    if (payload.includes(0)) return payload;
    const text = payload.toString('utf8');
    return Buffer.from(this.block === 'blob' ? scrubAnyConfig(text, this.fpr) : text.split('\n').map(redactText).join('\n'), 'utf8');
  }
}

/** The top of the git work tree that holds `dir`, or null when it is not in one. */
export function workTreeOf(dir: string): string | null {
  return repositoryRootOf(dir);
}

const readMarks = (path: string): Map<string, string> =>
  new Map(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => l.slice(1).split(' ') as [string, string]));

/** Writes `bundle` (a git bundle of every ref, scrubbed) and `commitMap` ("original rewritten" per commit). */
export async function scrubbedHistoryBundle(workTree: string, bundle: string, commitMap: string, fpr: Fingerprinter): Promise<{ commits: number; leftOut: number }> {
  const tmp = mkdtempSync(join(tmpdir(), 'clawtrail-history-'));
  // the host's own repository: links may lead anywhere on the host (a worktree's git dir), as any file collect reads
  const source = await GitRepo.open(workTree, tmp, { within: null });
  try {
    const bare = join(tmp, 'scrubbed.git');
    await initBare(bare, tmp);
    const exporter = source.spawn(['fast-export', '--all', '--signed-tags=strip', '--tag-of-filtered-object=rewrite', '--reencode=yes', `--export-marks=${join(tmp, 'old.marks')}`]);
    exporter.stdin!.end();
    const importer = ownGit(bare, tmp, ['fast-import', '--quiet', `--export-marks=${join(tmp, 'new.marks')}`]);
    const scrubber = new FastExportScrubber(fpr);
    exporter.stdout!.pipe(scrubber).pipe(importer.stdin!);
    await Promise.all([finished(exporter, 'git fast-export'), finished(importer, 'git fast-import')]);
    const bundler = ownGit(bare, tmp, ['bundle', 'create', resolve(bundle), '--all']);
    bundler.stdin!.end();
    await finished(bundler, 'git bundle create');
    const before = readMarks(join(tmp, 'old.marks'));
    const after = readMarks(join(tmp, 'new.marks'));
    const lines = [...scrubber.commitMarks].filter((m) => before.has(m) && after.has(m)).map((m) => `${before.get(m)} ${after.get(m)}`);
    writeFileSync(commitMap, lines.join('\n') + (lines.length ? '\n' : ''));
    return { commits: lines.length, leftOut: scrubber.leftOut };
  } finally {
    source.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
