// Compiles nginx `log_format` strings into one RE2 pattern with a capture per variable, so that DuckDB's
// regexp_extract parses every access line in a single vectorised pass. The formats declared in an nginx.conf of
// the bundle (or of its git history) come first; the common shapes below cover logs without their config.

export interface NginxLogFormat {
  name: string;
  format: string;          // the log_format text, quotes joined
  origin: string;          // 'builtin' or the nginx.conf path (and line) that declared it
  escape?: 'default' | 'json' | 'none';   // how nginx escaped the values (log_format … escape=)
}

export interface CompiledFormat extends NginxLogFormat {
  regex: string;           // RE2, anchored
  vars: string[];          // capture names in order (variable names, repeated ones suffixed _2, _3…)
}

export const BUILTIN_FORMATS: NginxLogFormat[] = [
  {
    name: 'combined',
    format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
    origin: 'builtin',
  },
  {
    name: 'combined+timing',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time',
    origin: 'builtin',
  },
  {
    name: 'combined+timing+status',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $upstream_status',
    origin: 'builtin',
  },
  {
    // the official nginx image's conf (and most distributions' commented example)
    name: 'main',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
    origin: 'builtin',
  },
  {
    // ingress-nginx's default (kubernetes.github.io/ingress-nginx, user-guide/nginx-configuration/log-format)
    name: 'upstreaminfo',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
    origin: 'builtin',
  },
  {
    name: 'combined+kv-timing',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time"',
    origin: 'builtin',
  },
];

const TIME_LOCAL = String.raw`\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}`;
const TIME_ISO = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`;
// $upstream_* lists: "0.001, 0.000" (tries) and "0.001 : 0.002" (internal redirects)
const UPSTREAM_LIST = String.raw`[^ "]*(?:(?:, | : )[^ "]*)*`;

function varPattern(name: string, quoted: boolean, escape: NginxLogFormat['escape']): string {
  if (name === 'time_local') return TIME_LOCAL;
  if (name === 'time_iso8601') return TIME_ISO;
  if (name === 'msec') return String.raw`\d+(?:\.\d+)?`;
  if (name === 'status') return String.raw`\d{3}`;
  if (name.startsWith('upstream_')) return quoted ? String.raw`[^"]*` : UPSTREAM_LIST;
  // escape=default writes a quote as \x22 and escape=json as \" ; escape=none leaves it as it is
  if (quoted) return escape === 'json' ? String.raw`(?:[^"\\]|\\.)*` : escape === 'none' ? '.*?' : '[^"]*';
  return String.raw`\S*`;
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

export function compileFormat(fmt: NginxLogFormat): CompiledFormat {
  const parts: string[] = ['^'];
  const vars: string[] = [];
  const seen = new Map<string, number>();
  const re = /\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let quoteOpen = false;
  const countQuotes = (s: string): number => (s.match(/"/g) ?? []).length;
  while ((m = re.exec(fmt.format))) {
    const literal = fmt.format.slice(last, m.index);
    if (countQuotes(literal) % 2 === 1) quoteOpen = !quoteOpen;
    parts.push(escapeLiteral(literal));
    const name = m[1];
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    vars.push(n === 1 ? name : `${name}_${n}`);
    parts.push(`(${varPattern(name, quoteOpen, fmt.escape)})`);
    last = m.index + m[0].length;
  }
  parts.push(escapeLiteral(fmt.format.slice(last)));
  parts.push('$');
  return { ...fmt, regex: parts.join(''), vars };
}

/** Strips comments, keeping the line structure so reported line numbers stay true. */
function stripComments(conf: string): string {
  return conf.replace(/(^|[^\\'"$])#[^\n]*/g, (_all, pre: string) => pre);
}

/** Reads every `log_format name [escape=…] 'a' "b" …;` from an nginx.conf text. */
export function parseLogFormats(conf: string, origin: string): NginxLogFormat[] {
  const text = stripComments(conf);
  const out: NginxLogFormat[] = [];
  const re = /\blog_format\s+([A-Za-z0-9_.-]+)\s+(?:escape=(\w+)\s+)?((?:'[^']*'|"(?:[^"\\]|\\.)*"|[^\s;'"]+|\s+)+);/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    // quoted pieces are joined as they are; an unquoted piece ends at whitespace
    const pieces = m[3].match(/'[^']*'|"(?:[^"\\]|\\.)*"|[^\s'"]+/g) ?? [];
    const format = pieces.map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/\\"/g, '"') : p.startsWith("'") ? p.slice(1, -1) : p)).join('');
    const line = text.slice(0, m.index).split('\n').length;
    const escape = m[2] === 'json' || m[2] === 'none' ? m[2] : 'default';
    out.push({ name: m[1], format, origin: `${origin}:${line}`, escape });
  }
  return out;
}
