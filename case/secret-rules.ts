// The secret rules: one table. Every place that removes secrets from text uses it — the store's redact() SQL macro
// (case/redact.sql, generated), the TypeScript collector (redactText), and the sed rules of the POSIX collector
// (collect/collect.sh, generated section). `npm run gen:secret-rules` writes the generated files; a test holds them in
// sync with this table and proves each rule against its own examples in all three engines (DuckDB, JavaScript, sed).
//
// Patterns are written in the subset the three regex dialects share (RE2, JavaScript, POSIX ERE after translation):
// capturing groups only (no `(?:`, no lookaround, no `\b`), classes, `\s` `\S` `\d`, bounded repeats. A value ends at
// a backslash too: inside a json-file record a backslash starts an escape (`\n`) that must survive.

/** Words that make a key or variable name secret wherever it appears (env, .env, compose, JSON, YAML). `_` also
 *  matches `-` and nothing (api_key, api-key, apikey). */
export const SECRET_NAME_WORDS = ['token', 'password', 'passwd', 'secret', 'api_key', 'cookie', 'session_key', 'private_key', 'credential', 'auth_key', 'fingerprint_key'];

const nameAlternation = (upper: boolean): string =>
  SECRET_NAME_WORDS.map((w) => (upper ? w.toUpperCase() : w).replace(/_/g, '[_-]?')).join('|');

/** The name test (case-insensitive). */
export const SECRET_NAME = new RegExp(nameAlternation(false), 'i');

export type Target = 'text' | 'sh';

export interface SecretRule {
  id: string;
  why: string;
  /** The pattern (shared dialect, see above). */
  find: string;
  /** Replacement: $1…$9 for groups, {mask} for the mask of the target. */
  replace: string;
  ignoreCase: boolean;
  /** text: redact() in SQL and redactText() in TypeScript, on every stored or printed line. */
  text: boolean;
  /** sh: the POSIX collector — 'withheld' writes clawtrail-withheld (ingest records the value as withheld),
   *  'redacted' writes [REDACTED], false leaves the rule out. */
  sh: 'withheld' | 'redacted' | false;
  /** A sed command to use instead of `s/find/replace/` where sed needs more than one line (the rule is sh-only). */
  sedCommand?: string;
  /** Words one of which every match contains (case-insensitive): redact() tests them first, cheaply. */
  hints: string[];
  /** What the rule must change (the secret part is SECRET) and what it must leave alone. */
  examples: { redacts: string[]; keeps: string[] };
}

export const TEXT_MASK = '[REDACTED]';
export const SH_WITHHELD = 'clawtrail-withheld';

export const SECRET_RULES: SecretRule[] = [
  // by shape, first: a value they mask is then masked again by the name rules below (withheld, in the sh collector)
  {
    id: 'url-token',
    why: 'token= values in URLs, query strings and log lines',
    find: '((^|[?#&;/\\s])(token|access_token|auth_token|gateway_token)=)[^&\\s"#;\\\\]+',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'redacted', hints: ['token'],
    examples: { redacts: ['GET /ws?token=SECRET HTTP/1.1', 'open http://h/#token=SECRET'], keeps: ['GET /ws?tokens=2 HTTP/1.1', 'reason=token_mismatch'] },
  },
  {
    id: 'token-assignment',
    why: 'an echoed gateway token (setup output, "token: …")',
    find: '((gateway token|token)\\s*[:=]\\s*["\']?)[A-Za-z0-9_.-]{16,}',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'redacted', hints: ['token'],
    examples: { redacts: ['Gateway token: SECRETSECRETSECRET1234', 'token="SECRETSECRETSECRET1234"'], keeps: ['the token was rotated at 10:00', 'reason=token_mismatch'] },
  },
  // by name: the value of a secret-named variable or key (the POSIX collector withholds these)
  {
    id: 'secret-name-assignment',
    why: 'NAME=value and NAME: value where NAME is a secret variable name (env, .env, docker inspect, logs); ${VAR} templates stay',
    find: `(^|[^A-Za-z0-9_])([A-Za-z0-9_]*(${nameAlternation(true)})[A-Za-z0-9_]*\\s*[=:]\\s*["']?)[^\\s"',&\\\\$][^\\s"',&\\\\]*`,
    replace: '$1$2{mask}', ignoreCase: false, text: true, sh: 'withheld', hints: SECRET_NAME_WORDS.map((w) => w.split('_')[0]),
    examples: {
      redacts: ['OPENCLAW_GATEWAY_TOKEN=SECRET', 'export DB_PASSWORD="SECRET"', 'env: ANTHROPIC_API_KEY: SECRET', 'CLAWTRAIL_FINGERPRINT_KEY=SECRET'],
      keeps: ['OPENCLAW_STATE_DIR=/home/node/.openclaw', 'TOKENS_PER_MINUTE', '      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN}'],
    },
  },
  {
    id: 'secret-json-key',
    why: '"…token…": "value" in JSON and JSON5; templates such as "${VAR}" are not secrets and stay',
    find: '("[A-Za-z_]*(token|password|secret|privatekey|apikey)[A-Za-z_]*"\\s*:\\s*")[^"$\\\\][^"\\\\]*(")',
    replace: '$1{mask}$3', ignoreCase: true, text: true, sh: 'withheld', hints: ['token', 'password', 'secret', 'privatekey', 'apikey'],
    examples: { redacts: ['{"auth": {"token": "SECRET"}}', '"remoteToken":"SECRET"', '  "password": "SECRET",'], keeps: ['{"token": "${OPENCLAW_GATEWAY_TOKEN}"}', '{"mode": "token"}'] },
  },
  {
    id: 'secret-yaml-key',
    why: 'key: value in YAML (unquoted key) whose key names a secret: compose files, the resolved config',
    find: `^(\\s*-?\\s*[A-Za-z0-9_]*(${nameAlternation(false)})[A-Za-z0-9_]*\\s*:\\s+)[^"'$\\s][^\\s]*$`,
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: SECRET_NAME_WORDS.map((w) => w.split('_')[0]),
    examples: { redacts: ['      OPENCLAW_GATEWAY_TOKEN: SECRET', '  password: SECRET'], keeps: ['      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN}', '  image: openclaw:2026.9'] },
  },
  {
    id: 'secret-yaml-key-quoted',
    why: 'key: "value" in YAML (unquoted key, quoted value) whose key names a secret',
    find: `^(\\s*-?\\s*[A-Za-z0-9_]*(${nameAlternation(false)})[A-Za-z0-9_]*\\s*:\\s+(["']))[^"'$][^"']*(["'])\\s*$`,
    replace: '$1{mask}$4', ignoreCase: true, text: true, sh: 'withheld', hints: SECRET_NAME_WORDS.map((w) => w.split('_')[0]),
    examples: { redacts: ['  password: "SECRET"', "    remote_token: 'SECRET'"], keeps: ['  token: "${TOKEN}"'] },
  },
  {
    id: 'token-argument',
    why: '--token / --password arguments (command lines, compose command:, JSON argv)',
    find: '(--(token|password)(=|\\s+|",\\s*"))[^\\s"\\\\]+',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['token', 'passw'],
    examples: { redacts: ['openclaw gateway --token SECRET', '["--password", "SECRET"]', '--token=SECRET'], keeps: ['--token-file /run/secrets/t'] },
  },
  {
    id: 'yaml-token-argument-item',
    why: 'a YAML block sequence whose item after "- --token" is the value (compose command:); TypeScript handles it where it parses YAML',
    find: '', replace: '', ignoreCase: false, text: false, sh: 'withheld', hints: [],
    sedCommand: '/^[[:space:]]*- "?--(token|password)"?[[:space:]]*$/{n;s/^([[:space:]]*- ).*$/\\1{mask}/;}',
    examples: { redacts: [], keeps: [] },
  },
  // by shape: credentials in headers and URLs
  {
    id: 'authorization-header',
    why: 'Authorization / Proxy-Authorization header values in proxy configs and logs',
    find: '((proxy-)?authorization"?:?\\s+"?(bearer|basic|token)\\s+)[^\\s";\\\\]+',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['authorization'],
    examples: { redacts: ['proxy_set_header Authorization "Basic SECRET";', 'header_up Authorization "Token SECRET"'], keeps: ['proxy_set_header Authorization $http_authorization;'] },
  },
  {
    id: 'bearer',
    why: 'Bearer credentials in headers and log lines',
    find: '(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['bearer'],
    examples: { redacts: ['Authorization: Bearer SECRETSECRET'], keeps: ['bearer of news'] },
  },
];

const textRules = SECRET_RULES.filter((r) => r.text);
const compiled = textRules.map((r) => ({
  all: new RegExp(r.find, r.ignoreCase ? 'gi' : 'g'), one: new RegExp(r.find, r.ignoreCase ? 'i' : ''), to: r.replace.replace(/\{mask\}/g, TEXT_MASK),
}));
const hint = new RegExp([...new Set(textRules.flatMap((r) => r.hints))].join('|'), 'i');

/** A value the TypeScript collector already replaced by its keyed fingerprint (case/secrets.ts). */
const MARKER_PREFIX = 'clawtrail-fp:';

/** Every text rule applied to one line: what the store's redact() does, in TypeScript. A match that already holds a
 *  fingerprint marker is left as it is (the collector fingerprints structured values before it redacts lines). */
export function redactText(line: string): string {
  if (!hint.test(line)) return line;
  let s = line;
  for (const c of compiled) s = s.replace(c.all, (match: string) => (match.includes(MARKER_PREFIX) ? match : match.replace(c.one, c.to)));
  return s;
}

/** What the reject_raw() macro (views.sql) stores for a cited line, in TypeScript: redacted, control characters made
 *  visible, at most 512 characters. Used where many files each cite a few lines (a statement each would cost more
 *  than the lines). */
export function rejectRaw(line: string): string {
  return [...redactText(line).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\uFFFD')].slice(0, 512).join('');
}

// ---- generators (npm run gen:secret-rules) --------------------------------------------------------------------

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** case/redact.sql: the redact() macro, one regexp_replace per text rule behind a cheap test for the hints. */
export function renderRedactSql(): string {
  let expr = 's';
  for (const r of textRules) {
    const pattern = (r.ignoreCase ? '(?i)' : '') + r.find;
    const to = r.replace.replace(/\$(\d)/g, '\\$1').replace(/\{mask\}/g, TEXT_MASK);
    expr = `regexp_replace(${expr},\n    ${sqlString(pattern)}, ${sqlString(to)}, 'g')`;
  }
  const pre = `(?i)${[...new Set(textRules.flatMap((r) => r.hints))].join('|')}`;
  return `-- GENERATED from case/secret-rules.ts by \`npm run gen:secret-rules\`: do not edit (a test checks it is in sync).
-- Secret values in free text never reach the store: redact() runs on every stored line and every cited line.
-- One cheap test first: almost no line holds a secret, and each rewrite costs a regex pass.
CREATE OR REPLACE MACRO redact(s) AS
  CASE WHEN NOT regexp_matches(s, ${sqlString(pre)}) THEN s ELSE
  ${expr} END;
`;
}

/** The shared dialect as POSIX ERE for sed -E: \\s, \\S and \\d become bracket classes. */
export function toEre(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i];
      const cls: Record<string, [string, string]> = { s: ['[[:space:]]', '[:space:]'], d: ['[0-9]', '0-9'], S: ['[^[:space:]]', ''] };
      if (cls[n] && (!inClass || n !== 'S')) out += inClass ? cls[n][1] : cls[n][0];
      else if (inClass) out += n === '\\' ? '\\\\' : n; // inside brackets a backslash is literal in ERE
      else out += n === '/' ? '\\/' : `\\${n}`;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass && !/\[\^?$/.test(out)) inClass = false;
    out += c === '/' && !inClass ? '\\/' : c;
  }
  return out;
}

/** The sed -E script of the POSIX collector, one command per line. */
export function renderSedRules(): string {
  return SECRET_RULES.filter((r) => r.sh).map((r) => {
    const mask = r.sh === 'withheld' ? SH_WITHHELD : TEXT_MASK;
    if (r.sedCommand) return r.sedCommand.replace(/\{mask\}/g, mask);
    const to = r.replace.replace(/\$(\d)/g, '\\$1').replace(/\{mask\}/g, mask);
    return `s/${toEre(r.find)}/${to}/g${r.ignoreCase ? 'I' : ''}`;
  }).join('\n') + '\n';
}

export const SH_BEGIN = '# BEGIN GENERATED secret rules: case/secret-rules.ts (npm run gen:secret-rules); do not edit';
export const SH_END = '# END GENERATED secret rules';

/** collect.sh with its generated section replaced by the current rules. */
export function withSedRules(script: string): string {
  const a = script.indexOf(SH_BEGIN);
  const b = script.indexOf(SH_END);
  if (a < 0 || b < a) throw new Error(`collect.sh has no "${SH_BEGIN}" … "${SH_END}" section`);
  return `${script.slice(0, a)}${SH_BEGIN}\ncat > "$SCRUB" <<'RULES'\n${renderSedRules()}RULES\n${script.slice(b)}`;
}
