// The tiny image the engine captures and the engine tests run: the host's static busybox imported as a rootfs (no
// image registry needed), with the applets the gateway stand-ins use.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IMAGE = 'clawtrail-busybox:test';

/** `docker` against a given host (or DOCKER_HOST when none). */
export const dockerOn = (host: string | undefined, args: string[], input?: Buffer): string =>
  execFileSync('docker', host ? ['--host', host, ...args] : args, { encoding: 'utf8', input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });

/** Imports the busybox image into the engine unless it is there. */
export function ensureImage(host?: string): void {
  if (spawnSync('docker', [...(host ? ['--host', host] : []), 'image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0) return;
  const root = mkdtempSync(join(tmpdir(), 'clawtrail-rootfs-'));
  try {
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'busybox'), readFileSync('/bin/busybox'), { mode: 0o755 });
    for (const c of ['sh', 'echo', 'sleep', 'cat', 'printf', 'head', 'tr', 'date', 'mkdir', 'touch', 'true']) symlinkSync('busybox', join(root, 'bin', c));
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 26 });
    dockerOn(host, ['import', '-', IMAGE], tar.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
