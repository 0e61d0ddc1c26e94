// Gateway log shapes (reference §1, §9 and the observed 2026.9 lines): fields, UTC instants and line accounting.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { ESC, ingestCase, writeTree } from './helpers.js';

type Row = Record<string, unknown>;
async function events(files: Record<string, string | Buffer>, opts = {}): Promise<{ rows: Row[]; sources: Row[] }> {
  const dir = writeTree(files);
  const { store } = await ingestCase([dir], opts);
  const rows = await store.all(`SELECT s.path, g.line_no::INTEGER AS line, g.line_count::INTEGER AS lc, strftime(g.ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts, g.ts_text, g.tz_assumed,
      strftime(g.daemon_ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS daemon, g.container, g.service, g.stream, g.shape, g.level, g.subsystem, g.event, g.message,
      g.close_code::INTEGER AS code, g.close_reason, g.auth_reason, g.cause, g.conn_id, g.peer, g.remote, g.fwd, g.origin, g.host, g.user_agent, g.client, g.client_mode,
      g.client_version, g.auth_method, g.device_id, g.request_id, g.role, g.changed_paths, g.version, g.signal
    FROM gateway_events g JOIN sources s USING (source_id) ORDER BY s.path, g.line_no`);
  const sources = await store.all(`SELECT path, kind, format, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed, rejected_lines::INTEGER AS rejected, tz, status FROM sources ORDER BY path`);
  store.close();
  return { rows, sources };
}

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)';

describe('docker json-file', () => {
  it('reads records, merges >16 KiB partial records and keeps daemon and gateway instants apart', async () => {
    const long = 'x'.repeat(16384);
    const lines = [
      JSON.stringify({ log: `${ESC}[90m2026-03-13T22:41:16.216+00:00${ESC}[39m ${ESC}[36m[ws]${ESC}[39m ${ESC}[36mwebchat connected conn=f7009cb6-0000-4000-a000-333344445555 remote=127.0.0.1 client=openclaw-control-ui webchat v2026.3.12${ESC}[39m\n`, stream: 'stdout', time: '2026-03-13T22:41:16.216950123Z' }),
      JSON.stringify({ log: `2026-03-13T22:41:17.000Z [ws] webchat disconnected code=1006 reason=n/a conn=f7009cb6-0000-4000-a000-333344445555 ${long}`, stream: 'stdout', time: '2026-03-13T22:41:17.000000001Z' }),
      JSON.stringify({ log: 'tail\n', stream: 'stdout', time: '2026-03-13T22:41:17.000000002Z' }),
      JSON.stringify({ log: 'Config was last written by a newer OpenClaw (2026.4.14); current version is 2026.4.1.\n', stream: 'stderr', time: '2026-03-13T22:41:18.5Z' }),
      '',
      '{"log":"cut in the mid',
    ];
    const id = 'c'.repeat(64);
    const { rows, sources } = await events({ [`containers/${id}/${id}-json.log`]: lines.join('\n') + '\n' });
    expect(sources[0]).toMatchObject({ format: 'docker-json-file', total: 6, parsed: 5, rejected: 1, status: 'partial' });
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ line: 1, lc: 1, ts: '2026-03-13T22:41:16.216Z', daemon: '2026-03-13T22:41:16.216950Z', shape: 'compact', level: 'info',
      subsystem: 'ws', event: 'connected', client: 'openclaw-control-ui', client_mode: 'webchat', client_version: '2026.3.12', remote: '127.0.0.1', container: 'cccccccccccc', tz_assumed: false });
    expect(rows[1]).toMatchObject({ line: 2, lc: 2, event: 'disconnected', code: 1006, close_reason: null, conn_id: 'f7009cb6-0000-4000-a000-333344445555', ts: '2026-03-13T22:41:17.000Z' });
    expect(String(rows[1].message)).toMatch(/x{16384}tail$/);
    expect(rows[2]).toMatchObject({ line: 4, event: 'config-from-newer-version', version: '2026.4.14', level: 'warn', stream: 'stderr' });
  });

  it('reads a gzipped rotated series in order, oldest first', async () => {
    const rec = (t: string, msg: string): string => JSON.stringify({ log: `${t} [gateway] ${msg}\n`, stream: 'stdout', time: t.replace('+00:00', 'Z') });
    const { sources, rows } = await events({
      'g/gw-json.log.2.gz': gzipSync(rec('2026-01-01T00:00:00.000+00:00', 'listening on ws://0.0.0.0:18789 (PID 7)') + '\n'),
      'g/gw-json.log.1': rec('2026-01-02T00:00:00.000+00:00', 'signal SIGTERM received') + '\n',
      'g/gw-json.log': rec('2026-01-03T00:00:00.000+00:00', 'ready (0 plugins; 3.2s)') + '\n',
    });
    expect(sources.map((s) => s.path).map((p) => String(p).split('/').pop())).toEqual(['gw-json.log', 'gw-json.log.1', 'gw-json.log.2.gz']);
    expect(rows.map((r) => r.event).sort()).toEqual(['listening', 'ready', 'signal']);
    expect(sources.every((s) => s.rejected === 0)).toBe(true);
  });
});

describe('docker logs and compose logs text', () => {
  it('takes the compose prefix, the daemon stamp, the ANSI colour level and every field of the observed lines', async () => {
    const text = [
      `openclaw-gateway-1  | 2026-02-27T00:45:49.947231865Z 2026-02-27T00:45:49.947+00:00 [ws] webchat disconnected code=1006 reason=n/a conn=676fc4da-db35-4630-9a77-c0fd70482c14`,
      `openclaw-gateway-1  | 2026-02-27T00:45:50.100000000Z ${ESC}[90m2026-02-27T00:45:50.099+00:00${ESC}[39m ${ESC}[36m[ws]${ESC}[39m ${ESC}[33mclosed before connect conn=6bf106c6-1111-2222-3333-444455556666 peer=172.18.0.1:51234->172.18.0.2:18789 remote=172.18.0.1 fwd=198.51.100.11, 127.0.0.1 origin=https://claw.example.com host=claw.example.com ua=${UA} code=1008 reason=pairing required${ESC}[39m`,
      `openclaw-gateway-1  | 2026-02-27T00:45:51.000000000Z 2026-02-27T00:45:51.000Z [ws] unauthorized conn=aaaa1111-2222-3333-4444-555566667777 peer=127.0.0.1:40000->127.0.0.1:18789 remote=127.0.0.1 client=cli cli v2026.9.6 role=operator scopes=3 auth=token device=yes platform=linux instance=x host=127.0.0.1:18789 origin=n/a ua=n/a reason=token_mismatch`,
      `openclaw-cli-1      | 2026-02-27T00:45:51.200000000Z gateway connect failed: Error: gateway closed (1008): unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)`,
      `openclaw-gateway-1  | 2026-02-27T00:46:00.000000000Z 2026-02-27T00:46:00.000+01:00 [reload] config change detected; evaluating reload (gateway.auth.token, gateway.remote.url)`,
      `openclaw-gateway-1  | 2026-02-27T00:46:09.655000000Z 2026-02-27T00:46:09.655Z [gateway] received SIGTERM; shutting down`,
      `openclaw-gateway-1  | 2026-02-27T00:46:20.000000000Z 2026-02-27T00:46:20.000+00:00 [gateway] ready (2 plugins: a, b; 3.2s)`,
      `openclaw-gateway-1  | 2026-02-27T00:46:21.000000000Z 2026-02-27T00:46:21.000+00:00 [gateway] device pairing approved device=9b4014814269f3495f5086a7c80e75ef259114d0b4390c89564965a3bd61307a role=operator`,
      `openclaw-gateway-1  | 2026-02-27T00:46:22.000000000Z 2026-02-27T00:46:22.000+00:00 [ws] handshake timeout conn=bbbb1111-2222-3333-4444-555566667777 remote=10.0.0.9`,
      `openclaw-gateway-1  | 2026-02-27T00:46:23.000000000Z 2026-02-27T00:46:23.000+00:00 [gateway] something nobody templated yet`,
    ].join('\n') + '\n';
    const { rows, sources } = await events({ 'compose.log': text });
    expect(sources[0]).toMatchObject({ format: 'docker-logs', total: 10, parsed: 10, rejected: 0, tz: 'stated' });
    const [disc, cbc, unauth, cli, reload, sig, ready, approved, hto, other] = rows;
    expect(disc).toMatchObject({ event: 'disconnected', code: 1006, container: 'openclaw-gateway-1', service: 'openclaw-gateway', daemon: '2026-02-27T00:45:49.947231Z' });
    expect(cbc).toMatchObject({ event: 'closed-before-connect', level: 'warn', code: 1008, close_reason: 'pairing required', cause: 'pairing-required', peer: '172.18.0.1:51234->172.18.0.2:18789',
      remote: '172.18.0.1', fwd: '198.51.100.11, 127.0.0.1', origin: 'https://claw.example.com', host: 'claw.example.com', user_agent: UA, ts: '2026-02-27T00:45:50.099Z' });
    expect(unauth).toMatchObject({ event: 'unauthorized', auth_reason: 'token_mismatch', client: 'cli', client_mode: 'cli', client_version: '2026.9.6', auth_method: 'token', role: 'operator', remote: '127.0.0.1' });
    expect(cli).toMatchObject({ event: 'client-closed', code: 1008, auth_reason: 'token_mismatch', service: 'openclaw-cli', ts: '2026-02-27T00:45:51.200Z' });
    expect(reload).toMatchObject({ event: 'reload-detected', changed_paths: 'gateway.auth.token, gateway.remote.url', ts: '2026-02-26T23:46:00.000Z' });
    expect(sig).toMatchObject({ event: 'signal', signal: 'SIGTERM' });
    expect(ready).toMatchObject({ event: 'ready' });
    expect(approved).toMatchObject({ event: 'pairing-approved', device_id: '9b4014814269f3495f5086a7c80e75ef259114d0b4390c89564965a3bd61307a', role: 'operator' });
    expect(hto).toMatchObject({ event: 'handshake-timeout', remote: '10.0.0.9' });
    expect(other).toMatchObject({ event: 'other', subsystem: 'gateway' });
  });

  it('gives a node client line with no stamp of its own the docker -t instant, and reads bare console lines', async () => {
    const { rows } = await events({
      'node.txt': '2026-11-18T14:05:13.123456789Z gateway closed (1006 abnormal closure (no close frame)): no close reason\n2026-11-18T14:05:14.000000000Z reconnect paused after close (1008): unauthorized: device token mismatch (rotate/reissue device token) AUTH_DEVICE_TOKEN_MISMATCH; waiting for operator action\n',
      'console.txt': '2026-02-23T12:47:59.405Z [reload] config change detected; evaluating reload (models.providers.minimax-portal.models)\n2026-02-23T12:48:09.655Z [gateway] signal SIGTERM received\n',
    });
    const node = rows.filter((r) => String(r.path).endsWith('node.txt'));
    expect(node[0]).toMatchObject({ event: 'client-closed', code: 1006, ts: '2026-11-18T14:05:13.123Z', shape: 'raw', close_reason: 'no close reason' });
    expect(node[1]).toMatchObject({ event: 'client-closed', code: 1008, auth_reason: 'device_token_mismatch' });
    const con = rows.filter((r) => String(r.path).endsWith('console.txt'));
    expect(con.map((r) => r.event)).toEqual(['reload-detected', 'signal']);
    expect(con[0]).toMatchObject({ ts: '2026-02-23T12:47:59.405Z', changed_paths: 'models.providers.minimax-portal.models' });
  });

  it('pretty HH:MM:SS lines take the date from the daemon stamp; without one the instant is unknown, not invented', async () => {
    const { rows } = await events({
      'pretty-t.txt': '2026-01-29T03:30:04.000000000Z 03:30:04 [gateway] listening on ws://127.0.0.1:18789 (PID 1)\n',
      'pretty.txt': '03:30:04 [gateway] listening on ws://127.0.0.1:18789 (PID 1)\n03:30:05 [gateway] listening on ws://[::1]:18789\n',
    });
    const withT = rows.find((r) => String(r.path).endsWith('pretty-t.txt'))!;
    expect(withT).toMatchObject({ shape: 'pretty', event: 'listening', ts: '2026-01-29T03:30:04.000Z', ts_text: '03:30:04' });
    const bare = rows.filter((r) => String(r.path).endsWith('/pretty.txt'));
    expect(bare).toHaveLength(2);
    expect(bare.every((r) => r.ts === null && r.event === 'listening')).toBe(true);
  });

  it('reads journald-wrapped lines by the payload stamp', async () => {
    const { rows, sources } = await events({ 'journal.txt': 'Feb 22 20:57:15 HOST node[14702]: 2026-02-22T12:57:15.068Z [ws] webchat disconnected code=1001 reason=n/a conn=0f0f0f0f-0000-4000-a000-000000000000\nFeb 22 20:57:16 HOST node[14702]: 2026-02-22T12:57:16.000Z [gateway] signal SIGUSR1 received\n' });
    expect(sources[0]).toMatchObject({ format: 'journald', rejected: 0 });
    expect(rows[0]).toMatchObject({ event: 'disconnected', code: 1001, ts: '2026-02-22T12:57:15.068Z', container: 'node' });
    expect(rows[1]).toMatchObject({ event: 'signal', signal: 'SIGUSR1' });
  });

  it('reads the json console style', async () => {
    const { rows } = await events({ 'json-console.txt': '2026-04-01T10:00:00.000000000Z {"time":"2026-04-01T12:00:00.000+02:00","level":"warn","subsystem":"gateway/ws","message":"unauthorized conn=c1c1c1c1-0000-4000-a000-000000000000 remote=10.0.0.2 client=openclaw-control-ui webchat v2026.4.1 reason=password_mismatch"}\n' });
    expect(rows[0]).toMatchObject({ shape: 'json-console', level: 'warn', subsystem: 'gateway/ws', event: 'unauthorized', auth_reason: 'password_mismatch', ts: '2026-04-01T10:00:00.000Z' });
  });
});

describe('gateway file log (tslog) and openclaw logs', () => {
  it('reads positional keys, meta objects, captured console records and the size-cap marker', async () => {
    const meta = { cause: 'pairing-required', handshake: 'failed', durationMs: 29, deviceId: 'd'.repeat(64), requestId: '035f71d7-3976-4099-8233-b6d11ced4237', reason: 'not-paired' };
    const lines = [
      JSON.stringify({ 0: '{"subsystem":"gateway/ws"}', 1: 'webchat disconnected code=1001 reason=n/a conn=b84f62ba-0000-4000-a000-000000000000', _meta: { name: '{"subsystem":"gateway/ws"}', date: '2026-03-13T22:41:16.216Z', logLevelName: 'INFO' }, time: '2026-03-13T18:41:16.217-04:00' }),
      JSON.stringify({ 0: '{"subsystem":"gateway/ws"}', 1: meta, 2: 'closed before connect conn=6bf106c6-0000-4000-a000-000000000000 remote=127.0.0.1 fwd=n/a origin=n/a host=127.0.0.1:18789 ua=n/a code=1008 reason=pairing required', _meta: { name: '{"subsystem":"gateway/ws"}', date: '2026-03-13T22:41:17.000Z', logLevelName: 'WARN' }, time: '2026-03-13T22:41:17.000Z' }),
      JSON.stringify({ 0: `${ESC}[38;2;226;61;45mgateway connect failed: Error: gateway closed (1000): ${ESC}[39m`, _meta: { name: 'openclaw', date: '2026-03-13T22:41:18.000Z', logLevelName: 'ERROR' } }),
      JSON.stringify({ time: '2026-03-13T22:41:19.000Z', level: 'warn', subsystem: 'logging', message: 'log file size cap reached; suppressing writes file=/tmp/openclaw/openclaw-2026-03-13.log maxFileBytes=524288000' }),
    ];
    const { rows, sources } = await events({ 'openclaw-2026-03-13.log': lines.join('\n') + '\n' });
    expect(sources[0]).toMatchObject({ format: 'tslog', total: 4, parsed: 4, rejected: 0 });
    expect(rows[0]).toMatchObject({ event: 'disconnected', code: 1001, subsystem: 'gateway/ws', level: 'info', ts: '2026-03-13T22:41:16.216Z' });
    expect(rows[1]).toMatchObject({ event: 'closed-before-connect', cause: 'pairing-required', device_id: 'd'.repeat(64), request_id: '035f71d7-3976-4099-8233-b6d11ced4237', level: 'warn' });
    expect(rows[2]).toMatchObject({ event: 'client-closed', code: 1000, level: 'error', subsystem: null });
    expect(rows[3]).toMatchObject({ subsystem: 'logging', level: 'warn', event: 'other' });
  });

  it('reads the `openclaw logs` rendering users paste (pretty and --json)', async () => {
    const text = [
      '13:23:53 warn gateway/ws {"subsystem":"gateway/ws"} {"cause":"invalid-handshake","handshake":"failed"} closed before connect conn=a445aab7-0000-4000-a000-000000000000 remote=192.168.0.2 fwd=n/a origin=n/a host=openclaw.example.com:18789 ua=okhttp/4.12.0 code=1006 reason=n/a',
      '2026-03-24T13:23:54.000Z info gateway/reload {"subsystem":"gateway/reload"} config hot reload applied (gateway.auth.token)',
      '{"type":"log","time":"2026-03-24T13:23:55.000Z","level":"warn","subsystem":"gateway/ws","message":"unauthorized conn=x remote=1.2.3.4 client=cli cli v2026.3.24 reason=token_mismatch"}',
    ].join('\n') + '\n';
    const { rows, sources } = await events({ 'pasted.txt': text });
    expect(sources[0]).toMatchObject({ format: 'openclaw-logs', rejected: 0 });
    expect(rows[0]).toMatchObject({ event: 'closed-before-connect', code: 1006, cause: 'invalid-handshake', user_agent: 'okhttp/4.12.0', ts: null, level: 'warn' });
    expect(rows[1]).toMatchObject({ event: 'reload-applied', ts: '2026-03-24T13:23:54.000Z', changed_paths: 'gateway.auth.token' });
    expect(rows[2]).toMatchObject({ event: 'unauthorized', auth_reason: 'token_mismatch' });
  });
});

describe('secrets in gateway lines', () => {
  it('redacts token= in URLs and setup-script echoes before anything is stored', async () => {
    const tok = 'a1'.repeat(24);
    const { rows } = await events({ 'c.txt': `2026-01-01T00:00:00.000Z [gateway] dashboard: http://127.0.0.1:18789/?token=${tok}\n2026-01-01T00:00:01.000Z [gateway] Gateway token: ${tok}\n` });
    for (const r of rows) expect(String(r.message)).not.toContain(tok);
    expect(rows[0].message).toContain('token=[REDACTED]');
  });
});
