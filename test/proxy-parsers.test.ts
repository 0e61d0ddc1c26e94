// Reverse-proxy log shapes: nginx (builtin shapes and a log_format compiled from the bundle's nginx.conf), nginx
// error log, Caddy JSON, Traefik CLF and JSON, HAProxy, Envoy. Fields, UTC instants, redaction, line accounting.
import { describe, expect, it } from 'vitest';
import { compileFormat, parseLogFormats } from '../ingest/formats/nginx-access/log-format.js';
import { ingestCase, writeTree } from './helpers.js';

type Row = Record<string, unknown>;
async function proxy(files: Record<string, string>, opts = {}): Promise<{ req: Row[]; err: Row[]; sources: Row[] }> {
  const dir = writeTree(files);
  const { store } = await ingestCase([dir], opts);
  const req = await store.all(`SELECT s.path, r.line_no::INTEGER AS line, r.proxy, strftime(r.ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts, r.ts_text, r.tz_assumed,
      strftime(r.started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started, r.remote_addr, r.method, r.path AS url, r.protocol, r.status::INTEGER AS status,
      r.bytes_sent::INTEGER AS bytes, r.request_time, r.upstream_time, r.upstream_status, r.upstream_addr, r.host, r.referer, r.user_agent, r.xff, r.upgrade,
      r.worker_pid::INTEGER AS pid, r.is_websocket FROM proxy_requests r JOIN sources s USING (source_id) ORDER BY s.path, r.line_no`);
  const err = await store.all(`SELECT e.line_no::INTEGER AS line, e.proxy, strftime(e.ts, '%Y-%m-%dT%H:%M:%SZ') AS ts, e.tz_assumed, e.level, e.pid::INTEGER AS pid,
      e.conn_serial::INTEGER AS conn, e.kind, e.upgraded, e.client, e.upstream, e.request, e.host, e.signal FROM proxy_errors e ORDER BY e.line_no`);
  const sources = await store.all(`SELECT path, kind, format, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed, rejected_lines::INTEGER AS rejected, tz, status FROM sources ORDER BY path`);
  store.close();
  return { req, err, sources };
}

const CONF = `http {
    # the format our deployment logs with
    log_format clawtrail '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                         '"$http_referer" "$http_user_agent" rt=$request_time urt="$upstream_response_time" '
                         'ust="$upstream_status" wpid=$pid upgrade="$http_upgrade" xff="$http_x_forwarded_for"';
    access_log /var/log/nginx/access.log clawtrail;
}
`;

describe('nginx log_format compiler', () => {
  it('reads log_format declarations with their line and compiles them to an anchored pattern', () => {
    const [f] = parseLogFormats(CONF, 'nginx.conf');
    expect(f.name).toBe('clawtrail');
    expect(f.origin).toBe('nginx.conf:3');
    const c = compileFormat(f);
    expect(c.vars).toEqual(['remote_addr', 'remote_user', 'time_local', 'request', 'status', 'body_bytes_sent', 'http_referer', 'http_user_agent',
      'request_time', 'upstream_response_time', 'upstream_status', 'pid', 'http_upgrade', 'http_x_forwarded_for']);
    const line = '203.0.113.9 - - [18/Nov/2026:14:05:13 +0000] "GET / HTTP/1.1" 101 2311 "-" "Mozilla/5.0 (X11)" rt=20.013 urt="20.013" ust="101" wpid=2208 upgrade="websocket" xff="198.51.100.11, 127.0.0.1"';
    expect(new RegExp(c.regex).test(line)).toBe(true);
    expect(new RegExp(c.regex).test(line.replace(' wpid=', ' pid='))).toBe(false);
  });
});

describe('nginx access', () => {
  it('parses the custom log_format of the bundle: 101 lines written at close, worker pid, upgrade, xff lists, token redaction', async () => {
    const lines = [
      '203.0.113.9 - - [18/Nov/2026:14:05:13 +0000] "GET / HTTP/1.1" 101 2311 "-" "Mozilla/5.0 (X11; Linux x86_64)" rt=20.013 urt="20.013" ust="101" wpid=2208 upgrade="websocket" xff="198.51.100.11, 127.0.0.1"',
      '203.0.113.9 - - [18/Nov/2026:14:05:14 +0100] "GET /?token=0123456789abcdef0123456789abcdef0123456789abcdef HTTP/1.1" 200 1843 "-" "curl/8.5" rt=0.003 urt="0.002" ust="200" wpid=2209 upgrade="" xff=""',
      '203.0.113.9 - - [18/Nov/2026:14:05:15 +0000] "GET /api HTTP/1.1" 502 157 "-" "curl/8.5" rt=0.001 urt="0.001, 0.000" ust="502, 502" wpid=2209 upgrade="" xff=""',
      'this is not an access line',
    ];
    const { req, sources } = await proxy({ 'nginx/nginx.conf': CONF, 'logs/access.log': lines.join('\n') + '\n' });
    const src = sources.find((s) => String(s.path).endsWith('access.log'))!;
    expect(src).toMatchObject({ format: 'nginx-access:clawtrail', total: 4, parsed: 3, rejected: 1, status: 'partial' });
    expect(req[0]).toMatchObject({ line: 1, proxy: 'nginx', status: 101, ts: '2026-11-18T14:05:13.000Z', started: '2026-11-18T14:04:52.987Z', request_time: 20.013,
      upstream_status: '101', pid: 2208, upgrade: 'websocket', xff: '198.51.100.11, 127.0.0.1', is_websocket: true, method: 'GET', url: '/', protocol: 'HTTP/1.1', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(req[1]).toMatchObject({ ts: '2026-11-18T13:05:14.000Z', url: '/?token=[REDACTED]', upgrade: null, is_websocket: false, tz_assumed: false });
    expect(req[2]).toMatchObject({ status: 502, upstream_time: 0, upstream_status: '502, 502' });
  });

  it('recognises the common shapes without a config: combined and combined + timing', async () => {
    const { req, sources } = await proxy({
      'a.log': '192.0.2.1 - - [02/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0"\n',
      'b.log': '192.0.2.1 - alice [02/Jan/2026:10:00:01 +0000] "GET /ws HTTP/1.1" 101 0 "https://claw.example.com/" "Mozilla/5.0" 3600.012 3600.010\n',
    });
    expect(sources.map((s) => s.format)).toEqual(['nginx-access:combined', 'nginx-access:combined+timing']);
    expect(req[1]).toMatchObject({ status: 101, request_time: 3600.012, upstream_time: 3600.01, referer: 'https://claw.example.com/', is_websocket: true });
  });
});

describe('nginx error log', () => {
  it('classifies timeouts on upgraded connections and the reload notices of a release, with the zone assumed', async () => {
    const text = [
      '2026/11/18 14:05:03 [notice] 2207#2207: signal process started',
      '2026/11/18 14:05:03 [notice] 1#1: signal 1 (SIGHUP) received from 2207, reconfiguring',
      '2026/11/18 14:05:03 [notice] 29#29: gracefully shutting down',
      '2026/11/18 14:05:13 [notice] 29#29: exiting',
      '2026/11/18 14:05:33 [info] 2208#2208: *1042 upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 203.0.113.9, server: claw.example.com, request: "GET /?token=abcdefabcdefabcdef HTTP/1.1", upstream: "http://172.20.0.2:18789/", host: "claw.example.com"',
      '2026/11/18 14:06:00 [error] 2208#2208: *1050 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: claw.example.com, request: "GET / HTTP/1.1", upstream: "http://172.20.0.2:18789/", host: "claw.example.com"',
      '2026/11/18 14:06:01 [error] 2208#2208: *1051 recv() failed (104: Connection reset by peer) while proxying upgraded connection, client: 203.0.113.9, server: claw.example.com, request: "GET / HTTP/1.1", upstream: "http://172.20.0.2:18789/", host: "claw.example.com"',
    ].join('\n') + '\n';
    const { err, sources } = await proxy({ 'error.log': text }, { tz: 'Europe/Paris' });
    expect(sources[0]).toMatchObject({ format: 'nginx-error', rejected: 0, tz: 'assumed:Europe/Paris' });
    expect(err.map((e) => e.kind)).toEqual(['signal', 'reload', 'shutdown', 'worker-exit', 'upstream-timeout', 'connect-refused', 'upstream-reset']);
    expect(err[1]).toMatchObject({ ts: '2026-11-18T13:05:03Z', tz_assumed: true, pid: 1, signal: 'SIGHUP' });
    expect(err[4]).toMatchObject({ upgraded: true, conn: 1042, client: '203.0.113.9', upstream: 'http://172.20.0.2:18789/', host: 'claw.example.com', request: 'GET /?token=[REDACTED] HTTP/1.1', level: 'info' });
  });
});

describe('Caddyfile', () => {
  it('records the upstreams and the stream timeouts, and says when a reload closes streams at once', async () => {
    const dir = writeTree({ 'caddy/Caddyfile': 'claw.example.com {\n\t# the gateway\n\treverse_proxy openclaw-gateway:18789 {\n\t\tstream_timeout 24h\n\t\ttransport http {\n\t\t\tread_timeout 30s\n\t\t}\n\t}\n}\n' });
    const { store } = await ingestCase([dir]);
    const v = await store.all<{ key: string; value: string; line: number | null }>(`SELECT key, value, line_no::INTEGER AS line FROM config_values ORDER BY key`);
    store.close();
    expect(v).toEqual([
      { key: 'read_timeout', value: '30s', line: 6 }, { key: 'reverse_proxy[0]', value: 'openclaw-gateway:18789', line: 3 },
      { key: 'stream_close_delay', value: '0 (default: streams close on reload)', line: null }, { key: 'stream_timeout', value: '24h', line: 4 },
    ]);
  });
});

describe('other proxies', () => {
  it('Caddy JSON: epoch-float ts, duration in seconds, access and error records apart', async () => {
    const text = [
      '{"level":"info","ts":1785329658.188548,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"203.0.113.5","remote_port":"41000","client_ip":"203.0.113.5","proto":"HTTP/1.1","method":"GET","host":"claw.example.com","uri":"/?token=secretsecretsecret","headers":{"Connection":["Upgrade"],"Upgrade":["websocket"],"User-Agent":["Mozilla/5.0"]}},"duration":65.5,"size":1024,"status":101}',
      '{"level":"error","ts":1785329660.5,"logger":"http.handlers.reverse_proxy","msg":"aborting with incomplete response","error":"dial tcp 172.21.0.2:18789: connect: connection refused"}',
    ].join('\n') + '\n';
    const { req, err, sources } = await proxy({ 'caddy.log': text });
    expect(sources[0]).toMatchObject({ format: 'caddy-json', rejected: 0 });
    expect(req[0]).toMatchObject({ proxy: 'caddy', status: 101, request_time: 65.5, ts: '2026-07-29T12:54:18.188Z', started: '2026-07-29T12:53:12.688Z', upgrade: 'websocket', url: '/?token=[REDACTED]', is_websocket: true });
    expect(err[0]).toMatchObject({ proxy: 'caddy', kind: 'connect-refused', level: 'error' });
  });

  it('Traefik CLF and JSON', async () => {
    const { req, sources } = await proxy({
      'traefik.log': '198.51.100.31 - - [02/Nov/2026:08:10:00 +0000] "GET / HTTP/1.1" 101 0 "-" "Mozilla/5.0 (X11)" 42 "openclaw@docker" "http://172.22.0.2:18789" 5400000ms\n',
      'traefik.json': '{"ClientHost":"198.51.100.31","RequestMethod":"GET","RequestPath":"/","RequestProtocol":"HTTP/1.1","DownstreamStatus":502,"DownstreamContentSize":11,"Duration":1500000,"StartUTC":"2026-11-02T08:10:00.0Z","OriginStatus":0,"ServiceURL":"http://172.22.0.2:18789","RequestHost":"claw.example.org","request_User-Agent":"curl/8"}\n',
    });
    expect(sources.map((s) => s.format)).toEqual(['traefik-json', 'traefik-clf']);
    const clf = req.find((r) => String(r.path).endsWith('traefik.log'))!;
    expect(clf).toMatchObject({ proxy: 'traefik', status: 101, request_time: 5400, started: '2026-11-02T08:10:00.000Z', ts: '2026-11-02T09:40:00.000Z', upstream_addr: 'http://172.22.0.2:18789' });
    const js = req.find((r) => String(r.path).endsWith('traefik.json'))!;
    expect(js).toMatchObject({ status: 502, request_time: 0.0015, host: 'claw.example.org', user_agent: 'curl/8' });
  });

  it('HAProxy HTTP log behind syslog, with the accept date in the assumed zone and the end after Tt', async () => {
    const text = 'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2026:12:14:14.655] http-in openclaw/gw1 10/0/30/69/60109 101 2750 - - ---- 1/1/1/1/0 0/0 "GET /?token=zzzzzzzzzzzzzzzz HTTP/1.1"\nFeb  6 12:15:00 localhost haproxy[14389]: Proxy http-in started.\n';
    const { req, err, sources } = await proxy({ 'haproxy.log': text });
    expect(sources[0]).toMatchObject({ format: 'journald+haproxy', kind: 'proxy-access', rejected: 0 });
    expect(req[0]).toMatchObject({ proxy: 'haproxy', status: 101, request_time: 60.109, started: '2026-02-06T12:14:14.655Z', ts: '2026-02-06T12:15:14.764Z', tz_assumed: true, upstream_addr: 'openclaw/gw1', url: '/?token=[REDACTED]' });
    expect(err[0]).toMatchObject({ proxy: 'haproxy', kind: 'reload' });
  });

  it('Envoy default access format, old and new field sets', async () => {
    const text = [
      '[2026-04-15T20:17:00.310Z] "GET / HTTP/1.1" 101 - 154 0 30226 - "10.0.35.28" "Mozilla/5.0" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "claw.example.com" "tcp://10.0.2.1:18789"',
      '[2026-04-15T20:17:01.000Z] "GET /api HTTP/1.1" 503 UF upstream_reset_before_response_started{connection_failure} - "-" 0 91 2 - "-" "curl/8" "dd21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "claw.example.com" "10.0.2.1:18789" gateway 10.0.0.5:40000 10.0.0.4:8080 10.0.0.9:50000 - default',
    ].join('\n') + '\n';
    const { req, sources } = await proxy({ 'envoy.log': text });
    expect(sources[0]).toMatchObject({ format: 'envoy', rejected: 0 });
    expect(req[0]).toMatchObject({ proxy: 'envoy', status: 101, request_time: 30.226, started: '2026-04-15T20:17:00.310Z', ts: '2026-04-15T20:17:30.536Z', xff: '10.0.35.28', host: 'claw.example.com' });
    expect(req[1]).toMatchObject({ status: 503, request_time: 0.002, upstream_addr: '10.0.2.1:18789' });
  });
});
