// The files of the lab's config repository, rendered from a flat map of settings: docker-compose.yml, .env,
// config/openclaw.json and each proxy's config. A scenario's `edit` action changes settings and the files are
// rendered again (written in place, so single-file bind mounts keep their inode); `commit` commits them, as a user
// would. Only the driver writes these files; nothing of them is typed into a recording by hand.
import fs from 'node:fs';
import path from 'node:path';
import type { ProxySpec } from './scenario.js';

export const GATEWAY_PORT = 18789;
export const PROXY_PORT: Record<string, number> = { nginx: 8080, caddy: 8081, haproxy: 8082 };
export const GATEWAY_IMAGE = 'openclaw:2026.9.6';
export const PROXY_IMAGE = 'lab-proxy:1';

export type Settings = Record<string, unknown>;

/** What a fresh deployment has; scenarios override some (topology.settings) and edit others. */
export function defaultSettings(): Settings {
  return {
    'gateway.token': 'tok-config',          // openclaw.json gateway.auth.token (a name from tokens(), or null)
    'gateway.trustedProxies': ['127.0.0.1'],
    'ui.seamColor': null,                   // a harmless key (reload kind "none")
    'update.channel': null,                 // a harmless hot-reload key
    'env.token': 'tok-config',              // .env OPENCLAW_GATEWAY_TOKEN
    'env.config_dir': './config',           // .env OPENCLAW_CONFIG_DIR
    'compose.state': 'bind',                // bind | bind+named | bind+anon | named-home | named-dotdir
    'compose.comment': null,                // a harmless compose comment line
    'nginx.proxy_read_timeout': '3600s',
    'nginx.worker_shutdown_timeout': '10s',
    'nginx.forward_upgrade': true,
    'nginx.error_level': 'notice',
    'nginx.keepalive_timeout': '65s',
    'haproxy.timeout_tunnel': '1h',         // null: no `timeout tunnel` line (then timeout client/server apply)
    'haproxy.timeout_client': '1h',
    'haproxy.hard_stop_after': '30s',
    'caddy.release': 'r1',                  // a header value: a new value is a config change (a reload cuts)
  };
}

/** Tokens by name: scenarios say `tok-config`, `tok-new`, …; the values are fixed so recordings are comparable. */
export function tokenValue(name: unknown): string | null {
  if (name === null || name === undefined) return null;
  const n = String(name);
  const hex = (seed: string, len: number) => {
    let out = '';
    let h = 2166136261;
    while (out.length < len) { for (const c of seed + out.length) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0; out += h.toString(16).padStart(8, '0'); }
    return out.slice(0, len);
  };
  return n.startsWith('hex64:') ? hex(n, 64) : hex(n, 48); // 48 hex like onboarding, 64 like setup.sh's openssl
}

export interface StackPaths { repo: string; work: string }

function proxyWhere(proxies: ProxySpec[], kind: string): 'host' | 'container' | undefined {
  return proxies.find((p) => p.kind === kind)?.where;
}

export function renderCompose(s: Settings, proxies: ProxySpec[], nodeHost: boolean): string {
  const state = String(s['compose.state']);
  const gwVolumes: string[] = [];
  const gwEnv: string[] = [];
  const namedVolumes: string[] = [];
  if (state === 'named-home' || state === 'named-dotdir') {
    gwVolumes.push('./config:/etc/openclaw');
    gwEnv.push('      OPENCLAW_CONFIG_PATH: /etc/openclaw/openclaw.json');
    gwVolumes.push(state === 'named-home' ? 'openclaw-state:/home/node' : 'openclaw-state:/home/node/.openclaw');
    namedVolumes.push('openclaw-state');
  } else {
    gwVolumes.push('${OPENCLAW_CONFIG_DIR}:/home/node/.openclaw');
    if (state === 'bind+named') { gwVolumes.push('openclaw-state:/home/node/.openclaw/state'); namedVolumes.push('openclaw-state'); }
    if (state === 'bind+anon') gwVolumes.push('/home/node/.openclaw/state');
  }
  const lines: string[] = [];
  if (s['compose.comment']) lines.push(`# ${s['compose.comment']}`);
  lines.push('services:', '  openclaw-gateway:', `    image: ${GATEWAY_IMAGE}`, '    network_mode: host', '    restart: unless-stopped',
    '    environment:', '      HOME: /home/node', '      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN:-}', ...gwEnv,
    '      OPENCLAW_DISABLE_BONJOUR: "1"', '      OPENCLAW_NO_AUTO_UPDATE: "1"', '      OPENCLAW_SKIP_CHANNELS: "1"', '      OPENCLAW_NO_RESPAWN: "1"',
    '    volumes:', ...gwVolumes.map((v) => `      - ${v}`),
    `    command: ["openclaw", "gateway", "run", "--port", "${GATEWAY_PORT}"]`);
  if (nodeHost) {
    lines.push('  openclaw-node:', `    image: ${GATEWAY_IMAGE}`, '    network_mode: host', '    restart: unless-stopped',
      '    environment:', '      HOME: /home/node', '      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN:-}', '      OPENCLAW_DISABLE_BONJOUR: "1"', '      OPENCLAW_NO_AUTO_UPDATE: "1"',
      '    volumes:', '      - openclaw-node-home:/home/node/.openclaw',
      `    command: ["openclaw", "node", "run", "--host", "127.0.0.1", "--port", "${GATEWAY_PORT}", "--display-name", "lab-node"]`,
      '    depends_on:', '      - openclaw-gateway');
    namedVolumes.push('openclaw-node-home');
  }
  if (proxyWhere(proxies, 'nginx') === 'container') {
    lines.push('  nginx:', `    image: ${PROXY_IMAGE}`, '    network_mode: host', '    restart: unless-stopped',
      '    volumes:', '      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro', '    command: ["nginx", "-g", "daemon off;"]');
  }
  if (proxyWhere(proxies, 'caddy') === 'container') {
    lines.push('  caddy:', `    image: ${PROXY_IMAGE}`, '    network_mode: host', '    restart: unless-stopped',
      '    environment:', '      XDG_DATA_HOME: /var/lib/caddy', '      XDG_CONFIG_HOME: /var/lib/caddy',
      '    volumes:', '      - ./caddy/Caddyfile:/etc/caddy/Caddyfile:ro',
      '    command: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]');
  }
  if (proxyWhere(proxies, 'haproxy') === 'container') {
    lines.push('  haproxy:', `    image: ${PROXY_IMAGE}`, '    network_mode: host', '    restart: unless-stopped',
      '    volumes:', '      - ./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro',
      '    command: ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]');
  }
  if (namedVolumes.length) lines.push('volumes:', ...namedVolumes.map((v) => `  ${v}: {}`));
  return lines.join('\n') + '\n';
}

export function renderEnv(s: Settings): string {
  const token = tokenValue(s['env.token']);
  return [`OPENCLAW_CONFIG_DIR=${s['env.config_dir']}`, `OPENCLAW_GATEWAY_TOKEN=${token ?? ''}`, 'OPENCLAW_IMAGE=' + GATEWAY_IMAGE, ''].join('\n');
}

export function renderOpenclawJson(s: Settings): string {
  const token = tokenValue(s['gateway.token']);
  const gateway: Record<string, unknown> = { mode: 'local', bind: 'loopback', port: GATEWAY_PORT };
  gateway.auth = token ? { mode: 'token', token } : { mode: 'token' };
  gateway.trustedProxies = s['gateway.trustedProxies'];
  gateway.nodes = { pairing: { sshVerify: false } };
  gateway.tailscale = { mode: 'off' };
  const cfg: Record<string, unknown> = { gateway };
  const update: Record<string, unknown> = { checkOnStart: false };
  if (s['update.channel']) update.channel = s['update.channel'];
  cfg.update = update;
  cfg.models = { catalogRefresh: { enabled: false } };
  cfg.discovery = { mdns: { mode: 'off' } };
  if (s['ui.seamColor']) cfg.ui = { seamColor: s['ui.seamColor'] };
  return JSON.stringify(cfg, null, 2) + '\n';
}

export function renderNginx(s: Settings, where: 'host' | 'container', work: string): string {
  const logDir = path.join(work, 'log', 'nginx');
  const access = where === 'host' ? `${logDir}/access.log` : '/dev/stdout';
  const error = where === 'host' ? `${logDir}/error.log` : '/dev/stderr';
  const pid = where === 'host' ? path.join(work, 'run', 'nginx.pid') : '/run/nginx.pid';
  const upgrade = s['nginx.forward_upgrade']
    ? ['      proxy_set_header Upgrade $http_upgrade;', '      proxy_set_header Connection $connection_upgrade;']
    : [];
  return [
    'user root;',
    'worker_processes 1;',
    `pid ${pid};`,
    `error_log ${error} ${s['nginx.error_level']};`,
    `worker_shutdown_timeout ${s['nginx.worker_shutdown_timeout']};`,
    'events { worker_connections 512; }',
    'http {',
    "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
    "  log_format lab 'ts=$time_iso8601 msec=$msec remote=$remote_addr xff=\"$http_x_forwarded_for\" '",
    "                 'req=\"$request\" status=$status bytes=$body_bytes_sent rt=$request_time urt=$upstream_response_time '",
    "                 'ust=$upstream_status wpid=$pid upgrade=\"$http_upgrade\" ua=\"$http_user_agent\"';",
    `  access_log ${access} lab;`,
    `  keepalive_timeout ${s['nginx.keepalive_timeout']};`,
    '  server {',
    `    listen 127.0.0.1:${PROXY_PORT.nginx};`,
    '    location / {',
    `      proxy_pass http://127.0.0.1:${GATEWAY_PORT};`,
    '      proxy_http_version 1.1;',
    ...upgrade,
    '      proxy_set_header Host $host;',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    `      proxy_read_timeout ${s['nginx.proxy_read_timeout']};`,
    `      proxy_send_timeout ${s['nginx.proxy_read_timeout']};`,
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function renderHaproxy(s: Settings, where: 'host' | 'container'): string {
  const lines = [
    'global',
    '  log stdout format raw local0',
    `  hard-stop-after ${s['haproxy.hard_stop_after']}`,
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  timeout connect 5s',
    `  timeout client ${s['haproxy.timeout_client']}`,
    '  timeout server 1h',
  ];
  if (s['haproxy.timeout_tunnel']) lines.push(`  timeout tunnel ${s['haproxy.timeout_tunnel']}`);
  lines.push('',
    'frontend fe_openclaw',
    `  bind 127.0.0.1:${PROXY_PORT.haproxy}`,
    '  option forwardfor',
    '  default_backend be_gateway',
    '',
    'backend be_gateway',
    '  option httpchk GET /healthz',
    `  server gw1 127.0.0.1:${GATEWAY_PORT} check inter 2s`,
    '');
  void where;
  return lines.join('\n');
}

export function renderCaddyfile(s: Settings, where: 'host' | 'container', work: string): string {
  const output = where === 'host' ? `file ${path.join(work, 'log', 'caddy', 'access.log')}` : 'stdout';
  return [
    '{',
    '  admin localhost:2019',
    '  auto_https off',
    '}',
    '',
    `:${PROXY_PORT.caddy} {`,
    '  log {',
    `    output ${output}`,
    '    format json',
    '  }',
    `  reverse_proxy 127.0.0.1:${GATEWAY_PORT} {`,
    '    trusted_proxies 127.0.0.1/32', // keep the client's X-Forwarded-For (Caddy 2.6: a reverse_proxy option)
    `    header_up X-Lab-Release ${s['caddy.release']}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Writes every file of the config repo for these settings; returns the repo-relative paths written. */
export function writeStack(s: Settings, proxies: ProxySpec[], nodeHost: boolean, p: StackPaths): string[] {
  const files: Record<string, string> = {
    'docker-compose.yml': renderCompose(s, proxies, nodeHost),
    '.env': renderEnv(s),
    '.gitignore': 'config*/*\n!config*/openclaw.json\n',
  };
  const configDir = String(s['env.config_dir']).replace(/^\.\//, '');
  const state = String(s['compose.state']);
  files[`${state.startsWith('named') ? 'config' : configDir}/openclaw.json`] = renderOpenclawJson(s);
  for (const px of proxies) {
    if (px.kind === 'nginx') files['nginx/nginx.conf'] = renderNginx(s, px.where, p.work);
    if (px.kind === 'haproxy') files['haproxy/haproxy.cfg'] = renderHaproxy(s, px.where);
    if (px.kind === 'caddy') files['caddy/Caddyfile'] = renderCaddyfile(s, px.where, p.work);
  }
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(p.repo, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    fs.writeFileSync(file, text); // in place: a bind-mounted single file keeps its inode
  }
  return Object.keys(files);
}
