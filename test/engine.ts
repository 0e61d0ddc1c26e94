// Docker engine helpers for the tests: the busybox image (samples/gen/engine-image.ts, shared with the engine
// capture) and a private dockerd of the test's own, for what must not touch the shared engine (a daemon restart).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

export { IMAGE, dockerOn, ensureImage } from '../samples/gen/engine-image.js';

export interface PrivateEngine { host: string; dir: string; start: () => Promise<void>; stop: () => Promise<void> }

/** A dockerd of the test's own (vfs, no iptables, no bridge, own data root and socket), startable again on the same
 *  data root — a daemon restart. null when dockerd is not installed or this is not root. */
export function privateEngine(extraArgs: string[] = []): PrivateEngine | null {
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
        '--exec-root', join(dir, 'exec'), '--host', host, '--pidfile', join(dir, 'dockerd.pid'), ...extraArgs], { stdio: 'ignore' });
      for (let i = 0; i < 120 && !up(); i++) await sleep(250);
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
