// Evidence written by a real program: Debian's nginx on 127.0.0.1 proxies WebSockets to a tiny upstream with a
// short proxy_read_timeout, is reloaded, and its access and error logs (custom log_format, info level) are ingested.
// .ci/run installs nginx; the upstream is a Node HTTP server that answers the upgrade and then stays silent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../lib/net.js';
import { ingestCase, tempDir } from './helpers.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** A WebSocket upgrade through the proxy; resolves with the status line, keeps the socket open until the proxy closes it. */
function upgrade(port: number): Promise<{ status: string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(`GET /?token=0123456789abcdef0123456789abcdef HTTP/1.1\r\nHost: claw.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nUser-Agent: clawtrail-test <script>x</script>\r\n\r\n`);
    });
    let first = true;
    const closed = new Promise<number>((r) => sock.on('close', () => r(Date.now() - t0)));
    sock.on('data', (d) => {
      if (first) {
        first = false;
        resolve({ status: d.toString().split('\r\n')[0], closed });
      }
    });
    sock.on('error', reject);
  });
}

let dir = '';
let nginx: ChildProcess | undefined;
let upstream: Server;
const upgraded: import('node:stream').Duplex[] = [];
const conf = (port: number, up: number) => `user root;
worker_processes 1;
worker_shutdown_timeout 1s;
error_log ${dir}/logs/error.log info;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
    log_format ws '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" '
                  'rt=$request_time urt="$upstream_response_time" ust="$upstream_status" wpid=$pid upgrade="$http_upgrade" xff="$http_x_forwarded_for"';
    access_log ${dir}/logs/access.log ws;
    client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://127.0.0.1:${up};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 2s;
        }
    }
}
`;

beforeAll(async () => {
  if (!NGINX) throw new Error('nginx is not installed: .ci/run installs it (apt-get install nginx)');
  dir = tempDir('clawtrail-nginx-');
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  upstream = createServer((_req, res) => res.end('ok\n'));
  upstream.on('upgrade', (req, socket) => {
    const accept = createHash('sha1').update(String(req.headers['sec-websocket-key']) + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('error', () => {});
    socket.on('end', () => socket.destroy());
    upgraded.push(socket);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), conf(port, (upstream.address() as AddressInfo).port));
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !existsSync(join(dir, 'nginx.pid')); i++) await sleep(100);
  await sleep(200);
  // 1. an idle WebSocket: nginx cuts it after proxy_read_timeout (2 s) and logs the 101 at close
  const a = await upgrade(port);
  expect(a.status).toBe('HTTP/1.1 101 Switching Protocols');
  const lifetime = await a.closed;
  expect(lifetime).toBeGreaterThan(1800);
  // 2. a plain request, then a reload (the new worker has a new pid), then another upgrade that is drained
  await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.text());
  const b = await upgrade(port);
  spawnSync(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-s', 'reload']);
  await b.closed;
  await sleep(300);
  await fetch(`http://127.0.0.1:${port}/after-reload`).then((r) => r.text());
  spawnSync(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-s', 'quit']);
  await new Promise((r) => (nginx!.exitCode !== null ? r(null) : nginx!.on('exit', r)));
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) nginx.kill('SIGKILL');
  for (const s of upgraded) s.destroy();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

describe('logs written by a real nginx', () => {
  it('are read with the log_format compiled from the real nginx.conf, every line accounted', async () => {
    const { store } = await ingestCase([dir]);
    const src = await store.all<{ path: string; format: string; rejected: number; total: number; parsed: number }>(
      `SELECT path, format, rejected_lines::INTEGER AS rejected, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed FROM sources WHERE kind IN ('proxy-access', 'proxy-error')`);
    expect(src.find((s) => s.path.endsWith('access.log'))).toMatchObject({ format: 'nginx-access:ws', rejected: 0 });
    expect(src.find((s) => s.path.endsWith('error.log'))).toMatchObject({ format: 'nginx-error', rejected: 0 });
    for (const s of src) expect(s.parsed + s.rejected).toBe(s.total);

    const ws = await store.all<{ rt: number; pid: number; upgrade: string; ua: string; path: string }>(
      `SELECT request_time AS rt, worker_pid::INTEGER AS pid, upgrade, user_agent AS ua, path FROM proxy_requests WHERE status = 101 ORDER BY ts`);
    expect(ws.length).toBe(2);
    expect(ws[0].rt).toBeGreaterThan(1.9);
    expect(ws[0].rt).toBeLessThan(3);
    expect(ws[0]).toMatchObject({ upgrade: 'websocket', path: '/?token=[REDACTED]', ua: 'clawtrail-test <script>x</script>' });
    const pids = await store.all<{ pid: number }>(`SELECT DISTINCT worker_pid::INTEGER AS pid FROM proxy_requests`);
    expect(pids.length).toBeGreaterThanOrEqual(2);

    const kinds = (await store.all<{ kind: string; upgraded: boolean }>(`SELECT kind, upgraded FROM proxy_errors`));
    expect(kinds).toContainEqual({ kind: 'upstream-timeout', upgraded: true });
    expect(kinds.some((k) => k.kind === 'reload')).toBe(true);
    expect(kinds.some((k) => k.kind === 'shutdown')).toBe(true);
    expect(readFileSync(join(dir, 'logs', 'access.log'), 'utf8')).toContain('?token=0123456789abcdef');
    store.close();
  });
});
