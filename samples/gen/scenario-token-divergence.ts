// Bundle 2: a commit puts a new 64-hex OPENCLAW_GATEWAY_TOKEN (openssl rand -hex 32, as setup.sh makes) in .env
// while openclaw.json keeps the 48-hex token the gateway generated. `docker compose up -d` recreates the gateway and
// the CLI container. The gateway enforces the config value (config-first); the CLI container sends the env value
// (env-first): `unauthorized … reason=token_mismatch` on every CLI run, until a later commit aligns them.
// Reverse proxy: Caddy (JSON access log).
import type { Bundle } from './bundle.js';
import { Rng, at, caddyAccess, composeLogLine, consoleLine, eventJson, isoMs, isoNano, type ContainerRef, type HttpRequest } from './evidence.js';
import { composeFile, envFile, openclawJson } from './deployment.js';
import { inspectContainer } from './docker-state.js';

const VERSION = '2026.4.12';
const IMAGE = `ghcr.io/openclaw/openclaw:${VERSION}`;

export function tokenDivergence(b: Bundle): void {
  const rng = new Rng(4242);
  const project = 'openclaw';
  const workdir = '/home/alex/openclaw';
  const cfgToken = rng.hex(48);
  const envToken = rng.hex(64);
  const T0 = at('2026-11-10T06:00:00Z');
  const UP1 = at('2026-11-10T09:15:02Z');
  const UP2 = at('2026-11-10T11:42:30Z');
  const T_END = at('2026-11-10T13:00:00Z');

  const gen = (n: number): { gw: ContainerRef; cli: ContainerRef } => ({
    gw: { id: rng.hex(64), name: 'openclaw-openclaw-gateway-1', service: 'openclaw-gateway', project, image: IMAGE, configHash: rng.hex(64) },
    cli: { id: rng.hex(64), name: 'openclaw-openclaw-cli-1', service: 'openclaw-cli', project, image: IMAGE, configHash: rng.hex(64), number: 1 + 0 * n },
  });
  const gens = [gen(0), gen(1), gen(2)];
  const caddy: ContainerRef = { id: rng.hex(64), name: 'openclaw-caddy-1', service: 'caddy', project, image: 'caddy:2.8', configHash: rng.hex(64) };

  const baseEnv = { OPENCLAW_CONFIG_DIR: '/home/alex/.openclaw', OPENCLAW_WORKSPACE_DIR: '/home/alex/.openclaw/workspace', OPENCLAW_GATEWAY_PORT: '18789', OPENCLAW_GATEWAY_BIND: 'lan', OPENCLAW_IMAGE: IMAGE };
  const envOk = envFile({ ...baseEnv, OPENCLAW_GATEWAY_TOKEN: cfgToken });
  const envBad = envFile({ ...baseEnv, OPENCLAW_GATEWAY_TOKEN: envToken });
  const compose = composeFile({ image: IMAGE, proxy: 'caddy' }).replace(
    '    entrypoint: ["node", "dist/index.js"]',
    '    # health probe loop: the CLI checks the gateway every 5 minutes\n    entrypoint: ["sh", "-c", "while :; do node dist/index.js health; sleep 300; done"]');
  const oc = openclawJson({ token: cfgToken, version: VERSION, touchedAt: '2026-10-14T08:02:51.114Z', trustedProxies: ['172.21.0.0/16'] });
  const caddyfile = 'claw.example.com {\n\tlog {\n\t\toutput file /var/log/caddy/access.log\n\t\tformat json\n\t}\n\treverse_proxy openclaw-gateway:18789\n}\n';
  const shas = b.gitHistory([
    { date: '2026-10-14T08:10:00+00:00', author: 'Alex Kim', email: 'alex@example.com', message: 'OpenClaw on the home server, behind Caddy',
      files: { 'docker-compose.yml': compose, '.env': envOk, 'openclaw/openclaw.json': oc, 'caddy/Caddyfile': caddyfile } },
    { date: '2026-11-10T09:12:30+00:00', author: 'Alex Kim', email: 'alex@example.com', message: 'Re-run docker-setup.sh: new gateway token', files: { '.env': envBad } },
    { date: '2026-11-10T11:40:15+00:00', author: 'Jo Park', email: 'jo@example.com', message: 'Align OPENCLAW_GATEWAY_TOKEN with gateway.auth.token in openclaw.json', files: { '.env': envOk } },
  ]);
  b.file('docker-compose.yml', compose);
  b.file('.env', envOk);
  b.file('openclaw-home/openclaw.json', oc);
  b.file('caddy/Caddyfile', caddyfile);

  // ---- container output, captured continuously with `docker compose logs -t -f --no-color` -----------------------
  const lines: { ms: number; text: string }[] = [];
  const W = 'openclaw-gateway-1'.length + 1;
  const gwOut = (ms: number, sub: string, msg: string, level: 'info' | 'warn' = 'info'): void => {
    lines.push({ ms, text: composeLogLine('openclaw-gateway-1', W, ms + 2, consoleLine(ms, sub, msg, level, { ansi: true, zulu: false }), rng.int(0, 999999)) });
  };
  const cliOut = (ms: number, msg: string): void => {
    // tty: true → CRLF line ends; the CLI prints no timestamp of its own
    lines.push({ ms, text: composeLogLine('openclaw-cli-1', W, ms, msg, rng.int(0, 999999)) + '\r' });
  };
  const startup = (t: number): void => {
    gwOut(t, 'gateway', 'loading configuration…');
    gwOut(t + 380, 'gateway', 'resolving authentication…');
    gwOut(t + 1_100, 'gateway', 'starting...');
    gwOut(t + 3_200, 'gateway', 'agent model: anthropic/claude-sonnet-4-5');
    gwOut(t + 3_900, 'gateway', 'ready (0 plugins; 3.9s)');
    gwOut(t + 3_905, 'gateway', 'log file: /tmp/openclaw/openclaw-2026-11-10.log');
  };
  const shutdown = (t: number, conns: string[]): void => {
    gwOut(t, 'gateway', 'signal SIGTERM received');
    gwOut(t + 1, 'gateway', 'received SIGTERM; shutting down');
    for (const c of conns) gwOut(t + rng.int(20, 80), 'ws', `webchat disconnected code=1012 reason=service restart conn=${c}`);
  };

  const users = [{ ip: '172.21.0.1', ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' }, { ip: '172.21.0.1', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' }];
  const access: HttpRequest[] = [];
  const sessions = (from: number, to: number): string[] => {
    const conns: string[] = [];
    users.forEach((u, i) => {
      const c = rng.uuid();
      const start = from + 5_000 + i * 2_300;
      gwOut(start + 40, 'ws', `webchat connected conn=${c} remote=${u.ip} client=openclaw-control-ui webchat v${VERSION}`);
      access.push({ endMs: to + rng.int(30, 90), remote: ['198.51.100.44', '198.51.100.45'][i], method: 'GET', path: '/', status: 101, bytes: rng.int(2000, 90000), ua: u.ua, rt: (to - start) / 1000, pid: 0, upgrade: 'websocket' });
      conns.push(c);
    });
    return conns;
  };

  startup(T0);
  let conns = sessions(T0 + 4_000, UP1);
  shutdown(UP1 + 300, conns);
  startup(UP1 + 2_100);
  conns = sessions(UP1 + 6_000, UP2);
  shutdown(UP2 + 300, conns);
  startup(UP2 + 2_100);
  sessions(UP2 + 6_000, T_END);

  // the CLI health loop: fine before the bad commit's recreate and after the fix, rejected in between
  const cliStarts = [T0 + 9_000, UP1 + 8_000, UP2 + 8_000];
  cliStarts.forEach((start, g) => {
    const end = g === 0 ? UP1 : g === 1 ? UP2 : T_END;
    for (let t = start; t < end; t += 300_000 + rng.int(100, 900)) {
      if (g !== 1) continue; // a healthy check prints nothing
      const conn = rng.uuid();
      const port = rng.int(40000, 60000);
      gwOut(t + 180, 'ws', `unauthorized conn=${conn} peer=127.0.0.1:${port}->127.0.0.1:18789 remote=127.0.0.1 client=cli cli v${VERSION} role=operator scopes=5 auth=token device=yes platform=linux instance=${rng.uuid()} host=127.0.0.1:18789 origin=n/a ua=n/a reason=token_mismatch`, 'warn');
      gwOut(t + 183, 'ws', `closed before connect conn=${conn} peer=127.0.0.1:${port}->127.0.0.1:18789 remote=127.0.0.1 fwd=n/a origin=n/a host=127.0.0.1:18789 ua=n/a code=1008 reason=unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)`, 'warn');
      cliOut(t + 190, 'Health check failed: unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)');
      cliOut(t + 191, 'Gateway target: ws://127.0.0.1:18789');
      cliOut(t + 192, 'Source: local loopback');
      cliOut(t + 193, 'Config: /home/node/.openclaw/openclaw.json');
      cliOut(t + 194, 'Bind: lan');
    }
  });
  lines.sort((a, c) => a.ms - c.ms);
  b.file('logs/compose-follow.log', lines.map((l) => l.text).join('\n') + '\n');

  for (let t = T0 + 20_000; t < T_END; t += 120_000 + rng.int(0, 5_000)) {
    access.push({ endMs: t, remote: '198.51.100.44', method: 'GET', path: rng.pick(['/', '/assets/index-Bq3k.js', '/assets/index-C1x9.css', '/favicon.svg']), status: 200, bytes: rng.int(400, 90000), ua: users[0].ua, rt: rng.int(1, 30) / 1000, pid: 0 });
  }
  access.push({ endMs: at('2026-11-10T09:40:05Z'), remote: '198.51.100.44', method: 'GET', path: `/?token=${envToken}`, status: 200, bytes: 1843, ua: users[0].ua, rt: 0.004, pid: 0 });
  access.sort((a, c) => a.endMs - c.endMs);
  b.file('logs/caddy/access.log', access.map((r) => caddyAccess(r, 'claw.example.com')).join('\n') + '\n');

  // ---- docker events: two recreates in the current compose order (create with replace label first) ----------------
  const ev: string[] = [];
  for (const [i, c] of [caddy, gens[0].gw, gens[0].cli].entries()) {
    ev.push(eventJson(T0 - 3_000 + i * 200, 1000 + i, 'container', 'create', c, workdir));
    ev.push(eventJson(T0 - 1_000 + i * 200, 2000 + i, 'container', 'start', c, workdir));
  }
  const recreate = (t: number, from: { gw: ContainerRef; cli: ContainerRef }, to: { gw: ContainerRef; cli: ContainerRef }): void => {
    let k = 0;
    for (const svc of ['gw', 'cli'] as const) {
      const a = from[svc];
      const bb = { ...to[svc], name: `${a.id.slice(0, 12)}_${a.name}`, extra: { 'com.docker.compose.replace': a.id } };
      const s = t + (svc === 'cli' ? 0 : 2_000);
      ev.push(eventJson(s, k++, 'container', 'create', bb, workdir));
      ev.push(eventJson(s + 120, k++, 'container', 'kill', a, workdir, { signal: '15' }));
      ev.push(eventJson(s + 1_300, k++, 'container', 'die', a, workdir, { exitCode: '0', execDuration: '12345' }));
      ev.push(eventJson(s + 1_400, k++, 'container', 'stop', a, workdir));
      ev.push(eventJson(s + 1_500, k++, 'container', 'destroy', a, workdir));
      ev.push(eventJson(s + 1_600, k++, 'container', 'rename', to[svc], workdir, { oldName: `/${a.id.slice(0, 12)}_${a.name}` }));
      ev.push(eventJson(s + 1_900, k++, 'container', 'start', { ...to[svc], extra: { 'com.docker.compose.replace': a.id } }, workdir));
    }
  };
  recreate(UP1, gens[0], gens[1]);
  recreate(UP2, gens[1], gens[2]);
  b.file('docker/events.jsonl', ev.join('\n') + '\n');

  // ---- inspect snapshots: during the divergence and after the fix ----------------------------------------------------
  const hc = { test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:18789/healthz').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"], intervalS: 30, timeoutS: 5, startPeriodS: 20, retries: 5 };
  const mounts = [{ type: 'bind' as const, source: '/home/alex/.openclaw', destination: '/home/node/.openclaw' }, { type: 'bind' as const, source: '/home/alex/.openclaw/workspace', destination: '/home/node/.openclaw/workspace' }];
  const snapshot = (t: number, g: { gw: ContainerRef; cli: ContainerRef }, started: number, tok: string): unknown[] => {
    const env = ['HOME=/home/node', 'TERM=xterm-256color', `OPENCLAW_GATEWAY_TOKEN=${tok}`, 'OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=', 'TZ=UTC', 'NODE_ENV=production'];
    const probes = Array.from({ length: 5 }, (_, i) => ({ start: isoMs(t - (5 - i) * 30_000), end: isoMs(t - (5 - i) * 30_000 + 150), exit: 0, output: '' }));
    return [
      inspectContainer({ ref: g.gw, workdir, created: isoNano(started - 2_000, 100), startedAt: isoNano(started, 200), status: 'running', env, mounts, health: { status: 'healthy', failingStreak: 0, log: probes }, healthcheck: hc, cmd: ['node', 'dist/index.js', 'gateway', '--bind', 'lan', '--port', '18789'], networkGateway: '172.21.0.1', ip: '172.21.0.2' }),
      inspectContainer({ ref: g.cli, workdir, created: isoNano(started - 4_000, 100), startedAt: isoNano(started - 100, 200), status: 'running', tty: true, env: [...env, 'BROWSER=echo'], mounts, cmd: ['sh', '-c', 'while :; do node dist/index.js health; sleep 300; done'], networkGateway: '172.21.0.1', ip: '172.21.0.2' }),
    ];
  };
  b.file('docker/inspect-2026-11-10T1030Z.json', JSON.stringify(snapshot(at('2026-11-10T10:30:00Z'), gens[1], UP1 + 1_900, envToken), null, 4) + '\n');
  b.file('docker/inspect-2026-11-10T1300Z.json', JSON.stringify(snapshot(T_END, gens[2], UP2 + 1_900, cfgToken), null, 4) + '\n');

  b.truth({
    bundle: 'token-divergence',
    cause: 'token-divergence',
    summary: `Commit ${shas[1].slice(0, 12)} ("Re-run docker-setup.sh: new gateway token", Alex Kim, 2026-11-10T09:12:30Z) set .env OPENCLAW_GATEWAY_TOKEN to a new 64-hex value while openclaw.json kept the 48-hex gateway.auth.token. \`docker compose up -d\` at 09:15:02 recreated the gateway and CLI containers with the new env. The gateway kept enforcing the config token (config-first); the CLI container sent the env token (env-first) and every health run was rejected (unauthorized … reason=token_mismatch, close 1008) until commit ${shas[2].slice(0, 12)} (Jo Park, 11:40:15) aligned the values and the recreate at 11:42:30 ended the divergence. Browsers were not affected.`,
    key_instants: { divergence_commit: '2026-11-10T09:12:30Z', recreate: '2026-11-10T09:15:02Z', first_rejection: '2026-11-10T09:15:10Z', fix_commit: '2026-11-10T11:40:15Z', fix_recreate: '2026-11-10T11:42:30Z' },
    commits: { cause: shas[1], fix: shas[2] },
    must_cite: [`commit ${shas[1]} .env OPENCLAW_GATEWAY_TOKEN (hex64) vs openclaw.json gateway.auth.token (hex48)`, 'logs/compose-follow.log unauthorized … reason=token_mismatch lines', 'docker/events.jsonl recreate of openclaw-gateway at 09:15:02', 'docker/inspect-2026-11-10T1030Z.json Config.Env token fingerprint'],
  });
}
