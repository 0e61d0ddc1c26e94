// Each canned query on small evidence built in the test: a case that fires (with the evidence it must cite) and one
// that stays quiet. (The sample bundles test the incident queries end to end in samples-and-queries.test.ts.)
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadQueries, parseQueryFile, runAll } from '../queries/runner.js';
import { fromRoot } from '../lib/paths.js';
import { ingestCase, writeTree } from './helpers.js';

type F = { query_id: string; severity: string; statement: string; evidence: { path?: string; line?: number; sha?: string; note?: string }[]; details: Record<string, unknown> };
async function findingsOf(files: Record<string, string>, queryId: string, opts = {}): Promise<F[]> {
  const dir = writeTree(files);
  const { store } = await ingestCase([dir], opts);
  await runAll(store);
  const rows = await store.all<{ query_id: string; severity: string; statement: string; evidence: string; details: string }>(
    `SELECT query_id, severity, statement, evidence, details FROM findings WHERE query_id = '${queryId}' AND statement NOT LIKE '%the query failed%' ORDER BY rank`);
  const errors = await store.all(`SELECT statement FROM findings WHERE statement LIKE '%the query failed%'`);
  store.close();
  expect(errors).toEqual([]);
  return rows.map((r) => ({ ...r, evidence: JSON.parse(r.evidence), details: JSON.parse(r.details) }));
}

const pad = (n: number): string => String(n).padStart(2, '0');
const gw = (lines: string[]): string => lines.join('\n') + '\n';

describe('the pack itself', () => {
  it('has one file per question, each with a valid header, parameters with defaults and the tables it needs', () => {
    const qs = loadQueries();
    expect(qs.map((q) => q.id)).toEqual(['ws-close-bursts', 'ws1006-after-proxy-release', 'token-divergence', 'pairing-loss-after-recreate', 'split-brain-versions',
      'health-and-timeouts', 'handshake-latency', 'restart-flaps', 'security-shortcuts', 'evidence-coverage', 'incidents-and-hours', 'token-rotation-drills', 'proxy-refusals']);
    for (const q of qs) {
      expect(q.needs.length, q.id).toBeGreaterThan(0);
      for (const p of Object.values(q.params)) expect(p.default, q.id).toBeDefined();
    }
    expect(() => parseQueryFile('x.sql', 'SELECT 1')).toThrow(/YAML header/);
    const doc = readFileSync(fromRoot('README.md'), 'utf8') + readFileSync(fromRoot('docs', 'schema.md'), 'utf8');
    expect(doc).toContain('clawtrail queries');
  });
});

describe('missing evidence', () => {
  it('a query whose evidence is absent says so as a coverage finding instead of returning nothing', async () => {
    const dir = writeTree({ '.env': 'OPENCLAW_CONFIG_DIR=/srv/x\n' });
    const { store } = await ingestCase([dir]);
    await runAll(store);
    const rows = await store.all<{ query_id: string; severity: string; statement: string }>(`SELECT query_id, severity, statement FROM findings WHERE statement LIKE '%not answered%' ORDER BY query_id`);
    store.close();
    expect(rows.map((r) => r.query_id)).toEqual(expect.arrayContaining(['handshake-latency', 'incidents-and-hours', 'pairing-loss-after-recreate', 'restart-flaps', 'ws-close-bursts', 'ws1006-after-proxy-release']));
    const bursts = rows.find((r) => r.query_id === 'ws-close-bursts')!;
    expect(bursts).toMatchObject({ severity: 'info', statement: 'Episodes of client-visible failures: not answered — the evidence it needs is absent (gateway_events, proxy_requests empty)' });
  });
});

describe('ws-close-bursts', () => {
  const quiet = Array.from({ length: 6 }, (_, i) => `2026-05-01T0${i}:00:00.000Z [ws] webchat disconnected code=1001 reason=n/a conn=0000000${i}-0000-4000-a000-000000000000`);
  it('fires on a 1006 episode and cites its lines', async () => {
    const burst = Array.from({ length: 30 }, (_, i) => `2026-05-01T10:0${Math.floor(i / 10)}:${pad((i % 10) * 5)}.000Z [ws] webchat disconnected code=1006 reason=n/a conn=1000${pad(i)}00-0000-4000-a000-000000000000`);
    const f = await findingsOf({ 'gw.log': gw([...quiet, ...burst]) }, 'ws-close-bursts');
    expect(f).toHaveLength(1);
    expect(f[0].statement).toMatch(/^transport episode on direct: 30 symptom\(s\) from 30 clients between 2026-05-01 10:00:00 and 10:02:45/);
    expect(f[0].statement).toContain('no mechanism explains it');
    expect(f[0].severity).toBe('medium');
    expect(f[0].evidence[0]).toMatchObject({ line: 7 });
    expect(String(f[0].evidence[0].path)).toMatch(/gw\.log$/);
  });
  it('stays quiet for the same number of normal closes', async () => {
    const normal = Array.from({ length: 30 }, (_, i) => `2026-05-01T10:0${Math.floor(i / 10)}:${pad((i % 10) * 5)}.000Z [ws] webchat disconnected code=1001 reason=n/a conn=1000${pad(i)}00-0000-4000-a000-000000000000`);
    expect(await findingsOf({ 'gw.log': gw([...quiet, ...normal]) }, 'ws-close-bursts')).toEqual([]);
  });
});

const inspectOf = (image: string, service: string, env: string[] = []) => JSON.stringify([{
  Id: service.padEnd(64, '0').replace(/[^0-9a-f]/g, 'e').slice(0, 64), Created: '2026-05-01T00:00:00Z', Name: `/p-${service}-1`, RestartCount: 0,
  State: { Status: 'running', StartedAt: '2026-05-01T00:00:01Z', FinishedAt: '0001-01-01T00:00:00Z', Health: { Status: 'healthy', Log: [{ End: '2026-05-01T12:00:00Z', ExitCode: 0 }] } },
  Mounts: [], Config: { Image: image, Env: env, Labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': service } },
}]);

describe('split-brain-versions', () => {
  it('fires when the config was written by a newer OpenClaw than the gateway runs, and on the gateway\'s own warnings', async () => {
    const f = await findingsOf({
      'openclaw.json': '{"meta":{"lastTouchedVersion":"2026.4.14","lastTouchedAt":"2026-05-01T10:00:00.000Z"},"gateway":{"mode":"local"}}',
      'gw-inspect.json': inspectOf('ghcr.io/openclaw/openclaw:2026.4.1', 'openclaw-gateway'),
      'cli-inspect.json': inspectOf('ghcr.io/openclaw/openclaw:2026.4.14', 'openclaw-cli'),
      'gw.log': '2026-05-01T11:00:00.000Z Config was last written by a newer OpenClaw (2026.4.14); current version is 2026.4.1.\n',
    }, 'split-brain-versions');
    const s = f.map((x) => x.statement);
    expect(s).toContain('openclaw.json was last written by OpenClaw 2026.4.14 but the gateway image runs 2026.4.1: a newer CLI or a downgrade wrote the config');
    expect(s.some((x) => x.startsWith('The gateway warned 1 time(s)'))).toBe(true);
    expect(s).toContain('CLI container runs 2026.4.14 while the gateway runs 2026.4.1');
  });
  it('stays quiet when everything runs the version that wrote the config', async () => {
    expect(await findingsOf({
      'openclaw.json': '{"meta":{"lastTouchedVersion":"2026.4.14"},"gateway":{"mode":"local"}}',
      'gw-inspect.json': inspectOf('ghcr.io/openclaw/openclaw:2026.4.14', 'openclaw-gateway'),
      'cli-inspect.json': inspectOf('ghcr.io/openclaw/openclaw:2026.4.14', 'openclaw-cli'),
    }, 'split-brain-versions')).toEqual([]);
  });
});

const compose = (hc: string): string => `services:\n  openclaw-gateway:\n    image: openclaw:local\n    healthcheck:\n${hc}`;
describe('health-and-timeouts', () => {
  it('fires on a short start_period and on a proxy idle timeout below the tick, citing file and line', async () => {
    const f = await findingsOf({
      'docker-compose.yml': compose('      test: ["CMD", "true"]\n      interval: 30s\n      timeout: 5s\n      retries: 5\n      start_period: 20s\n'),
      'nginx.conf': 'http {\n  server {\n    location / {\n      proxy_read_timeout 20s;\n    }\n  }\n}\n',
    }, 'health-and-timeouts');
    const sp = f.find((x) => x.statement.includes('start_period is 20s'))!;
    expect(sp.severity).toBe('low');
    expect(sp.evidence[0]).toMatchObject({ line: 9 });
    const idle = f.find((x) => x.statement.includes('proxy_read_timeout is 20s'))!;
    expect(idle.severity).toBe('high');
    expect(idle.evidence[0]).toMatchObject({ line: 4 });
  });
  it('stays quiet on the baseline values', async () => {
    expect(await findingsOf({
      'docker-compose.yml': compose('      test: ["CMD", "true"]\n      interval: 30s\n      timeout: 5s\n      retries: 5\n      start_period: 60s\n'),
      'nginx.conf': 'http { server { location / { proxy_read_timeout 3600s; } } }\n',
    }, 'health-and-timeouts')).toEqual([]);
  });
});

const tslogClose = (t: string, ms: number, i: number): string => JSON.stringify({ 0: '{"subsystem":"gateway/ws"}', 1: { cause: 'handshake-timeout', handshake: 'failed', durationMs: ms + 5, handshakeMs: ms },
  2: `closed before connect conn=${i}0000000-0000-4000-a000-000000000000 remote=127.0.0.1 fwd=n/a origin=n/a host=h ua=n/a code=1000 reason=n/a`, _meta: { name: '{"subsystem":"gateway/ws"}', date: t, logLevelName: 'WARN' } });
describe('handshake-latency', () => {
  it('fires when the hour\'s p95 handshake time is above the budget', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => tslogClose(`2026-05-01T10:0${i}:00.000Z`, 900 + i, i));
    const f = await findingsOf({ 'openclaw-2026-05-01.log': lines.join('\n') + '\n' }, 'handshake-latency');
    expect(f[0].statement).toMatch(/^Handshakes 2026-05-01 10:00: p50 905 ms, p95 909 ms, p99 909 ms over 10 handshake\(s\)/);
    expect(f[0].evidence[0].line).toBe(10);
  });
  it('stays quiet under the budget', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => tslogClose(`2026-05-01T10:0${i}:00.000Z`, 20, i));
    expect(await findingsOf({ 'openclaw-2026-05-01.log': lines.join('\n') + '\n' }, 'handshake-latency')).toEqual([]);
  });
});

describe('security-shortcuts', () => {
  it('fires for each shortcut that is on, with where it was set', async () => {
    const f = await findingsOf({
      'openclaw.json': '{"gateway":{"auth":{"mode":"none"},"controlUi":{"allowInsecureAuth":true,"dangerouslyDisableDeviceAuth":true,"allowedOrigins":["*"]},"trustedProxies":["0.0.0.0/0"]}}',
      'docker-compose.yml': 'services:\n  openclaw-gateway:\n    image: x\n    environment:\n      NODE_TLS_REJECT_UNAUTHORIZED: "0"\n',
    }, 'security-shortcuts');
    const byWhat = (s: string) => f.find((x) => x.statement.includes(s))!;
    expect(byWhat('auth mode is none').severity).toBe('critical');
    expect(byWhat('device authentication is disabled').severity).toBe('high');
    expect(byWhat('insecure').severity).toBe('medium');
    expect(byWhat('trusted proxies include a wildcard').severity).toBe('high');
    expect(byWhat('allowed origins include a wildcard').severity).toBe('medium');
    const tls = byWhat('TLS certificate verification is disabled');
    expect(tls.statement).toContain('still in effect');
    expect(tls.evidence[0]).toMatchObject({ line: 5 });
  });
  it('stays quiet on a safe config', async () => {
    expect(await findingsOf({ 'openclaw.json': '{"gateway":{"auth":{"mode":"token"},"controlUi":{"allowInsecureAuth":false,"allowedOrigins":["https://claw.example.com"]},"trustedProxies":["172.18.0.1"]}}' }, 'security-shortcuts')).toEqual([]);
  });
});

const ev = (t: string, action: string, id: string, attrs: Record<string, string> = {}): string => JSON.stringify({ Type: 'container', Action: action,
  Actor: { ID: id, Attributes: { 'com.docker.compose.service': 'openclaw-gateway', 'com.docker.compose.project': 'p', name: 'p-openclaw-gateway-1', image: 'openclaw:local', ...attrs } },
  time: Math.floor(Date.parse(t) / 1000), timeNano: Date.parse(t) * 1e6 });
describe('evidence-coverage', () => {
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);
  const events = [ev('2026-05-01T08:00:00Z', 'start', A), ev('2026-05-01T12:00:00Z', 'die', A, { exitCode: '0' }), ev('2026-05-01T12:00:01Z', 'destroy', A), ev('2026-05-01T12:00:02Z', 'start', B)];
  it('fires for the logs lost with a destroyed generation, citing the destroy event', async () => {
    const f = await findingsOf({ 'events.jsonl': events.join('\n') + '\n', 'gw.log': '2026-05-01T12:30:00.000Z [gateway] ready (0 plugins; 3.0s)\n' }, 'evidence-coverage');
    const lost = f.find((x) => x.statement.includes('are lost'))!;
    expect(lost.severity).toBe('medium');
    expect(lost.statement).toContain('aaaaaaaaaaaa');
    expect(lost.evidence[0]).toMatchObject({ line: 3, note: 'destroy' });
  });
  it('does not call logs lost when the evidence covers the old generation', async () => {
    const f = await findingsOf({ 'events.jsonl': events.join('\n') + '\n', 'gw.log': '2026-05-01T09:00:00.000Z [gateway] ready (0 plugins; 3.0s)\n2026-05-01T12:30:00.000Z [gateway] ready (0 plugins; 3.0s)\n' }, 'evidence-coverage');
    expect(f.some((x) => x.statement.includes('are lost'))).toBe(false);
  });
});

describe('incidents-and-hours', () => {
  const closes = (hour: string, n: number) => Array.from({ length: n }, (_, i) => `2026-05-01T${hour}:${pad(Math.floor(i / 2))}:${pad((i % 2) * 30)}.000Z [ws] webchat disconnected code=1006 reason=n/a conn=2000${pad(i)}00-0000-4000-a000-000000000000`);
  it('clusters failure signals into an incident and costs it, with the overnight multiplier', async () => {
    const f = await findingsOf({ 'gw.log': gw(closes('23', 40)) }, 'incidents-and-hours');
    expect(f).toHaveLength(1);
    expect(f[0].details).toMatchObject({ overnight: true, signals: 40 });
    // 19.5 min × 2 responders × 1.5
    expect(Number(f[0].details.engineer_hours)).toBeCloseTo((19.5 / 60) * 2 * 1.5, 2);
    expect(Number(f[0].details.cost)).toBeCloseTo((19.5 / 60) * 2 * 1.5 * 95, 0);
  });
  it('counts no incident below the minimum number of signals', async () => {
    expect(await findingsOf({ 'gw.log': gw(closes('10', 10)) }, 'incidents-and-hours')).toEqual([]);
  });
});

describe('token-rotation-drills', () => {
  it('says when the last client came back later than the budget', async () => {
    const repoLines = (minutes: number) => Array.from({ length: minutes }, (_, i) =>
      `2026-05-01T10:${pad(i + 1)}:00.000Z [ws] closed before connect conn=3000${pad(i)}00-0000-4000-a000-000000000000 remote=1.2.3.4 fwd=n/a origin=n/a host=h ua=n/a code=1008 reason=unauthorized: gateway token mismatch (open the dashboard URL and paste the token in Control UI settings)`);
    const dir = {
      'openclaw.json.bak': '{"meta":{"lastTouchedAt":"2026-05-01T09:00:00.000Z"},"gateway":{"auth":{"token":"' + 'a'.repeat(48) + '"}}}',
      'openclaw.json': '{"meta":{"lastTouchedAt":"2026-05-01T10:00:00.000Z"},"gateway":{"auth":{"token":"' + 'b'.repeat(48) + '"}}}',
      'gw.log': gw([...repoLines(12), '2026-05-01T10:14:00.000Z [ws] webchat connected conn=40000000-0000-4000-a000-000000000000 remote=1.2.3.4 client=openclaw-control-ui webchat v2026.4.12']),
    };
    const f = await findingsOf(dir, 'token-rotation-drills');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('medium');
    expect(f[0].statement).toContain('12 rejection(s); last client back after 840 s — over the 5-minute budget');
  });
});
