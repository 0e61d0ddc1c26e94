// Bundle 3: a commit moves OPENCLAW_CONFIG_DIR to a new disk (only openclaw.json is copied over);
// `docker compose up -d --force-recreate` (older compose order: stop, rename, create, destroy, start) gives the new
// gateway an empty devices/ dir. Every device approved before comes back with `pairing required` (same device ids,
// new request ids) or `device_token_mismatch`, until the operator re-approves them one by one.
// Gateway 2026.2.22 (Z stamps, `listening on`, no peer=), json-file logs, nginx combined + timing, no nginx.conf.
import type { Bundle } from './bundle.js';
import { Rng, at, consoleLine, eventJson, networkEventJson, isoMs, isoNano, jsonFileRecord, nginxTimingLine, type ContainerRef, type HttpRequest } from './evidence.js';
import { composeFile, envFile, openclawJson } from './deployment.js';
import { inspectContainer } from './docker-state.js';

const VERSION = '2026.2.22';
const IMAGE = `ghcr.io/openclaw/openclaw:${VERSION}`;

export function pairingLoss(b: Bundle): void {
  const rng = new Rng(7007);
  const project = 'openclaw';
  const workdir = '/srv/openclaw';
  const token = rng.hex(48);
  const OLD_DIR = '/srv/openclaw/state';
  const NEW_DIR = '/opt/openclaw/state';
  const T0 = at('2026-11-12T07:00:00Z');
  const RECREATE = at('2026-11-12T10:24:40Z');
  const APPROVALS = ['2026-11-12T10:52:18Z', '2026-11-12T11:05:41Z', '2026-11-12T11:20:09Z', '2026-11-12T11:41:33Z'].map(at);
  const T_END = at('2026-11-12T12:30:00Z');

  // this host still runs docker-compose 1.29: its labels and underscore names, and its recreate order (below)
  const oldGw: ContainerRef = { id: rng.hex(64), name: 'openclaw_openclaw-gateway_1', service: 'openclaw-gateway', project, image: IMAGE, configHash: rng.hex(64), composeV1: true };
  const newGw: ContainerRef = { id: rng.hex(64), name: 'openclaw_openclaw-gateway_1', service: 'openclaw-gateway', project, image: IMAGE, configHash: rng.hex(64), composeV1: true };

  const devices = [
    { id: rng.hex(64), name: 'Dana MacBook', ip: '172.20.0.1', remote: '203.0.113.21', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', client: 'openclaw-control-ui', mode: 'webchat' },
    { id: rng.hex(64), name: 'Sam Firefox', ip: '172.20.0.1', remote: '203.0.113.22', ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', client: 'openclaw-control-ui', mode: 'webchat' },
    { id: rng.hex(64), name: 'Ops iPad', ip: '172.20.0.1', remote: '203.0.113.23', ua: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', client: 'openclaw-control-ui', mode: 'webchat' },
    { id: rng.hex(64), name: 'build-node', ip: '172.20.0.1', remote: '198.51.100.20', ua: 'openclaw-node/2026.2.22', client: 'node-host', mode: 'node' },
  ];
  const deviceTokens = devices.map(() => rng.hex(43));

  const envOld = envFile({ OPENCLAW_CONFIG_DIR: OLD_DIR, OPENCLAW_WORKSPACE_DIR: '/srv/openclaw/workspace', OPENCLAW_GATEWAY_PORT: '18789', OPENCLAW_GATEWAY_BIND: 'lan', OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_IMAGE: IMAGE });
  const envNew = envOld.replace(OLD_DIR, NEW_DIR);
  const compose = composeFile({ image: IMAGE, proxy: 'nginx' });
  const oc = openclawJson({ token, version: VERSION, touchedAt: '2026-09-30T12:40:09.771Z' });
  const shas = b.gitHistory([
    { date: '2026-09-30T12:45:00+00:00', author: 'Dana Ops', email: 'dana@example.com', message: 'OpenClaw gateway for the team', files: { 'docker-compose.yml': compose, '.env': envOld, 'openclaw/openclaw.json': oc } },
    { date: '2026-10-22T08:30:00+00:00', author: 'Dana Ops', email: 'dana@example.com', message: 'compose: document the healthcheck', files: { 'docker-compose.yml': compose.replace('    healthcheck:', '    # liveness: /healthz answers once the HTTP server is up\n    healthcheck:') } },
    { date: '2026-11-12T10:21:07+00:00', author: 'Robin Lee', email: 'robin@example.com', message: 'Move OpenClaw state to the new /opt disk', files: { '.env': envNew } },
  ]);
  b.file('docker-compose.yml', compose.replace('    healthcheck:', '    # liveness: /healthz answers once the HTTP server is up\n    healthcheck:'));
  b.file('.env', envNew);
  b.file('state/openclaw.json', oc);

  const paired = (approvedAt: number[], createdAt: number[]): string => JSON.stringify(Object.fromEntries(devices.map((d, i) => [d.id, {
    deviceId: d.id, publicKey: Buffer.from(rng.hex(64), 'hex').toString('base64url'), displayName: d.name, platform: d.mode === 'node' ? 'linux' : 'MacIntel',
    clientId: d.client, clientMode: d.mode, role: d.mode === 'node' ? 'node' : 'operator', roles: [d.mode === 'node' ? 'node' : 'operator'],
    scopes: ['operator.read', 'operator.write'], remoteIp: d.ip,
    tokens: { [d.mode === 'node' ? 'node' : 'operator']: { token: deviceTokens[i], role: d.mode === 'node' ? 'node' : 'operator', scopes: ['operator.read', 'operator.write'], createdAtMs: approvedAt[i], lastUsedAtMs: approvedAt[i] } },
    createdAtMs: createdAt[i], approvedAtMs: approvedAt[i],
  }])), null, 2) + '\n';
  const octoberApproved = devices.map((_, i) => at('2026-10-01T09:00:00Z') + i * 86_400_000);
  b.file('state-old/devices/paired.json', paired(octoberApproved, octoberApproved.map((t) => t - 60_000)));
  b.file('state/devices/paired.json', paired(APPROVALS, APPROVALS.map((t) => t - 90_000)));
  b.file('state/devices/pending.json', '{}\n');

  // ---- gateway output: json-file of the new container only (the old one was destroyed with its log) ----------------
  const rec: { ms: number; line: string }[] = [];
  const out = (ms: number, sub: string, msg: string, level: 'info' | 'warn' = 'info'): void => {
    rec.push({ ms, line: jsonFileRecord(ms + 1, consoleLine(ms, sub, msg, level, { ansi: true, zulu: true }), level === 'warn' ? 'stderr' : 'stdout', rng.int(0, 999999)) });
  };
  const fileLog: { ms: number; line: string }[] = [];
  const tslog = (ms: number, subsystem: string, level: 'INFO' | 'WARN', msg: string, meta?: Record<string, unknown>): void => {
    const prefix = JSON.stringify({ subsystem });
    const body: Record<string, unknown> = { 0: prefix };
    if (meta) Object.assign(body, { 1: meta, 2: msg });
    else body[1] = msg;
    fileLog.push({ ms, line: JSON.stringify({ ...body, _meta: { runtime: 'node', runtimeVersion: '22.12.0', hostname: 'unknown', name: prefix, parentNames: ['openclaw'], date: isoMs(ms), logLevelId: level === 'WARN' ? 4 : 3, logLevelName: level, path: { fullFilePath: 'file:///app/dist/subsystem-DBBM_0ww.js:1058:14', fileName: 'subsystem-DBBM_0ww.js', fileNameWithLine: 'subsystem-DBBM_0ww.js:1058', fileColumn: '14', fileLine: '1058', filePath: 'app/dist/subsystem-DBBM_0ww.js', filePathWithLine: 'app/dist/subsystem-DBBM_0ww.js:1058', method: 'logToFile' } }, time: isoMs(ms) }) });
  };
  const s0 = RECREATE + 2_600;
  out(s0, 'gateway', 'agent model: anthropic/claude-sonnet-4-5');
  out(s0 + 40, 'gateway', 'listening on ws://0.0.0.0:18789 (PID 7)');
  out(s0 + 41, 'gateway', 'log file: /tmp/openclaw/openclaw-2026-11-12.log');
  tslog(s0 + 40, 'gateway', 'INFO', 'listening on ws://0.0.0.0:18789 (PID 7)');

  // Each device retries; browsers present their (now unknown) identity with the shared token → pairing required with a
  // new request id each time; the node holds only its device token → device_token_mismatch.
  const access: HttpRequest[] = [];
  devices.forEach((d, i) => {
    let t = s0 + 4_000 + i * 7_300;
    let backoff = 800;
    while (t < APPROVALS[i]) {
      const conn = rng.uuid();
      const requestId = rng.uuid();
      const port = rng.int(40000, 60000);
      if (d.mode === 'node') {
        out(t + 30, 'ws', `unauthorized conn=${conn} remote=${d.ip} client=${d.client} ${d.mode} v${VERSION} reason=device_token_mismatch`, 'warn');
        out(t + 32, 'ws', `closed before connect conn=${conn} remote=${d.ip} fwd=${d.remote} origin=n/a host=claw.example.com ua=${d.ua} code=1008 reason=unauthorized: device token mismatch (rotate/reissue device token)`, 'warn');
        tslog(t + 32, 'gateway/ws', 'WARN', `closed before connect conn=${conn} remote=${d.ip} fwd=${d.remote} origin=n/a host=claw.example.com ua=${d.ua} code=1008 reason=unauthorized: device token mismatch (rotate/reissue device token)`,
          { cause: 'unauthorized', handshake: 'failed', durationMs: 31, authMode: 'token', authReason: 'device_token_mismatch', deviceId: d.id, remoteAddr: d.ip, remotePort: port });
      } else {
        out(t + 30, 'ws', `closed before connect conn=${conn} remote=${d.ip} fwd=${d.remote} origin=https://claw.example.com host=claw.example.com ua=${d.ua} code=1008 reason=pairing required`, 'warn');
        tslog(t + 30, 'gateway/ws', 'WARN', `closed before connect conn=${conn} remote=${d.ip} fwd=${d.remote} origin=https://claw.example.com host=claw.example.com ua=${d.ua} code=1008 reason=pairing required`,
          { cause: 'pairing-required', handshake: 'failed', durationMs: 29, deviceId: d.id, requestId, reason: 'not-paired', remoteAddr: d.ip, remotePort: port });
      }
      access.push({ endMs: t + 35, remote: d.remote, method: 'GET', path: '/', status: 101, bytes: 412, ua: d.ua, rt: 0.035, pid: 0, urt: '0.035' });
      backoff = Math.min(d.mode === 'node' ? 30_000 : 15_000, backoff * 1.7);
      t += Math.round(backoff) + rng.int(0, 400) + (d.mode === 'node' ? 0 : 45_000); // a person retries by reloading the page
    }
    out(APPROVALS[i], 'gateway', `device pairing approved device=${d.id} role=${d.mode === 'node' ? 'node' : 'operator'}`);
    tslog(APPROVALS[i], 'gateway', 'INFO', `device pairing approved device=${d.id} role=${d.mode === 'node' ? 'node' : 'operator'}`);
    const conn = rng.uuid();
    if (d.mode === 'webchat') out(APPROVALS[i] + 9_000, 'ws', `webchat connected conn=${conn} remote=${d.ip} client=openclaw-control-ui webchat v${VERSION}`);
    access.push({ endMs: T_END - rng.int(0, 60_000), remote: d.remote, method: 'GET', path: '/', status: 101, bytes: 30_000, ua: d.ua, rt: (T_END - APPROVALS[i] - 9_000) / 1000, pid: 0 });
  });
  // before the recreate: a quiet, healthy morning on the old container, seen from nginx only
  devices.forEach((d) => access.push({ endMs: RECREATE + 1_400, remote: d.remote, method: 'GET', path: '/', status: 101, bytes: 52_000, ua: d.ua, rt: (RECREATE + 1_400 - T0 - 600_000) / 1000, pid: 0 }));
  for (let t = T0 + 30_000; t < T_END; t += 60_000) {
    const down = t > RECREATE && t < RECREATE + 2_600;
    access.push({ endMs: t, remote: '192.0.2.50', method: 'GET', path: '/healthz', status: down ? 502 : 200, bytes: down ? 157 : 30, ua: 'Uptime-Kuma/1.23.13', rt: 0.002, pid: 0, urt: down ? '0.000' : '0.002' });
  }
  rec.sort((a, c) => a.ms - c.ms);
  b.file(`containers/${newGw.id}/${newGw.id}-json.log`, rec.map((r) => r.line).join('\n') + '\n');
  fileLog.sort((a, c) => a.ms - c.ms);
  b.file('tmp-openclaw/openclaw-2026-11-12.log', fileLog.map((r) => r.line).join('\n') + '\n');
  access.sort((a, c) => a.endMs - c.endMs);
  b.file('logs/nginx/access.log', access.map(nginxTimingLine).join('\n') + '\n');

  // ---- events: docker-compose 1.29's recreate, in the order and with the network events a real engine wrote for it
  // (samples/gen/engine/events-up-and-recreate.jsonl): stop the old, rename it, create and start the new, destroy the old
  const net = { id: rng.hex(64), name: `${project}_default`, type: 'bridge' };
  const renamed = { ...oldGw, name: `${oldGw.id.slice(0, 12)}_${oldGw.name}` };
  const ev: string[] = [];
  ev.push(eventJson(T0 - 86_400_000, 1, 'container', 'create', oldGw, workdir, {}, true));
  ev.push(networkEventJson(T0 - 86_400_000 + 300, 2, 'connect', net, oldGw.id));
  ev.push(eventJson(T0 - 86_400_000 + 900, 3, 'container', 'start', oldGw, workdir, {}, true));
  const r = RECREATE;
  ev.push(eventJson(r + 100, 4, 'container', 'kill', oldGw, workdir, { signal: '15' }, true));
  ev.push(eventJson(r + 1_200, 5, 'container', 'die', oldGw, workdir, { exitCode: '0' }, true));
  ev.push(networkEventJson(r + 1_250, 6, 'disconnect', net, oldGw.id));
  ev.push(eventJson(r + 1_300, 7, 'container', 'stop', oldGw, workdir, {}, true));
  ev.push(eventJson(r + 1_400, 8, 'container', 'rename', renamed, workdir, { oldName: `/${oldGw.name}` }, true));
  ev.push(eventJson(r + 1_700, 9, 'container', 'create', newGw, workdir, {}, true));
  ev.push(networkEventJson(r + 1_950, 10, 'connect', net, newGw.id));
  ev.push(eventJson(r + 2_300, 11, 'container', 'start', newGw, workdir, {}, true));
  ev.push(eventJson(r + 2_450, 12, 'container', 'destroy', renamed, workdir, {}, true));
  ev.push(eventJson(r + 33_000, 13, 'container', 'health_status: healthy', newGw, workdir, {}, true));
  b.file('docker/events.jsonl', ev.join('\n') + '\n');

  const hc = { test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:18789/healthz').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"], intervalS: 30, timeoutS: 5, startPeriodS: 20, retries: 5 };
  const env = ['HOME=/home/node', 'TERM=xterm-256color', `OPENCLAW_GATEWAY_TOKEN=${token}`, 'TZ=UTC', 'NODE_ENV=production'];
  const snap = (ref: ContainerRef, dir: string, created: number, t: number): unknown => inspectContainer({
    ref, workdir, created: isoNano(created, 11), startedAt: isoNano(created + 600, 22), status: 'running', env,
    mounts: [{ type: 'bind', source: dir, destination: '/home/node/.openclaw' }, { type: 'bind', source: '/srv/openclaw/workspace', destination: '/home/node/.openclaw/workspace' }],
    health: { status: 'healthy', failingStreak: 0, log: Array.from({ length: 5 }, (_, i) => ({ start: isoMs(t - (5 - i) * 30_000), end: isoMs(t - (5 - i) * 30_000 + 210), exit: 0, output: '' })) },
    healthcheck: hc, cmd: ['node', 'dist/index.js', 'gateway', '--bind', 'lan', '--port', '18789'], networkGateway: '172.20.0.1', ip: '172.20.0.2',
  });
  b.file('docker/inspect-before.json', JSON.stringify([snap(oldGw, OLD_DIR, T0 - 86_400_000, at('2026-11-12T10:00:00Z'))], null, 4) + '\n');
  b.file('docker/inspect-after.json', JSON.stringify([snap(newGw, NEW_DIR, RECREATE + 1_700, T_END)], null, 4) + '\n');

  b.truth({
    bundle: 'pairing-loss',
    cause: 'pairing-loss',
    summary: `Commit ${shas[2].slice(0, 12)} ("Move OpenClaw state to the new /opt disk", Robin Lee, 2026-11-12T10:21:07Z) changed OPENCLAW_CONFIG_DIR from ${OLD_DIR} to ${NEW_DIR}; only openclaw.json was copied. \`docker compose up -d --force-recreate\` at 10:24:40 replaced the gateway container; its state mount source changed, devices/paired.json started empty, and the four devices approved in October came back with \`pairing required\` (new request ids) or \`device_token_mismatch\` until they were re-approved one by one (10:52:18 … 11:41:33, 77 minutes to full recovery).`,
    key_instants: { commit: '2026-11-12T10:21:07Z', recreate: '2026-11-12T10:24:40Z', first_rejection: '2026-11-12T10:24:47Z', last_reapproval: '2026-11-12T11:41:33Z' },
    commits: { cause: shas[2] },
    must_cite: ['docker/events.jsonl destroy of the old gateway id and start of the new one', 'docker/inspect-before.json / inspect-after.json mount source /srv/openclaw/state → /opt/openclaw/state', `containers/${newGw.id.slice(0, 12)}…-json.log closed before connect … reason=pairing required`, 'state-old/devices/paired.json (device ids approved before)', `commit ${shas[2]} .env OPENCLAW_CONFIG_DIR`],
  });
}
