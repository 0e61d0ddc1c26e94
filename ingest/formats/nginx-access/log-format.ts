// Compiles nginx `log_format` strings two ways: a split plan (where each variable lies once the line is cut at its
// quotes and its unquoted parts at their spaces: DuckDB's string_split does that at a fraction of a regex's cost) and
// one RE2 pattern with a capture per variable (regexp_extract), for the lines the plan cannot read (a value holding a
// space outside quotes: an upstream list "0.001, 0.000") and the formats it cannot express (escape=json|none, two
// variables in one word). The formats declared in an nginx.conf of the bundle (or of its git history) come first; the
// common shapes below cover logs without their config.

export interface NginxLogFormat {
  name: string;
  format: string;          // the log_format text, quotes joined
  origin: string;          // 'builtin' or the nginx.conf path (and line) that declared it
  escape?: 'default' | 'json' | 'none';   // how nginx escaped the values (log_format … escape=)
}

export interface CompiledFormat extends NginxLogFormat {
  regex: string;           // RE2, anchored
  vars: string[];          // capture names in order (variable names, repeated ones suffixed _2, _3…)
  split?: SplitPlan;       // how string functions read it (none for escape=json|none and two variables in one word)
}

/** Where a variable lies in a line cut at its quotes (segment `seg`, 0-based) and, outside quotes, at its spaces (word
 *  `word` of that segment and the `span` words its value covers), with the literal text around it in that piece. */
export interface SplitField { seg: number; word?: number; span: number; prefix: string; suffix: string }

/** A log_format as string functions read it. A line that fully matches `check` (the format's pattern without captures,
 *  no quote in any value and no space in a value outside quotes) cuts at `"` into exactly the format's segments (nginx's
 *  default escaping writes a quote inside a value as \x22), and the segments listed in `cut` cut at ' ' into exactly
 *  its words: each variable then lies where `fields` says. A line that does not match is left to the regex. */
export interface SplitPlan {
  check: string;
  cut: number[];
  fields: Record<string, SplitField>;
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

/** Spaces a value of this variable holds when it is written outside quotes ($time_local: one, before the offset). */
const spacesIn = (name: string): number => (name === 'time_local' ? 1 : 0);

type Piece = { lit: string } | { v: string; base: string; quoted: boolean };

/** The split plan of a format's pieces (literals and variables, in order); undefined when string functions cannot
 *  read it: a value may hold a quote (escape=json|none), or two variables share a piece with no quote or space between. */
function splitPlan(pieces: Piece[], escape: NginxLogFormat['escape']): SplitPlan | undefined {
  if (escape === 'json' || escape === 'none') return undefined;
  // a value outside quotes is one word ($time_local's own shape aside) and never holds a quote
  const check = pieces.map((p) => ('lit' in p ? escapeLiteral(p.lit)
    : `(?:${p.quoted || ['time_local', 'time_iso8601', 'msec', 'status'].includes(p.base) ? varPattern(p.base, p.quoted, escape) : String.raw`[^\s"]*`})`)).join('');
  const segs: Piece[][] = [[]];
  for (const p of pieces) {
    if ('v' in p) { segs[segs.length - 1].push(p); continue; }
    p.lit.split('"').forEach((text, i) => {
      if (i > 0) segs.push([]);
      if (text) segs[segs.length - 1].push({ lit: text });
    });
  }
  const plan: SplitPlan = { check: `^${check}$`, cut: [], fields: {} };
  const text = (ps: Piece[]): string => ps.map((p) => ('lit' in p ? p.lit : '')).join('');
  // the one variable of a piece, with the literal text before and after it
  const field = (ps: Piece[], at: Omit<SplitField, 'prefix' | 'suffix'>): boolean => {
    const vars = ps.filter((p) => 'v' in p);
    if (vars.length > 1) return false;
    const i = ps.indexOf(vars[0]);
    plan.fields[(vars[0] as { v: string }).v] = { ...at, prefix: text(ps.slice(0, i)), suffix: text(ps.slice(i + 1)) };
    return true;
  };
  for (const [seg, ps] of segs.entries()) {
    if (!ps.some((p) => 'v' in p)) continue;
    if (seg % 2 === 1) {
      if (!field(ps, { seg, span: 1 })) return undefined;
      continue;
    }
    // outside quotes: words at the literal spaces
    const words: Piece[][] = [[]];
    for (const p of ps) {
      if ('v' in p) { words[words.length - 1].push(p); continue; }
      p.lit.split(' ').forEach((t, i) => {
        if (i > 0) words.push([]);
        if (t) words[words.length - 1].push({ lit: t });
      });
    }
    let word = 0;
    for (const w of words) {
      const v = w.find((p): p is Extract<Piece, { v: string }> => 'v' in p);
      const span = 1 + (v ? spacesIn(v.base) : 0);
      if (v && !field(w, { seg, word, span })) return undefined;
      word += span;
    }
    plan.cut.push(seg);
  }
  return plan;
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
  const pieces: Piece[] = [];
  while ((m = re.exec(fmt.format))) {
    const literal = fmt.format.slice(last, m.index);
    if (countQuotes(literal) % 2 === 1) quoteOpen = !quoteOpen;
    parts.push(escapeLiteral(literal));
    const name = m[1];
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    vars.push(n === 1 ? name : `${name}_${n}`);
    pieces.push({ lit: literal }, { v: vars[vars.length - 1], base: name, quoted: quoteOpen });
    parts.push(`(${varPattern(name, quoteOpen, fmt.escape)})`);
    last = m.index + m[0].length;
  }
  parts.push(escapeLiteral(fmt.format.slice(last)));
  parts.push('$');
  pieces.push({ lit: fmt.format.slice(last) });
  return { ...fmt, regex: parts.join(''), vars, split: splitPlan(pieces, fmt.escape) };
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
