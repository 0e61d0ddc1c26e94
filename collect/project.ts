// Which compose project to collect, and where its files live. The project comes from --project, else from the
// compose file in the current folder (the project whose working_dir label is this folder), else from the
// com.docker.compose.project labels when the engine runs exactly one; several candidates are listed.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from './docker.js';

const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export async function findProject(given: string | undefined, host: string | undefined, cwd = process.cwd()): Promise<string> {
  if (given) return given;
  const r = await docker(['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}\t{{.Label "com.docker.compose.project.working_dir"}}'], host);
  if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr.trim().split('\n')[0]} (is the engine reachable? --host, DOCKER_HOST)`);
  const folders = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [name, dir] = line.split('\t');
    if (name?.trim()) folders.set(name.trim(), (dir ?? '').trim());
  }
  if (COMPOSE_FILES.some((f) => existsSync(join(cwd, f)))) {
    const here = realpathSync(cwd);
    const mine = [...folders].filter(([, dir]) => dir && existsSync(dir) && realpathSync(dir) === here).map(([name]) => name);
    if (mine.length === 1) return mine[0];
  }
  if (folders.size === 1) return [...folders.keys()][0];
  if (folders.size === 0) throw new Error('no compose project found on this engine (is it the right one? --host, DOCKER_HOST)');
  throw new Error(`several compose projects; choose one with --project (or run collect in its folder):\n${[...folders].map(([n, d]) => `  ${n}${d ? `  (${d})` : ''}`).join('\n')}`);
}

/** Every container of the project, running or stopped. */
export async function projectContainers(project: string, host: string | undefined): Promise<string[]> {
  const r = await docker(['ps', '-a', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`], host);
  if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr.trim().split('\n')[0]}`);
  return r.stdout.toString('utf8').split('\n').filter(Boolean);
}

/** An engine on another machine (ssh:// or tcp:// to a non-loopback address): the paths its labels and mounts name
 *  are on that machine, not here, so collect takes no files from this host's disk for it. */
export function isRemoteEngine(host: string | undefined): boolean {
  if (!host) return false;
  if (/^ssh:\/\//.test(host)) return true;
  const m = /^(?:tcp|https?):\/\/\[?([^\]/:]+)/.exec(host);
  return !!m && !['127.0.0.1', 'localhost', '::1'].includes(m[1]);
}
