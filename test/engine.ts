// Docker engine helpers for the tests: the busybox image they run (imported from the host's static busybox, no
// registry needed) and a private dockerd of the test's own (for what must not touch the shared engine: a restart).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

export const IMAGE = 'clawtrail-busybox:test';

/** `docker` against a given host (or DOCKER_HOST when none). */
export const dockerOn = (host: string | undefined, args: string[], input?: Buffer): string =>
  execFileSync('docker', host ? ['--host', host, ...args] : args, { encoding: 'utf8', input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });

/** Imports the busybox image into the engine unless it is there. */
export function ensureImage(host?: string): void {
  if (spawnSync('docker', [...(host ? ['--host', host] : []), 'image', 'inspect', IMAGE]).status === 0) return;
  const root = tempDir('clawtrail-rootfs-');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'busybox'), readFileSync('/bin/busybox'));
  execFileSync('chmod', ['755', join(root, 'bin', 'busybox')]);
  for (const c of ['sh', 'echo', 'sleep', 'cat', 'printf', 'head', 'tr', 'date', 'mkdir', 'touch']) symlinkSync('busybox', join(root, 'bin', c));
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 26 });
  dockerOn(host, ['import', '-', IMAGE], tar.stdout);
}

export interface PrivateEngine { host: string; dir: string; start: () => Promise<void>; stop: () => Promise<void> }

/** A dockerd of the test's own (vfs, no iptables, no bridge, own data root and socket), startable again on the same
 *  data root — a daemon restart. null when dockerd is not installed or this is not root. */
export function privateEngine(): PrivateEngine | null {
  if (!existsSync('/usr/bin/dockerd') && !existsSync('/usr/sbin/dockerd')) return null;
  if (process.getuid?.() !== 0) return null;
  const dir = tempDir('clawtrail-dockerd-');
  const host = `unix://${dir}/docker.sock`;
  let proc: ChildProcess | undefined;
  const up = (): boolean => spawnSync('docker', ['--host', host, 'version'], { stdio: 'ignore' }).status === 0;
  return {
    host,
    dir,
    start: async () => {
      proc = spawn('dockerd', ['--storage-driver=vfs', '--iptables=false', '--ip6tables=false', '--bridge=none', '--data-root', join(dir, 'data'),
        '--exec-root', join(dir, 'exec'), '--host', host, '--pidfile', join(dir, 'dockerd.pid')], { stdio: 'ignore' });
      for (let i = 0; i < 120 && !up(); i++) await new Promise((r) => setTimeout(r, 250));
      if (!up()) throw new Error(`the private dockerd in ${dir} did not start`);
    },
    stop: async () => {
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
