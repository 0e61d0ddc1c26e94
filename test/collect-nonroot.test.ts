// collect as a user who is not root but in the docker group: a private dockerd whose socket belongs to the docker
// group, a project with a gateway whose state sits in a named volume (under the engine's root-only data root). The
// user reaches everything the engine serves (inspect, docker logs, events, info) and is refused the engine's files
// (json-file, volume data): collect says so in the manifest, exits 3, and the bundle still verifies and analyzes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { CLI, runCli, tempDir } from './helpers.js';
import { dockerOn, ensureImage, IMAGE, privateEngine } from './engine.js';

const USER = 'clawtrail-test';
const hasDockerGroup = spawnSync('getent', ['group', 'docker']).status === 0;
const engine = hasDockerGroup ? privateEngine(['--group', 'docker']) : null;
if (!engine && process.env.CI === 'true') throw new Error('CI=true but no private dockerd with a docker group can start here (dockerd, root and the docker group are needed)');
const d = engine ? describe : describe.skip;
const PROJECT = `cnonroot${process.pid}`;

const canReach = (path: string, how: '-r' | '-x'): boolean => spawnSync('runuser', ['-u', USER, '--', 'test', how, path]).status === 0;

/** Node and the CLI as the non-root user can run them: this checkout when that user can reach it, else a copy of what
 *  the CLI needs at run time (package.json, dist/, node_modules/, and the SQL and asset files it reads) in a folder of
 *  its own — a clone under a 0700 home folder is out of another user's reach. */
function runnableByUser(): { node: string; cli: string } {
  const node = canReach(process.execPath, '-x') ? process.execPath : join(tempDir('clawtrail-node-'), 'node');
  if (node !== process.execPath) {
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    chmodSync(join(node, '..'), 0o755);
  }
  if (canReach(CLI, '-r')) return { node, cli: CLI };
  const stage = tempDir('clawtrail-stage-');
  for (const part of ['package.json', 'dist', 'node_modules', 'case', 'queries', 'ingest', 'reports', 'collect']) cpSync(fromRoot(part), join(stage, part), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', stage]);
  return { node, cli: join(stage, 'dist', 'cli.js') };
}

d('collect as a non-root user in the docker group', () => {
  let uid = 0;
  let gid = 0;
  beforeAll(async () => {
    if (spawnSync('id', ['-u', USER]).status !== 0) execFileSync('useradd', ['-M', '-r', '-G', 'docker', '-s', '/usr/sbin/nologin', USER]);
    uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    chmodSync(engine!.dir, 0o755); // the user reaches the socket; the data root inside stays root-only
    await engine!.start();
    ensureImage(engine!.host);
    const labels = ['--label', `com.docker.compose.project=${PROJECT}`, '--label', 'com.docker.compose.service=openclaw-gateway'];
    dockerOn(engine!.host, ['run', '-d', '--network', 'none', '--name', `${PROJECT}_gw_1`, ...labels, '-v', `${PROJECT}_state:/home/node/.openclaw`, IMAGE,
      'sh', '-c', 'echo "{\\"gateway\\":{\\"auth\\":{\\"token\\":\\"abcdef0123456789abcdef0123456789\\"}}}" > /home/node/.openclaw/openclaw.json; echo "2026-05-01T10:00:00.000+00:00 [gateway] ready (0 plugins; 1.0s)"; sleep 600']);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('takes what the engine serves, records what it may not read, and the bundle verifies and analyzes', () => {
    const home = tempDir('clawtrail-user-home-');
    chownSync(home, uid, gid);
    const out = join(home, 'bundle');
    const { node, cli } = runnableByUser();
    const r = spawnSync('runuser', ['-u', USER, '--', node, cli, 'collect', '--host', engine!.host, '--project', PROJECT, '--out', out, '--fingerprint-key', 'k', '--since', '1h', '-q'],
      { encoding: 'utf8', env: { ...process.env, HOME: home, DOCKER_HOST: '' } });
    expect(r.status, r.stderr).toBe(3);
    const manifest = JSON.parse(readFileSync(join(out, 'MANIFEST.json'), 'utf8')) as { files: { path: string | null; command: string; exit_code: number; stderr: string }[] };
    // the engine's answers: inspect, logs through the CLI (the json-file is root's), events, info
    expect(manifest.files.filter((f) => f.exit_code === 0 && f.path).map((f) => f.path!.split('/')[0])).toEqual(expect.arrayContaining(['docker', 'logs']));
    expect(manifest.files.some((f) => f.path?.startsWith('containers/'))).toBe(false);
    // the state file in the volume: refused, and said so
    const denied = manifest.files.find((f) => f.command.startsWith('copy ') && f.command.endsWith('/openclaw.json'));
    expect(denied?.exit_code).toBe(1);
    expect(denied?.stderr).toMatch(/cannot read: EACCES/);
    expect(r.stdout).toMatch(/not collected: copy .*openclaw\.json \(exit 1\): cannot read: EACCES/);
    expect(runCli(['verify', out]).code).toBe(0);
    const case_ = tempDir();
    const a = runCli(['analyze', out, '--out', case_, '--fingerprint-key', 'k', '-q']);
    expect([0, 2, 3], a.stderr).toContain(a.code);
    const rows = JSON.parse(runCli(['sql', '--db', join(case_, 'case.duckdb'), '--json', "SELECT count(*)::INTEGER AS n FROM gateway_events WHERE event = 'ready'"]).stdout);
    expect(rows[0].n).toBe(1);
  }, 60_000);
});
