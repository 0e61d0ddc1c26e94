// Whole-document formats: configs, inspect dumps and the files collect writes beside the evidence. Each is read in
// one piece (ingest/structured.ts), so its detection looks at the file's name and first lines together. First match
// wins: the more specific shapes come first.
import { basename } from 'node:path';
import { BUNDLE, MANIFEST_FILE } from '../../case/bundle-layout.js';
import type { Kind } from './format.js';

export interface DocumentFormat {
  name: string;
  kind: Kind;
  reads: string;
  /** name: the file's base name, lower case; text: its first lines joined; trimmed: text without leading blanks */
  claims(name: string, text: string, trimmed: string, firstLine: string): boolean;
}

const DOTENV_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/;

export const DOCUMENT_FORMATS: DocumentFormat[] = [
  { name: 'clawtrail-manifest', kind: 'bundle-meta', reads: "collect's MANIFEST.json (checked by verify)",
    claims: (n, t) => n === MANIFEST_FILE.toLowerCase() && /"collector"\s*:/.test(t) },
  { name: 'docker-daemon-json', kind: 'bundle-meta', reads: "the engine's daemon.json (logging driver, rotation, live-restore)",
    claims: (n, t, tr) => n === basename(BUNDLE.daemonJson) && tr.startsWith('{') && /"(log-driver|log-opts|storage-driver|data-root|live-restore)"/.test(t) },
  // what collect keeps from the compose CLI, for the reader: `ps -a` and the resolved config (whose interpolated values
  // would otherwise read as a second compose file beside the real one)
  { name: 'compose-ps', kind: 'bundle-meta', reads: '`docker compose ps -a` as collect saved it', claims: (n) => n === basename(BUNDLE.composePs) },
  { name: 'compose-resolved', kind: 'bundle-meta', reads: '`docker compose config` as collect saved it (kept, not read as a compose file)', claims: (n) => n === basename(BUNDLE.composeResolved) },
  { name: 'git-commit-map', kind: 'bundle-meta', reads: "collect's git/commit-map.txt (original and rewritten commit ids)",
    claims: (n, _t, _tr, first) => n === basename(BUNDLE.commitMap) && /^[0-9a-f]{40,64} [0-9a-f]{40,64}$/.test(first) },
  { name: 'docker-info', kind: 'bundle-meta', reads: '`docker info` JSON (engine version, logging driver)',
    claims: (_n, t, tr) => tr.startsWith('{') && /"ServerVersion"\s*:/.test(t) && /"LoggingDriver"\s*:/.test(t) },
  { name: 'docker-version', kind: 'bundle-meta', reads: '`docker version` JSON',
    claims: (_n, t, tr) => tr.startsWith('{') && /"Client"\s*:/.test(t) && /"Server"\s*:/.test(t) && /"ApiVersion"/.test(t) },
  { name: 'docker-inspect', kind: 'docker-inspect', reads: '`docker inspect` arrays (one or many containers, several snapshots)',
    claims: (_n, t, tr) => {
      const shaped = /"Id"\s*:/.test(t) && /"(State|Config|Created)"\s*:/.test(t);
      return (tr.startsWith('[') && shaped) || (tr.startsWith('{') && shaped && /"(Mounts|HostConfig|NetworkSettings|RestartCount)"\s*:/.test(t));
    } },
  { name: 'caddy-config-json', kind: 'proxy-config', reads: "Caddy's JSON config (caddy.json, autosave.json): reverse_proxy upstreams, stream_timeout, stream_close_delay",
    claims: (n, t, tr) => tr.startsWith('{') && (/^(caddy|autosave)[\w.-]*\.json$/.test(n) || (/"apps"\s*:/.test(t) && /"http"\s*:/.test(t) && /"(servers|handler)"\s*:/.test(t))) },
  { name: 'compose', kind: 'compose', reads: '`docker-compose*.yml` / `compose*.yaml`',
    claims: (n, t) => /^(docker-)?compose[\w.-]*\.ya?ml$/.test(n) || (/^services:\s*$/m.test(t) && /^\s+(image|build|volumes|environment):/m.test(t)) },
  { name: 'traefik-yaml', kind: 'proxy-config', reads: 'Traefik static and dynamic YAML (entry points and their timeouts, routers, services, middlewares)',
    claims: (n, t) => /^(traefik|dynamic)[\w.-]*\.ya?ml$/.test(n) || (/\.ya?ml$/.test(n) && /^(entryPoints|http|tcp|providers):\s*$/m.test(t) && /\b(entryPoints|routers|services|middlewares|loadBalancer)\b/.test(t)) },
  { name: 'traefik-toml', kind: 'proxy-config', reads: 'Traefik static and dynamic TOML (the same keys as its YAML)',
    claims: (n, t) => /\.toml$/.test(n) && /^\s*\[(entryPoints|http\.|tcp\.|providers|accessLog|api)/m.test(t) },
  { name: 'openclaw-json', kind: 'openclaw-config', reads: '`openclaw.json` (JSON5; `.last-good`, `.bak*`)',
    claims: (n, t, tr) => /openclaw.*\.json5?$|^openclaw\.json(\.(last-good|bak(\.\d+)?|clobbered\.\S+))?$/.test(n) || (tr.startsWith('{') && /["']?gateway["']?\s*:\s*\{/.test(t) && !/"log"\s*:/.test(t)) },
  { name: 'devices-json', kind: 'devices', reads: '`devices/paired.json` / `pending.json`',
    claims: (n, t, tr) => /^(paired|pending)\.json$/.test(n) || (tr.startsWith('{') && /"deviceId"\s*:/.test(t) && /"publicKey"/.test(t)) },
  { name: 'openclaw-sqlite', kind: 'state-db', reads: "the presence of 2026.9's `state/openclaw.sqlite`", claims: (n) => n === 'openclaw.sqlite' },
  { name: 'haproxy-cfg', kind: 'proxy-config', reads: '`haproxy.cfg` (timeouts incl. tunnel and hard-stop-after, log format, frontends, backends, servers, health checks)',
    claims: (n, t) => /^haproxy[\w.-]*\.cfg$/.test(n) || (/\.cfg$/.test(n) && /^\s*(frontend|backend|listen|defaults|global)\b/m.test(t)) },
  { name: 'nginx-conf', kind: 'proxy-config', reads: '`nginx.conf` and the files it includes (timeouts, Upgrade forwarding, log_format)',
    // an included snippet (conf.d/*.conf, snippets/*.conf) has proxy_* directives without a block around them
    claims: (n, t) => ((/(^|\.)nginx\.conf$|\.conf$/.test(n) && (/\b(server|http|location|upstream)\s*[{]/.test(t) || /^\s*(proxy_\w+|include|map)\s/m.test(t))) || /^\s*(log_format|proxy_pass|proxy_read_timeout)\b/m.test(t)) },
  { name: 'caddyfile', kind: 'proxy-config', reads: '`Caddyfile` (reverse_proxy, stream_timeout, stream_close_delay, transport timeouts)',
    claims: (n) => n === 'caddyfile' || /^caddyfile[\w.-]*$/.test(n) },
  { name: 'dotenv', kind: 'dotenv', reads: '`.env`',
    claims: (n, t) => n === '.env' || /^\.env(\.|$)|\.env$/.test(n) || (/(^|\/)\.?env/.test(n) && (() => {
      const body = t.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      return body.length > 0 && body.every((l) => DOTENV_LINE.test(l));
    })()) },
];

export const documentFormat = (name: string): DocumentFormat | undefined => DOCUMENT_FORMATS.find((d) => d.name === name);

/** The config format a repository path holds, by its name alone (every revision of it in the git history is read so). */
export function configFormatOf(path: string): string | undefined {
  const name = basename(path).toLowerCase();
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(name)) return 'compose';
  if (name === '.env' || name.endsWith('.env')) return 'dotenv';
  if (/^openclaw\.json5?$/.test(name)) return 'openclaw-json';
  if (name === 'nginx.conf' || (/\.conf$/.test(name) && /nginx/i.test(path))) return 'nginx-conf';
  if (name === 'caddyfile') return 'caddyfile';
  if (/^(caddy|autosave)[\w.-]*\.json$/.test(name)) return 'caddy-config-json';
  if (/^haproxy[\w.-]*\.cfg$/.test(name) || (/\.cfg$/.test(name) && /haproxy/i.test(path))) return 'haproxy-cfg';
  if (/^(traefik|dynamic)[\w.-]*\.ya?ml$/.test(name) || (/\.ya?ml$/.test(name) && /traefik/i.test(path))) return 'traefik-yaml';
  if (/\.toml$/.test(name) && /traefik|dynamic/i.test(path)) return 'traefik-toml';
  return undefined;
}
