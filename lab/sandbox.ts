// The lab's sandbox: a network namespace with only `lo`, a private dockerd started inside it, and a register of
// every process the lab starts, so that each is stopped by its pid at the end — also when a run fails midway
// (the caller's finally, and SIGINT/SIGTERM handlers).
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Started { name: string; pid: number; child: ChildProcess; stopSignal: NodeJS.Signals }

export class Sandbox {
  readonly netns: string;
  readonly engineDir: string;
  readonly dockerHost: string;
  private started: Started[] = [];
  private dockerdPid = 0;
  private log: (msg: string) => void;

  constructor(netns: string, engineDir: string, log: (msg: string) => void) {
    this.netns = netns;
    this.engineDir = engineDir;
    this.dockerHost = `unix://${path.join(engineDir, 'docker.sock')}`;
    this.log = log;
  }

  /** Creates the namespace (only `lo`, up). Any outbound attempt from inside fails at once. */
  createNetns(): void {
    if (!fs.existsSync(`/var/run/netns/${this.netns}`)) run('ip', ['netns', 'add', this.netns]);
    run('ip', ['netns', 'exec', this.netns, 'ip', 'link', 'set', 'lo', 'up']);
    const links = run('ip', ['netns', 'exec', this.netns, 'ip', '-o', 'link']).stdout.trim().split('\n');
    if (links.length !== 1 || !/\blo\b/.test(links[0])) throw new Error(`netns ${this.netns} has more than lo: ${links.join(' | ')}`);
  }

  /** dockerd inside the namespace (nsenter, not `ip netns exec`, which remounts /sys and breaks cgroups). */
  async startDockerd(): Promise<void> {
    fs.mkdirSync(this.engineDir, { recursive: true });
    const sock = path.join(this.engineDir, 'docker.sock');
    const pidfile = path.join(this.engineDir, 'dockerd.pid');
    const stale = readPid(pidfile);
    if (stale && alive(stale)) throw new Error(`a lab dockerd (pid ${stale}) is already running on ${sock}: another recording in progress?`);
    const out = fs.openSync(path.join(this.engineDir, 'dockerd.log'), 'a');
    const child = spawn('nsenter', [`--net=/var/run/netns/${this.netns}`, 'dockerd', '--storage-driver=overlay2',
      '--iptables=false', '--ip6tables=false', '--bridge=none', '--data-root', path.join(this.engineDir, 'data'),
      '--exec-root', path.join(this.engineDir, 'exec'), '--host', `unix://${sock}`, '--pidfile', pidfile],
    { stdio: ['ignore', out, out], detached: true });
    this.dockerdPid = child.pid ?? 0;
    this.started.push({ name: 'dockerd', pid: this.dockerdPid, child, stopSignal: 'SIGTERM' });
    for (let i = 0; i < 120; i++) {
      if (spawnSync('docker', ['version'], { env: this.env(), stdio: 'ignore' }).status === 0) { this.log(`dockerd up (pid ${this.dockerdPid})`); return; }
      if (child.exitCode !== null) break;
      await sleep(500);
    }
    throw new Error(`dockerd did not start: see ${path.join(this.engineDir, 'dockerd.log')}`);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: this.dockerHost, ...extra };
  }

  /** A long-running process inside the namespace, registered for stopping. */
  startInNetns(name: string, cmd: string, args: string[], opts: { out?: string; cwd?: string; stopSignal?: NodeJS.Signals; env?: NodeJS.ProcessEnv } = {}): Started {
    const fd = opts.out ? fs.openSync(opts.out, 'a') : 'ignore';
    const child = spawn('ip', ['netns', 'exec', this.netns, cmd, ...args], { stdio: ['ignore', fd, fd], cwd: opts.cwd, env: opts.env ?? process.env, detached: true });
    const st: Started = { name, pid: child.pid ?? 0, child, stopSignal: opts.stopSignal ?? 'SIGTERM' };
    this.started.push(st);
    return st;
  }

  /** A long-running process on the host side (the clawtrail watch talks to the engine's socket only). */
  startOnHost(name: string, cmd: string, args: string[], opts: { out?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
    const fd = opts.out ? fs.openSync(opts.out, 'a') : 'ignore';
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd: opts.cwd, env: opts.env ?? process.env, detached: true });
    const st: Started = { name, pid: child.pid ?? 0, child, stopSignal: 'SIGTERM' };
    this.started.push(st);
    return st;
  }

  async stop(st: Started, graceMs = 8000): Promise<void> {
    if (st.child.exitCode !== null || st.child.signalCode !== null) { this.forget(st); return; }
    try { process.kill(st.pid, st.stopSignal); } catch { this.forget(st); return; }
    const until = Date.now() + graceMs;
    while (Date.now() < until && st.child.exitCode === null && st.child.signalCode === null) await sleep(100);
    if (st.child.exitCode === null && st.child.signalCode === null) {
      this.log(`${st.name} (pid ${st.pid}) ignored ${st.stopSignal}; SIGKILL`);
      try { process.kill(st.pid, 'SIGKILL'); } catch { /* gone */ }
      await sleep(200);
    }
    this.forget(st);
  }

  private forget(st: Started): void { this.started = this.started.filter((x) => x !== st); }

  /** Stops everything this sandbox started, newest first, dockerd last (after its containers are removed). */
  async stopAll(removeProject?: () => void): Promise<void> {
    for (const st of [...this.started].reverse()) if (st.name !== 'dockerd') await this.stop(st);
    if (removeProject && this.dockerdPid) { try { removeProject(); } catch (e) { this.log(`removing the project failed: ${(e as Error).message}`); } }
    for (const st of [...this.started]) await this.stop(st, 20000);
    // dockerd leaves its namespace handle mounted in the exec root; release it with the namespace
    run('umount', [path.join(this.engineDir, 'exec', 'netns', 'default')], { allowFail: true });
    try { run('ip', ['netns', 'delete', this.netns]); } catch { /* already gone */ }
  }

  get running(): string[] { return this.started.map((s) => `${s.name}(${s.pid})`); }
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean; input?: string } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8', input: opts.input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-800)}`);
  return r;
}

function readPid(file: string): number { try { return Number(fs.readFileSync(file, 'utf8').trim()) || 0; } catch { return 0; } }
function alive(pid: number): boolean { try { process.kill(pid, 0); return true; } catch { return false; } }
