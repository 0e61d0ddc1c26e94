// Bundles as .tar.gz: written with the system tar (collect --archive), and unpacked here (analyze, ingest and verify
// read archives directly) beside the case database, so that every citation points at a file that stays on disk.
// An archive is evidence, so it is unpacked by our own reader (tar-stream), never by tar: only folders and regular
// files are written, each inside the destination (no absolute path, no `..`), with their mtime (config files date
// from it) and ordinary permissions; links, devices, FIFOs and sparse entries are listed as skipped; the total, each
// file, the number of entries and the expansion ratio are bounded. It is written to a temporary folder beside the
// destination and renamed into place only when complete: a refused or interrupted unpack leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Header } from 'tar-stream';
import { GZIP_BOMB_FLOOR, GZIP_BOMB_RATIO } from './gzip.js';

export function isBundleArchive(path: string): boolean {
  if (!/\.(tar\.gz|tgz)$/i.test(path) || !existsSync(path) || !statSync(path).isFile()) return false;
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(2);
  readSync(fd, b, 0, 2, 0);
  closeSync(fd);
  return b[0] === 0x1f && b[1] === 0x8b;
}

export function writeArchive(folder: string): string {
  const archive = `${resolve(folder)}.tar.gz`;
  const r = spawnSync('tar', ['-czf', archive, '-C', dirname(resolve(folder)), basename(resolve(folder))], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.trim().split('\n')[0]}`);
  return archive;
}

export interface UnpackLimits {
  totalBytes: number;   // all files together
  fileBytes: number;    // one file
  entries: number;      // members of the archive
  ratio: number;        // unpacked / compressed, once past GZIP_BOMB_FLOOR bytes
}

const GiB = 1024 ** 3;
/** Sized for real bundles (a week of a busy gateway and proxy: a few GB of logs, compressed 5–50×). */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = { totalBytes: 32 * GiB, fileBytes: 8 * GiB, entries: 200_000, ratio: GZIP_BOMB_RATIO };

/** "512M", "20G", "1048576": bytes. */
function sizeOf(text: string, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new Error(`${name} must be a size such as 512M or 20G, got ${JSON.stringify(text)}`);
  return Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()));
}

/** The limits, with CLAWTRAIL_UNPACK_MAX_BYTES, _MAX_FILE_BYTES, _MAX_ENTRIES and _MAX_RATIO overriding the defaults. */
export function unpackLimitsFromEnv(env = process.env): UnpackLimits {
  const num = (name: string, parse: (v: string) => number, dflt: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const n = parse(v);
    if (!(n > 0)) throw new Error(`${name} must be positive, got ${JSON.stringify(v)}`);
    return n;
  };
  const d = DEFAULT_UNPACK_LIMITS;
  return {
    totalBytes: num('CLAWTRAIL_UNPACK_MAX_BYTES', (v) => sizeOf(v, 'CLAWTRAIL_UNPACK_MAX_BYTES'), d.totalBytes),
    fileBytes: num('CLAWTRAIL_UNPACK_MAX_FILE_BYTES', (v) => sizeOf(v, 'CLAWTRAIL_UNPACK_MAX_FILE_BYTES'), d.fileBytes),
    entries: num('CLAWTRAIL_UNPACK_MAX_ENTRIES', Number, d.entries),
    ratio: num('CLAWTRAIL_UNPACK_MAX_RATIO', Number, d.ratio),
  };
}

export interface Unpacked {
  dir: string;
  /** Members not written, with the reason (path as `archive:member`). */
  skipped: { path: string; reason: string }[];
  /** Names of the archive's top-level entries (a bundle archive holds exactly one folder). */
  top: string[];
}

/** A member name as a safe relative path, or why it is not one. */
function memberPath(name: string): { rel: string } | { why: string } {
  if (name.includes('\0')) return { why: 'a NUL byte in its name' };
  if (name.startsWith('/')) return { why: 'an absolute path' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { why: 'a path that leads out of the archive (..)' };
  if (parts.length === 0) return { why: 'an empty name' };
  return { rel: parts.join('/') };
}

const SKIPPED_TYPES: Record<string, string> = {
  symlink: 'a symbolic link', link: 'a hard link', 'character-device': 'a character device', 'block-device': 'a block device', fifo: 'a FIFO',
};

/** Unpacks a .tar.gz into `<into>/<name>.unpacked` (replacing an earlier unpack) and returns the folder. */
export async function unpackArchive(archive: string, into: string, limits: UnpackLimits = unpackLimitsFromEnv()): Promise<Unpacked> {
  const name = basename(archive).replace(/\.(tar\.gz|tgz)$/i, '');
  mkdirSync(into, { recursive: true });
  const dest = join(into, `${name}.unpacked`);
  const tmp = mkdtempSync(join(into, `.${name}.unpacking-`));
  // an interrupt (Ctrl-C, kill) must not leave a half-written tree: removed, then the process ends as it would have
  const onSignal = (sig: NodeJS.Signals): void => {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await extractInto(archive, tmp, limits);
    rmSync(dest, { recursive: true, force: true });
    renameSync(tmp, dest);
    return { dir: dest, skipped: r.skipped, top: r.top };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`${archive}: ${(err as Error).message}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function extractInto(archive: string, dest: string, limits: UnpackLimits): Promise<{ skipped: Unpacked['skipped']; top: string[] }> {
  const compressed = statSync(archive).size;
  const skipped: Unpacked['skipped'] = [];
  const top = new Set<string>();
  let unpacked = 0;
  let entries = 0;
  const gunzip = createGunzip();
  // loaded here, when an archive is unpacked: most runs read folders
  const tar = (await import('tar-stream')).extract();
  gunzip.on('data', (c: Buffer) => {
    unpacked += c.length;
    if (unpacked > limits.totalBytes) gunzip.destroy(new Error(`unpacking stopped: more than ${limits.totalBytes} bytes (CLAWTRAIL_UNPACK_MAX_BYTES)`));
    else if (unpacked > Math.max(GZIP_BOMB_FLOOR, compressed * limits.ratio)) {
      gunzip.destroy(new Error(`unpacking stopped at ${unpacked} bytes from ${compressed} compressed: more than ${limits.ratio}× (guard against archive bombs; CLAWTRAIL_UNPACK_MAX_RATIO)`));
    }
  });
  tar.on('entry', (header: Header, stream, next) => {
    const drain = (): void => {
      stream.on('end', () => next());
      stream.resume();
    };
    const skip = (why: string): void => {
      skipped.push({ path: `${archive}:${header.name}`, reason: `${why}: not unpacked` });
      drain();
    };
    if (++entries > limits.entries) {
      tar.destroy(new Error(`more than ${limits.entries} entries (CLAWTRAIL_UNPACK_MAX_ENTRIES)`));
      return;
    }
    const p = memberPath(header.name);
    if ('why' in p && header.type === 'directory' && p.why === 'an empty name') return drain(); // "./": the archive's own top
    if ('why' in p) return skip(p.why);
    top.add(p.rel.split('/')[0]);
    const target = join(dest, p.rel);
    if (header.type === 'directory') {
      mkdirSync(target, { recursive: true });
      return drain();
    }
    // tar-stream gives no type (null) for what it does not know: GNU sparse ('S') and vendor extensions
    const type = header.type as string | null;
    if (type !== 'file' && type !== 'contiguous-file') return skip(SKIPPED_TYPES[type ?? ''] ?? `an entry of type ${type ?? 'unknown (GNU sparse or a vendor extension)'}`);
    if (Object.keys((header.pax ?? {}) as Record<string, string>).some((k) => k.startsWith('GNU.sparse'))) return skip('a sparse file');
    if ((header.size ?? 0) > limits.fileBytes) return skip(`a file of ${header.size} bytes, over ${limits.fileBytes} (CLAWTRAIL_UNPACK_MAX_FILE_BYTES)`);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target) && !lstatSync(target).isFile()) return skip('a file where the archive already made a folder');
    const out = createWriteStream(target, { mode: 0o644 });
    out.on('error', (err) => tar.destroy(err));
    out.on('finish', () => {
      utimesSync(target, header.mtime ?? new Date(), header.mtime ?? new Date());
      next();
    });
    stream.pipe(out);
  });
  // tar-stream is a streamx stream: piped, and its end or the first error of the three awaited
  await new Promise<void>((res, rej) => {
    const input = createReadStream(archive);
    const stop = (err: Error): void => {
      input.destroy();
      gunzip.destroy();
      tar.destroy();
      rej(new Error(/unpacking stopped|entries/.test(err.message) ? err.message : `not a readable .tar.gz bundle: ${err.message}`));
    };
    input.on('error', stop);
    gunzip.on('error', stop);
    tar.on('error', stop);
    tar.on('finish', () => res());
    input.pipe(gunzip).pipe(tar);
  });
  return { skipped, top: [...top] };
}
