// The docker CLI as collect and watch run it: aimed at --host when one was given, output captured with its exit code,
// stderr and start/end times for the manifest. Only for commands whose output is small (inspect, events, info);
// logs go through logs.ts, which streams to disk.
import { spawn } from 'node:child_process';

export interface Run { code: number; stdout: Buffer; stderr: string; started: string; ended: string }

/** The docker CLI's arguments, aimed at --host when one was given. */
export const dockerArgs = (host: string | undefined, args: string[]): string[] => (host ? ['--host', host, ...args] : args);

/** Runs a command with its output captured (stdout whole, stderr's head). */
export function runCommand(bin: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const started = new Date().toISOString();
  return new Promise((res) => {
    const p = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', (e) => res({ code: 127, stdout: Buffer.alloc(0), stderr: String(e.message), started, ended: new Date().toISOString() }));
    p.on('close', (code) => res({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').slice(0, 4000), started, ended: new Date().toISOString() }));
  });
}

/** Runs the docker CLI against --host (or DOCKER_HOST). */
export const docker = (args: string[], host?: string): Promise<Run> => runCommand('docker', dockerArgs(host, args));

/** The compose CLI of this host: the `docker compose` plugin, else docker-compose v1; aimed at --host through
 *  DOCKER_HOST (both understand it). null when neither is installed. */
export async function composeCli(host?: string): Promise<{ bin: string; argv: string[]; env: NodeJS.ProcessEnv } | null> {
  const env = host ? { ...process.env, DOCKER_HOST: host } : process.env;
  if ((await runCommand('docker', ['compose', 'version'], { env })).code === 0) return { bin: 'docker', argv: ['compose'], env };
  if ((await runCommand('docker-compose', ['version'], { env })).code === 0) return { bin: 'docker-compose', argv: [], env };
  return null;
}

/** The instant docker's --since value names (a Go duration such as 48h or 1h30m, a Unix time, or an RFC 3339 date),
 *  for choosing which rotated log files can hold lines in the window. null when it cannot be read (take them all). */
export function sinceCutoff(since: string, now = Date.now()): number | null {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  if (/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(since)) {
    let ms = 0;
    for (const [, n, , u] of since.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g)) ms += Number(n) * units[u];
    return now - ms;
  }
  if (/^\d+(\.\d+)?$/.test(since)) return Number(since) * 1000;
  const t = Date.parse(since);
  return Number.isNaN(t) ? null : t;
}
