// `clawtrail collect` and `verify` against a real Docker engine (.ci/run starts a private dockerd and sets
// DOCKER_HOST): a compose project built from an imported busybox rootfs, a token in .env, an .env change that
// recreates the container; then collect, verify (and a tampered byte), and analyze the bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, tempDir } from './helpers.js';

const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
const HAVE_ENGINE = engine.status === 0;
if (!HAVE_ENGINE && process.env.CI === 'true') throw new Error(`CI=true but no Docker engine answers (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${engine.stderr}`);

const TOKEN1 = 'c0ffee'.repeat(8);
const TOKEN2 = 'beef'.repeat(16);
const PROJECT = `ctest${process.pid}`;
let dir = '';
const compose = (args: string[]) => execFileSync('docker-compose', ['-p', PROJECT, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function ensureImage(): void {
  if (spawnSync('docker', ['image', 'inspect', 'clawtrail-busybox:test']).status === 0) return;
  const root = tempDir('clawtrail-rootfs-');
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'busybox'), readFileSync('/bin/busybox'));
  execFileSync('chmod', ['755', join(root, 'bin', 'busybox')]);
  for (const c of ['sh', 'echo', 'sleep', 'cat', 'printf', 'head', 'tr']) symlinkSync('busybox', join(root, 'bin', c));
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 26 });
  execFileSync('docker', ['import', '-', 'clawtrail-busybox:test'], { input: tar.stdout });
}

const d = HAVE_ENGINE ? describe : describe.skip;

beforeAll(() => {
  if (!HAVE_ENGINE) return;
  ensureImage();
  dir = tempDir('clawtrail-compose-');
  writeFileSync(join(dir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN1}\n`);
  writeFileSync(join(dir, 'docker-compose.yml'), `version: "3"
services:
  openclaw-gateway:
    image: clawtrail-busybox:test
    network_mode: none
    restart: unless-stopped
    environment:
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN}
    command: ["sh", "/boot/start.sh"]
    volumes:
      - state:/home/node/.openclaw
      - ./boot:/boot:ro
volumes:
  state: {}
`);
  mkdirSync(join(dir, 'boot'));
  // what the container does: gateway-shaped lines (one over 16 KiB), a token in a URL, and OpenClaw's state files
  writeFileSync(join(dir, 'boot', 'start.sh'), [
    "echo '2026-05-01T10:00:00.000+00:00 [gateway] ready (0 plugins; 1.0s)'",
    'echo "dashboard http://127.0.0.1:18789/?token=$OPENCLAW_GATEWAY_TOKEN"',
    "echo '2026-05-01T10:00:00.500+00:00 [ws] closed before connect conn=c1 remote=1.2.3.4 fwd=n/a origin=n/a host=h ua=n/a code=1008 reason=pairing required' >&2",
    "printf '2026-05-01T10:00:01.000+00:00 [gateway] long %020000d\\n' 7",
    'mkdir -p /home/node/.openclaw/devices',
    'echo "{\\"gateway\\":{\\"auth\\":{\\"mode\\":\\"token\\",\\"token\\":\\"${OPENCLAW_GATEWAY_TOKEN}x\\"}}}" > /home/node/.openclaw/openclaw.json',
    'echo "{\\"d1\\":{\\"deviceId\\":\\"d1\\",\\"role\\":\\"operator\\",\\"tokens\\":{\\"operator\\":{\\"token\\":\\"devtok-$OPENCLAW_GATEWAY_TOKEN\\"}},\\"approvedAtMs\\":1777629600000}}" > /home/node/.openclaw/devices/paired.json',
    'sleep 3600',
  ].join('\n') + '\n');
  compose(['up', '-d']);
  // an .env change recreates the container: a real generation change in events and inspect
  writeFileSync(join(dir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN2}\n`);
  compose(['up', '-d']);
  for (let i = 0; i < 50; i++) {
    const logs = spawnSync('docker', ['logs', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' });
    if (logs.stdout.includes('ready')) break;
    execFileSync('sleep', ['0.1']);
  }
}, 120_000);

afterAll(() => {
  if (HAVE_ENGINE && dir) spawnSync('docker-compose', ['-p', PROJECT, 'down', '-v'], { cwd: dir });
});

d('collect on a real engine', () => {
  const bundle = () => join(dir, 'bundle');

  it('writes a bundle with a manifest, every container generation, and no token in clear', () => {
    const r = runCli(['collect', '--project', PROJECT, '--out', bundle(), '--fingerprint-key', 'k-test', '--since', '1h']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bundle(), 'MANIFEST.json'), 'utf8'));
    expect(manifest.project).toBe(PROJECT);
    expect(manifest.files.every((f: { exit_code: number }) => f.exit_code === 0)).toBe(true);
    expect(manifest.files.map((f: { command: string }) => f.command).join('\n')).toMatch(/docker events --since 1h/);
    const files: string[] = [];
    const walk = (p: string): void => { for (const e of readdirSync(p)) { const q = join(p, e); if (statSync(q).isDirectory()) walk(q); else files.push(q); } };
    walk(bundle());
    expect(files.some((f) => f.endsWith('.env'))).toBe(true);
    for (const f of files) for (const t of [TOKEN1, TOKEN2]) expect(readFileSync(f).includes(Buffer.from(t)), `${f}`).toBe(false);
    expect(readFileSync(files.find((f) => f.endsWith('.env'))!, 'utf8')).toMatch(/^OPENCLAW_GATEWAY_TOKEN=clawtrail-fp:hmac:[0-9a-f]{24}:hex64$/m);
    // OpenClaw's state from the named volume: config and pairing, token values as markers
    expect(readFileSync(join(bundle(), 'state', 'openclaw.json'), 'utf8')).toMatch(/"token":"clawtrail-fp:hmac:[0-9a-f]{24}:other:65"/);
    expect(readFileSync(join(bundle(), 'state', 'devices', 'paired.json'), 'utf8')).toMatch(/"token":"clawtrail-fp:hmac:/);
  });

  it('verify passes, and fails after one byte of one file changes', () => {
    expect(runCli(['verify', bundle()]).code).toBe(0);
    const m = JSON.parse(readFileSync(join(bundle(), 'MANIFEST.json'), 'utf8'));
    const log = join(bundle(), m.files.find((f: { path: string | null }) => f.path && /(logs|containers)\//.test(f.path)).path);
    const original = readFileSync(log);
    const b = Buffer.from(original);
    b[0] = b[0] === 0x41 ? 0x42 : 0x41;
    writeFileSync(log, b);
    const r = runCli(['verify', bundle()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('differs from the manifest');
    writeFileSync(log, original);
    expect(runCli(['verify', bundle()]).code).toBe(0);
  });

  it('analyze reads the bundle: both generations with their real ids, the recreate, fingerprints that agree with a direct ingest', () => {
    const out = tempDir();
    const r = runCli(['analyze', bundle(), '--out', out, '--fingerprint-key', 'k-test', '-q']);
    expect([0, 2], r.stderr).toContain(r.code);
    const q = (sql: string) => JSON.parse(runCli(['sql', '--db', join(out, 'case.duckdb'), '--json', sql]).stdout);
    const ids = execFileSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`], { encoding: 'utf8' }).trim().split('\n');
    const gens = q(`SELECT container_id FROM container_generations WHERE service = 'openclaw-gateway'`).map((x: { container_id: string }) => x.container_id);
    expect(gens.length).toBe(2);
    for (const id of ids) expect(gens).toContain(id);
    expect(q(`SELECT transition FROM container_transitions`).map((x: { transition: string }) => x.transition)).toContain('recreate');
    expect(q(`SELECT count(*)::INTEGER AS n FROM rejects`)[0].n).toBe(0);
    expect(q(`SELECT secret_shape FROM config_values WHERE key = 'gateway.auth.token'`)[0].secret_shape).toBe('other:65');
    expect(q(`SELECT device_id, token_fp IS NOT NULL AS fp FROM devices WHERE state = 'paired'`)).toEqual([{ device_id: 'd1', fp: true }]);
    expect(q(`SELECT event FROM gateway_events WHERE event = 'ready'`).length).toBeGreaterThan(0);
    expect(q(`SELECT stream FROM gateway_events WHERE event = 'closed-before-connect'`)).toContainEqual({ stream: 'stderr' });
    expect(q(`SELECT message FROM gateway_events WHERE message LIKE 'dashboard%'`)[0].message).toContain('token=[REDACTED]');
    // the json-file splits lines over 16 KiB; ingest joins the pieces back into one record
    const long = q(`SELECT length(message)::INTEGER AS n, line_count::INTEGER AS lc FROM gateway_events WHERE message LIKE 'long %' ORDER BY n DESC`)[0];
    expect(long.n).toBe(5 + 20000);
    expect(long.lc).toBeGreaterThan(1);
    // the same key on the raw .env gives the same fingerprint as the collected marker
    const direct = tempDir();
    writeFileSync(join(direct, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN2}\n`);
    const db2 = join(direct, 'c.duckdb');
    runCli(['ingest', join(direct, '.env'), '--db', db2, '--fingerprint-key', 'k-test', '-q']);
    const fpDirect = JSON.parse(runCli(['sql', '--db', db2, '--json', `SELECT fp FROM config_values`]).stdout)[0].fp;
    const fpBundle = q(`SELECT fp FROM config_values WHERE surface = '.env'`)[0].fp;
    expect(fpBundle).toBe(fpDirect);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // the recreate removed the first generation with its json-file: an evidence gap, reported
    const lost = q(`SELECT statement FROM findings WHERE query_id = 'evidence-coverage' AND statement LIKE '%are lost%'`);
    expect(lost.length).toBe(1);
    expect(lost[0].statement).toContain(ids.length === 1 ? '' : 'destroyed');
  });

  it('writes a .tar.gz with --archive that verify and analyze read directly', () => {
    const base = join(dir, 'archived');
    const r = runCli(['collect', '--project', PROJECT, '--out', base, '--archive', '--fingerprint-key', 'k-test', '--since', '1h', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${base}.tar.gz`)).toBe(true);
    expect(existsSync(base)).toBe(false);
    expect(runCli(['verify', `${base}.tar.gz`]).stdout).toMatch(/^ok: \d+ file\(s\) match the manifest/m);
    const out = tempDir();
    const a = runCli(['analyze', `${base}.tar.gz`, '--out', out, '--fingerprint-key', 'k-test', '-q']);
    expect([0, 2], a.stderr).toContain(a.code);
    const paths = JSON.parse(runCli(['sql', '--db', join(out, 'case.duckdb'), '--json', 'SELECT path FROM sources']).stdout).map((x: { path: string }) => x.path);
    expect(paths.some((p: string) => p.startsWith(join(out, 'archived.unpacked')) && p.endsWith('MANIFEST.json'))).toBe(true);
  });

  it('--print-script writes a POSIX sh collector whose bundle verify and analyze read, with secrets withheld', () => {
    const script = join(dir, 'collect.sh');
    const p = runCli(['collect', '--print-script']);
    expect(p.code).toBe(0);
    expect(p.stdout.startsWith('#!/bin/sh')).toBe(true);
    writeFileSync(script, p.stdout);
    const out = join(dir, 'sh-bundle');
    const r = spawnSync('sh', [script, PROJECT, out, '1h'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(runCli(['verify', out]).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'MANIFEST.json'), 'utf8'));
    expect(manifest.secrets).toMatch(/^withheld/);
    for (const f of manifest.files) for (const t of [TOKEN1, TOKEN2]) expect(readFileSync(join(out, f.path)).includes(Buffer.from(t)), f.path).toBe(false);
    const case_ = tempDir();
    const a = runCli(['analyze', out, '--out', case_, '-q']);
    expect([0, 2], a.stderr).toContain(a.code);
    const q = (sql: string) => JSON.parse(runCli(['sql', '--db', join(case_, 'case.duckdb'), '--json', sql]).stdout);
    expect(q(`SELECT count(*)::INTEGER AS n FROM rejects`)[0].n).toBe(0);
    expect(q(`SELECT DISTINCT secret_shape FROM container_env WHERE key = 'OPENCLAW_GATEWAY_TOKEN'`)).toEqual([{ secret_shape: 'withheld' }]);
    expect(q(`SELECT count(*)::INTEGER AS n FROM container_generations`)[0].n).toBe(2);
    expect(q(`SELECT count(*)::INTEGER AS n FROM gateway_events WHERE event = 'closed-before-connect'`)[0].n).toBeGreaterThan(0);
  });

  it('watch mode keeps the removed generation\'s logs and events; collect merges them and the gap is gone', async () => {
    const wdir = join(dir, 'watch');
    const w = spawn(process.execPath, [CLI, 'collect', '--watch', '--project', PROJECT, '--out', wdir, '--fingerprint-key', 'k-test', '--stop-after', '25', '-q']);
    await new Promise((r) => setTimeout(r, 3000));
    writeFileSync(join(dir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN1}\n`);
    compose(['up', '-d']); // a third generation: the watch sees the second die and saves its logs first
    const code = await new Promise<number | null>((r) => w.on('exit', r));
    expect(code).toBe(0);
    const events = readdirSync(join(wdir, 'events')).map((f) => readFileSync(join(wdir, 'events', f), 'utf8')).join('');
    expect(events).toMatch(/"Action":"destroy"/);
    expect(events).toMatch(/"Action":"create"/);
    const logs = readdirSync(join(wdir, 'logs'));
    expect(logs.length).toBeGreaterThan(0);
    expect(readdirSync(join(wdir, 'inspect')).some((f) => f.endsWith('-die.json'))).toBe(true);
    const out = join(dir, 'with-watch');
    expect(runCli(['collect', '--project', PROJECT, '--out', out, '--watch-dir', wdir, '--fingerprint-key', 'k-test', '--since', '1h', '-q']).code).toBe(0);
    expect(runCli(['verify', out]).code).toBe(0);
    for (const f of readdirSync(join(out, 'watch', 'logs'))) for (const t of [TOKEN1, TOKEN2]) expect(readFileSync(join(out, 'watch', 'logs', f)).includes(Buffer.from(t))).toBe(false);
    const case_ = tempDir();
    runCli(['analyze', out, '--out', case_, '--fingerprint-key', 'k-test', '-q']);
    const lost = JSON.parse(runCli(['sql', '--db', join(case_, 'case.duckdb'), '--json', `SELECT statement FROM findings WHERE statement LIKE '%are lost%'`]).stdout);
    // the generation that died while the watch ran is no longer a gap (the first one died before it started)
    expect(lost.length).toBeLessThanOrEqual(1);
    const rej = JSON.parse(runCli(['sql', '--db', join(case_, 'case.duckdb'), '--json', 'SELECT count(*)::INTEGER AS n FROM rejects']).stdout);
    expect(rej[0].n).toBe(0);
  }, 120_000);
});
