// Format detection from a file's first lines (content, not name). Config files, whose content is not
// line-shaped, are recognised by content first and by their conventional names second.
import { basename } from 'node:path';
import type { CompiledFormat } from './proxy/nginx-format.js';
import { BUNDLE, MANIFEST_FILE } from '../case/bundle-layout.js';

export type Kind =
  | 'gateway-log' | 'proxy-access' | 'proxy-error' | 'docker-inspect' | 'docker-events' | 'compose' | 'dotenv'
  | 'openclaw-config' | 'config-audit' | 'devices' | 'proxy-config' | 'state-db' | 'git-bundle' | 'bundle-meta' | 'unknown';

export interface Detection {
  kind: Kind;
  format: string;
  nginx?: CompiledFormat;
  why?: string;
}

/** Every format name accepted by --format. */
export const FORMATS: Record<string, Kind> = {
  'docker-json-file': 'gateway-log', 'docker-logs': 'gateway-log', 'journald': 'gateway-log', 'tslog': 'gateway-log',
  'openclaw-logs': 'gateway-log', 'config-audit': 'config-audit',
  'nginx-access': 'proxy-access', 'nginx-error': 'proxy-error', 'caddy-json': 'proxy-access', 'traefik-clf': 'proxy-access',
  'traefik-json': 'proxy-access', 'haproxy': 'proxy-access', 'envoy': 'proxy-access',
  'docker-inspect': 'docker-inspect', 'docker-events-json': 'docker-events', 'docker-events-text': 'docker-events',
  'compose': 'compose', 'dotenv': 'dotenv', 'openclaw-json': 'openclaw-config', 'devices-json': 'devices',
  'nginx-conf': 'proxy-config', 'caddyfile': 'proxy-config', 'traefik-yaml': 'proxy-config',
};

const RE = {
  daemonStamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(?:Z|[+-]\d\d:\d\d) /,
  composePrefix: /^(?:\x1b\[[0-9;]*m)*[A-Za-z0-9_.@-]+ *(?:\x1b\[[0-9;]*m)*\|/,
  console: /^(?:\x1b\[[0-9;]*m)*(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)(?:\x1b\[[0-9;]*m)* |(?:\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?)(?:\x1b\[[0-9;]*m)* (?:\x1b\[[0-9;]*m)*\[[^\]]+\])/,
  journald: /^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ [^\s[:]+(?:\[\d+\])?: /,
  openclawLogs: /^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)|\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?) (?:trace|debug|info|warn|error|fatal) \S+ /,
  nginxError: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: /,
  haproxy: /\S+:\d+ \[\d\d\/[A-Za-z]{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?\] \S+ \S+\/\S+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ \d{3} /,
  haproxySyslog: /^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ haproxy\[\d+\]: /,
  envoy: /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\] "\S+ \S+ [^"]*" \d{3} /,
  traefikClf: /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} \S+ "[^"]*" "[^"]*" \d+ "[^"]*" "[^"]*" \d+ms$/,
  eventsText: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) (?:container|image|network|volume|daemon|plugin|service|node|secret|config|builder) \S+/,
  dotenv: /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/,
};

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type LineTest = (line: string, json: Record<string, unknown> | undefined) => boolean;

/** Line formats, most specific first. */
const LINE_FORMATS: { format: string; test: LineTest }[] = [
  { format: 'docker-json-file', test: (_, j) => !!j && 'log' in j && ('stream' in j || 'time' in j) },
  { format: 'config-audit', test: (_, j) => !!j && j.source === 'config-io' },
  { format: 'docker-events-json', test: (_, j) => !!j && ('Action' in j || 'status' in j) && ('timeNano' in j || 'time' in j) && ('Actor' in j || 'id' in j) },
  { format: 'tslog', test: (_, j) => !!j && ('_meta' in j || ('0' in j && 'time' in j)) },
  { format: 'caddy-json', test: (_, j) => !!j && typeof j.logger === 'string' && (j.logger as string).startsWith('http') || (!!j && j.msg === 'handled request') },
  { format: 'traefik-json', test: (_, j) => !!j && 'DownstreamStatus' in j },
  { format: 'openclaw-logs', test: (l, j) => (!!j && j.type === 'log' && 'message' in j) || RE.openclawLogs.test(l) },
  { format: 'docker-events-text', test: (l) => RE.eventsText.test(l) },
  { format: 'docker-logs', test: (l, j) => (!!j && 'subsystem' in j && 'message' in j) || RE.daemonStamp.test(l) || RE.composePrefix.test(l) || RE.console.test(l) },
  { format: 'nginx-error', test: (l) => RE.nginxError.test(l) },
  { format: 'haproxy', test: (l) => RE.haproxy.test(l) || RE.haproxySyslog.test(l) },
  { format: 'envoy', test: (l) => RE.envoy.test(l) },
  { format: 'traefik-clf', test: (l) => RE.traefikClf.test(l) },
  { format: 'journald', test: (l) => RE.journald.test(l) },
];

function detectNginx(lines: string[], formats: CompiledFormat[]): CompiledFormat | undefined {
  let best: { f: CompiledFormat; hits: number } | undefined;
  for (const f of formats) {
    const re = new RegExp(f.regex);
    const hits = lines.filter((l) => re.test(l)).length;
    // prefer more matches, then the more specific (more fields) format, then the bundle's own declaration
    if (hits > 0 && (!best || hits > best.hits || (hits === best.hits && f.vars.length > best.f.vars.length))) best = { f, hits };
  }
  return best && best.hits >= Math.ceil(lines.length / 2) ? best.f : undefined;
}

function wholeText(sample: string[]): string {
  return sample.join('\n');
}

function detectConfig(name: string, sample: string[]): Detection | undefined {
  const text = wholeText(sample);
  const lower = name.toLowerCase();
  const trimmed = text.trimStart();
  if (name === MANIFEST_FILE && /"collector"\s*:/.test(text)) return { kind: 'bundle-meta', format: 'clawtrail-manifest' };
  // what collect keeps from the compose CLI, for the reader: `ps -a` and the resolved config (whose interpolated values
  // would otherwise read as a second compose file beside the real one)
  if (lower === basename(BUNDLE.daemonJson) && trimmed.startsWith('{') && /"(log-driver|log-opts|storage-driver|data-root|live-restore)"/.test(text)) return { kind: 'bundle-meta', format: 'docker-daemon-json' };
  if (lower === basename(BUNDLE.composePs)) return { kind: 'bundle-meta', format: 'compose-ps' };
  if (lower === basename(BUNDLE.composeResolved)) return { kind: 'bundle-meta', format: 'compose-resolved' };
  if (lower === basename(BUNDLE.commitMap) && /^[0-9a-f]{40,64} [0-9a-f]{40,64}$/.test(sample[0] ?? '')) return { kind: 'bundle-meta', format: 'git-commit-map' };
  if (trimmed.startsWith('{') && /"ServerVersion"\s*:/.test(text) && /"LoggingDriver"\s*:/.test(text)) return { kind: 'bundle-meta', format: 'docker-info' };
  if (trimmed.startsWith('{') && /"Client"\s*:/.test(text) && /"Server"\s*:/.test(text) && /"ApiVersion"/.test(text)) return { kind: 'bundle-meta', format: 'docker-version' };
  const inspectShaped = /"Id"\s*:/.test(text) && /"(State|Config|Created)"\s*:/.test(text);
  if ((trimmed.startsWith('[') && inspectShaped) || (trimmed.startsWith('{') && inspectShaped && /"(Mounts|HostConfig|NetworkSettings|RestartCount)"\s*:/.test(text)))
    return { kind: 'docker-inspect', format: 'docker-inspect' };
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(lower) || /^services:\s*$/m.test(text) && /^\s+(image|build|volumes|environment):/m.test(text)) return { kind: 'compose', format: 'compose' };
  if (/openclaw.*\.json5?$|^openclaw\.json(\.(last-good|bak(\.\d+)?|clobbered\.\S+))?$/.test(lower) || (trimmed.startsWith('{') && /["']?gateway["']?\s*:\s*\{/.test(text) && !/"log"\s*:/.test(text)))
    return { kind: 'openclaw-config', format: 'openclaw-json' };
  if (/^(paired|pending)\.json$/.test(lower) || (trimmed.startsWith('{') && /"deviceId"\s*:/.test(text) && /"publicKey"/.test(text))) return { kind: 'devices', format: 'devices-json' };
  if (lower === 'openclaw.sqlite') return { kind: 'state-db', format: 'openclaw-sqlite' };
  if (/(^|\.)nginx\.conf$|\.conf$/.test(lower) && /\b(server|http|location|upstream)\s*[{]/.test(text) || /^\s*(log_format|proxy_pass|proxy_read_timeout)\b/m.test(text)) return { kind: 'proxy-config', format: 'nginx-conf' };
  if (lower === 'caddyfile') return { kind: 'proxy-config', format: 'caddyfile' };
  if (/^(traefik|dynamic)[\w.-]*\.ya?ml$/.test(lower)) return { kind: 'proxy-config', format: 'traefik-yaml' };
  if (lower === '.env' || /^\.env(\.|$)|\.env$/.test(lower)) return { kind: 'dotenv', format: 'dotenv' };
  const body = sample.filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (body.length > 0 && body.every((l) => RE.dotenv.test(l)) && /(^|\/)\.?env/.test(lower)) return { kind: 'dotenv', format: 'dotenv' };
  return undefined;
}

export function detect(path: string, sample: string[], nginxFormats: CompiledFormat[], forced?: string): Detection {
  if (forced) {
    if (forced.startsWith('nginx-access')) {
      const wanted = forced.split(':')[1];
      const f = wanted ? nginxFormats.find((x) => x.name === wanted) : detectNginx(sample.filter((l) => l.trim()), nginxFormats);
      if (!f) throw new Error(`--format ${forced}: no such nginx log_format (known: ${nginxFormats.map((x) => x.name).join(', ')})`);
      return { kind: 'proxy-access', format: `nginx-access:${f.name}`, nginx: f };
    }
    const kind = FORMATS[forced];
    if (!kind) throw new Error(`unknown --format ${forced} (known: ${Object.keys(FORMATS).join(', ')})`);
    return { kind, format: forced };
  }
  const name = basename(path);
  if (/^# v[23] git bundle/.test(sample[0] ?? '')) return { kind: 'git-bundle', format: 'git-bundle' };
  if (name === 'openclaw.sqlite') return { kind: 'state-db', format: 'openclaw-sqlite' };
  const cfg = detectConfig(name, sample);
  if (cfg) return cfg;
  const lines = sample.map((l) => l.replace(/^\uFEFF/, '')).filter((l) => l.trim() !== '').slice(0, 32);
  if (lines.length === 0) return { kind: 'unknown', format: 'empty', why: 'no content' };
  const nginx = detectNginx(lines, nginxFormats);
  if (nginx) return { kind: 'proxy-access', format: `nginx-access:${nginx.name}`, nginx };
  let best: { format: string; hits: number } | undefined;
  for (const f of LINE_FORMATS) {
    const hits = lines.filter((l) => f.test(l, parseJson(l))).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { format: f.format, hits };
  }
  if (best && best.hits >= Math.ceil(lines.length / 2)) return { kind: FORMATS[best.format], format: best.format };
  return { kind: 'unknown', format: 'unknown', why: `no known format matches its first ${lines.length} lines` };
}
