// Bundle 4: a healthy week, the negative case and the drift-audit input. Normal closes (1001 tab closed, 1005),
// a deliberate Wednesday-night restart (1012, die exitCode=0 + start of the same container), a planned token
// rotation drill (4001 `gateway auth changed`, a few 1008 until users paste the new token, well within 5 minutes),
// and a benign compose commit. The token lives in openclaw.json only (.env leaves OPENCLAW_GATEWAY_TOKEN unset).
// Gateway 2026.4.12 (±00:00 stamps, ready (…)), docker json-file logs rotated (…-json.log.1), Traefik CLF access log.
import type { Bundle } from './bundle.js';
import { Rng, at, consoleLine, eventJson, isoMs, isoNano, jsonFileRecord, timeLocal, type ContainerRef } from './evidence.js';
import { composeFile, envFile, openclawJson } from './deployment.js';
import { inspectContainer } from './docker-state.js';

const VERSION = '2026.4.12';
const IMAGE = `ghcr.io/openclaw/openclaw:${VERSION}`;

export function healthyWeek(b: Bundle): void {
  const rng = new Rng(7);
  const project = 'claw';
  const workdir = '/opt/claw';
  const token1 = rng.hex(48);
  const token2 = rng.hex(48);
  const T0 = at('2026-11-02T00:00:00Z');
  const RESTART = at('2026-11-04T03:00:00Z');
  const BENIGN = '2026-11-05T14:02:00+00:00';
  const DRILL = at('2026-11-06T10:00:00Z');
  const ROTATE_LOG = at('2026-11-06T00:00:00Z');
  const T_END = at('2026-11-09T00:00:00Z');

  const gw: ContainerRef = { id: rng.hex(64), name: 'claw-openclaw-gateway-1', service: 'openclaw-gateway', project, image: IMAGE, configHash: rng.hex(64) };
  const env = envFile({ OPENCLAW_CONFIG_DIR: '/opt/claw/state', OPENCLAW_WORKSPACE_DIR: '/opt/claw/workspace', OPENCLAW_GATEWAY_PORT: '18789', OPENCLAW_GATEWAY_BIND: 'lan', OPENCLAW_IMAGE: IMAGE });
  const compose = composeFile({ image: IMAGE, proxy: 'nginx' }).replace(/  nginx:[\s\S]*$/, '');
  const oc1 = openclawJson({ token: token1, version: VERSION, touchedAt: '2026-10-05T10:00:00.000Z' });
  const oc2 = openclawJson({ token: token2, version: VERSION, touchedAt: '2026-11-06T10:00:00.000Z' });
  const shas = b.gitHistory([
    { date: '2026-10-05T10:05:00+00:00', author: 'Mia Chen', email: 'mia@example.com', message: 'Gateway behind Traefik', files: { 'docker-compose.yml': compose, '.env': env, 'openclaw/openclaw.json': oc1 } },
    { date: BENIGN, author: 'Mia Chen', email: 'mia@example.com', message: 'compose: explain the healthcheck timings', files: { 'docker-compose.yml': compose.replace('    healthcheck:', '    # 30s/5s/5 retries, 20s start period: the stock values\n    healthcheck:') } },
    { date: '2026-11-06T10:00:00+00:00', author: 'Mia Chen', email: 'mia@example.com', message: 'Quarterly gateway token rotation drill', files: { 'openclaw/openclaw.json': oc2 } },
  ]);
  b.file('docker-compose.yml', compose.replace('    healthcheck:', '    # 30s/5s/5 retries, 20s start period: the stock values\n    healthcheck:'));
  b.file('.env', env);
  b.file('state/openclaw.json', oc2);

  const rec: { ms: number; line: string }[] = [];
  const out = (ms: number, sub: string, msg: string, level: 'info' | 'warn' = 'info'): void => {
    rec.push({ ms, line: jsonFileRecord(ms + 1, consoleLine(ms, sub, msg, level, { ansi: true, zulu: false }), level === 'warn' ? 'stderr' : 'stdout', rng.int(0, 999999)) });
  };
  const traefik: { ms: number; line: string }[] = [];
  let reqCount = 0;
  const access = (end: number, ip: string, path: string, status: number, dur: number, ua: string): void => {
    reqCount++;
    traefik.push({ ms: end, line: `${ip} - - [${timeLocal(end - dur)}] "GET ${path} HTTP/1.1" ${status} ${status === 101 ? 0 : rng.int(30, 90000)} "-" "${ua}" ${reqCount} "openclaw@docker" "http://172.22.0.2:18789" ${dur}ms` });
  };
  const startup = (t: number): void => {
    out(t, 'gateway', 'loading configuration…');
    out(t + 350, 'gateway', 'resolving authentication…');
    out(t + 1_000, 'gateway', 'starting...');
    out(t + 3_400, 'gateway', 'ready (0 plugins; 3.4s)');
  };
  startup(T0 - 3 * 86_400_000);

  const users = [
    { ip: '198.51.100.31', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15' },
    { ip: '198.51.100.32', ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
    { ip: '198.51.100.33', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
  ];
  for (let day = T0; day < T_END; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const u of users) {
      let t = day + 8 * 3_600_000 + rng.int(0, 5_400_000);
      while (t < day + 18 * 3_600_000) {
        const conn = rng.uuid();
        let end = t + rng.int(20, 150) * 60_000;
        let code = rng.next() < 0.85 ? 1001 : 1005;
        let reason = 'n/a';
        if (t < DRILL && end > DRILL) {
          end = DRILL + rng.int(300, 900);
          code = 4001;
          reason = 'gateway auth changed';
        }
        access(t - 300, u.ip, '/', 200, 4, u.ua);
        out(t + 20, 'ws', `webchat connected conn=${conn} remote=172.22.0.1 client=openclaw-control-ui webchat v${VERSION}`);
        out(end, 'ws', `webchat disconnected code=${code} reason=${reason} conn=${conn}`);
        access(end + 5, u.ip, '/', 101, end - t, u.ua);
        if (code === 4001) {
          // the UI keeps the old token: 1008 until the user pastes the new one (1–3 minutes)
          let r = end + 800;
          const fixed = DRILL + rng.int(60, 180) * 1000;
          let backoff = 800;
          while (r < fixed) {
            const c = rng.uuid();
            out(r, 'ws', `closed before connect conn=${c} peer=172.22.0.1:${rng.int(40000, 60000)}->172.22.0.2:18789 remote=172.22.0.1 fwd=${u.ip} origin=https://claw.example.org host=claw.example.org ua=${u.ua} code=1008 reason=unauthorized: gateway token mismatch (open the dashboard URL and paste the token in Control UI settings)`, 'warn');
            access(r + 3, u.ip, '/', 101, 3, u.ua);
            backoff = Math.min(15_000, backoff * 1.7);
            r += Math.round(backoff);
          }
          t = fixed;
          continue;
        }
        t = end + rng.int(10, 60) * 60_000;
      }
    }
  }
  // Wednesday 03:00: deliberate restart (docker compose restart) — 1012 to the node client, same container id
  const nodeConn = rng.uuid();
  out(T0 + 60_000, 'ws', `webchat connected conn=${nodeConn} remote=172.22.0.1 client=openclaw-control-ui webchat v${VERSION}`);
  out(RESTART, 'gateway', 'signal SIGTERM received');
  out(RESTART + 1, 'gateway', 'received SIGTERM; shutting down');
  out(RESTART + 40, 'ws', `webchat disconnected code=1012 reason=service restart conn=${nodeConn}`);
  access(RESTART + 45, '198.51.100.40', '/', 101, RESTART - T0 - 60_000, 'Mozilla/5.0 (X11; Linux x86_64) kiosk');
  startup(RESTART + 1_900);
  out(RESTART + 9_000, 'ws', `webchat connected conn=${rng.uuid()} remote=172.22.0.1 client=openclaw-control-ui webchat v${VERSION}`);
  // the drill: hot reload of the token
  out(DRILL + 120, 'reload', 'config change detected; evaluating reload (gateway.auth.token)');
  out(DRILL + 260, 'reload', 'config hot reload applied (gateway.auth.token)');
  for (let t = T0 + 20_000; t < T_END; t += 300_000) access(t, '192.0.2.60', '/healthz', 200, 2, 'Blackbox-Exporter/0.25.0');

  rec.sort((a, c) => a.ms - c.ms);
  const logDir = `containers/${gw.id}`;
  b.file(`${logDir}/${gw.id}-json.log.1`, rec.filter((r) => r.ms < ROTATE_LOG).map((r) => r.line).join('\n') + '\n');
  b.file(`${logDir}/${gw.id}-json.log`, rec.filter((r) => r.ms >= ROTATE_LOG).map((r) => r.line).join('\n') + '\n');
  traefik.sort((a, c) => a.ms - c.ms);
  b.file('logs/traefik/access.log', traefik.map((t) => t.line).join('\n') + '\n');

  const ev = [
    eventJson(RESTART - 20, 1, 'container', 'kill', gw, workdir, { signal: '15' }),
    eventJson(RESTART + 1_500, 2, 'container', 'die', gw, workdir, { exitCode: '0', execDuration: '172800' }),
    eventJson(RESTART + 1_600, 3, 'container', 'stop', gw, workdir),
    eventJson(RESTART + 1_800, 4, 'container', 'start', gw, workdir),
    eventJson(RESTART + 1_801, 5, 'container', 'restart', gw, workdir),
    eventJson(RESTART + 32_000, 6, 'container', 'health_status: healthy', gw, workdir),
  ];
  b.file('docker/events.jsonl', ev.join('\n') + '\n');
  const hc = { test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:18789/healthz').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"], intervalS: 30, timeoutS: 5, startPeriodS: 20, retries: 5 };
  b.file('docker/inspect.json', JSON.stringify([inspectContainer({
    ref: gw, workdir, created: isoNano(T0 - 3 * 86_400_000 - 2_000, 1), startedAt: isoNano(RESTART + 1_800, 2), finishedAt: isoNano(RESTART + 1_500, 3), status: 'running', restartCount: 0,
    env: ['HOME=/home/node', 'TERM=xterm-256color', 'OPENCLAW_GATEWAY_TOKEN=', 'TZ=UTC', 'NODE_ENV=production'],
    mounts: [{ type: 'bind', source: '/opt/claw/state', destination: '/home/node/.openclaw' }, { type: 'bind', source: '/opt/claw/workspace', destination: '/home/node/.openclaw/workspace' }],
    health: { status: 'healthy', failingStreak: 0, log: Array.from({ length: 5 }, (_, i) => ({ start: isoMs(T_END - (5 - i) * 30_000), end: isoMs(T_END - (5 - i) * 30_000 + 160), exit: 0, output: '' })) },
    healthcheck: hc, cmd: ['node', 'dist/index.js', 'gateway', '--bind', 'lan', '--port', '18789'], networkGateway: '172.22.0.1', ip: '172.22.0.2',
  })], null, 4) + '\n');

  b.truth({
    bundle: 'healthy-week',
    cause: 'none',
    summary: `A healthy week: normal closes (1001, 1005), a deliberate restart on Wednesday 03:00 (1012, restart in place), a benign compose commit (${shas[1].slice(0, 12)}), and a planned token rotation drill on Thursday 10:00 (${shas[2].slice(0, 12)}): 4001 then a few 1008 until users pasted the new token, all reconnected within 3 minutes. No finding of severity high or above is expected.`,
    key_instants: { restart: '2026-11-04T03:00:00Z', benign_commit: '2026-11-05T14:02:00Z', drill: '2026-11-06T10:00:00Z' },
    commits: { benign: shas[1], drill: shas[2] },
    must_cite: [],
  });
}
