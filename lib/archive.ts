// Bundles as .tar.gz: written with the system tar (collect --archive) and unpacked beside the case database so
// that every citation points at a file that stays on disk (analyze, ingest and verify read archives directly).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/** Unpacks an archive under `into` (GNU tar drops leading slashes and refuses `..` members) and returns the folder. */
export function unpackArchive(archive: string, into: string): string {
  const dest = join(into, `${basename(archive).replace(/\.(tar\.gz|tgz)$/i, '')}.unpacked`);
  mkdirSync(dest, { recursive: true });
  const r = spawnSync('tar', ['-xzf', archive, '-C', dest, '--no-same-owner', '--no-same-permissions'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${archive}: not a readable .tar.gz bundle: ${r.stderr.trim().split('\n')[0]}`);
  return dest;
}
