// Writers for each kind of evidence, in the exact shapes of ../shared/reference (openclaw-evidence.md §1, §9 and
// observed-real-gateway.md). Deterministic: every random choice comes from the seeded PRNG.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    // mulberry32
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

/** Epoch milliseconds helpers (all evidence is generated in UTC; offsets are written as +00:00 or Z). */
export const at = (iso: string): number => Date.parse(iso);
export const isoMs = (ms: number): string => new Date(ms).toISOString();
export const isoOffset = (ms: number): string => isoMs(ms).replace('Z', '+00:00');
/** RFC3339NanoFixed as docker prints it: 9 fraction digits. */
export function isoNano(ms: number, extraNs = 0): string {
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 19)}.${p3(d.getUTCMilliseconds())}${String(extraNs).padStart(6, '0')}Z`;
}
export function timeLocal(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}
export function nginxErrorTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

// ---- gateway console lines (compact style, ANSI as the stock compose TERM gives) --------------------------------
const ESC = '\x1b';
const SUB_COLOUR: Record<string, string> = { ws: '36', gateway: '32', reload: '33', health: '34', shutdown: '35' };
export type Level = 'info' | 'warn' | 'error';

export function consoleLine(ms: number, sub: string, msg: string, level: Level, opts: { ansi: boolean; zulu: boolean }): string {
  const stamp = opts.zulu ? isoMs(ms) : isoOffset(ms);
  if (!opts.ansi) return `${stamp} [${sub}] ${msg}`;
  const msgColour = level === 'error' ? '31' : level === 'warn' ? '33' : '36';
  return `${ESC}[90m${stamp}${ESC}[39m ${ESC}[${SUB_COLOUR[sub] ?? '32'}m[${sub}]${ESC}[39m ${ESC}[${msgColour}m${msg}${ESC}[39m`;
}

/** One docker json-file record. */
/** Go's RFC3339Nano, as the json-file driver writes `time`: trailing zeros of the fraction trimmed (engine capture). */
export function rfc3339Nano(ms: number, extraNs = 0): string {
  return isoNano(ms, extraNs).replace(/\.?0+Z$/, 'Z');
}

export function jsonFileRecord(ms: number, log: string, stream: 'stdout' | 'stderr', ns = 0): string {
  return JSON.stringify({ log: log + '\n', stream, time: rfc3339Nano(ms, ns) });
}

/** One `docker compose logs -t --no-color` line: padded name, daemon stamp, payload. */
export function composeLogLine(name: string, width: number, ms: number, payload: string, ns = 0): string {
  return `${name.padEnd(width)} | ${isoNano(ms, ns)} ${payload}`;
}

// ---- nginx ---------------------------------------------------------------------------------------------------
export const NGINX_KV_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
  'rt=$request_time urt="$upstream_response_time" ust="$upstream_status" wpid=$pid upgrade="$http_upgrade" xff="$http_x_forwarded_for"';

export interface HttpRequest {
  endMs: number;
  remote: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  ua: string;
  rt: number;          // seconds
  urt?: string;        // upstream list text, '-' when none
  ust?: string;
  pid: number;
  upgrade?: string;
  xff?: string;
  referer?: string;
}

/** nginx's default log escaping: `"`, `\` and bytes outside printable ASCII become \xHH. */
export function nginxEscape(s: string): string {
  return Array.from(Buffer.from(s, 'utf8')).map((b) => (b === 0x22 || b === 0x5c || b < 0x20 || b > 0x7e ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
}

export function nginxKvLine(r: HttpRequest): string {
  return `${r.remote} - - [${timeLocal(r.endMs)}] "${r.method} ${nginxEscape(r.path)} HTTP/1.1" ${r.status} ${r.bytes} "${nginxEscape(r.referer ?? '-')}" "${nginxEscape(r.ua)}" ` +
    `rt=${r.rt.toFixed(3)} urt="${r.urt ?? r.rt.toFixed(3)}" ust="${r.ust ?? String(r.status)}" wpid=${r.pid} upgrade="${nginxEscape(r.upgrade ?? '')}" xff="${nginxEscape(r.xff ?? '')}"`;
}

/** combined + $request_time $upstream_response_time (the common extension). */
export function nginxTimingLine(r: HttpRequest): string {
  return `${r.remote} - - [${timeLocal(r.endMs)}] "${r.method} ${nginxEscape(r.path)} HTTP/1.1" ${r.status} ${r.bytes} "${nginxEscape(r.referer ?? '-')}" "${nginxEscape(r.ua)}" ${r.rt.toFixed(3)} ${r.urt ?? r.rt.toFixed(3)}`;
}

export function nginxErrorLine(ms: number, level: string, pid: number, msg: string, conn?: number): string {
  return `${nginxErrorTime(ms)} [${level}] ${pid}#${pid}: ${conn !== undefined ? `*${conn} ` : ''}${msg}`;
}

// ---- Caddy ---------------------------------------------------------------------------------------------------
export function caddyAccess(r: HttpRequest, host: string): string {
  const headers: Record<string, string[]> = { 'User-Agent': [r.ua] };
  if (r.upgrade) {
    headers.Connection = ['Upgrade'];
    headers.Upgrade = [r.upgrade];
  }
  return JSON.stringify({
    level: 'info', ts: Math.round(r.endMs) / 1000, logger: 'http.log.access.log0', msg: 'handled request',
    request: { remote_ip: r.remote, remote_port: String(40000 + (r.bytes % 20000)), client_ip: r.remote, proto: 'HTTP/1.1', method: r.method, host, uri: r.path, headers },
    // Caddy 2.6 logs a WebSocket once, when it ends, with status 0 and size 0 (never 101): observed-real-proxies-and-engine.md
    bytes_read: 0, user_id: '', duration: Number(r.rt.toFixed(6)), size: r.status === 101 ? 0 : r.bytes, status: r.status === 101 ? 0 : r.status, resp_headers: { Server: ['Caddy'] },
  });
}

// ---- docker events ------------------------------------------------------------------------------------------
export interface ContainerRef {
  id: string;
  name: string;          // without the leading /
  service: string;
  project: string;
  image: string;
  number?: number;
  configHash: string;
  composeV1?: boolean;   // docker-compose 1.x: its label set and underscore names (samples/gen/engine capture)
  extra?: Record<string, string>;
}

export function composeLabels(c: ContainerRef, workdir: string): Record<string, string> {
  // docker-compose 1.29 writes fewer labels, and the compose file relative to the working dir (engine capture)
  if (c.composeV1) {
    return {
      'com.docker.compose.config-hash': c.configHash,
      'com.docker.compose.container-number': String(c.number ?? 1),
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project': c.project,
      'com.docker.compose.project.config_files': 'docker-compose.yml',
      'com.docker.compose.project.working_dir': workdir,
      'com.docker.compose.service': c.service,
      'com.docker.compose.version': '1.29.2',
      ...(c.extra ?? {}),
    };
  }
  return {
    'com.docker.compose.config-hash': c.configHash,
    'com.docker.compose.container-number': String(c.number ?? 1),
    'com.docker.compose.depends_on': '',
    'com.docker.compose.image': `sha256:${c.image === 'nginx:1.22' ? 'a'.repeat(64) : 'b'.repeat(64)}`,
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.project': c.project,
    'com.docker.compose.project.config_files': `${workdir}/docker-compose.yml`,
    'com.docker.compose.project.working_dir': workdir,
    'com.docker.compose.service': c.service,
    'com.docker.compose.version': '2.29.7',
    ...(c.extra ?? {}),
  };
}

/** A network event as the engine writes it: the network is the actor, the container an attribute. */
export function networkEventJson(ms: number, nsExtra: number, action: 'connect' | 'disconnect', network: { id: string; name: string; type: string }, containerId: string): string {
  const timeNano = BigInt(ms) * 1000000n + BigInt(nsExtra);
  const body = { Type: 'network', Action: action, Actor: { ID: network.id, Attributes: { container: containerId, name: network.name, type: network.type } }, scope: 'local', time: Math.floor(ms / 1000) };
  return JSON.stringify(body).replace(/}$/, `,"timeNano":${timeNano.toString()}}`);
}

export function eventJson(ms: number, nsExtra: number, type: string, action: string, c: ContainerRef, workdir: string, attrs: Record<string, string> = {}, legacy = false): string {
  const attributes = { ...composeLabels(c, workdir), image: c.image, name: c.name, ...attrs };
  const timeNano = BigInt(ms) * 1000000n + BigInt(nsExtra);
  const body: Record<string, unknown> = {};
  if (legacy) Object.assign(body, { status: action, id: c.id, from: c.image });
  Object.assign(body, { Type: type, Action: action, Actor: { ID: c.id, Attributes: attributes }, scope: 'local', time: Math.floor(ms / 1000) });
  return JSON.stringify(body).replace(/}$/, `,"timeNano":${timeNano.toString()}}`);
}
