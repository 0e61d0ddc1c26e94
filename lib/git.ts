// How every git process of clawtrail runs. A repository is data, never configuration: git is never pointed at it.
// Each read goes through a private bare repository that clawtrail makes in a temporary folder (`git init
// --template=`, so its config is git's own defaults and it has no hook). Its object directory links to the
// repository's object files, its refs are copied from the repository's ref files after checking them, and every git
// process runs in an environment built from nothing (no system, global or XDG config, no GIT_* variable of the
// analyst's). So git never reads the repository's config (gpg.program, log.showSignature, core.*, diff.*, filter.*,
// include/includeIf, …), its attributes, hooks, alternates, grafts or replace refs — not because each is switched off
// (a deny-list misses the next one) but because git is never told where they are. Only plumbing runs (rev-list,
// cat-file, diff-tree, fast-export), and commits are parsed from their raw objects, which no subject can forge.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/** Objects larger than this are not configuration: noted, never read (ingest) or left out (collect). */
export const MAX_CONFIG_BLOB = 16 * 1024 * 1024;

/** The environment of every git process: nothing of the analyst's, nothing of the repository's. */
function gitEnv(home: string, gitDir?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: home, LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_SYSTEM: '/dev/null', GIT_CONFIG_GLOBAL: '/dev/null', GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_ALLOW_PROTOCOL: 'file',
    ...(gitDir ? { GIT_DIR: gitDir } : {}),
  };
}

/** The exit of a git process, with the first line of its stderr when it failed. */
export function finished(p: ChildProcess, what: string): Promise<void> {
  const err: Buffer[] = [];
  p.stderr?.on('data', (c: Buffer) => err.push(c));
  return new Promise((res, rej) => {
    p.on('error', (e) => rej(new Error(`${what}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? res() : rej(new Error(`${what} failed: ${Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? ''}`))));
  });
}

async function collectOutput(p: ChildProcess, what: string): Promise<Buffer> {
  const out: Buffer[] = [];
  p.stdout!.on('data', (c: Buffer) => out.push(c));
  await finished(p, what);
  return Buffer.concat(out);
}

/** The work tree that holds `dir` (the nearest folder with a `.git` entry), found without running git. */
export function repositoryRootOf(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
}

const HEX = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
/** Ref names git itself would accept, and nothing that could break the packed-refs line we write. */
const REF_NAME = /^refs\/[A-Za-z0-9._+@/-]+$/;
const MAX_REF_FILE = 64 * 1024 * 1024;

class Refusal extends Error {}

/** `p` resolved (links followed), refused when it leaves `root`. */
function within(root: string | null, p: string, what: string): string {
  const real = realpathSync(p);
  if (root && real !== root && !real.startsWith(root + sep)) throw new Refusal(`${what} leads outside the repository's folder (${real}): not read`);
  return real;
}

/** The evidence repository's git dir and common dir (worktrees keep refs and objects in the common one). */
function gitDirsOf(path: string, root: string | null): { gitDir: string; common: string } {
  let gitDir = path;
  const dotGit = join(path, '.git');
  if (existsSync(dotGit)) {
    const st = lstatSync(dotGit);
    if (st.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8').slice(0, 4096));
      if (!m) throw new Refusal('.git is a file without a gitdir: line');
      gitDir = within(root, resolve(path, m[1].trim()), '.git (gitdir: file)');
    } else gitDir = within(root, dotGit, '.git');
  } else gitDir = within(root, path, 'the repository');
  const commonFile = join(gitDir, 'commondir');
  const common = existsSync(commonFile) ? within(root, resolve(gitDir, readFileSync(commonFile, 'utf8').trim()), 'commondir') : gitDir;
  return { gitDir, common };
}

/** The refs of a git dir, read as files: packed-refs, then loose refs (which win), symbolic refs resolved. */
function readRefs(gitDir: string, common: string, notes: string[]): { refs: Map<string, string>; head: string | null; headRef: string | null } {
  const raw = new Map<string, string>(); // name → sha or "ref: target"
  const packed = join(common, 'packed-refs');
  if (existsSync(packed) && lstatSync(packed).isFile() && lstatSync(packed).size < MAX_REF_FILE) {
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line);
      if (m && REF_NAME.test(m[2])) raw.set(m[2], m[1]);
    }
  }
  let skipped = 0;
  const walk = (dir: string, name: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const n = `${name}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), n);
      else if (e.isFile() && REF_NAME.test(n)) raw.set(n, readFileSync(join(dir, e.name), 'utf8').slice(0, 4096).trim());
      else skipped++;
    }
  };
  const refsDir = join(common, 'refs');
  if (existsSync(refsDir) && lstatSync(refsDir).isDirectory()) walk(refsDir, 'refs');
  if (skipped) notes.push(`${skipped} ref entr${skipped === 1 ? 'y' : 'ies'} that are not plain files (symlinks, odd names) ignored`);
  const resolveRef = (v: string | undefined, depth = 0): string | null => {
    if (!v || depth > 5) return null;
    if (HEX.test(v)) return v;
    const m = /^ref: (\S+)$/.exec(v);
    return m ? resolveRef(raw.get(m[1]), depth + 1) : null;
  };
  const refs = new Map<string, string>();
  for (const [n, v] of raw) {
    const sha = resolveRef(v);
    if (sha) refs.set(n, sha);
  }
  const headFile = join(gitDir, 'HEAD');
  const headText = existsSync(headFile) && lstatSync(headFile).isFile() ? readFileSync(headFile, 'utf8').slice(0, 4096).trim() : '';
  const headRef = /^ref: (refs\/\S+)$/.exec(headText)?.[1] ?? null;
  return { refs, head: resolveRef(headText), headRef: headRef && refs.has(headRef) ? headRef : null };
}

/** Links the private object directory to the evidence's object files: loose-object folders and the pack folder, never
 *  objects/info (alternates, which would borrow objects from anywhere on this machine). */
function linkObjects(evidenceObjects: string, privateObjects: string, root: string | null, notes: string[]): void {
  const objects = within(root, evidenceObjects, 'objects');
  for (const e of readdirSync(objects, { withFileTypes: true })) {
    if (!/^([0-9a-f]{2}|pack)$/.test(e.name)) continue;
    const src = within(root, join(objects, e.name), `objects/${e.name}`);
    if (!lstatSync(src).isDirectory()) throw new Refusal(`objects/${e.name} is not a folder: not read`);
    // a link inside the object store could hand git a file from anywhere: such a repository is not read at all
    for (const f of readdirSync(src, { withFileTypes: true })) if (!f.isFile()) throw new Refusal(`objects/${e.name}/${f.name} is not a plain file: not read`);
    rmSync(join(privateObjects, e.name), { recursive: true, force: true });
    symlinkSync(src, join(privateObjects, e.name));
  }
  if (existsSync(join(objects, 'info', 'alternates')) || existsSync(join(objects, 'info', 'http-alternates'))) {
    notes.push('objects/info/alternates ignored: objects borrowed from outside the repository are not read (history may be incomplete)');
  }
}

/** One git object as `git cat-file` describes it. */
export interface GitObject { type: string; size: number; body: Buffer | null }

/**
 * Reads objects through one long-lived `git cat-file --batch-command`: `info` first, `contents` only when the object
 * is within the cap. Output is parsed by the byte length in each header and collected as a list of chunks, so reading
 * is linear in the object's size.
 */
export class ObjectReader {
  private waiting: { resolve: (o: GitObject | null) => void; wantBody: boolean }[] = [];
  private header: Buffer[] = [];
  private body: Buffer[] = [];
  private bodyLeft = -1;      // bytes of the current body still to come (+1 for its newline); -1 while reading a header
  private current: { type: string; size: number } | null = null;

  constructor(private readonly proc: ChildProcess) {
    proc.stdout!.on('data', (c: Buffer) => this.feed(c));
    proc.stderr!.resume();
    // a cat-file that dies (a corrupt pack) answers every question still open with "missing", never leaves it waiting
    const fail = (): void => {
      for (const w of this.waiting.splice(0)) w.resolve(null);
    };
    proc.on('close', fail);
    proc.on('error', fail);
  }

  private feed(c: Buffer): void {
    while (c.length) {
      if (this.bodyLeft >= 0) {
        const n = Math.min(this.bodyLeft, c.length);
        this.body.push(c.subarray(0, n));
        this.bodyLeft -= n;
        c = c.subarray(n);
        if (this.bodyLeft === 0) {
          const all = Buffer.concat(this.body);
          this.body = [];
          this.bodyLeft = -1;
          this.waiting.shift()!.resolve({ ...this.current!, body: all.subarray(0, all.length - 1) });
        }
        continue;
      }
      const nl = c.indexOf(10);
      if (nl < 0) {
        this.header.push(c);
        return;
      }
      this.header.push(c.subarray(0, nl));
      c = c.subarray(nl + 1);
      const line = Buffer.concat(this.header).toString('utf8');
      this.header = [];
      const m = /^\S+ (\S+) (\d+)$/.exec(line);
      const w = this.waiting[0];
      if (!w) return; // nothing asked: not an answer
      if (!m) {
        this.waiting.shift()!.resolve(null); // "<oid> missing" / "ambiguous"
      } else if (w.wantBody) {
        this.current = { type: m[1], size: Number(m[2]) };
        this.bodyLeft = this.current.size + 1;
      } else this.waiting.shift()!.resolve({ type: m[1], size: Number(m[2]), body: null });
    }
  }

  private ask(command: string, wantBody: boolean): Promise<GitObject | null> {
    return new Promise((resolve) => {
      this.waiting.push({ resolve, wantBody });
      this.proc.stdin!.write(command + '\n');
    });
  }

  /** The object's type and size, and its bytes when it is at most `cap` bytes (null when it is missing). */
  async read(oid: string, cap = MAX_CONFIG_BLOB): Promise<GitObject | null> {
    if (!HEX.test(oid)) return null;
    const info = await this.ask(`info ${oid}`, false);
    if (!info || info.size > cap) return info;
    return this.ask(`contents ${oid}`, true);
  }

  close(): void {
    this.proc.stdin!.end();
  }
}

/** A repository (work tree folder, bare folder or bundle file) opened for reading through a private git dir. */
export class GitRepo {
  readonly notes: string[] = [];
  private constructor(readonly dir: string, private readonly home: string, readonly head: string | null, readonly tips: string[],
    /** Commits whose parents a shallow clone left out (they are read as roots). */
    readonly shallowCommits: Set<string>) {}

  /**
   * `within`: a folder nothing may lead out of (the repository's folder for evidence); null for the collector, which
   * reads its own host's repository. Throws with a clear message when the repository cannot be read safely.
   */
  static async open(path: string, workDir: string, opts: { within: string | null }): Promise<GitRepo> {
    const home = mkdtempSync(join(workDir, 'git-'));
    const dir = join(home, 'repo.git');
    try {
      return await GitRepo.build(path, home, dir, opts.within === null ? null : realpathSync(opts.within));
    } catch (err) {
      rmSync(home, { recursive: true, force: true });
      throw err instanceof Refusal ? new Error(err.message) : err;
    }
  }

  private static async build(path: string, home: string, dir: string, root: string | null): Promise<GitRepo> {
    const notes: string[] = [];
    const init = (format: string) => initBare(dir, home, format);
    let refs = new Map<string, string>();
    let head: string | null = null;
    let headRef: string | null = null;
    const shallow = new Set<string>();
    if (statSync(path).isFile()) {
      // a bundle file: git reads the file itself (no transport, no remote); its refs are checked like any others
      await init(/^# v3 git bundle\n(@[^\n]*\n)*@object-format=sha256/.test(readFileSync(path, 'latin1').slice(0, 4096)) ? 'sha256' : 'sha1');
      const out = await collectOutput(spawn('git', ['bundle', 'unbundle', resolve(path)], { cwd: home, env: gitEnv(home, dir), stdio: ['ignore', 'pipe', 'pipe'] }), 'git bundle unbundle');
      for (const line of out.toString('utf8').split('\n')) {
        const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line);
        if (m && REF_NAME.test(m[2])) refs.set(m[2], m[1]);
        else if (m && m[2] === 'HEAD') head = m[1];
      }
    } else {
      const { gitDir, common } = gitDirsOf(path, root);
      ({ refs, head, headRef } = readRefs(gitDir, common, notes));
      await init([...refs.values(), head ?? ''].some((s) => s.length === 64) ? 'sha256' : 'sha1');
      linkObjects(join(common, 'objects'), join(dir, 'objects'), root, notes);
      const shallowFile = join(common, 'shallow');
      if (existsSync(shallowFile) && lstatSync(shallowFile).isFile()) {
        for (const l of readFileSync(shallowFile, 'utf8').split('\n')) if (HEX.test(l)) shallow.add(l);
        writeFileSync(join(dir, 'shallow'), [...shallow].map((l) => l + '\n').join(''));
      }
    }
    // refs whose object is missing would stop every later command: kept out, and said
    const names = [...refs.keys()];
    const asked = [...names.map((n) => refs.get(n)!), head ?? '0'.repeat(40)];
    const check = spawn('git', ['cat-file', '--batch-check'], { cwd: home, env: gitEnv(home, dir), stdio: ['pipe', 'pipe', 'pipe'] });
    const checked = collectOutput(check, 'git cat-file --batch-check');
    check.stdin!.end(asked.join('\n') + '\n');
    const missing = (await checked).toString('utf8').split('\n').slice(0, asked.length).map((l) => / missing$/.test(l));
    const good = names.filter((_, i) => !missing[i]);
    if (good.length < names.length) notes.push(`${names.length - good.length} ref(s) pointing at missing objects ignored`);
    if (head && missing[names.length]) head = null;
    writeFileSync(join(dir, 'packed-refs'), good.map((n) => `${refs.get(n)} ${n}\n`).join(''));
    headRef ??= [...refs].find(([n, sha]) => sha === head && n.startsWith('refs/heads/'))?.[0] ?? null;
    if (headRef && good.includes(headRef)) writeFileSync(join(dir, 'HEAD'), `ref: ${headRef}\n`);
    else if (head) writeFileSync(join(dir, 'HEAD'), `${head}\n`);
    const repo = new GitRepo(dir, home, head, [...new Set(good.map((n) => refs.get(n)!))], shallow);
    repo.notes.push(...notes);
    return repo;
  }

  /** A git process on the private repository. */
  spawn(args: string[]): ChildProcess {
    return spawn('git', args, { cwd: this.home, env: gitEnv(this.home, this.dir), stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** A git process run to its end, its stdout returned (small outputs only). */
  run(args: string[], input?: string): Promise<Buffer> {
    const p = this.spawn(args);
    const out = collectOutput(p, `git ${args[0]}`);
    p.stdin!.end(input ?? '');
    return out;
  }

  objects(): ObjectReader {
    return new ObjectReader(this.spawn(['cat-file', '--batch-command']));
  }

  close(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** A new bare repository of our own (the private reader, collect's scrubbed history), made in the clean environment. */
export async function initBare(dir: string, home: string, objectFormat = 'sha1'): Promise<void> {
  mkdirSync(home, { recursive: true });
  await finished(spawn('git', ['init', '--quiet', '--bare', '--template=', `--object-format=${objectFormat}`, dir], { cwd: home, env: gitEnv(home), stdio: ['ignore', 'ignore', 'pipe'] }), 'git init');
}

/** git in a repository of our own making (never evidence). */
export function ownGit(dir: string, home: string, args: string[]): ChildProcess {
  return spawn('git', args, { cwd: home, env: gitEnv(home, dir), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Splits a stream of NUL-terminated records (git -z output) without ever joining more than one record. */
export async function* nulRecords(stream: Readable): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let c = chunk;
    for (let z = c.indexOf(0); z >= 0; z = c.indexOf(0)) {
      pending.push(c.subarray(0, z));
      yield Buffer.concat(pending).toString('utf8');
      pending = [];
      c = c.subarray(z + 1);
    }
    if (c.length) pending.push(c);
  }
  if (pending.length) yield Buffer.concat(pending).toString('utf8');
}
