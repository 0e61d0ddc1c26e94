// `clawtrail collect` and `verify` against a real Docker engine (.ci/run starts a private dockerd and sets
// DOCKER_HOST): a compose project built from an imported busybox rootfs, a token in .env, an .env change that
// recreates the container; then collect, verify (and a tampered byte), and analyze the bundle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fromRoot } from '../lib/paths.js';
import { CLI, runCli, tempDir } from './helpers.js';
import { ensureImage } from './engine.js';
import { BundleWriter } from '../collect/bundle-writer.js';
import { collectInspect } from '../collect/engine-evidence.js';
import { Fingerprinter } from '../case/secrets.js';
import { setTimeout as sleep } from 'node:timers/promises';

const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
const HAVE_ENGINE = engine.status === 0;
if (!HAVE_ENGINE && process.env.CI === 'true') throw new Error(`CI=true but no Docker engine answers (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${engine.stderr}`);

const TOKEN1 = 'c0ffee'.repeat(8);
const TOKEN2 = 'beef'.repeat(16);
const PROJECT = `ctest${process.pid}`;
let dir = '';
const compose = (args: string[]) => execFileSync('docker-compose', ['-p', PROJECT, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const gitIn = (cwd: string, args: string[]) => execFileSync('git', ['-c', 'user.name=Ops', '-c', 'user.email=ops@example.test', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const PROXY_BEARER = 'f00d'.repeat(10);

const d = HAVE_ENGINE ? describe : describe.skip;

/** Rows of a query on a case database, through the CLI; its error is the test's message when it fails. */
function sqlRows(db: string, sql: string): Record<string, any>[] {
  const r = runCli(['sql', '--db', db, '--json', sql]);
  if (r.code !== 0) throw new Error(`clawtrail sql failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

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
  proxy:
    image: clawtrail-busybox:test
    network_mode: none
    command: ["sh", "/boot/proxy.sh"]
    logging:
      driver: json-file
      options: { max-size: "2k", max-file: "3" }
    volumes:
      - ./nginx:/etc/nginx:ro
      - ./nginx-logs:/var/log/nginx
      - ./boot:/boot:ro
volumes:
  state: {}
`);
  // the proxy's files on the host, reached through its mounts: config (a Bearer header), a key that must stay, a log
  // it writes, and a rotated log last written days ago (before --since)
  mkdirSync(join(dir, 'nginx', 'conf.d'), { recursive: true });
  mkdirSync(join(dir, 'nginx', 'certs'));
  mkdirSync(join(dir, 'nginx-logs'));
  writeFileSync(join(dir, 'nginx', 'nginx.conf'), `events {}\nhttp {\n    include conf.d/*.conf;\n}\n`);
  writeFileSync(join(dir, 'nginx', 'conf.d', 'gw.conf'), `server {\n    listen 80;\n    location / {\n        proxy_pass http://openclaw-gateway:18789;\n        proxy_set_header Authorization "Bearer ${PROXY_BEARER}";\n        proxy_read_timeout 60s;\n    }\n}\n`);
  writeFileSync(join(dir, 'nginx', 'certs', 'server.key'), '-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n');
  writeFileSync(join(dir, 'nginx-logs', 'access.log.1'), '1.2.3.4 - - [01/May/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "old"\n');
  execFileSync('touch', ['-d', '3 days ago', join(dir, 'nginx-logs', 'access.log.1')]);
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
    // the gateway's own JSON file log, inside the container (a recreate loses it), and a symlink planted beside it
    'mkdir -p /tmp/openclaw',
    String.raw`d=$(date -u +%Y-%m-%d); t=$(date -u +%Y-%m-%dT%H:%M:%S.000Z); printf '{"0":"{\"subsystem\":\"gateway\"}","1":"dashboard http://127.0.0.1:18789/?token=%s","_meta":{"runtime":"node","hostname":"unknown","name":"{\"subsystem\":\"gateway\"}","parentNames":["openclaw"],"date":"%s","logLevelId":3,"logLevelName":"INFO"},"time":"%s"}\n' "$OPENCLAW_GATEWAY_TOKEN" "$t" "$t" > /tmp/openclaw/openclaw-$d.log`,
    'ln -s /etc/hostname /tmp/openclaw/openclaw-$(date -u -d @$(( $(date +%s) + 86400 )) +%Y-%m-%d).log',
    'echo "boot done"',
    'sleep 3600',
  ].join('\n') + '\n');
  writeFileSync(join(dir, 'boot', 'proxy.sh'), [
    'echo "1.2.3.4 - - [$(date -u +%d/%b/%Y:%H:%M:%S) +0000] \\"GET /?token=$RANDOM$RANDOM$RANDOM$RANDOM HTTP/1.1\\" 101 0 \\"-\\" \\"ws-client\\"" >> /var/log/nginx/access.log',
    // enough lines on stdout for the json-file driver to rotate (max-size 2k): -json.log.1 and .2 appear
    'i=0; while [ $i -lt 60 ]; do echo "nginx: worker process $i started (a proxy line to fill the json-file)"; i=$((i+1)); done',
    'sleep 3600',
  ].join('\n') + '\n');
  // the compose folder is the config repository: each token committed in .env, as teams do
  gitIn(dir, ['init', '-q']);
  gitIn(dir, ['add', '.env', 'docker-compose.yml', 'nginx/nginx.conf', 'nginx/conf.d/gw.conf']);
  gitIn(dir, ['commit', '-q', '-m', 'gateway behind nginx']);
  compose(['up', '-d']);
  // an .env change recreates the container: a real generation change in events and inspect
  writeFileSync(join(dir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN2}\n`);
  gitIn(dir, ['commit', '-q', '-am', 'rotate the gateway token']);
  compose(['up', '-d']);
  // both services have written everything before the first collect (their logs, the state files, the rotation)
  const booted = (): boolean => spawnSync('docker', ['logs', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' }).stdout.includes('boot done')
    && spawnSync('docker', ['logs', `${PROJECT}_proxy_1`], { encoding: 'utf8' }).stdout.includes('worker process 59 ');
  for (let i = 0; i < 100 && !booted(); i++) execFileSync('sleep', ['0.1']);
  if (!booted()) throw new Error('the test project did not finish booting in 10 s');
}, 120_000);

afterAll(() => {
  if (HAVE_ENGINE && dir) spawnSync('docker-compose', ['-p', PROJECT, 'down', '-v'], { cwd: dir });
});

d('collect on a real engine', () => {
  const bundle = () => join(dir, 'bundle');
  let firstRun = { code: -1, stdout: '', stderr: '' };

  it('writes a bundle with a manifest, every container generation, and no token in clear', () => {
    const r = runCli(['collect', '--project', PROJECT, '--out', bundle(), '--fingerprint-key', 'k-test', '--since', '1h']);
    firstRun = r;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bundle(), 'MANIFEST.json'), 'utf8'));
    expect(manifest.project).toBe(PROJECT);
    expect(manifest.files.every((f: { exit_code: number }) => f.exit_code === 0)).toBe(true);
    expect(manifest.files.map((f: { command: string }) => f.command).join('\n')).toMatch(/docker events --since 1h/);
    const files: string[] = [];
    const walk = (p: string): void => { for (const e of readdirSync(p)) { const q = join(p, e); if (statSync(q).isDirectory()) walk(q); else files.push(q); } };
    walk(bundle());
    expect(files.some((f) => f.endsWith('.env'))).toBe(true);
    for (const f of files) for (const t of [TOKEN1, TOKEN2, PROXY_BEARER]) expect(readFileSync(f).includes(Buffer.from(t)), `${f}`).toBe(false);
    expect(readFileSync(files.find((f) => f.endsWith('.env'))!, 'utf8')).toMatch(/^OPENCLAW_GATEWAY_TOKEN=clawtrail-fp:hmac:[0-9a-f]{24}:hex64$/m);
    // OpenClaw's state from the named volume: config and pairing, token values as markers
    expect(readFileSync(join(bundle(), 'state', 'openclaw.json'), 'utf8')).toMatch(/"token":"clawtrail-fp:hmac:[0-9a-f]{24}:other:65"/);
    expect(readFileSync(join(bundle(), 'state', 'devices', 'paired.json'), 'utf8')).toMatch(/"token":"clawtrail-fp:hmac:/);
  });

  it('keeps what compose says (ps, resolved config), the proxy\'s files from its mounts, and a scrubbed git history', () => {
    const b = bundle();
    const manifest = JSON.parse(readFileSync(join(b, 'MANIFEST.json'), 'utf8'));
    expect(readFileSync(join(b, 'compose', 'compose-ps.txt'), 'utf8')).toContain(`${PROJECT}_openclaw-gateway_1`);
    // the resolved config interpolates .env: the current token, as a marker
    expect(readFileSync(join(b, 'compose', 'resolved-config.yaml'), 'utf8')).toMatch(/OPENCLAW_GATEWAY_TOKEN: clawtrail-fp:hmac:[0-9a-f]{24}:hex64/);
    const proxy = join(b, 'proxy', `${PROJECT}_proxy_1`);
    expect(readFileSync(join(proxy, 'etc', 'nginx', 'conf.d', 'gw.conf'), 'utf8')).toMatch(/Authorization "Bearer clawtrail-fp:hmac:[0-9a-f]{24}:/);
    expect(existsSync(join(proxy, 'etc', 'nginx', 'nginx.conf'))).toBe(true);
    expect(existsSync(join(proxy, 'etc', 'nginx', 'certs', 'server.key'))).toBe(false);
    expect(readFileSync(join(proxy, 'var', 'log', 'nginx', 'access.log'), 'utf8')).toMatch(/GET \/\?token=\[REDACTED\] HTTP\/1.1" 101/);
    expect(existsSync(join(proxy, 'var', 'log', 'nginx', 'access.log.1'))).toBe(false);
    // the gateway's file log from inside the container, redacted; the planted symlink is not followed
    const gwId = execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' }).trim();
    const fileLogs = readdirSync(join(b, 'gateway-files', gwId));
    expect(fileLogs).toEqual([`openclaw-${new Date().toISOString().slice(0, 10)}.log`]);
    expect(readFileSync(join(b, 'gateway-files', gwId, fileLogs[0]), 'utf8')).toContain('?token=[REDACTED]');
    // the proxy's json-file rotated: its rotated files are in the bundle beside it
    const proxyId = execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${PROJECT}_proxy_1`], { encoding: 'utf8' }).trim();
    expect(existsSync(join(b, 'containers', proxyId, `${proxyId}-json.log.1`))).toBe(true);
    expect(manifest.files.find((f: { command: string }) => f.command.startsWith('skip ') && f.command.endsWith('access.log.1')).stderr).toMatch(/before --since 1h/);
    expect(firstRun.stdout).toMatch(/^left out: skip .*access\.log\.1: last written .* before --since 1h$/m);
    // the history: both commits, rewritten; every revision of .env holds a marker, none a token
    const map = readFileSync(join(b, 'git', 'commit-map.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(map.length).toBe(2);
    expect(map.map((m) => m[0])).toContain(gitIn(dir, ['rev-parse', 'HEAD']).trim());
    const clone = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', join(b, 'git', 'config-repo.bundle'), clone]);
    const history = gitIn(clone, ['log', '-p', '--all', '--format=%H %s']);
    for (const t of [TOKEN1, TOKEN2, PROXY_BEARER]) expect(history.includes(t)).toBe(false);
    expect(history.match(/^\+OPENCLAW_GATEWAY_TOKEN=clawtrail-fp:hmac:[0-9a-f]{24}:hex(48|64)$/gm)?.length).toBe(2);
    expect(history).toContain('rotate the gateway token');
    expect(map.map((m) => m[1])).toContain(gitIn(clone, ['rev-parse', 'HEAD']).trim());
  });

  it('without --project: the project of the compose file in the current folder, else a list of the candidates', () => {
    const other = execFileSync('docker', ['run', '-d', '--network', 'none', '--label', 'com.docker.compose.project=someotherproject', 'clawtrail-busybox:test', 'sleep', '600'], { encoding: 'utf8' }).trim();
    try {
      const elsewhere = runCli(['collect', '--out', join(tempDir(), 'b'), '--fingerprint-key', 'k', '-q'], { cwd: tempDir() });
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toMatch(/several compose projects/);
      expect(elsewhere.stderr).toContain(`${PROJECT}  (${dir})`);
      expect(elsewhere.stderr).toContain('someotherproject');
      const here = join(tempDir(), 'from-cwd');
      const r = runCli(['collect', '--out', here, '--fingerprint-key', 'k', '--since', '10m', '-q'], { cwd: dir });
      expect([0, 3], r.stderr).toContain(r.code);
      expect(JSON.parse(readFileSync(join(here, 'MANIFEST.json'), 'utf8')).project).toBe(PROJECT);
    } finally {
      spawnSync('docker', ['rm', '-f', other]);
    }
  });

  it('a container gone between ps and inspect (a recreate in progress) costs only itself', async () => {
    const w = new BundleWriter(tempDir(), () => {});
    const gw = execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' }).trim();
    const found = await collectInspect(w, [gw, 'f'.repeat(64)], Fingerprinter.fromOption('k'));
    expect(found.map((c) => c.Id)).toEqual([gw]);
    expect(w.entries).toHaveLength(1);
    expect(w.entries[0]).toMatchObject({ exit_code: 1 });
    expect(w.entries[0].path).toMatch(/^docker\/inspect-/);
    expect(w.entries[0].stderr).toMatch(/No such object/);
    expect(w.failures).toHaveLength(1);
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
    // a file added after the collection is outside the chain of custody
    writeFileSync(join(bundle(), 'logs-added-later.log'), 'x\n');
    const added = runCli(['verify', bundle()]);
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('logs-added-later.log: not in the manifest');
    rmSync(join(bundle(), 'logs-added-later.log'));
    expect(runCli(['verify', bundle()]).code).toBe(0);
    // and a collection never lands on top of another one
    const again = runCli(['collect', '--project', PROJECT, '--out', bundle(), '--fingerprint-key', 'k-test', '-q']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists and is not empty/);
  });

  it('analyze reads the bundle: both generations with their real ids, the recreate, fingerprints that agree with a direct ingest', () => {
    const out = tempDir();
    const r = runCli(['analyze', bundle(), '--out', out, '--fingerprint-key', 'k-test', '-q']);
    expect([0, 2], r.stderr).toContain(r.code);
    const q = (sql: string) => sqlRows(join(out, 'case.duckdb'), sql);
    const ids = execFileSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--filter', 'label=com.docker.compose.service=openclaw-gateway'], { encoding: 'utf8' }).trim().split('\n');
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
    const fpDirect = sqlRows(db2, `SELECT fp FROM config_values`)[0].fp;
    const fpBundle = q(`SELECT fp FROM config_values WHERE surface = '.env'`)[0].fp;
    expect(fpBundle).toBe(fpDirect);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // the file log is read as the gateway's tslog JSON, its lines tied to the container it was copied from
    expect(q(`SELECT g.container FROM gateway_events g JOIN sources s USING (source_id) WHERE s.path LIKE '%/gateway-files/%' AND g.message LIKE 'dashboard%'`)).toEqual([{ container: execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' }).slice(0, 12) }]);
    // the proxy's log, found through its mount, is parsed as nginx access lines
    expect(q(`SELECT count(*)::INTEGER AS n FROM proxy_requests WHERE status = 101`)[0].n).toBeGreaterThan(0);
    // the scrubbed history agrees with a direct ingest of the original repository under the same key
    const repo = join(tempDir(), 'repo.git');
    execFileSync('git', ['clone', '-q', '--bare', dir, repo]);
    const repoDb = join(tempDir(), 'repo.duckdb');
    runCli(['ingest', repo, '--db', repoDb, '--fingerprint-key', 'k-test', '-q']);
    const gitFps = (rows: { fp: string }[]) => rows.map((x) => x.fp).sort();
    const historyFps = `SELECT DISTINCT fp FROM config_values WHERE commit_sha IS NOT NULL AND key = 'OPENCLAW_GATEWAY_TOKEN' AND fp IS NOT NULL`;
    const fromBundle = gitFps(q(historyFps));
    expect(fromBundle.length).toBe(2);
    expect(fromBundle).toEqual(gitFps(sqlRows(repoDb, historyFps)));
    // reports name a cited commit by both ids: the bundle's and the one in the user's repository
    const map = new Map(readFileSync(join(bundle(), 'git', 'commit-map.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ').reverse() as [string, string]));
    expect(q(`SELECT count(*)::INTEGER AS n FROM commit_map`)[0].n).toBe(2);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]) as { timeline: { lanes: { id: string; points?: { cite?: { sha?: string; original_sha?: string } }[] }[] } };
    const commitPoints = data.timeline.lanes.find((l) => l.id === 'commits')!.points!;
    expect(commitPoints.length).toBe(2);
    for (const p of commitPoints) expect(p.cite!.original_sha).toBe(map.get(p.cite!.sha!));
    const findingsJson = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as { findings: { evidence: { commit: string | null; original_commit?: string }[] }[] };
    for (const c of findingsJson.findings.flatMap((f) => f.evidence).filter((x) => x.commit)) expect(c.original_commit).toBe(map.get(c.commit!));
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
    const paths = sqlRows(join(out, 'case.duckdb'), 'SELECT path FROM sources').map((x: { path: string }) => x.path);
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
    for (const f of manifest.files.filter((x: { path: string | null }) => x.path)) {
      for (const t of [TOKEN1, TOKEN2, PROXY_BEARER]) expect(readFileSync(join(out, f.path)).includes(Buffer.from(t)), f.path).toBe(false);
    }
    // the same files as the Node collector, secrets withheld instead of fingerprinted; the git history left out, said so
    expect(readFileSync(join(out, 'compose', 'compose-ps.txt'), 'utf8')).toContain(`${PROJECT}_openclaw-gateway_1`);
    expect(readFileSync(join(out, 'compose', 'resolved-config.yaml'), 'utf8')).toMatch(/OPENCLAW_GATEWAY_TOKEN: clawtrail-withheld$/m);
    expect(readFileSync(join(out, 'proxy', `${PROJECT}_proxy_1`, 'etc', 'nginx', 'conf.d', 'gw.conf'), 'utf8')).toContain('Authorization "Bearer clawtrail-withheld"');
    expect(existsSync(join(out, 'proxy', `${PROJECT}_proxy_1`, 'etc', 'nginx', 'certs', 'server.key'))).toBe(false);
    expect(readFileSync(join(out, 'proxy', `${PROJECT}_proxy_1`, 'var', 'log', 'nginx', 'access.log'), 'utf8')).toContain('token=[REDACTED]');
    expect(readFileSync(join(out, 'state', 'openclaw.json'), 'utf8')).toContain('"token":"clawtrail-withheld"');
    const gwId = execFileSync('docker', ['inspect', '--format', '{{.Id}}', `${PROJECT}_openclaw-gateway_1`], { encoding: 'utf8' }).trim();
    expect(readdirSync(join(out, 'gateway-files', gwId))).toEqual([`openclaw-${new Date().toISOString().slice(0, 10)}.log`]);
    expect(manifest.files.find((f: { command: string }) => f.command.startsWith('git history of')).stderr).toMatch(/^left out/);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    const case_ = tempDir();
    const a = runCli(['analyze', out, '--out', case_, '-q']);
    expect([0, 2], a.stderr).toContain(a.code);
    const q = (sql: string) => sqlRows(join(case_, 'case.duckdb'), sql);
    expect(q(`SELECT count(*)::INTEGER AS n FROM rejects`)[0].n).toBe(0);
    expect(q(`SELECT DISTINCT secret_shape FROM container_env WHERE key = 'OPENCLAW_GATEWAY_TOKEN'`)).toEqual([{ secret_shape: 'withheld' }]);
    expect(q(`SELECT count(*)::INTEGER AS n FROM container_generations WHERE service = 'openclaw-gateway'`)[0].n).toBe(2);
    expect(q(`SELECT count(*)::INTEGER AS n FROM gateway_events WHERE event = 'closed-before-connect'`)[0].n).toBeGreaterThan(0);
  });

  it('the sidecar and systemd examples are valid and their watch command runs as written', () => {
    const examples = fromRoot('examples');
    // the sidecar merges with the project's compose file, and its command is a working watch
    const merged = execFileSync('docker-compose', ['-p', PROJECT, '-f', join(dir, 'docker-compose.yml'), '-f', join(examples, 'watch-sidecar.yml'), 'config'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, CLAWTRAIL_FINGERPRINT_KEY: 'k-test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const sidecar = (parseYaml(merged) as { services: Record<string, { command: string[] }> }).services['clawtrail-watch'];
    expect(sidecar.command.slice(0, 2)).toEqual(['collect', '--watch']);
    const unit = readFileSync(join(examples, 'clawtrail-watch.service'), 'utf8');
    const execStart = /^ExecStart=\/usr\/local\/bin\/clawtrail (.+)$/m.exec(unit)![1].split(' ');
    expect(execStart.slice(0, 2)).toEqual(['collect', '--watch']);
    for (const command of [sidecar.command, execStart]) {
      const out = tempDir('clawtrail-example-watch-');
      const args = command.map((a, i) => (command[i - 1] === '--out' ? out : command[i - 1] === '--project' ? PROJECT : a));
      const r = spawnSync(process.execPath, [CLI, ...args, '--stop-after', '2', '-q'], { encoding: 'utf8', env: { ...process.env, CLAWTRAIL_FINGERPRINT_KEY: 'k-test' } });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(join(out, 'inspect')).some((f) => f.endsWith('-start-of-watch.json'))).toBe(true);
    }
    // systemd accepts the unit (with ExecStart pointing at this checkout's CLI)
    if (spawnSync('systemd-analyze', ['--version']).status === 0) {
      const copy = join(tempDir(), 'clawtrail-watch.service');
      writeFileSync(copy, unit.replace('/usr/local/bin/clawtrail', `${process.execPath} ${CLI}`));
      const v = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
      expect(v.status, v.stderr).toBe(0);
    } else if (process.env.CI === 'true') throw new Error('CI=true but systemd-analyze is missing');
  }, 60_000);

  it('watch mode keeps the removed generation\'s logs and events; collect merges them and the gap is gone', async () => {
    const wdir = join(dir, 'watch');
    const w = spawn(process.execPath, [CLI, 'collect', '--watch', '--project', PROJECT, '--out', wdir, '--fingerprint-key', 'k-test', '--stop-after', '25', '-q']);
    await sleep(3000);
    writeFileSync(join(dir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN1}\n`);
    compose(['up', '-d']); // a third generation: the watch sees the second die and saves its logs first
    const code = await new Promise<number | null>((r) => w.on('exit', r));
    expect(code).toBe(0);
    const events = readdirSync(join(wdir, 'events')).map((f) => readFileSync(join(wdir, 'events', f), 'utf8')).join('');
    expect(events).toMatch(/"Action":"destroy"/);
    expect(events).toMatch(/"Action":"create"/);
    // the volume the new generation mounts, though volumes carry no project label
    expect(events).toMatch(/"Type":"volume","Action":"mount"/);
    const logs = readdirSync(join(wdir, 'logs'));
    expect(logs.length).toBeGreaterThan(0);
    expect(readdirSync(join(wdir, 'inspect')).some((f) => f.endsWith('-die.json'))).toBe(true);
    // and its state files (pairing) as they were at its death, secrets fingerprinted
    const states = readdirSync(join(wdir, 'state'));
    expect(states.length).toBeGreaterThan(0);
    expect(readFileSync(join(wdir, 'state', states[0], 'devices', 'paired.json'), 'utf8')).toMatch(/"token":"clawtrail-fp:hmac:/);
    // the dying gateway's own file log was saved from inside it before the recreate removed it
    expect(logs.some((f) => /-openclaw-\d{4}-\d\d-\d\d\.log$/.test(f))).toBe(true);
    const out = join(dir, 'with-watch');
    expect(runCli(['collect', '--project', PROJECT, '--out', out, '--watch-dir', wdir, '--fingerprint-key', 'k-test', '--since', '1h', '-q']).code).toBe(0);
    expect(runCli(['verify', out]).code).toBe(0);
    for (const f of readdirSync(join(out, 'watch', 'logs'))) for (const t of [TOKEN1, TOKEN2]) expect(readFileSync(join(out, 'watch', 'logs', f)).includes(Buffer.from(t))).toBe(false);
    const case_ = tempDir();
    runCli(['analyze', out, '--out', case_, '--fingerprint-key', 'k-test', '-q']);
    const lost = sqlRows(join(case_, 'case.duckdb'), `SELECT statement FROM findings WHERE statement LIKE '%are lost%'`);
    // the generation that died while the watch ran is no longer a gap (the first one died before it started)
    expect(lost.length).toBe(1);
    const saved = logs.map((f) => /-([0-9a-f]{12})\.log$/.exec(f)?.[1]).filter(Boolean) as string[];
    expect(saved.length).toBeGreaterThan(0);
    for (const id of saved) expect(lost[0].statement).not.toContain(id);
    expect(sqlRows(join(case_, 'case.duckdb'), `SELECT count(*)::INTEGER AS n FROM devices d JOIN sources s USING (source_id) WHERE s.path LIKE '%/watch/state/%'`)[0].n).toBeGreaterThan(0);
    const rej = sqlRows(join(case_, 'case.duckdb'), 'SELECT count(*)::INTEGER AS n FROM rejects');
    expect(rej[0].n).toBe(0);
  }, 120_000);
});

// A second project on the same engine: a gateway that crash-loops on its first starts under `restart:
// unless-stopped`, keeps its state in an anonymous volume, and is force-recreated with `--renew-anon-volumes` — the
// state (pairing) is dropped with the volume, and clients are rejected with `pairing required` until re-approved.
const LOOP = `ctestloop${process.pid}`;
let loopDir = '';
const loopCompose = (args: string[]) => execFileSync('docker-compose', ['-p', LOOP, ...args], { cwd: loopDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const restartCount = (): number => Number(execFileSync('docker', ['inspect', '--format', '{{.RestartCount}}', `${LOOP}_openclaw-gateway_1`], { encoding: 'utf8' }).trim());
const waitFor = async (what: string, ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 300; i++) {
    if (ok()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
};

d('crash loop and a force-recreate that drops the state volume, on a real engine', () => {
  beforeAll(async () => {
    ensureImage();
    loopDir = tempDir('clawtrail-loop-');
    mkdirSync(join(loopDir, 'boot'));
    mkdirSync(join(loopDir, 'run'));
    writeFileSync(join(loopDir, '.env'), `OPENCLAW_GATEWAY_TOKEN=${TOKEN1}\n`);
    writeFileSync(join(loopDir, 'docker-compose.yml'), `version: "3"
services:
  openclaw-gateway:
    image: clawtrail-busybox:test
    network_mode: none
    restart: unless-stopped
    environment:
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN}
    command: ["sh", "/boot/start.sh"]
    volumes:
      - /home/node/.openclaw
      - ./boot:/boot:ro
      - ./run:/run-state
`);
    // the start counter lives on a bind mount (it survives the recreate); the pairing state in the anonymous volume
    writeFileSync(join(loopDir, 'boot', 'start.sh'), [
      'now() { date -u +%Y-%m-%dT%H:%M:%S.000+00:00; }',
      'n=$(cat /run-state/starts 2>/dev/null || echo 0); n=$((n+1)); echo $n > /run-state/starts',
      'if [ $n -le 4 ]; then echo "$(now) [gateway] fatal: invalid config (start $n)" >&2; exit 1; fi',
      'sleep 1 # the gateway takes a moment to start: its first line comes after the start event',
      'if [ -f /run-state/paired-once ] && [ ! -f /home/node/.openclaw/devices/paired.json ]; then',
      '  echo "$(now) [ws] closed before connect conn=c$n remote=172.18.0.1 fwd=n/a origin=n/a host=gw ua=n/a code=1008 reason=pairing required" >&2',
      'fi',
      'echo "$(now) [gateway] ready (0 plugins; 1.0s)"',
      'mkdir -p /home/node/.openclaw/devices',
      'echo "{\\"d1\\":{\\"deviceId\\":\\"d1\\",\\"role\\":\\"operator\\",\\"approvedAtMs\\":$(date +%s)000}}" > /home/node/.openclaw/devices/paired.json',
      'touch /run-state/paired-once',
      'sleep 3600',
    ].join('\n') + '\n');
    loopCompose(['up', '-d']);
    await waitFor('the crash loop to end', () => existsSync(join(loopDir, 'run', 'paired-once')));
  }, 120_000);

  afterAll(() => {
    if (loopDir) spawnSync('docker-compose', ['-p', LOOP, 'down', '-v'], { cwd: loopDir });
  });

  it('a snapshot during the loop has its RestartCount in inspect', async () => {
    await waitFor('RestartCount 4', () => restartCount() === 4);
    const b = join(loopDir, 'during');
    expect(runCli(['collect', '--project', LOOP, '--out', b, '--fingerprint-key', 'k-test', '--since', '1h', '-q']).code).toBe(0);
    const out = tempDir();
    runCli(['analyze', b, '--out', out, '--fingerprint-key', 'k-test', '-q']);
    const q = (sql: string) => sqlRows(join(out, 'case.duckdb'), sql);
    expect(q(`SELECT max(restart_count)::INTEGER AS n FROM containers`)[0].n).toBe(4);
    expect(q(`SELECT statement FROM findings WHERE query_id = 'restart-flaps'`).map((x) => x.statement)).toContain('openclaw-gateway: RestartCount 4');
  }, 60_000);

  it('after a force-recreate that renews the volume, collect and analyze show the crash loop and the pairing loss', async () => {
    // the docker events clock has a one-second resolution in `--since`; keep the recreate apart from the loop
    await sleep(1500);
    loopCompose(['up', '-d', '--force-recreate', '--renew-anon-volumes']);
    await waitFor('the recreated gateway to log', () => spawnSync('docker', ['logs', `${LOOP}_openclaw-gateway_1`], { encoding: 'utf8' }).stdout.includes('ready'));
    const b = join(loopDir, 'bundle');
    expect(runCli(['collect', '--project', LOOP, '--out', b, '--fingerprint-key', 'k-test', '--since', '1h', '-q']).code).toBe(0);
    expect(restartCount()).toBe(0); // a new generation: the restarts belonged to the destroyed one
    const out = tempDir();
    const a = runCli(['analyze', b, '--out', out, '--fingerprint-key', 'k-test', '-q']);
    expect([0, 2], a.stderr).toContain(a.code);
    const q = (sql: string) => sqlRows(join(out, 'case.duckdb'), sql);
    expect(q(`SELECT count(*)::INTEGER AS n FROM rejects`)[0].n).toBe(0);
    const dies = q(`SELECT exit_code FROM docker_events WHERE action = 'die' ORDER BY ts`);
    expect(dies.filter((x: { exit_code: number }) => x.exit_code === 1).length).toBe(4);
    const loop = q(`SELECT severity, statement FROM findings WHERE query_id = 'restart-flaps' AND statement LIKE 'Crash loop%'`);
    expect(loop.length).toBe(1);
    expect(loop[0].severity).toBe('high');
    expect(loop[0].statement).toMatch(/4 non-zero deaths \(exit codes 1\)/);
    expect(q(`SELECT transition FROM container_transitions`).map((x: { transition: string }) => x.transition)).toEqual(expect.arrayContaining(['crash loop', 'recreate']));
    // the anonymous volume was renewed: the state dir moved, and the known device was rejected until re-paired
    const loss = q(`SELECT severity, statement FROM findings WHERE query_id = 'pairing-loss-after-recreate'`);
    expect(loss.length).toBe(1);
    expect(loss[0].statement).toMatch(/state mount \S+:\/home\/node\/\.openclaw → \S+:\/home\/node\/\.openclaw/);
    expect(loss[0].statement).toMatch(/\(1 pairing rejection\(s\)\)/);
    expect(loss[0].severity).toBe('high');
  }, 60_000);
});
