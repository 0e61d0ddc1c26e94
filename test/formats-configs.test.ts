// Proxy configs as evidence: haproxy.cfg, Traefik static and dynamic (YAML and TOML), the Caddyfile and Caddy's JSON
// (as the real `caddy adapt` writes it), nginx with an included snippet — into config_values, from the bundle and from
// every revision in the git history. The haproxy.cfg is checked by the real haproxy (`-c`) first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestCase, tempDir, writeTree } from './helpers.js';

const HAPROXY_CFG = `global
  log stdout format raw local0
  hard-stop-after 30s
  stats socket /tmp/clawtrail-test-haproxy.sock
defaults
  mode http
  log global
  option httplog
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout tunnel 1h
frontend fe_openclaw
  bind 127.0.0.1:18080
  capture request header Upgrade len 20
  timeout client 45s
  default_backend be_openclaw
backend be_openclaw
  option httpchk GET /healthz
  http-check expect status 200
  timeout tunnel 20s
  server gw1 127.0.0.1:18789 check inter 2s fall 3 rise 2
listen stats
  bind 127.0.0.1:18081
  stats enable
  stats auth admin:s3cretpassw0rd
`;

type Row = { surface: string; key: string; value: string | null; fp: string | null; line: number | null };
async function values(files: Record<string, string>): Promise<{ rows: Row[]; sources: { path: string; format: string; rejected: number }[] }> {
  const dir = writeTree(files);
  const { store } = await ingestCase([dir]);
  const rows = await store.all<Row>(`SELECT surface, key, value, fp, line_no::INTEGER AS line FROM config_values ORDER BY surface, key`);
  const sources = await store.all<{ path: string; format: string; rejected: number }>(`SELECT path, format, rejected_lines::INTEGER AS rejected FROM sources ORDER BY path`);
  store.close();
  return { rows, sources };
}
const get = (rows: Row[], key: string): Row | undefined => rows.find((r) => r.key === key);

describe('haproxy.cfg', () => {
  it('is a config the real haproxy accepts', () => {
    const dir = writeTree({ 'haproxy.cfg': HAPROXY_CFG });
    const r = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('yields every timeout (and what each proxy really ran with), hard-stop-after, the log format, servers and health checks; the stats password only as a fingerprint', async () => {
    const { rows, sources } = await values({ 'proxy/haproxy/haproxy.cfg': HAPROXY_CFG });
    expect(sources[0]).toMatchObject({ format: 'haproxy-cfg', rejected: 0 });
    expect(get(rows, 'global.hard-stop-after')).toMatchObject({ surface: 'haproxy.cfg', value: '30s', line: 3 });
    expect(get(rows, 'defaults.timeout.tunnel')).toMatchObject({ value: '1h', line: 12 });
    expect(get(rows, 'backend:be_openclaw.timeout.tunnel')).toMatchObject({ value: '20s', line: 21 });
    // the frontend keeps the defaults' tunnel timeout but its own client timeout
    expect(get(rows, 'effective:fe_openclaw.timeout.tunnel')).toMatchObject({ value: '1h', line: 12 });
    expect(get(rows, 'effective:fe_openclaw.timeout.client')).toMatchObject({ value: '45s', line: 16 });
    expect(get(rows, 'effective:be_openclaw.timeout.tunnel')).toMatchObject({ value: '20s' });
    expect(get(rows, 'defaults.option.httplog')).toMatchObject({ value: 'on' });
    expect(get(rows, 'backend:be_openclaw.server.gw1')).toMatchObject({ value: '127.0.0.1:18789 check inter 2s fall 3 rise 2' });
    expect(get(rows, 'backend:be_openclaw.option.httpchk')).toMatchObject({ value: 'GET /healthz' });
    expect(get(rows, 'backend:be_openclaw.http-check[0]')).toMatchObject({ value: 'expect status 200' });
    const auth = get(rows, 'listen:stats.stats.auth')!;
    expect(auth.value).toBeNull();
    expect(auth.fp).toMatch(/^hmac:/);
    expect(JSON.stringify(rows)).not.toContain('s3cretpassw0rd');
  });
});

describe('Traefik static and dynamic configuration', () => {
  it('reads YAML and TOML into the same dotted keys: entry-point timeouts, routers, services, middlewares; basicAuth users fingerprinted', async () => {
    const { rows, sources } = await values({
      'traefik/traefik.yml': `entryPoints:
  websecure:
    address: ":443"
    transport:
      respondingTimeouts:
        readTimeout: 60s
        idleTimeout: 180s
      lifeCycle:
        graceTimeOut: 10s
accessLog:
  format: json
providers:
  file:
    filename: /etc/traefik/dynamic.toml
`,
      'traefik/dynamic.toml': `[http.routers.openclaw]
  rule = "Host(\`claw.example.org\`)"
  service = "openclaw"
  entryPoints = ["websecure"]
  middlewares = ["auth"]

[http.services.openclaw.loadBalancer]
  [[http.services.openclaw.loadBalancer.servers]]
    url = "http://openclaw-gateway:18789"
  [http.services.openclaw.loadBalancer.healthCheck]
    path = "/healthz"
    interval = "10s"

[http.middlewares.auth.basicAuth]
  users = ["admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]
`,
    });
    expect(sources.map((s) => s.format)).toEqual(['traefik-toml', 'traefik-yaml']);
    expect(get(rows, 'entryPoints.websecure.transport.respondingTimeouts.idleTimeout')).toMatchObject({ surface: 'traefik', value: '180s', line: 7 });
    expect(get(rows, 'entryPoints.websecure.transport.lifeCycle.graceTimeOut')).toMatchObject({ value: '10s' });
    expect(get(rows, 'http.routers.openclaw.rule')).toMatchObject({ value: 'Host(`claw.example.org`)', line: 2 });
    expect(get(rows, 'http.routers.openclaw.middlewares[0]')).toMatchObject({ value: 'auth' });
    expect(get(rows, 'http.services.openclaw.loadBalancer.servers[0].url')).toMatchObject({ value: 'http://openclaw-gateway:18789' });
    expect(get(rows, 'http.services.openclaw.loadBalancer.healthCheck.interval')).toMatchObject({ value: '10s' });
    const users = get(rows, 'http.middlewares.auth.basicAuth.users[0]')!;
    expect(users.value).toBeNull();
    expect(users.fp).toMatch(/^hmac:/);
  });

  it('rejects a TOML document that does not parse, citing its line', async () => {
    const { sources } = await values({ 'traefik/dynamic.toml': '[http.routers.a]\nrule = "x"\nrule = \n' });
    expect(sources[0]).toMatchObject({ format: 'traefik-toml', rejected: 3 });
  });
});

describe('Caddy', () => {
  const caddyfile = `{
\tservers {
\t\ttimeouts {
\t\t\tidle 5m
\t\t}
\t}
}
claw.example.org {
\treverse_proxy {
\t\tto openclaw-gateway:18789
\t\tstream_timeout 24h
\t\thealth_uri /healthz
\t}
}
`;
  it('reads the Caddyfile: upstreams on a `to` line, stream and server timeouts, health checks', async () => {
    const { rows } = await values({ 'caddy/Caddyfile': caddyfile });
    expect(get(rows, 'reverse_proxy[0]')).toMatchObject({ surface: 'caddyfile', value: 'openclaw-gateway:18789', line: 10 });
    expect(get(rows, 'stream_timeout')).toMatchObject({ value: '24h' });
    expect(get(rows, 'idle')).toMatchObject({ value: '5m' });
    expect(get(rows, 'health_uri')).toMatchObject({ value: '/healthz' });
    expect(get(rows, 'stream_close_delay')?.value).toMatch(/default/);
  });

  it("reads Caddy's JSON config as the real `caddy adapt` writes it", async () => {
    // Caddy 2.6 (Debian's) has no stream_timeout yet: flush_interval stands in for a stream setting
    const dir = writeTree({ Caddyfile: caddyfile.replace('stream_timeout 24h', 'flush_interval -1') });
    const r = spawnSync('caddy', ['adapt', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { rows, sources } = await values({ 'caddy/caddy.json': r.stdout });
    expect(sources[0]).toMatchObject({ format: 'caddy-config-json', rejected: 0 });
    expect(get(rows, 'reverse_proxy[0]')).toMatchObject({ surface: 'caddy.json', value: 'openclaw-gateway:18789' });
    expect(get(rows, 'reverse_proxy[0].flush_interval')).toMatchObject({ value: '-1' });
    expect(get(rows, 'reverse_proxy[0].stream_close_delay')?.value).toMatch(/default/);
    expect(rows.some((x) => x.key.endsWith('.timeouts.idle') || x.key.endsWith('.idle_timeout'))).toBe(true);
  });
});

describe('nginx with includes', () => {
  it('reads an included snippet as nginx config too, and records where the main file includes it', async () => {
    const { rows, sources } = await values({
      'nginx/nginx.conf': 'http {\n  include /etc/nginx/conf.d/*.conf;\n}\n',
      'nginx/conf.d/openclaw-proxy.conf': 'proxy_read_timeout 20s;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection "upgrade";\n',
    });
    expect(sources.map((s) => s.format)).toEqual(['nginx-conf', 'nginx-conf']);
    expect(rows.find((r) => r.key === 'include[0]')).toMatchObject({ value: '/etc/nginx/conf.d/*.conf' });
    expect(rows.filter((r) => r.key === 'proxy_read_timeout').map((r) => r.value)).toContain('20s');
  });
});

describe('proxy configs in the git history', () => {
  it('reads every revision of haproxy.cfg and the Traefik dynamic file', async () => {
    const repo = tempDir('clawtrail-git-');
    let day = 1;
    const git = (...args: string[]): void => {
      const date = `2026-11-0${day++}T10:00:00Z`;
      const r = spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    git('init', '-q');
    writeTree({ 'haproxy/haproxy.cfg': HAPROXY_CFG, 'traefik/dynamic.yml': 'http:\n  services:\n    gw:\n      loadBalancer:\n        servers:\n          - url: http://gw:18789\n' }, repo);
    git('add', '.');
    git('commit', '-qm', 'proxies');
    writeTree({ 'haproxy/haproxy.cfg': HAPROXY_CFG.replace('timeout tunnel 1h', 'timeout tunnel 10s') }, repo);
    git('commit', '-qam', 'shorter tunnel');
    const { store } = await ingestCase([], { git: [repo] });
    const tunnel = await store.all<{ value: string }>(`SELECT value FROM config_values WHERE key = 'defaults.timeout.tunnel' AND commit_sha IS NOT NULL ORDER BY valid_from`);
    const changes = await store.all<{ old_value: string; new_value: string }>(`SELECT old_value, new_value FROM config_changes WHERE key = 'defaults.timeout.tunnel' AND NOT first_seen`);
    const traefik = await store.all(`SELECT 1 FROM config_values WHERE surface = 'traefik' AND key = 'http.services.gw.loadBalancer.servers[0].url'`);
    store.close();
    expect(tunnel.map((t) => t.value)).toEqual(['1h', '10s']);
    expect(changes).toEqual([{ old_value: '1h', new_value: '10s' }]);
    expect(traefik.length).toBe(1);
  });
});

describe('hostile proxy configs', () => {
  it('a YAML alias bomb in a Traefik file is a reject, not a hang; a huge TOML array is bounded', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'http:', '  routers: *i'].join('\n') + '\n';
    const huge = `[http.services.s.loadBalancer]\nservers = [${Array.from({ length: 20000 }, (_, i) => `{ url = "http://10.0.0.${i % 250}:1" }`).join(', ')}]\n`;
    const { rows, sources } = await values({ 'traefik/traefik.yml': bomb, 'traefik/dynamic.toml': huge });
    expect(sources.find((s) => s.path.endsWith('traefik.yml'))).toMatchObject({ format: 'traefik-yaml', rejected: bomb.split('\n').length - 1 });
    expect(rows.filter((r) => r.surface === 'traefik').length).toBeLessThanOrEqual(5000);
  });

  it('a haproxy.cfg with quotes, escapes and comments in odd places is read as haproxy reads it', async () => {
    const { rows } = await values({ 'haproxy.cfg': 'defaults\n  timeout tunnel "2h" # was 1h\n  log-format "%ci:%cp [%tr] \\"%r\\""\n' });
    expect(get(rows, 'defaults.timeout.tunnel')).toMatchObject({ value: '2h' });
    expect(get(rows, 'defaults.log-format')).toMatchObject({ value: '%ci:%cp [%tr] "%r"' });
  });
});
