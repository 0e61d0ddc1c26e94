// Bundle 1: a commit lowers nginx proxy_read_timeout (3600s → 20s, below the gateway's 30 s tick) and nginx is
// reloaded. Nothing is cut until the old workers' worker_shutdown_timeout (10 s); then every webchat session drops
// (1006 at the client), and each reconnect is killed again after 20 s idle, until the revert is reloaded.
// The gateway logs nothing (observed-real-gateway.md): the proof is nginx's access log (101 lines written at close,
// rt ≈ 20 s, new $pid) and its info-level error log.
import { gzipSync } from 'node:zlib';
import type { Bundle } from './bundle.js';
import {
  Rng, at, consoleLine, composeLogLine, eventJson, isoMs, isoNano, nginxErrorLine, nginxKvLine, type ContainerRef, type HttpRequest,
} from './evidence.js';
import { composeFile, envFile, nginxConf, openclawJson } from './deployment.js';
import { inspectContainer } from './docker-state.js';

const UAS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];

export function proxyRelease(b: Bundle): void {
  const rng = new Rng(1006);
  const project = 'openclaw';
  const workdir = '/srv/openclaw';
  const token = rng.hex(48);
  const gw: ContainerRef = { id: rng.hex(64), name: 'openclaw-openclaw-gateway-1', service: 'openclaw-gateway', project, image: 'ghcr.io/openclaw/openclaw:2026.9.6', configHash: rng.hex(64) };
  const cli: ContainerRef = { id: rng.hex(64), name: 'openclaw-openclaw-cli-1', service: 'openclaw-cli', project, image: 'ghcr.io/openclaw/openclaw:2026.9.6', configHash: rng.hex(64) };
  const ngx: ContainerRef = { id: rng.hex(64), name: 'openclaw-nginx-1', service: 'nginx', project, image: 'nginx:1.22', configHash: rng.hex(64) };

  const T_START = at('2026-11-16T06:00:00Z');
  const T_ROTATE = at('2026-11-17T00:00:00Z');
  const T_ROTATE2 = at('2026-11-18T00:00:00Z');
  const T_END = at('2026-11-18T16:00:00Z');
  const RELOAD1 = at('2026-11-18T14:05:03Z');
  const RELOAD2 = at('2026-11-18T15:32:40Z');
  const DRAIN = 10_000;
  const BAD_TIMEOUT = 20;

  // ---- config repository ----------------------------------------------------------------------------------
  const env = envFile({
    OPENCLAW_CONFIG_DIR: '/srv/openclaw/state', OPENCLAW_WORKSPACE_DIR: '/srv/openclaw/workspace', OPENCLAW_GATEWAY_PORT: '18789',
    OPENCLAW_GATEWAY_BIND: 'lan', OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_IMAGE: 'ghcr.io/openclaw/openclaw:2026.9.6', OPENCLAW_TZ: 'UTC',
  });
  const compose = composeFile({ image: 'ghcr.io/openclaw/openclaw:2026.9.6', proxy: 'nginx' });
  const oc = openclawJson({ token, version: '2026.9.6', touchedAt: '2026-10-02T09:14:03.512Z' });
  const goodConf = nginxConf({ readTimeout: '3600s', sendTimeout: '3600s', upgrade: true, logFormat: 'kv' });
  const badConf = nginxConf({ readTimeout: `${BAD_TIMEOUT}s`, sendTimeout: `${BAD_TIMEOUT}s`, upgrade: true, logFormat: 'kv' });
  const shas = b.gitHistory([
    { date: '2026-10-02T09:20:00+00:00', author: 'Dana Ops', email: 'dana@example.com', message: 'Initial OpenClaw deployment behind nginx',
      files: { 'docker-compose.yml': compose, '.env': env, 'openclaw/openclaw.json': oc, 'nginx/nginx.conf': nginxConf({ readTimeout: '3600s', sendTimeout: '3600s', upgrade: true, logFormat: 'timing' }) } },
    { date: '2026-10-20T16:02:11+00:00', author: 'Dana Ops', email: 'dana@example.com', message: 'nginx: log upstream timing, worker pid and upgrade header', files: { 'nginx/nginx.conf': goodConf } },
    { date: '2026-11-18T13:47:12+00:00', author: 'Sam Rivera', email: 'sam@example.com', message: 'nginx: tighten proxy timeouts to free idle workers', files: { 'nginx/nginx.conf': badConf } },
    { date: '2026-11-18T15:30:41+00:00', author: 'Dana Ops', email: 'dana@example.com', message: 'Revert "nginx: tighten proxy timeouts to free idle workers"', files: { 'nginx/nginx.conf': goodConf } },
  ]);
  b.file('docker-compose.yml', compose);
  b.file('.env', env);
  b.file('state/openclaw.json', oc);
  b.file('state/openclaw.json.last-good', oc);
  b.file('nginx/nginx.conf', goodConf);
  b.binary('state/state/openclaw.sqlite', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080)]));

  // ---- traffic ---------------------------------------------------------------------------------------------
  const access: HttpRequest[] = [];
  const errors: { ms: number; line: string }[] = [];
  const clientLog: { ms: number; text: string }[] = [];
  let conn = 1000;
  const pidsAt = (ms: number): number[] => (ms < RELOAD1 ? [29, 30] : ms < RELOAD2 ? [2208, 2209] : [3311, 3312]);
  const timeoutAt = (startMs: number): number => (startMs >= RELOAD1 && startMs < RELOAD2 ? BAD_TIMEOUT : 3600);
  // A session lives on the worker (and config) it started on, until it closes or that worker drains.
  const drainOf = (startMs: number): number => (startMs < RELOAD1 ? RELOAD1 + DRAIN : startMs < RELOAD2 ? RELOAD2 + DRAIN : Infinity);

  const wsLine = (remote: string, ua: string, start: number, end: number, xff = ''): void => {
    const pid = rng.pick(pidsAt(start));
    const rt = (end - start) / 1000;
    access.push({ endMs: end, remote, method: 'GET', path: '/', status: 101, bytes: rng.int(900, 40000), ua, rt, urt: rt.toFixed(3), ust: '101', pid, upgrade: 'websocket', xff });
    if (timeoutAt(start) === BAD_TIMEOUT && end - start >= BAD_TIMEOUT * 1000 && end < drainOf(start)) {
      errors.push({ ms: end, line: nginxErrorLine(end, 'info', pid, `upstream timed out (110: Connection timed out) while proxying upgraded connection, client: ${remote}, server: claw.example.com, request: "GET / HTTP/1.1", upstream: "http://172.20.0.2:18789/", host: "claw.example.com"`, conn++) });
    }
  };

  /** Runs one client's connection attempts across [from, to): healthy sessions end when the user leaves. */
  const runClient = (remote: string, ua: string, from: number, to: number, isNode: boolean): void => {
    let t = from;
    let backoff = 800;
    while (t < to) {
      const start = t;
      const idleLimit = timeoutAt(start) * 1000 + rng.int(1, 40);
      // idle timeout counts from the last server frame: ticks every 30 s keep a session alive only if the timeout is longer
      const killedAt = timeoutAt(start) < 30 ? start + idleLimit : Infinity;
      const end = Math.min(to, killedAt, drainOf(start));
      if (end >= T_END) return; // still open when the evidence was collected: nginx has not logged it yet
      wsLine(remote, ua, start, end);
      if (end >= to && end !== killedAt && end !== drainOf(start)) return; // the user closed the tab
      if (isNode) clientLog.push({ ms: end + rng.int(2, 30), text: 'gateway closed (1006 abnormal closure (no close frame)): no close reason' });
      backoff = end - start > 10_000 ? 800 : Math.min(15_000, backoff * 1.7);
      t = end + Math.round(backoff) + rng.int(0, 120);
      if (isNode && t < to) clientLog.push({ ms: t, text: `reconnecting to wss://claw.example.com (attempt after ${Math.round(backoff)}ms)` });
    }
  };

  // Attacker-controlled text in a user agent: the report must show it as text and never run it.
  wsLine('198.51.100.66', '<script>window.__clawtrail_pwned=1;document.title="pwned"</script> \x1b[31mred', at('2026-11-18T13:58:00Z'), RELOAD1 + DRAIN);
  const users = Array.from({ length: 8 }, (_, i) => ({ ip: `203.0.113.${10 + i}`, ua: UAS[i % UAS.length] }));
  for (let day = at('2026-11-16T00:00:00Z'); day < T_END; day += 86_400_000) {
    for (const u of users) {
      let t = day + 8 * 3_600_000 + rng.int(0, 3_600_000);
      const dayEnd = day + 17 * 3_600_000 + rng.int(0, 7_200_000);
      while (t < dayEnd && t < T_END) {
        const len = rng.int(40, 200) * 60_000;
        const end = Math.min(t + len, dayEnd, T_END);
        if (t >= T_START) {
          access.push({ endMs: t - 400, remote: u.ip, method: 'GET', path: '/', status: 200, bytes: 1843, ua: u.ua, rt: 0.004, pid: rng.pick(pidsAt(t)) });
          runClient(u.ip, u.ua, t, end, false);
        }
        t = end + rng.int(5, 30) * 60_000;
      }
    }
  }
  runClient('198.51.100.7', 'openclaw-node/2026.9.6', T_START + 42_000, T_END, true);
  for (let t = T_START + 15_000; t < T_END; t += 60_000) {
    access.push({ endMs: t, remote: '192.0.2.50', method: 'GET', path: '/healthz', status: 200, bytes: 30, ua: 'Uptime-Kuma/1.23.13', rt: 0.002, pid: rng.pick(pidsAt(t)) });
  }
  // The dashboard link somebody bookmarked carries the token in the URL: it must be redacted at ingest.
  access.push({ endMs: at('2026-11-17T09:12:44Z'), remote: '203.0.113.12', method: 'GET', path: `/?token=${token}`, status: 200, bytes: 1843, ua: UAS[0], rt: 0.003, pid: 29 });

  // ---- nginx error log: start, reloads (notice), timeouts (info) ----------------------------------------------
  const startNotices = ['using the "epoll" event method', 'nginx/1.22.1', 'built by gcc 12.2.0 (Debian 12.2.0-14)', 'OS: Linux 6.1.0-27-amd64', 'getrlimit(RLIMIT_NOFILE): 1048576:1048576', 'start worker processes', 'start worker process 29', 'start worker process 30'];
  startNotices.forEach((m, i) => errors.push({ ms: T_START + 800 + i, line: nginxErrorLine(T_START + 800 + i, 'notice', 1, m) }));
  const reload = (ms: number, signaller: number, oldPids: number[], newPids: number[]): void => {
    errors.push({ ms, line: nginxErrorLine(ms, 'notice', signaller, 'signal process started') });
    const seq = [`signal 1 (SIGHUP) received from ${signaller}, reconfiguring`, 'reconfiguring', 'using the "epoll" event method', 'start worker processes', ...newPids.map((p) => `start worker process ${p}`)];
    seq.forEach((m, i) => errors.push({ ms: ms + 2 + i, line: nginxErrorLine(ms + 2 + i, 'notice', 1, m) }));
    oldPids.forEach((p, i) => errors.push({ ms: ms + 12 + i, line: nginxErrorLine(ms + 12 + i, 'notice', p, 'gracefully shutting down') }));
    oldPids.forEach((p, i) => {
      const e = ms + DRAIN + 1 + i;
      errors.push({ ms: e, line: nginxErrorLine(e, 'notice', p, 'exiting') }, { ms: e + 1, line: nginxErrorLine(e + 1, 'notice', p, 'exit') },
        { ms: e + 2, line: nginxErrorLine(e + 2, 'notice', 1, `signal 17 (SIGCHLD) received from ${p}`) }, { ms: e + 3, line: nginxErrorLine(e + 3, 'notice', 1, `worker process ${p} exited with code 0`) });
    });
  };
  reload(RELOAD1, 2207, [29, 30], [2208, 2209]);
  reload(RELOAD2, 3310, [2208, 2209], [3311, 3312]);

  access.sort((a, c) => a.endMs - c.endMs);
  const byDay = (lo: number, hi: number): string => access.filter((r) => r.endMs >= lo && r.endMs < hi).map(nginxKvLine).join('\n') + '\n';
  b.binary('logs/nginx/access.log.2.gz', gzipSync(Buffer.from(byDay(0, T_ROTATE)), { level: 9 }));
  b.file('logs/nginx/access.log.1', byDay(T_ROTATE, T_ROTATE2));
  b.file('logs/nginx/access.log', byDay(T_ROTATE2, Infinity));
  errors.sort((a, c) => a.ms - c.ms);
  b.file('logs/nginx/error.log', errors.map((e) => e.line).join('\n') + '\n');

  // ---- gateway and CLI container output (docker compose logs -t): start-up only, then silence ------------------
  const g0 = T_START + 5_800;
  const gwLines: [number, string, string, 'info' | 'warn'][] = [
    [g0, 'gateway', 'loading configuration…', 'info'], [g0 + 410, 'gateway', 'resolving authentication…', 'info'], [g0 + 1_200, 'gateway', 'starting...', 'info'],
    [g0 + 3_900, 'gateway', `log file: /tmp/openclaw/openclaw-2026-11-16.log`, 'info'], [g0 + 4_100, 'gateway', 'http server listening (0 plugins; 4.1s)', 'info'],
    [g0 + 5_600, 'gateway', 'ready (0 plugins; 5.6s)', 'info'],
  ];
  const width = 'openclaw-gateway-1'.length + 1;
  const composeLog = gwLines.map(([ms, sub, msg, lvl], i) => composeLogLine('openclaw-gateway-1', width, ms + 3, consoleLine(ms, sub, msg, lvl, { ansi: true, zulu: false }), 120 + i));
  b.file('logs/compose-logs.txt', composeLog.join('\n') + '\n');
  clientLog.sort((a, c) => a.ms - c.ms);
  b.file('client/openclaw-node-docker-logs.txt', clientLog.map((c, i) => `${isoNano(c.ms, (i * 7919) % 1000000)} ${c.text}`).join('\n') + '\n');

  // ---- docker events (continuous capture, health-check execs filtered out) and an inspect snapshot -------------
  const ev: string[] = [];
  for (const [i, c] of [ngx, gw, cli].entries()) {
    ev.push(eventJson(T_START - 2_000 + i * 100, 11_000 + i, 'container', 'create', c, workdir));
    ev.push(eventJson(T_START + i * 400, 52_000 + i, 'container', 'start', c, workdir));
  }
  ev.push(eventJson(T_START + 31_000, 7, 'container', 'health_status: healthy', gw, workdir));
  for (const [ms, n] of [[RELOAD1, 0], [RELOAD2, 1]] as const) {
    ev.push(eventJson(ms - 60, 100 + n, 'container', 'exec_create: nginx -s reload', ngx, workdir, { execID: rng.hex(64) }));
    ev.push(eventJson(ms - 40, 200 + n, 'container', 'exec_start: nginx -s reload', ngx, workdir, { execID: rng.hex(64) }));
    ev.push(eventJson(ms + 30, 300 + n, 'container', 'exec_die', ngx, workdir, { execID: rng.hex(64), exitCode: '0' }));
  }
  b.file('docker/events.jsonl', ev.join('\n') + '\n');

  const snap = T_END + 5_000;
  const probes = (n: number): { start: string; end: string; exit: number; output: string }[] =>
    Array.from({ length: 5 }, (_, i) => ({ start: isoMs(snap - (5 - i) * 30_000), end: isoMs(snap - (5 - i) * 30_000 + 180 + n), exit: 0, output: '' }));
  const hc = { test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:18789/healthz').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"], intervalS: 30, timeoutS: 5, startPeriodS: 20, retries: 5 };
  const gwEnv = ['HOME=/home/node', 'TERM=xterm-256color', `OPENCLAW_GATEWAY_TOKEN=${token}`, 'OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=', 'TZ=UTC', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_VERSION=24.11.0', 'NODE_ENV=production'];
  const stateMounts = [{ type: 'bind' as const, source: '/srv/openclaw/state', destination: '/home/node/.openclaw' }, { type: 'bind' as const, source: '/srv/openclaw/workspace', destination: '/home/node/.openclaw/workspace' }];
  b.file('docker/inspect-2026-11-18T1600Z.json', JSON.stringify([
    inspectContainer({ ref: gw, workdir, created: isoNano(T_START - 1_900, 338), startedAt: isoNano(T_START + 400, 667), status: 'running', env: gwEnv, mounts: stateMounts,
      health: { status: 'healthy', failingStreak: 0, log: probes(3) }, healthcheck: hc, cmd: ['node', 'dist/index.js', 'gateway', '--bind', 'lan', '--port', '18789'], networkGateway: '172.20.0.1', ip: '172.20.0.2' }),
    inspectContainer({ ref: cli, workdir, created: isoNano(T_START - 1_800, 338), startedAt: isoNano(T_START + 800, 667), status: 'running', tty: true,
      env: gwEnv.map((e) => (e.startsWith('TERM') ? 'BROWSER=echo' : e)), mounts: stateMounts, cmd: ['node', 'dist/index.js'], networkGateway: '172.20.0.1', ip: '172.20.0.2' }),
    inspectContainer({ ref: ngx, workdir, created: isoNano(T_START - 2_000, 338), startedAt: isoNano(T_START, 667), status: 'running', user: '',
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.22.1'],
      mounts: [{ type: 'bind', source: '/srv/openclaw/nginx/nginx.conf', destination: '/etc/nginx/nginx.conf', rw: false }, { type: 'bind', source: '/srv/openclaw/logs/nginx', destination: '/var/log/nginx' }],
      cmd: ['nginx', '-g', 'daemon off;'], networkGateway: '172.20.0.1', ip: '172.20.0.3' }),
  ], null, 4) + '\n');

  b.truth({
    bundle: 'proxy-release-1006',
    cause: 'proxy-release',
    summary: `Commit ${shas[2].slice(0, 12)} ("nginx: tighten proxy timeouts to free idle workers", Sam Rivera) lowered nginx proxy_read_timeout from 3600s to ${BAD_TIMEOUT}s, below the gateway's 30 s tick. nginx was reloaded at 2026-11-18T14:05:03Z; the old workers kept their sessions until worker_shutdown_timeout (10 s), then every WebSocket dropped at 14:05:13 (1006 at the clients), and every reconnect was cut again ${BAD_TIMEOUT} s later (upstream timed out … while proxying upgraded connection, level info). The revert ${shas[3].slice(0, 12)} was reloaded at 15:32:40 and the drops stopped after its drain at 15:32:50. The gateway logged nothing about any of it.`,
    key_instants: { commit: '2026-11-18T13:47:12Z', reload: '2026-11-18T14:05:03Z', burst_start: '2026-11-18T14:05:13Z', fix_commit: '2026-11-18T15:30:41Z', fix_reload: '2026-11-18T15:32:40Z', burst_end: '2026-11-18T15:32:50Z' },
    commits: { cause: shas[2], fix: shas[3] },
    must_cite: ['logs/nginx/access.log (101 lines with rt≈20 and the new wpid)', 'logs/nginx/error.log (signal 1 (SIGHUP) … reconfiguring; upstream timed out … upgraded connection)', `commit ${shas[2]} nginx/nginx.conf proxy_read_timeout 3600s → ${BAD_TIMEOUT}s`, 'docker/events.jsonl exec_start: nginx -s reload'],
  });
}
