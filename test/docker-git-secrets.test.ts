// Docker state, config files and git history: real git repositories built in the test (fixed dates, a hook and a
// filter/textconv that must never run), inspect and events fixtures (both recreate orders, a restart in place, a
// crash loop), token forms and the token-surface view; and planted secrets that must not appear anywhere.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAll } from '../queries/runner.js';
import { ingestCase, runCli, tempDir, writeTree } from './helpers.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
function git(dir: string, args: string[], date?: string): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir, encoding: 'utf8',
    env: { ...GIT_ENV, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: 'Tess Ter', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Tess Ter', GIT_COMMITTER_EMAIL: 't@example.com' } : {}) },
  });
}

const CFG_TOKEN = 'a'.repeat(40) + '0123abcd';                     // 48 hex
const ENV_TOKEN = 'b'.repeat(56) + '4567cdef';                     // 64 hex
const REMOTE_TOKEN = 'remote-secret-value-xyz-123456';
const DEVICE_TOKEN = 'devtok_9f8e7d6c5b4a39281706';

function buildRepo(): { dir: string; marker: string; shas: string[] } {
  const dir = tempDir('clawtrail-repo-');
  const marker = join(tempDir(), 'ran');
  git(dir, ['init', '-q']);
  // A hook and a filter/textconv that would leave a marker if git ever ran them for us.
  mkdirSync(join(dir, '.git', 'hooks'), { recursive: true });
  for (const h of ['post-checkout', 'pre-commit', 'post-merge', 'reference-transaction', 'fsmonitor-watchman']) {
    writeFileSync(join(dir, '.git', 'hooks', h), `#!/bin/sh\ntouch ${marker}-${h}\n`);
    chmodSync(join(dir, '.git', 'hooks', h), 0o755);
  }
  const cfg = readFileSync(join(dir, '.git', 'config'), 'utf8');
  // values in double quotes: a `;` would otherwise start a comment in git config
  writeFileSync(join(dir, '.git', 'config'), `${cfg}[filter "evil"]\n\tclean = "sh -c 'touch ${marker}-clean; cat'"\n\tsmudge = "sh -c 'touch ${marker}-smudge; cat'"\n[diff "evil"]\n\ttextconv = "sh -c 'touch ${marker}-textconv; cat'"\n[core]\n\tfsmonitor = "sh -c 'touch ${marker}-fsmonitor'"\n`);
  const shas: string[] = [];
  const commit = (date: string, files: Record<string, string>, msg: string): void => {
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), c);
    }
    // building the repository must not trip the traps either: neutralise them on the command line
    const safe = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'filter.evil.clean=cat', '-c', 'filter.evil.smudge=cat'];
    git(dir, [...safe, 'add', '-A']);
    git(dir, [...safe, 'commit', '-q', '-m', msg], date);
    shas.push(git(dir, ['rev-parse', 'HEAD']).trim());
  };
  commit('2026-10-01T10:00:00+00:00', {
    'openclaw/openclaw.json': `// JSON5: comments and trailing commas\n{\n  meta: { lastTouchedVersion: '2026.4.12', lastTouchedAt: '2026-10-01T09:59:00.000Z', },\n  gateway: {\n    mode: 'local',\n    auth: { mode: 'token', token: '${CFG_TOKEN}', },\n    remote: { token: { source: 'env', provider: 'default', id: 'OPENCLAW_REMOTE_TOKEN' } },\n    controlUi: { allowInsecureAuth: false },\n  },\n}\n`,
    '.env': `# the setup script wrote this\nexport OPENCLAW_CONFIG_DIR="/srv/openclaw/state"\nOPENCLAW_GATEWAY_TOKEN=${CFG_TOKEN}\nEMPTY=\n`,
    'docker-compose.yml': 'services:\n  openclaw-gateway:\n    image: ghcr.io/openclaw/openclaw:2026.4.12\n    environment:\n      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN:-}\n      TZ: UTC\n    volumes:\n      - ${OPENCLAW_CONFIG_DIR}:/home/node/.openclaw\n',
    'nginx/nginx.conf': 'http { server { location / { proxy_pass http://gw; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; proxy_read_timeout 3600s; } } }\n',
    '.gitattributes': '*.json filter=evil diff=evil\n*.conf filter=evil diff=evil\n',
  }, 'initial');
  commit('2026-10-05T10:00:00+00:00', { '.env': `OPENCLAW_CONFIG_DIR=/srv/openclaw/state\nOPENCLAW_GATEWAY_TOKEN='${ENV_TOKEN}'\n` }, 'setup.sh: new token');
  commit('2026-10-06T10:00:00+00:00', {
    'openclaw/openclaw.json': `{"meta":{"lastTouchedVersion":"2026.4.12"},"gateway":{"mode":"local","auth":{"mode":"token","token":"\${OPENCLAW_GATEWAY_TOKEN}"},"remote":{"token":"${REMOTE_TOKEN}"},"controlUi":{"allowInsecureAuth":true}}}\n`,
    'nginx/nginx.conf': 'http { server { location / { proxy_pass http://gw; proxy_read_timeout 5s; } } }\n',
  }, 'template the token; drop the upgrade headers');
  commit('2026-10-07T10:00:00+00:00', { 'openclaw/openclaw.json': '{"gateway":{"auth":{"token":"__OPENCLAW_REDACTED__"}}}\n', 'notes.md': 'hello\n' }, 'pasted a redacted config');
  return { dir, marker, shas };
}

function markersIn(prefix: string): string[] {
  const d = join(prefix, '..');
  const base = prefix.split('/').pop()!;
  return existsSync(d) ? readdirSync(d).filter((f) => f.startsWith(base)) : [];
}

describe('git history', () => {
  it('reads commits, files and every config revision without running a hook, filter or textconv', async () => {
    const { dir, marker, shas } = buildRepo();
    const { store, result } = await ingestCase([], { git: [dir] });
    expect(markersIn(marker)).toEqual([]);
    // the traps are armed: an ordinary git read in the same repository runs the textconv
    execFileSync('git', ['log', '-p', '-1', '--', 'openclaw/openclaw.json'], { cwd: dir, env: GIT_ENV });
    expect(markersIn(marker).some((m) => m.endsWith('-textconv'))).toBe(true);
    const src = result.sources.find((s) => s.kind === 'git')!;
    expect(src).toMatchObject({ status: 'ok', total_lines: 4, parsed_lines: 4, first_ts: '2026-10-01T10:00:00Z' });
    const commits = await store.all<{ sha: string; subject: string; author: string }>('SELECT sha, subject, author FROM commits ORDER BY committer_time');
    expect(commits.map((c) => c.sha)).toEqual(shas);
    expect(commits[0].author).toBe('Tess Ter');
    const files = await store.all<{ path: string; status: string; added: number }>(`SELECT path, status, added::INTEGER AS added FROM commit_files WHERE sha = '${shas[1]}'`);
    expect(files).toEqual([{ path: '.env', status: 'M', added: 2 }]);
    const tok = await store.all<{ key: string; shape: string; fp: string | null; value: string | null; sha: string; line: number }>(
      `SELECT surface || ':' || key AS key, secret_shape AS shape, fp, value, commit_sha AS sha, line_no::INTEGER AS line FROM config_values
       WHERE key IN ('gateway.auth.token', 'OPENCLAW_GATEWAY_TOKEN', 'gateway.remote.token') AND commit_sha IS NOT NULL ORDER BY valid_from, key`);
    const byCommit = (i: number, key: string) => tok.find((t) => t.sha === shas[i] && t.key === key)!;
    expect(byCommit(0, 'openclaw.json:gateway.auth.token')).toMatchObject({ shape: 'hex48', value: null, line: 6 });
    expect(byCommit(0, 'openclaw.json:gateway.remote.token')).toMatchObject({ shape: 'secretref', fp: null, value: 'SecretRef(env:default:OPENCLAW_REMOTE_TOKEN)' });
    expect(byCommit(0, '.env:OPENCLAW_GATEWAY_TOKEN')).toMatchObject({ shape: 'hex48', line: 3 });
    expect(byCommit(0, '.env:OPENCLAW_GATEWAY_TOKEN').fp).toBe(byCommit(0, 'openclaw.json:gateway.auth.token').fp);
    expect(byCommit(1, '.env:OPENCLAW_GATEWAY_TOKEN')).toMatchObject({ shape: 'hex64' });
    expect(byCommit(2, 'openclaw.json:gateway.auth.token')).toMatchObject({ shape: 'template', value: '${OPENCLAW_GATEWAY_TOKEN}', fp: null });
    expect(byCommit(2, 'openclaw.json:gateway.remote.token').shape).toMatch(/^other:/);
    expect(byCommit(3, 'openclaw.json:gateway.auth.token')).toMatchObject({ shape: 'redacted', fp: null });
    const nginx = await store.all<{ key: string; value: string; sha: string }>(`SELECT key, value, commit_sha AS sha FROM config_values WHERE surface = 'nginx.conf' AND key IN ('proxy_read_timeout', 'forwards_upgrade') ORDER BY valid_from, key`);
    expect(nginx).toEqual([
      { key: 'forwards_upgrade', value: 'true', sha: shas[0] }, { key: 'proxy_read_timeout', value: '3600s', sha: shas[0] },
      { key: 'forwards_upgrade', value: 'false', sha: shas[2] }, { key: 'proxy_read_timeout', value: '5s', sha: shas[2] },
    ]);
    const at = async (t: string) => Object.fromEntries((await store.all<{ s: string; shape: string }>(`SELECT token_surface AS s, secret_shape AS shape FROM token_surfaces_at(TIMESTAMPTZ '${t}')`)).map((r) => [r.s, r.shape]));
    expect(await at('2026-10-02T00:00:00Z')).toMatchObject({ 'config:gateway.auth.token': 'hex48', 'env-file:OPENCLAW_GATEWAY_TOKEN': 'hex48', 'config:gateway.remote.token': 'secretref' });
    expect(await at('2026-10-05T12:00:00Z')).toMatchObject({ 'config:gateway.auth.token': 'hex48', 'env-file:OPENCLAW_GATEWAY_TOKEN': 'hex64' });
    expect(await at('2026-10-06T12:00:00Z')).toMatchObject({ 'config:gateway.auth.token': 'template' });
    // the token-surface view, and the queries built on it, see the divergence and the shortcut with their commits
    await runAll(store);
    const f = await store.all<{ query_id: string; statement: string }>(`SELECT query_id, statement FROM findings WHERE query_id IN ('token-divergence', 'security-shortcuts')`);
    expect(f.find((x) => x.query_id === 'token-divergence')!.statement).toContain(shas[1].slice(0, 12));
    expect(f.find((x) => x.query_id === 'security-shortcuts')!.statement).toContain('allowInsecureAuth');
    store.close();
  });

  it('reads a git bundle file the same way, and says so for shallow and empty repositories', async () => {
    const { dir, marker, shas } = buildRepo();
    const bundle = join(tempDir(), 'config.bundle');
    git(dir, ['bundle', 'create', '-q', bundle, '--all']);
    const { store } = await ingestCase([bundle]);
    expect((await store.all<{ sha: string }>('SELECT sha FROM commits ORDER BY committer_time')).map((c) => c.sha)).toEqual(shas);
    store.close();
    const shallow = tempDir();
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${dir}`, join(shallow, 'repo')], { env: GIT_ENV });
    const empty = tempDir();
    git(empty, ['init', '-q']);
    const s2 = await ingestCase([], { git: [join(shallow, 'repo'), empty] });
    const notes = s2.result.sources.map((s) => s.note ?? '');
    expect(notes.some((n) => n.includes('shallow'))).toBe(true);
    expect(notes.some((n) => n.includes('empty repository'))).toBe(true);
    s2.store.close();
    expect(markersIn(marker)).toEqual([]);
  });
});

// ---- docker inspect / events ------------------------------------------------------------------------------------
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const labels = (svc: string, extra: Record<string, string> = {}) => ({ 'com.docker.compose.project': 'openclaw', 'com.docker.compose.service': svc, 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False', 'com.docker.compose.config-hash': 'h'.repeat(64), ...extra });
const ev = (t: number, action: string, id: string, attrs: Record<string, string> = {}, legacy = false) =>
  JSON.stringify({ ...(legacy ? { status: action, id, from: 'openclaw:local' } : {}), Type: 'container', Action: action, Actor: { ID: id, Attributes: { ...labels('openclaw-gateway'), image: 'openclaw:local', name: 'openclaw-openclaw-gateway-1', ...attrs } }, scope: 'local', time: Math.floor(t), timeNano: Math.round(t * 1e9) });
const T = 1776074400;

function inspect(id: string, o: { created: string; started: string; restarts?: number; src: string; token: string; replace?: string }): Record<string, unknown> {
  return {
    Id: id, Created: o.created, Name: '/openclaw-openclaw-gateway-1', RestartCount: o.restarts ?? 0, Image: 'sha256:' + 'f'.repeat(64),
    State: { Status: 'running', Running: true, OOMKilled: false, ExitCode: 0, StartedAt: o.started, FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'healthy', FailingStreak: 0, Log: [{ Start: '2026-04-13T10:30:00.000000000+02:00', End: '2026-04-13T10:30:00.200000000+02:00', ExitCode: 0, Output: '' }] } },
    HostConfig: { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 }, Init: true },
    Mounts: [{ Type: 'bind', Source: o.src, Destination: '/home/node/.openclaw', Mode: '', RW: true }, { Type: 'volume', Name: 'openclaw_ws', Source: '/var/lib/docker/volumes/openclaw_ws/_data', Destination: '/home/node/.openclaw/workspace', RW: true }],
    Config: { User: 'node', Tty: false, Image: 'openclaw:local', Env: ['HOME=/home/node', `OPENCLAW_GATEWAY_TOKEN=${o.token}`, 'TZ=UTC', 'ANTHROPIC_API_KEY=sk-ant-plantedplantedplanted'],
      Healthcheck: { Test: ['CMD', 'node', '-e', 'fetch()'], Interval: 30e9, Timeout: 5e9, StartPeriod: 20e9, Retries: 5 },
      Labels: labels('openclaw-gateway', o.replace ? { 'com.docker.compose.replace': o.replace } : {}) },
    NetworkSettings: { Networks: { openclaw_default: { IPAddress: '172.18.0.2', Gateway: '172.18.0.1' } } },
  };
}

describe('docker inspect and events', () => {
  it('extracts snapshots (time from the dump itself), mounts, fingerprinted environment and healthcheck seconds', async () => {
    const dir = writeTree({ 'inspect.json': JSON.stringify([inspect(A, { created: '2026-04-13T08:00:00Z', started: '2026-04-13T08:00:01.5Z', restarts: 2, src: '/srv/state', token: CFG_TOKEN })], null, 2) });
    const { store } = await ingestCase([dir]);
    const c = await store.one<Record<string, unknown>>(`SELECT strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ') AS snap, snapshot_assumed, service, project, restart_count::INTEGER AS rc, restart_policy,
        health_status, hc_interval_s, hc_start_period_s, hc_retries::INTEGER AS retries, tty, "user", network_gateways, line_no::INTEGER AS line FROM containers`);
    expect(c).toMatchObject({ snap: '2026-04-13T08:30:00Z', snapshot_assumed: false, service: 'openclaw-gateway', project: 'openclaw', rc: 2, restart_policy: 'unless-stopped',
      health_status: 'healthy', hc_interval_s: 30, hc_start_period_s: 20, retries: 5, tty: false, user: 'node', network_gateways: '172.18.0.1', line: 3 });
    expect(await store.all(`SELECT type, name, mount_source AS src, destination AS dst FROM container_mounts ORDER BY destination`)).toEqual([
      { type: 'bind', name: null, src: '/srv/state', dst: '/home/node/.openclaw' }, { type: 'volume', name: 'openclaw_ws', src: '/var/lib/docker/volumes/openclaw_ws/_data', dst: '/home/node/.openclaw/workspace' }]);
    const env = await store.all<{ key: string; value: string | null; fp: string | null; shape: string | null }>(`SELECT key, value, fp, secret_shape AS shape FROM container_env ORDER BY key`);
    expect(env.find((e) => e.key === 'OPENCLAW_GATEWAY_TOKEN')).toMatchObject({ value: null, shape: 'hex48' });
    expect(env.find((e) => e.key === 'ANTHROPIC_API_KEY')).toMatchObject({ value: null });
    expect(env.find((e) => e.key === 'TZ')).toMatchObject({ value: 'UTC', fp: null });
    store.close();
  });

  it('reports malformed dumps by file and line, and reads an object instead of an array', async () => {
    const dir = writeTree({ 'broken.json': '[\n  {"Id": "x",\n  "State": {\n', 'object-inspect.json': JSON.stringify(inspect(A, { created: '2026-04-13T08:00:00Z', started: '2026-04-13T08:00:01Z', src: '/s', token: CFG_TOKEN })) });
    const { store, result } = await ingestCase([dir]);
    const broken = result.sources.find((s) => s.path.endsWith('broken.json'))!;
    expect(broken).toMatchObject({ rejected_lines: 3, parsed_lines: 0, status: 'partial' });
    const rej = await store.one<{ reason: string; line: number }>(`SELECT reason, line_no::INTEGER AS line FROM rejects`);
    expect(rej!.reason).toMatch(/docker-inspect: .*JSON/);
    const obj = result.sources.find((s) => s.path.endsWith('object-inspect.json'))!;
    expect(obj.note).toContain('an object instead of the array');
    store.close();
  });

  const generations = async (files: Record<string, string>) => {
    const { store } = await ingestCase([writeTree(files)]);
    const g = await store.all<Record<string, unknown>>(`SELECT container_id[1:1] AS id, start_events::INTEGER AS starts, die_events::INTEGER AS dies, exit_codes, destroyed IS NOT NULL AS destroyed,
        replace_of[1:1] AS replace_of, seen_in, restart_count::INTEGER AS rc FROM container_generations ORDER BY started`);
    const tr = (await store.all<{ t: string; from: string | null; to: string | null }>(`SELECT transition AS t, from_container[1:1] AS "from", to_container[1:1] AS "to" FROM container_transitions ORDER BY ts, transition`))
      .map((x) => `${x.t} ${x.from ?? '-'}→${x.to ?? '-'}`);
    await runAll(store);
    const f = await store.all<{ query_id: string; severity: string; statement: string }>(`SELECT query_id, severity, statement FROM findings WHERE query_id IN ('restart-flaps', 'pairing-loss-after-recreate') ORDER BY rank`);
    store.close();
    return { g, f, tr };
  };

  it('derives a recreate from events in the current compose order (create with the replace label first)', async () => {
    const lines = [ev(T, 'start', A), ev(T + 100, 'create', B, { 'com.docker.compose.replace': A, name: 'aaaaaaaaaaaa_openclaw-openclaw-gateway-1' }), ev(T + 100.1, 'kill', A, { signal: '15' }),
      ev(T + 101, 'die', A, { exitCode: '0' }), ev(T + 101.1, 'stop', A), ev(T + 101.2, 'destroy', A), ev(T + 101.3, 'rename', B, { oldName: '/aaaaaaaaaaaa_openclaw-openclaw-gateway-1' }), ev(T + 101.5, 'start', B)];
    const { g, tr } = await generations({ 'events.jsonl': lines.join('\n') + '\n' });
    expect(tr).toEqual(['stopped a→-', 'recreate a→b']);
    expect(g).toEqual([
      { id: 'a', starts: 1, dies: 1, exit_codes: [0], destroyed: true, replace_of: null, seen_in: 'events', rc: null },
      { id: 'b', starts: 1, dies: 0, exit_codes: null, destroyed: false, replace_of: 'a', seen_in: 'events', rc: null },
    ]);
  });

  it('derives the same from the older order (stop, rename, create, destroy, start) with the legacy fields, and sees the mount move in inspect', async () => {
    const lines = [ev(T, 'start', A, {}, true), ev(T + 100, 'kill', A, { signal: '15' }, true), ev(T + 101, 'die', A, { exitCode: '0' }, true), ev(T + 101.1, 'stop', A, {}, true),
      ev(T + 101.2, 'rename', A, { oldName: '/openclaw-openclaw-gateway-1' }, true), ev(T + 101.3, 'create', B, {}, true), ev(T + 101.4, 'destroy', A, {}, true), ev(T + 101.5, 'start', B, {}, true),
      ev(T + 130, 'die', B, { exitCode: '0' }, true)];
    const rej = (i: number) => `2026-04-13T10:1${i}:00.000Z [ws] closed before connect conn=${i}0000000-0000-4000-a000-000000000000 remote=172.18.0.1 fwd=n/a origin=https://x host=x ua=n/a code=1008 reason=pairing required`;
    const { g, f } = await generations({
      'events.jsonl': lines.join('\n') + '\n',
      'before.json': JSON.stringify([inspect(A, { created: '2026-04-13T09:00:00Z', started: '2026-04-13T09:00:01Z', src: '/srv/state', token: CFG_TOKEN })]),
      'after.json': JSON.stringify([{ ...inspect(B, { created: '2026-04-13T10:01:41Z', started: '2026-04-13T10:01:41.5Z', src: '/opt/state', token: CFG_TOKEN }), State: { Status: 'running', StartedAt: '2026-04-13T10:01:41.5Z', Health: { Log: [{ End: '2026-04-13T10:20:00Z' }] } } }]),
      'gw.log': [1, 2, 3, 4].map(rej).join('\n') + '\n',
    });
    expect(g.map((x) => [x.id, x.destroyed, x.seen_in])).toEqual([['a', true, 'events+inspect'], ['b', false, 'events+inspect']]);
    const pl = f.find((x) => x.query_id === 'pairing-loss-after-recreate')!;
    expect(pl.severity).toBe('high');
    expect(pl.statement).toContain('state mount /srv/state:/home/node/.openclaw → /opt/state:/home/node/.openclaw');
    expect(pl.statement).toContain('(4 pairing rejection(s))');
  });

  it('tells a restart in place (same id) from a crash loop (repeated non-zero exits)', async () => {
    const inPlace = [ev(T, 'start', A), ev(T + 50, 'kill', A, { signal: '15' }), ev(T + 51, 'die', A, { exitCode: '0' }), ev(T + 52, 'start', A), ev(T + 52.1, 'restart', A)];
    const r1 = await generations({ 'events.jsonl': inPlace.join('\n') + '\n' });
    expect(r1.tr).toEqual(['restart in place a→a']);
    expect(r1.g).toEqual([{ id: 'a', starts: 2, dies: 1, exit_codes: [0], destroyed: false, replace_of: null, seen_in: 'events', rc: null }]);
    expect(r1.f).toEqual([]);
    const loop = [ev(T, 'start', C)];
    [78, 78, 1, 137].forEach((code, i) => loop.push(ev(T + 10 + i * 40, 'die', C, { exitCode: String(code) }), ev(T + 12 + i * 40, 'start', C)));
    const r2 = await generations({ 'events.jsonl': loop.join('\n') + '\n' });
    expect(r2.g[0]).toMatchObject({ id: 'c', dies: 4, exit_codes: [78, 78, 1, 137] });
    expect(r2.tr).toEqual(['restart in place c→c', 'restart in place c→c', 'crash loop c→c', 'crash loop c→c']);
    const stop = await generations({ 'events.jsonl': [ev(T, 'start', A), ev(T + 60, 'kill', A, { signal: '15' }), ev(T + 61, 'die', A, { exitCode: '143' }), ev(T + 61.5, 'stop', A)].join('\n') + '\n' });
    expect(stop.tr).toEqual(['manual stop a→-', 'stopped a→-']);
    expect(r2.f[0]).toMatchObject({ query_id: 'restart-flaps', severity: 'high' });
    expect(r2.f[0].statement).toContain('Crash loop of openclaw-gateway: 4 non-zero deaths (exit codes');
  });

  it('works from inspect snapshots alone: two ids for the service, RestartCount', async () => {
    const { g } = await generations({
      'a.json': JSON.stringify([inspect(A, { created: '2026-04-13T07:00:00Z', started: '2026-04-13T07:00:01Z', restarts: 4, src: '/srv/state', token: CFG_TOKEN })]),
      'b.json': JSON.stringify([inspect(B, { created: '2026-04-13T09:00:00Z', started: '2026-04-13T09:00:01Z', src: '/srv/state', token: CFG_TOKEN, replace: A })]),
    });
    expect(g).toEqual([
      { id: 'a', starts: 0, dies: 0, exit_codes: null, destroyed: false, replace_of: null, seen_in: 'inspect', rc: 4 },
      { id: 'b', starts: 0, dies: 0, exit_codes: null, destroyed: false, replace_of: 'a', seen_in: 'inspect', rc: 0 },
    ]);
  });
});

describe('secrets', () => {
  it('planted token values never appear in the database file, any report, stdout or stderr', () => {
    const dir = writeTree({
      'openclaw.json': `{"gateway":{"auth":{"mode":"token","token":"${CFG_TOKEN}"},"remote":{"token":"${REMOTE_TOKEN}"}}}`,
      '.env': `OPENCLAW_GATEWAY_TOKEN="${ENV_TOKEN}"\nOTHER_PASSWORD=${REMOTE_TOKEN}x\n`,
      'inspect.json': JSON.stringify([inspect(A, { created: '2026-04-13T07:00:00Z', started: '2026-04-13T07:00:01Z', src: '/srv/state', token: ENV_TOKEN })]),
      'devices/paired.json': JSON.stringify({ [C]: { deviceId: C, publicKey: 'pk', role: 'operator', tokens: { operator: { token: DEVICE_TOKEN, role: 'operator' } }, createdAtMs: 1770000000000, approvedAtMs: 1770000000000 } }),
      'access.log': `192.0.2.1 - - [13/Apr/2026:10:00:00 +0000] "GET /?token=${CFG_TOKEN} HTTP/1.1" 200 612 "-" "Mozilla/5.0"\n192.0.2.1 - - [13/Apr/2026:10:00:01 +0000] "GET /#token=${ENV_TOKEN} HTTP/1.1" 200 612 "-" "Mozilla/5.0"\n`,
      'gw.log': `2026-04-13T10:00:00.000Z [gateway] Gateway token: ${ENV_TOKEN}\n2026-04-13T10:00:01.000Z [gateway] dashboard http://127.0.0.1:18789/?token=${CFG_TOKEN}\nnot a log line OPENCLAW_GATEWAY_TOKEN=${ENV_TOKEN} "token": "${DEVICE_TOKEN}"\n`,
      'config-audit.jsonl': `{"ts":"2026-04-13T10:00:00Z","source":"config-io","event":"config.write","argv":["node","dist/index.js","gateway","--token","${CFG_TOKEN}"],"nextHash":"x"}\n`,
    });
    const out = tempDir();
    const r = runCli(['analyze', dir, '--out', out]);
    expect([0, 2, 3]).toContain(r.code);
    const ex = runCli(['export', '--db', join(out, 'case.duckdb'), '--parquet', join(out, 'pq'), '--timesketch', join(out, 'ts.jsonl')]);
    const dump = runCli(['sql', '--db', join(out, 'case.duckdb'), '--json', 'SELECT * FROM rejects UNION ALL BY NAME SELECT * FROM gateway_events']);
    const texts = [r.stdout, r.stderr, ex.stdout, ex.stderr, dump.stdout, dump.stderr];
    const files: string[] = [];
    const walk = (d: string): void => { for (const e of readdirSync(d)) { const p = join(d, e); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
    walk(out);
    expect(files.length).toBeGreaterThan(8);
    for (const secret of [CFG_TOKEN, ENV_TOKEN, REMOTE_TOKEN, DEVICE_TOKEN, 'sk-ant-plantedplantedplanted']) {
      for (const t of texts) expect(t.includes(secret), `output holds ${secret.slice(0, 6)}…`).toBe(false);
      for (const f of files) expect(readFileSync(f).includes(Buffer.from(secret)), `${f} holds ${secret.slice(0, 6)}…`).toBe(false);
    }
    expect(dump.stdout).toContain('[REDACTED]');
  });
});
