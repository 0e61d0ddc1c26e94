// The bundle folder as collect fills it: every file written through here gets its manifest entry (sha256, size, the
// command or copy that produced it, times); what could not be taken is recorded as a failure, what was left out on
// purpose as a note. MANIFEST.json is written from these entries at the end.
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dockerArgs, docker, type Run } from './docker.js';
import { copyRedacted } from './logs.js';
import { sha256File, type ManifestEntry } from './manifest.js';

const now = (): string => new Date().toISOString();

/** Why a path cannot be read (null when it can): a missing file is ordinary, a denied one is worth saying. */
export function whyUnreadable(path: string): string | null {
  try {
    statSync(path);
    accessSync(path, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' ? 'ENOENT' : `cannot read: ${code} (run collect as a user who may read it, e.g. root)`;
  }
}

export class BundleWriter {
  readonly entries: ManifestEntry[] = [];

  constructor(readonly out: string, readonly say: (m: string) => void, readonly host?: string) {}

  /** The absolute path of a bundle file, its folder created. */
  path(rel: string): string {
    const p = join(this.out, rel);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  }

  /** A command's output kept as `rel` when it succeeded (transformed first), and its manifest entry either way. */
  async keep(rel: string, command: string, r: Run, transform?: (b: Buffer) => string | Buffer): Promise<Run> {
    const entry: ManifestEntry = { path: null, command, exit_code: r.code, stderr: r.stderr, started: r.started, ended: r.ended };
    if (r.code === 0) {
      writeFileSync(this.path(rel), transform ? transform(r.stdout) : r.stdout);
      Object.assign(entry, { path: rel }, await sha256File(join(this.out, rel)));
    }
    this.entries.push(entry);
    return r;
  }

  /** `docker ARGS` as the manifest records it (with --host when one was given). */
  commandLine(args: string[]): string {
    return ['docker', ...dockerArgs(this.host, args)].join(' ');
  }

  /** Runs `docker ARGS` and keeps its output as `rel`. */
  async docker(rel: string, args: string[], transform?: (b: Buffer) => string | Buffer): Promise<Run> {
    this.say(`docker ${args.join(' ')}`);
    return this.keep(rel, this.commandLine(args), await docker(args, this.host), transform);
  }

  /** The manifest entry of a file already written to `rel` (a copy, not a command). */
  async added(rel: string, command: string, started: string, extra: Partial<ManifestEntry> = {}): Promise<void> {
    this.entries.push({ path: rel, command, exit_code: 0, stderr: '', started, ended: now(), ...extra, ...(await sha256File(join(this.out, rel))) });
  }

  /** Copies a log into `rel`, streamed and redacted, and records it; a file that vanishes or fails mid-copy (a rotation,
   *  a removed container) is recorded as not collected, and the partial copy removed. */
  async copyLog(source: string, rel: string): Promise<void> {
    const started = now();
    this.say(`copy ${source}`);
    try {
      await copyRedacted(source, this.path(rel));
    } catch (err) {
      rmSync(join(this.out, rel), { force: true });
      this.failed(`copy ${source}`, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, started);
      return;
    }
    await this.added(rel, `copy ${source} (token= values redacted)`, started);
  }

  /** Copies a config file into `rel` through a scrubber and records it (a read that fails is recorded instead). */
  async copyScrubbed(source: string, rel: string, scrub: (text: string) => string): Promise<void> {
    let text: string;
    try {
      text = scrub(readFileSync(source, 'utf8'));
    } catch (err) {
      this.failed(`copy ${source}`, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    await this.write(rel, text, `copy ${source} (secret values fingerprinted)`);
  }

  /** Writes text to `rel` and records it. */
  async write(rel: string, text: string, command: string): Promise<void> {
    const started = now();
    writeFileSync(this.path(rel), text);
    await this.added(rel, command, started);
  }

  /** Something that could not be collected: no file, a non-zero exit, the reason. */
  failed(command: string, why: string, code = 1, started = now()): void {
    this.entries.push({ path: null, command, exit_code: code, stderr: why, started, ended: now() });
  }

  /** Something left out on purpose: no file, exit 0, the reason. */
  noted(command: string, why: string): void {
    const at = now();
    this.entries.push({ path: null, command, exit_code: 0, stderr: why, started: at, ended: at });
  }

  get failures(): ManifestEntry[] {
    return this.entries.filter((e) => e.exit_code !== 0);
  }
}
