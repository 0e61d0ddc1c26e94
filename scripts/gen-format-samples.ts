// `npm run gen:format-samples`: runs Debian's nginx, Caddy and HAProxy on 127.0.0.1 with each log option and variant
// the format folders cover, drives requests through them (plain, HEAD, POST with a query, a WebSocket that the proxy's
// timeout cuts, a dead upstream, a reload, a hard stop, a health check going DOWN), and writes the lines they logged to
// ingest/formats/<format>/samples.real.jsonl with the fields each must yield. The fields come from what this script
// did (the request it sent, the outcome it provoked), never from clawtrail's parsers. Needs nginx, caddy and haproxy
// (apt-get install nginx caddy haproxy); nothing leaves the loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { freePort } from '../lib/net.js';
import { fromRoot } from '../lib/paths.js';

type Fields = Record<string, string | number | boolean | null>;
export interface Sample { line: string; table: string; fields: Fields; format?: string; log_format?: string; from: string }

let work = '';   // the programs' folders, made per run
const UA = 'clawtrail-gen-format-samples/1';
/** A program's version line: the first line it prints, on stdout or stderr (nginx -v writes to stderr), run once. */
function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.stdout.concat(r.stderr).split('\n').find((l) => l.trim())!.trim();
}

/** The upstream: answers requests (slowly under /slow), accepts WebSocket upgrades and then stays silent. */
async function upstream(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/slow')) setTimeout(() => res.end('late\n'), 1500);
    else res.end('ok\n');
  });
  server.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(String(req.headers['sec-websocket-key']) + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('error', () => {});
    sockets.push(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

/** One HTTP request; resolves with the status (0 when the client gave up first). */
function http(port: number, method: string, path: string, opts: { body?: string; abortAfter?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { 'User-Agent': UA, Host: 'claw.test' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    if (opts.abortAfter) setTimeout(() => { req.destroy(); resolve(0); }, opts.abortAfter);
    req.end(opts.body);
  });
}

/** A WebSocket upgrade; held open until the proxy closes it (or holdMs passes). */
function websocket(port: number, path: string, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: claw.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nUser-Agent: ${UA}\r\n\r\n`));
    s.on('data', () => {});
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    setTimeout(() => s.destroy(), holdMs);
  });
}

function start(cmd: string, args: string[], out?: string, err?: string): ChildProcess {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  p.stdout!.on('data', (c: Buffer) => o.push(c));
  p.stderr!.on('data', (c: Buffer) => e.push(c));
  p.on('exit', () => {
    if (out) writeFileSync(out, Buffer.concat(o));
    if (err) writeFileSync(err, Buffer.concat(e));
  });
  return p;
}
const stopped = (p: ChildProcess): Promise<void> => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on('exit', () => r())));
const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : []);

// ---- requests every proxy gets, with what each must show -----------------------------------------------------------
interface Exchange { method: string; path: string; status: number; websocket?: boolean }
async function drive(port: number, tag: string): Promise<Exchange[]> {
  const ex: Exchange[] = [];
  ex.push({ method: 'GET', path: `/${tag}/get?x=1`, status: await http(port, 'GET', `/${tag}/get?x=1`) });
  ex.push({ method: 'HEAD', path: `/${tag}/head`, status: await http(port, 'HEAD', `/${tag}/head`) });
  ex.push({ method: 'POST', path: `/${tag}/post?token=0123456789abcdef0123`, status: await http(port, 'POST', `/${tag}/post?token=0123456789abcdef0123`, { body: 'a=1' }) });
  return ex;
}
const redacted = (p: string): string => p.replace(/token=[^&\s]*/g, 'token=[REDACTED]');
const byPath = (ls: string[], ex: Exchange): string | undefined => ls.find((l) => l.includes(ex.path));

// ---- nginx ---------------------------------------------------------------------------------------------------------
const NGINX_FORMATS: Record<string, string> = {
  kv: `log_format kv '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" msec=$msec rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time" ust="$upstream_status" ua="$upstream_addr" wpid=$pid upgrade="$http_upgrade"';`,
  jsonlog: `log_format jsonlog escape=json '{"time":"$time_iso8601","remote_addr":"$remote_addr","request":"$request","status":$status,"bytes":$body_bytes_sent,"request_time":$request_time,"upstream_response_time":"$upstream_response_time","http_user_agent":"$http_user_agent","http_upgrade":"$http_upgrade"}';`,
  rawlog: `log_format rawlog escape=none '$remote_addr [$time_local] "$request" $status "$http_user_agent" $request_time';`,
};

async function runNginx(up: number): Promise<{ access: Sample[]; error: Sample[] }> {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!nginx) throw new Error('nginx is not installed (apt-get install nginx)');
  const dir = join(work, 'nginx');
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const [port, dead] = [await freePort(), await freePort()];
  const names = ['combined', 'main', 'upstreaminfo', ...Object.keys(NGINX_FORMATS)];
  const conf = `user root;
worker_processes 1;
worker_shutdown_timeout 1s;
error_log ${dir}/logs/error.log debug;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
    log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';
    log_format upstreaminfo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id';
    ${Object.values(NGINX_FORMATS).join('\n    ')}
    map $request_id $req_id { default $request_id; }
    ${names.map((n) => `access_log ${dir}/logs/${n}.log ${n};`).join('\n    ')}
    client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream pair { server 127.0.0.1:${dead}; server 127.0.0.1:${up}; }
    server {
        listen 127.0.0.1:${port};
        server_name claw.test;
        set $proxy_upstream_name "upstream-default-openclaw-18789";
        set $proxy_alternative_upstream_name "";
        location / {
            proxy_pass http://127.0.0.1:${up};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1s;
        }
        location /pair/ { proxy_pass http://pair; }
        location /dead/ { proxy_pass http://127.0.0.1:${dead}; }
        location /sock/ { proxy_pass http://unix:${dir}/missing.sock; }
        location /redirect/ { proxy_pass http://127.0.0.1:${dead}; proxy_intercept_errors on; error_page 502 = @fallback; }
        location @fallback { proxy_pass http://127.0.0.1:${up}; }
    }
    server { listen 127.0.0.1:${port}; server_name claw.test; return 404; }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const base = ['-p', dir, '-c', join(dir, 'nginx.conf')];
  const p = start(nginx, [...base, '-g', 'daemon off;']);
  for (let i = 0; i < 50 && !existsSync(join(dir, 'nginx.pid')); i++) await sleep(100);
  await sleep(300);
  const ex = await drive(port, 'nginx');
  ex.push({ method: 'GET', path: '/ws/nginx', status: 101, websocket: true });
  await websocket(port, '/ws/nginx', 5000);                                                     // cut by proxy_read_timeout 1s
  ex.push({ method: 'GET', path: '/dead/x', status: await http(port, 'GET', '/dead/x') });      // 502, connect() refused
  ex.push({ method: 'GET', path: '/pair/x', status: await http(port, 'GET', '/pair/x') });      // upstream list "a, b"
  ex.push({ method: 'GET', path: '/redirect/x', status: await http(port, 'GET', '/redirect/x') }); // "a : b"
  ex.push({ method: 'GET', path: '/sock/x', status: await http(port, 'GET', '/sock/x') });      // [crit] missing socket
  ex.push({ method: 'GET', path: '/slow/x', status: 499 });
  await http(port, 'GET', '/slow/x', { abortAfter: 300 });                                      // 499 + client closed (info)
  await sleep(1500);
  // alert: a worker killed from outside; notice: reload; emerg: a config that does not load
  const worker = spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  if (worker) spawnSync('kill', ['-9', worker]);
  await sleep(500);
  spawnSync(nginx, [...base, '-s', 'reload']);
  await sleep(800);
  writeFileSync(join(dir, 'bad.conf'), 'events {}\nhttp { server { listen 127.0.0.1:1; bogus_directive on; } }\n');
  spawnSync(nginx, ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-t', '-c', join(dir, 'bad.conf')]);
  spawnSync(nginx, [...base, '-s', 'quit']);
  await stopped(p);

  const from = `real ${version(nginx, ['-v'])} (scripts/gen-format-samples.ts)`;
  const access: Sample[] = [];
  for (const n of names) {
    const ls = lines(join(dir, 'logs', `${n}.log`));
    const decl = n === 'combined' || n === 'main' || n === 'upstreaminfo' ? undefined : NGINX_FORMATS[n];
    for (const e of ex) {
      const line = byPath(ls, e);
      if (!line) throw new Error(`nginx ${n}: no line for ${e.path}`);
      const fields: Fields = { proxy: 'nginx', method: e.method, path: redacted(e.path), status: e.status, is_websocket: !!e.websocket };
      if (n !== 'rawlog') fields.user_agent = UA;
      if (n === 'upstreaminfo') fields.route = 'upstream-default-openclaw-18789';
      if (e.status === 499) fields.end_reason = 'client-closed';
      if (e.status === 502) fields.end_reason = 'server-error';
      access.push({ line, table: 'proxy_requests', fields, format: `nginx-access:${n}`, log_format: decl, from: `${from}, log_format ${n}` });
    }
  }
  // the error log: one line per level the script provoked, with what each must say
  const el = lines(join(dir, 'logs', 'error.log'));
  const want: [RegExp, Fields][] = [
    [/\[debug\] .*http request line: "GET \/nginx\/get/, { level: 'debug', kind: 'other' }],
    [/\[info\] .*upstream timed out .* while proxying upgraded connection/, { level: 'info', kind: 'upstream-timeout', upgraded: true, end_reason: 'server-timeout' }],
    [/\[info\] .*client prematurely closed connection|\[info\] .*client closed/, { level: 'info', kind: 'client-closed', end_reason: 'client-closed' }],
    [/\[notice\] .*signal 1 \(SIGHUP\) received/, { level: 'notice', kind: 'reload', signal: 'SIGHUP' }],
    [/\[notice\] .*gracefully shutting down/, { level: 'notice', kind: 'shutdown' }],
    [/\[warn\] .*conflicting server name/, { level: 'warn', kind: 'other' }],
    [/\[error\] .*connect\(\) failed \(111: Connection refused\) while connecting to upstream/, { level: 'error', kind: 'connect-refused', end_reason: 'connect-failed' }],
    [/\[crit\] .*connect\(\) to unix:.* failed/, { level: 'crit', kind: 'other', end_reason: 'connect-failed' }],
    [/\[alert\] .*exited on signal 9/, { level: 'alert', kind: 'worker-exit' }],
    [/\[emerg\] .*unknown directive "bogus_directive"/, { level: 'emerg', kind: 'other' }],
  ];
  const error = want.map(([re, fields]) => {
    const line = el.find((l) => re.test(l));
    if (!line) throw new Error(`nginx error log: no line for ${re}`);
    return { line, table: 'proxy_errors', fields: { proxy: 'nginx', ...fields }, from };
  });
  return { access, error };
}

// ---- Caddy ---------------------------------------------------------------------------------------------------------
async function runCaddy(up: number): Promise<{ caddy: Sample[] }> {
  const dir = join(work, 'caddy');
  mkdirSync(dir, { recursive: true });
  const [port, admin, dead] = [await freePort(), await freePort(), await freePort()];
  const caddyfile = (marker: string) => `{
\tadmin 127.0.0.1:${admin}
\tauto_https off
\tstorage file_system ${dir}/data
}
http://:${port} {
\tbind 127.0.0.1
\tlog {
\t\toutput file ${dir}/access.log
\t\tformat json
\t}
\theader X-Marker ${marker}
\thandle /dead/* {
\t\treverse_proxy 127.0.0.1:${dead}
\t}
\treverse_proxy 127.0.0.1:${up}
}
`;
  writeFileSync(join(dir, 'Caddyfile'), caddyfile('a'));
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  const p = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const err: Buffer[] = [];
  p.stderr!.on('data', (c: Buffer) => err.push(c));
  await sleep(1500);
  const ex = await drive(port, 'caddy');
  const ws = websocket(port, '/ws/caddy', 10_000);
  ex.push({ method: 'GET', path: '/ws/caddy', status: 0, websocket: true });
  ex.push({ method: 'GET', path: '/dead/x', status: await http(port, 'GET', '/dead/x') });
  await sleep(500);
  // a reload of a changed config: Caddy 2.6 closes the WebSocket at once (its status-0 line is written then)
  writeFileSync(join(dir, 'Caddyfile'), caddyfile('b'));
  spawnSync('caddy', ['reload', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile', '--address', `127.0.0.1:${admin}`], { env });
  await ws;
  await sleep(500);
  p.kill('SIGINT');
  await stopped(p);
  const from = `real Caddy ${version('caddy', ['version'])} (scripts/gen-format-samples.ts)`;
  const al = lines(join(dir, 'access.log'));
  const samples: Sample[] = ex.map((e) => {
    const line = al.find((l) => l.includes(`"uri":"${e.path}`));
    if (!line) throw new Error(`caddy: no line for ${e.path}`);
    const fields: Fields = { proxy: 'caddy', method: e.method, path: redacted(e.path), status: e.status, is_websocket: !!e.websocket, user_agent: UA };
    if (e.status === 502) fields.end_reason = 'server-error';
    return { line, table: 'proxy_requests', fields, from: `${from}, access log` };
  });
  const el = Buffer.concat(err).toString().split('\n').filter((l) => l.startsWith('{'));
  writeFileSync(join(dir, 'stderr.log'), el.join('\n'));
  const want: [RegExp, Fields][] = [
    [/"msg":"dial tcp [^"]*connect: connection refused"|"error":"dial tcp/, { kind: 'connect-refused', end_reason: 'connect-failed' }],
    [/"logger":"admin.api","msg":"received request"/, { kind: 'reload' }],
    [/"msg":"load complete"/, { kind: 'reload' }],
    [/"msg":"stopped previous server"/, { kind: 'shutdown' }],
    [/"msg":"server running"/, { kind: 'start' }],
  ];
  for (const [re, fields] of want) {
    const line = el.find((l) => re.test(l));
    if (!line) throw new Error(`caddy stderr: no line for ${re}`);
    samples.push({ line, table: 'proxy_errors', fields: { proxy: 'caddy', ...fields }, from: `${from}, stderr` });
  }
  return { caddy: samples };
}

// ---- HAProxy -------------------------------------------------------------------------------------------------------
async function runHaproxy(up: number): Promise<{ haproxy: Sample[]; journald: Sample[]; syslog: Sample[] }> {
  const dir = join(work, 'haproxy');
  mkdirSync(dir, { recursive: true });
  const [http1, tcp1, clf1, json1, dead1, dead, udp, long1] = await Promise.all([0, 0, 0, 0, 0, 0, 0, 0].map(() => freePort()));
  const udpLines: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => udpLines.push(m.toString().replace(/\n$/, '')));
  await new Promise<void>((r) => sock.bind(udp, '127.0.0.1', () => r()));
  const cfg = `global
  log stdout format raw local0
  log stderr format rfc3164 local0
  log 127.0.0.1:${udp} format rfc5424 local0
  hard-stop-after 2s
defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout tunnel 1500ms
frontend fe
  bind 127.0.0.1:${http1}
  capture request header Upgrade len 20
  default_backend be
frontend tcpfe
  mode tcp
  option tcplog
  bind 127.0.0.1:${tcp1}
  default_backend tcpbe
frontend clf
  bind 127.0.0.1:${clf1}
  option httplog clf
  default_backend be
frontend js
  bind 127.0.0.1:${json1}
  log-format '{"client_ip":"%ci","client_port":%cp,"request_date":"%tr","frontend_name":"%ft","backend_name":"%b","server_name":"%s","time_to_receive":%TR,"time_waiting":%Tw,"time_to_connect":%Tc,"time_to_response":%Tr,"time_active":%Ta,"status_code":%ST,"bytes_read":%B,"termination_state":"%tsc","request":"%HM %HU %HV"}'
  default_backend be
frontend fdead
  bind 127.0.0.1:${dead1}
  default_backend dead
frontend felong
  bind 127.0.0.1:${long1}
  default_backend belong
backend belong
  timeout tunnel 30s
  server gw1 127.0.0.1:${up}
backend be
  server gw1 127.0.0.1:${up} check inter 500ms
backend tcpbe
  mode tcp
  server gw1 127.0.0.1:${up}
backend dead
  server gw2 127.0.0.1:${dead} check inter 500ms
`;
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  const p = start('haproxy', ['-W', '-f', join(dir, 'haproxy.cfg')], join(dir, 'stdout.log'), join(dir, 'stderr.log'));
  await sleep(1500);
  const ex: (Exchange & { fe: string; tsc: string })[] = [];
  for (const e of await drive(http1, 'haproxy')) ex.push({ ...e, fe: 'fe', tsc: '----' });
  ex.push({ method: 'GET', path: '/clf/x', status: await http(clf1, 'GET', '/clf/x'), fe: 'clf', tsc: '----' });
  ex.push({ method: 'GET', path: '/json/x', status: await http(json1, 'GET', '/json/x'), fe: 'js', tsc: '----' });
  ex.push({ method: 'GET', path: '/dead/x', status: await http(dead1, 'GET', '/dead/x'), fe: 'fdead', tsc: 'SC--' });
  await http(tcp1, 'GET', '/tcp/x');
  // a WebSocket the tunnel timeout cuts (cD--), then one a reload leaves on the old worker until hard-stop-after (K)
  await websocket(http1, '/ws/haproxy-timeout', 5000);
  ex.push({ method: 'GET', path: '/ws/haproxy-timeout', status: 101, websocket: true, fe: 'fe', tsc: 'cD--' });
  const held = websocket(long1, '/ws/haproxy-hardstop', 8000);
  await sleep(300);
  p.kill('SIGUSR2');
  await held;
  await sleep(500);
  p.kill('SIGTERM');
  await stopped(p);
  await sleep(300);
  sock.close();
  const from = `real ${version('haproxy', ['-v'])} (scripts/gen-format-samples.ts)`;
  const out = lines(join(dir, 'stdout.log'));
  const errs = lines(join(dir, 'stderr.log'));
  const haproxy: Sample[] = [];
  for (const e of ex) {
    const line = out.find((l) => l.includes(e.path));
    if (!line) throw new Error(`haproxy: no line for ${e.path}`);
    haproxy.push({ line, table: 'proxy_requests', fields: { proxy: 'haproxy', method: e.method, path: redacted(e.path), status: e.status, route: e.fe, end_state: e.tsc, is_websocket: !!e.websocket }, from: `${from}, stdout raw` });
  }
  const tcp = out.find((l) => / tcpfe tcpbe\//.test(l));
  if (!tcp) throw new Error('haproxy: no tcplog line');
  // the client kept its connection open after the answer: the tunnel timeout (1.5 s) ended it on the client side
  haproxy.push({ line: tcp, table: 'proxy_requests', fields: { proxy: 'haproxy', route: 'tcpfe', end_state: 'cD', end_reason: 'client-timeout', method: null, status: null }, from: `${from}, option tcplog` });
  const hard = out.find((l) => l.includes('/ws/haproxy-hardstop'));
  if (!hard) throw new Error('haproxy: no line for the hard-stopped tunnel');
  haproxy.push({ line: hard, table: 'proxy_requests', fields: { proxy: 'haproxy', status: 101, is_websocket: true, end_reason: 'killed' }, from: `${from}, a tunnel closed by hard-stop-after` });
  const notices: [RegExp, Fields][] = [
    [/^\[NOTICE\] +\(\d+\) : Reloading HAProxy/, { kind: 'reload', level: 'notice' }],
    [/^\[NOTICE\] +\(\d+\) : New worker \(\d+\) forked/, { kind: 'reload', level: 'notice' }],
    [/^\[WARNING\] +\(\d+\) : Server dead\/gw2 is DOWN/, { kind: 'server-down', level: 'warning', upstream: 'dead/gw2' }],
    [/^\[WARNING\] +\(\d+\) : soft-stop running for too long/, { kind: 'hard-stop', level: 'warning', end_reason: 'killed' }],
    [/^\[WARNING\] +\(\d+\) : Former worker \(\d+\) exited/, { kind: 'worker-exit', level: 'warning' }],
    [/^\[ALERT\] +\(\d+\) : backend 'dead' has no server available/, { kind: 'server-down', level: 'alert' }],
  ];
  for (const [re, fields] of notices) {
    const line = errs.find((l) => re.test(l));
    if (!line) throw new Error(`haproxy stderr: no line for ${re}`);
    haproxy.push({ line, table: 'proxy_errors', fields: { proxy: 'haproxy', ...fields }, from: `${from}, master/worker stderr` });
  }
  const raw = out.find((l) => /^Proxy fe (stopped|hard-stopped)/.test(l));
  if (raw) haproxy.push({ line: raw, table: 'proxy_errors', fields: { proxy: 'haproxy', kind: /hard-stopped/.test(raw) ? 'hard-stop' : 'shutdown' }, from: `${from}, a notice through \`log stdout format raw\`` });
  // the same lines through RFC 3164 (stderr) and RFC 5424 (UDP) log targets: envelopes around the HAProxy payload
  const journald: Sample[] = [];
  const r3164 = errs.find((l) => /^<\d+>\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ haproxy\[\d+\]: .*\/haproxy\/get/.test(l));
  if (!r3164) throw new Error('haproxy: no rfc3164 line');
  journald.push({ line: r3164, table: 'proxy_requests', fields: { proxy: 'haproxy', container: 'haproxy', method: 'GET', path: '/haproxy/get?x=1', route: 'fe', end_state: '----' }, format: 'journald+haproxy', from: `${from}, log stderr format rfc3164` });
  const syslog: Sample[] = [];
  const r5424 = udpLines.find((l) => l.includes('/haproxy/get'));
  if (!r5424) throw new Error('haproxy: no rfc5424 line');
  syslog.push({ line: r5424, table: 'proxy_requests', fields: { proxy: 'haproxy', container: 'haproxy', method: 'GET', path: '/haproxy/get?x=1', route: 'fe', tz_assumed: false }, format: 'syslog+haproxy', from: `${from}, log udp format rfc5424` });
  return { haproxy, journald, syslog };
}

// ---- the same programs in containers (a private Docker engine through DOCKER_HOST): real envelopes ------------------
/** An image without a registry: the Debian binaries and the libraries ldd lists, plus a static busybox. */
function importImage(docker: (args: string[], input?: Buffer) => string): string {
  const root = join(work, 'rootfs');
  const files = new Set<string>(['/usr/sbin/haproxy', '/usr/sbin/nginx', '/usr/bin/caddy', '/bin/busybox']);
  for (const bin of ['/usr/sbin/haproxy', '/usr/sbin/nginx', '/usr/bin/caddy']) {
    for (const m of spawnSync('ldd', [bin], { encoding: 'utf8' }).stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) files.add(m[1]);
  }
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    spawnSync('cp', ['-L', f, join(root, f)]);
  }
  for (const d of ['tmp', 'etc', 'var/log/nginx', 'run']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 30 }).stdout;
  docker(['import', '-', 'clawtrail-proxies:samples'], tar);
  return 'clawtrail-proxies:samples';
}

async function runContainers(up: number): Promise<{ jsonFile: Sample[]; dockerLogs: Sample[] }> {
  const docker = (args: string[], input?: Buffer): string => {
    const r = spawnSync('docker', args, { input, encoding: 'buffer', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`docker ${args[0]}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  const image = importImage(docker);
  const info = JSON.parse(docker(['version', '--format', '{{json .Server}}'])) as { Version: string };
  const from = `real Docker Engine ${info.Version} json-file and \`docker logs -t\` (scripts/gen-format-samples.ts)`;
  const [hp, cp, np] = [await freePort(), await freePort(), await freePort()];
  const conf = join(work, 'containers');
  mkdirSync(conf, { recursive: true });
  writeFileSync(join(conf, 'haproxy.cfg'), `global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n  timeout tunnel 1s\nfrontend fe\n  bind 127.0.0.1:${hp}\n  default_backend be\nbackend be\n  server gw1 127.0.0.1:${up}\n`);
  writeFileSync(join(conf, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n\tstorage file_system /tmp/caddy\n}\nhttp://:${cp} {\n\tbind 127.0.0.1\n\tlog {\n\t\toutput stdout\n\t\tformat json\n\t}\n\treverse_proxy 127.0.0.1:${up}\n}\n`);
  writeFileSync(join(conf, 'nginx.conf'), `daemon off;\nuser root;\nworker_processes 1;\nerror_log /dev/stderr info;\npid /tmp/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n  access_log /dev/stdout;\n  client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp; uwsgi_temp_path /tmp; scgi_temp_path /tmp;\n  server {\n    listen 127.0.0.1:${np};\n    location / { proxy_pass http://127.0.0.1:${up}; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; proxy_read_timeout 1s; }\n  }\n}\n`);
  const run = (name: string, cmd: string[]): string => docker(['run', '-d', '--name', name, '--network', 'host', '--log-driver', 'json-file', '-v', `${conf}:/conf:ro`, image, ...cmd]).trim();
  const ids = {
    haproxy: run('samples-haproxy', ['/usr/sbin/haproxy', '-f', '/conf/haproxy.cfg']),
    caddy: run('samples-caddy', ['/usr/bin/caddy', 'run', '--config', '/conf/Caddyfile', '--adapter', 'caddyfile']),
    nginx: run('samples-nginx', ['/usr/sbin/nginx', '-c', '/conf/nginx.conf']),
  };
  try {
    await sleep(2000);
    const ex: Record<string, Exchange[]> = {};
    for (const [name, port] of [['haproxy', hp], ['caddy', cp], ['nginx', np]] as const) {
      ex[name] = await drive(port, `${name}-in-docker`);
      await websocket(port, `/ws/${name}-in-docker`, 3000);
      ex[name].push({ method: 'GET', path: `/ws/${name}-in-docker`, status: name === 'caddy' ? 0 : 101, websocket: true });
    }
    await sleep(500);
    const jsonFile: Sample[] = [];
    const dockerLogs: Sample[] = [];
    for (const [name, id] of Object.entries(ids)) {
      const logPath = JSON.parse(docker(['inspect', id]))[0].LogPath as string;
      const records = lines(logPath);
      // stdout and stderr merged, as a user's `docker logs -t … 2>&1` has them
      const stamped = spawnSync('sh', ['-c', `docker logs -t ${id} 2>&1`], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim()).sort();
      for (const e of ex[name]) {
        const fields: Fields = { proxy: name, method: e.method, path: redacted(e.path), status: e.status, is_websocket: !!e.websocket, container: id.slice(0, 12) };
        // nginx's error log (stderr) names the same request: the access line is the other one
        const access = (l: string): boolean => l.includes(e.path) && !/\[(?:info|notice|warn|error)\] \d+#/.test(l);
        const rec = records.find(access);
        const st = stamped.find(access);
        if (!rec || !st) throw new Error(`${name} in docker: no line for ${e.path}`);
        const payload = name === 'nginx' ? 'nginx-access:combined+nginx-error' : name === 'caddy' ? 'caddy-json' : 'haproxy';
        jsonFile.push({ line: rec, table: 'proxy_requests', fields: { ...fields, container: null }, format: `docker-json-file+${payload}`, from: `${from}, ${name} stdout` });
        dockerLogs.push({ line: st, table: 'proxy_requests', fields: { ...fields, container: null, tz_assumed: false }, format: `docker-logs+${payload}`, from: `${from}, ${name} stdout` });
      }
      if (name === 'nginx') {
        // its stderr in the same container log: the error log's line for the WebSocket its proxy_read_timeout cut
        const cut = (l: string): boolean => /upgraded connection/.test(l) && l.includes('/ws/nginx-in-docker');
        const rec = records.find(cut);
        const st = stamped.find(cut);
        if (!rec || !st) throw new Error('nginx in docker: no error-log line for the cut WebSocket');
        const fields: Fields = { proxy: 'nginx', kind: 'upstream-timeout', end_reason: 'server-timeout', upgraded: true, tz_assumed: false };
        jsonFile.push({ line: rec, table: 'proxy_errors', fields, format: 'docker-json-file+nginx-access:combined+nginx-error', from: `${from}, nginx stderr` });
        dockerLogs.push({ line: st, table: 'proxy_errors', fields, format: 'docker-logs+nginx-access:combined+nginx-error', from: `${from}, nginx stderr` });
      }
    }
    return { jsonFile, dockerLogs };
  } finally {
    if (!process.env.KEEP) docker(['rm', '-f', ...Object.values(ids)]);
  }
}

function write(folder: string, samples: Sample[]): void {
  const file = fromRoot('ingest', 'formats', folder, 'samples.real.jsonl');
  writeFileSync(file, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  process.stderr.write(`${file}: ${samples.length} lines\n`);
}

/** Runs the programs and returns, per format folder, the lines they wrote with the fields each must yield. */
export async function generateSamples(opts: { docker: boolean }): Promise<Record<string, Sample[]>> {
  work = mkdtempSync(join(tmpdir(), 'clawtrail-formats-'));
  const up = await upstream();
  try {
    const out: Record<string, Sample[]> = {};
    const nginx = await runNginx(up.port);
    out['nginx-access'] = nginx.access;
    out['nginx-error'] = nginx.error;
    out['caddy-json'] = (await runCaddy(up.port)).caddy;
    const h = await runHaproxy(up.port);
    Object.assign(out, { haproxy: h.haproxy, journald: h.journald, syslog: h.syslog });
    if (opts.docker) {
      const c = await runContainers(up.port);
      Object.assign(out, { 'docker-json-file': c.jsonFile, 'docker-logs': c.dockerLogs });
    }
    return out;
  } finally {
    for (const s of up.sockets) s.destroy();
    up.server.closeAllConnections();
    up.server.close();
    if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const docker = !!process.env.DOCKER_HOST;
  if (!docker) process.stderr.write('DOCKER_HOST is not set: the container envelopes (docker-json-file, docker-logs) are not regenerated\n');
  for (const [folder, samples] of Object.entries(await generateSamples({ docker }))) write(folder, samples);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
