// The attribution engine's parts on evidence built in the test (real git repositories, real files, real DuckDB):
// the gateway grammar it needs, multi-line records, one git history however many copies, removed keys as candidate
// changes, episodes that keep families apart, and a crash loop tied to the commit of the key the gateway names.
// (Each mechanism on the lab's recordings of real software: mechanisms.test.ts.)
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runAll } from '../queries/runner.js';
import { ingestCase, tempDir, writeTree } from './helpers.js';

const gitIn = (cwd: string, args: string[], date?: string) => execFileSync('git', ['-c', 'user.name=Ops', '-c', 'user.email=ops@example.test', ...args],
  { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) } });

/** A config repository: each step writes files and commits them at its date. */
function repo(steps: { at: string; files: Record<string, string>; message: string }[]): { dir: string; shas: string[] } {
  const dir = tempDir('clawtrail-attr-repo-');
  gitIn(dir, ['init', '-q', '-b', 'main']);
  const shas: string[] = [];
  for (const s of steps) {
    writeTree(s.files, dir);
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '-m', s.message], s.at);
    shas.push(gitIn(dir, ['rev-parse', 'HEAD']).trim());
  }
  return { dir, shas };
}

const event = (t: string, action: string, attrs: Record<string, string> = {}, id = 'a'.repeat(64)) => JSON.stringify({
  status: action, id, from: 'openclaw:2026.9.6', Type: 'container', Action: action,
  Actor: { ID: id, Attributes: { name: 'p_openclaw-gateway_1', image: 'openclaw:2026.9.6', 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'openclaw-gateway', ...attrs } },
  scope: 'local', time: Math.floor(Date.parse(t) / 1000), timeNano: Date.parse(t) * 1e6,
});

describe('the gateway grammar attribution needs', () => {
  it('classes skipped reloads, invalid frames, the restart-loop breaker, first-start markers, client connect failures and a bare "ready"', async () => {
    const dir = writeTree({ 'gw.log': [
      '2026-05-01T10:00:00.000+00:00 [reload] config reload skipped (invalid config): gateway.trustedProxies: Invalid input: expected array, received string',
      '2026-05-01T10:00:01.000+00:00 [ws] error conn=3170d2a2-f3f2-4a8f-8a77-4fad474b2e88 remote=172.18.0.3: Invalid WebSocket frame: MASK must be set',
      '2026-05-01T10:00:02.000+00:00 [gateway] restart-loop breaker tripped: 3 unclean boot(s) within 300000ms; suppressing channel/provider account auto-start',
      '2026-05-01T10:00:03.000+00:00 [plugins] memory-core: created managed dreaming cron job.',
      '2026-05-01T10:00:04.000+00:00 [gateway] ready',
      '2026-05-01T10:00:05.000+00:00 node host gateway connect failed: connect ECONNREFUSED 127.0.0.1:18789',
    ].join('\n') + '\n' });
    const { store } = await ingestCase([dir]);
    const rows = await store.all<{ event: string; conn_id: string | null }>(`SELECT event, conn_id FROM gateway_events ORDER BY line_no`);
    store.close();
    expect(rows.map((r) => r.event)).toEqual(['reload-skipped', 'invalid-frame', 'restart-loop-breaker', 'first-start', 'ready', 'client-connect-failed']);
    expect(rows[1].conn_id).toBe('3170d2a2-f3f2-4a8f-8a77-4fad474b2e88');
  });

  it('merges the unstamped continuation lines of "Gateway failed to start: Invalid config …" into their record, and no others', async () => {
    const dir = writeTree({ 'gateway.log': [
      '2026-05-01T10:00:00.000000000Z 2026-05-01T10:00:00.000+00:00 [gateway] loading configuration…',
      '2026-05-01T10:00:01.000000000Z 2026-05-01T10:00:01.000+00:00 Gateway failed to start: Invalid config at /home/node/.openclaw/openclaw.json:',
      '2026-05-01T10:00:01.000000100Z openclaw.json:9 — gateway.trustedProxies: Invalid input: expected array, received string',
      '2026-05-01T10:00:01.000000200Z Run "openclaw doctor --fix" to repair, then try again.',
      '2026-05-01T10:00:02.000000000Z 2026-05-01T10:00:02.000+00:00 [gateway] loading configuration…',
      '2026-05-01T10:00:02.000000100Z an unstamped line after a stamped one that opens nothing',
    ].join('\n') + '\n' });
    const { store } = await ingestCase([dir]);
    const rows = await store.all<{ event: string; line_no: string; line_count: number; message: string }>(
      `SELECT event, line_no::INTEGER AS line_no, line_count, message FROM gateway_events ORDER BY line_no`);
    await store.refreshDerived();
    const named = await store.all<{ key: string }>(`SELECT key FROM candidate_changes WHERE kind = 'gateway' AND action = 'fatal-start'`);
    store.close();
    expect(rows.map((r) => [r.event, r.line_no, r.line_count])).toEqual([['starting', 1, 1], ['fatal-start', 2, 3], ['starting', 5, 1], ['other', 6, 1]]);
    expect(rows[1].message).toContain('gateway.trustedProxies: Invalid input');
    expect(named).toEqual([{ key: 'gateway.trustedProxies' }]);
  });
});

describe('one git history, however many copies', () => {
  it('a repository, its bundle and a clone of it are read once; the copies are sources marked duplicate, with the one they repeat', async () => {
    const { dir } = repo([
      { at: '2026-05-01T10:00:00Z', files: { 'nginx/nginx.conf': 'http { server { location / { proxy_read_timeout 3600s; } } }\n' }, message: 'initial' },
      { at: '2026-05-01T11:00:00Z', files: { 'nginx/nginx.conf': 'http { server { location / { proxy_read_timeout 20s; } } }\n' }, message: 'tighten' },
    ]);
    const copies = tempDir('clawtrail-attr-copies-');
    gitIn(dir, ['bundle', 'create', join(copies, 'repo.bundle'), 'main']); // refs only: the bundle's HEAD resolves to nothing
    execFileSync('git', ['clone', '-q', dir, join(copies, 'clone')]);
    const { store } = await ingestCase([], { git: [dir, join(copies, 'repo.bundle'), join(copies, 'clone')] } as never);
    const sources = await store.all<{ status: string; note: string | null }>(`SELECT status, note FROM sources WHERE kind = 'git' ORDER BY source_id`);
    const commits = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM commits`);
    store.close();
    expect(sources.map((s) => s.status)).toEqual(['ok', 'duplicate', 'duplicate']);
    expect(sources[1].note).toMatch(/^the same git history as .* \(same root and tip commits\): not read twice$/);
    expect(commits!.n).toBe(2);
  });

  it('a bundle alone is read even though its HEAD resolves to nothing', async () => {
    const { dir } = repo([{ at: '2026-05-01T10:00:00Z', files: { '.env': 'OPENCLAW_CONFIG_DIR=/srv/a\n' }, message: 'initial' }]);
    const b = join(tempDir('clawtrail-attr-b-'), 'repo.bundle');
    gitIn(dir, ['bundle', 'create', b, 'main']);
    const { store } = await ingestCase([], { git: [b] } as never);
    const n = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM commits`);
    store.close();
    expect(n!.n).toBe(1);
  });
});

describe('candidate changes', () => {
  it('a key a commit removes is a change (compose volumes, nginx upgrade headers), with the commit', async () => {
    const compose = (vols: string[]) => `services:\n  openclaw-gateway:\n    image: openclaw:2026.9.6\n    volumes:\n${vols.map((v) => `      - ${v}\n`).join('')}`;
    const nginx = (upgrade: boolean) => `http { server { location / { proxy_pass http://gw:18789; proxy_http_version 1.1;${upgrade ? ' proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";' : ''} } } }\n`;
    const { dir, shas } = repo([
      { at: '2026-05-01T10:00:00Z', files: { 'docker-compose.yml': compose(['./config:/home/node/.openclaw', 'state:/home/node/.openclaw/state']), 'nginx/nginx.conf': nginx(true) }, message: 'initial' },
      { at: '2026-05-01T11:00:00Z', files: { 'docker-compose.yml': compose(['./config:/home/node/.openclaw']) }, message: 'one mount is enough' },
      { at: '2026-05-01T12:00:00Z', files: { 'nginx/nginx.conf': nginx(false) }, message: 'tidy headers' },
    ]);
    const { store } = await ingestCase([], { git: [dir] } as never);
    await store.refreshDerived();
    const rows = await store.all<{ component: string; action: string; key: string; commit_sha: string }>(
      `SELECT component, action, key, commit_sha FROM candidate_changes WHERE kind = 'config' ORDER BY ts, key`);
    store.close();
    expect(rows).toEqual(expect.arrayContaining([
      { component: 'compose', action: 'removed', key: 'services.openclaw-gateway.volumes[1]', commit_sha: shas[1] },
      { component: 'nginx', action: 'removed', key: 'proxy_set_header.Upgrade', commit_sha: shas[2] },
      { component: 'nginx', action: 'changed', key: 'forwards_upgrade', commit_sha: shas[2] },
    ]));
  });
});

describe('episodes and a crash loop', () => {
  it('keeps a first pairing and a later crash loop apart, and ties the loop to the commit of the key the gateway names, with the fix', async () => {
    const { dir, shas } = repo([
      { at: '2026-05-01T09:00:00Z', files: { 'config/openclaw.json': '{ "gateway": { "trustedProxies": ["127.0.0.1"] } }\n' }, message: 'initial' },
      { at: '2026-05-01T10:00:00Z', files: { 'config/openclaw.json': '{ "gateway": { "trustedProxies": "127.0.0.1" } }\n' }, message: 'gateway: trust local proxy' },
      { at: '2026-05-01T10:04:00Z', files: { 'config/openclaw.json': '{ "gateway": { "trustedProxies": ["127.0.0.1"] } }\n' }, message: 'gateway: trustedProxies must be a list' },
    ]);
    const fatal = (t: string) => [
      `${t}000000Z ${t}+00:00 Gateway failed to start: Invalid config at /home/node/.openclaw/openclaw.json:`.replace(/(\.\d{3})000000Z (\S+)\+00:00/, '$1000000Z $2+00:00'),
      `${t}000100Z openclaw.json:3 — gateway.trustedProxies: Invalid input: expected array, received string`,
    ];
    const pairing = [1, 2, 3].map((i) => `2026-05-01T09:58:0${i}.000000000Z 2026-05-01T09:58:0${i}.000+00:00 [ws] closed before connect conn=0000000${i}-0000-4000-a000-000000000000 peer=127.0.0.1:4000${i}->127.0.0.1:18789 remote=127.0.0.1 fwd=198.51.100.1${i}, 127.0.0.1 origin=n/a host=gw ua=n/a code=1008 reason=pairing required: device is not approved yet (requestId: 0000000${i}-1111-4000-a000-000000000000)`);
    const starts = ['2026-05-01T10:01:00.000', '2026-05-01T10:01:20.000', '2026-05-01T10:01:50.000'];
    const events = [
      event('2026-05-01T10:00:40Z', 'kill', { signal: '15' }), event('2026-05-01T10:00:42Z', 'die', { exitCode: '0' }), event('2026-05-01T10:00:43Z', 'start'),
      ...starts.flatMap((s, i) => [event(`${s.slice(0, 19)}Z`, 'die', { exitCode: '78' }), event(`${starts[i].slice(0, 17)}${String(Number(s.slice(17, 19)) + 5).padStart(2, '0')}Z`, 'start')]),
    ];
    const nginx = starts.flatMap((s, i) => [0, 4, 8].map((d) => `198.51.100.1${i} - - [01/May/2026:10:01:${String(Number(s.slice(17, 19)) % 60 + d).padStart(2, '0')} +0000] "GET / HTTP/1.1" 502 150 "-" "probe/1"`));
    const files = writeTree({
      'logs/gateway.log': [...pairing, ...starts.flatMap((s) => fatal(s))].join('\n') + '\n',
      'docker/events.jsonl': events.join('\n') + '\n',
      'nginx/access.log': nginx.join('\n') + '\n',
    });
    const { store } = await ingestCase([files], { git: [dir] } as never);
    await runAll(store);
    const eps = await store.all<{ family: string; path: string }>(`SELECT family, path FROM episodes ORDER BY start_ts`);
    const f = await store.all<{ severity: string; statement: string; details: string; evidence: string }>(
      `SELECT severity, statement, details, evidence FROM findings WHERE json_extract_string(details, '$.mechanism') = 'config-crash-loop'`);
    store.close();
    expect(eps[0]).toEqual({ family: 'pairing', path: 'nginx' });
    expect(eps.slice(1).map((e) => e.family)).not.toContain('pairing');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    const d = JSON.parse(f[0].details);
    expect(d.trigger).toMatchObject({ commit: shas[1], key: 'gateway.trustedProxies' });
    expect(d.fix).toMatchObject({ commit: shas[2], key: 'gateway.trustedProxies' });
    expect(f[0].statement).toMatch(/^The gateway could not start for .* because commit [0-9a-f]{7} made openclaw.json invalid at gateway.trustedProxies \(loaded by the restart at 10:00:40\)/);
    expect(JSON.parse(f[0].evidence).some((e: { sha?: string }) => e.sha === shas[1])).toBe(true);
  });
});
