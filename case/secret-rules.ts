// The secret rules: one table. Every place that removes secrets from text uses it — the store's redact() SQL macro
// (case/redact.sql, generated), the TypeScript collector (redactText), and the sed rules of the POSIX collector
// (collect/collect.sh, generated section). `npm run gen:secret-rules` writes the generated files; a test holds them in
// sync with this table and proves each rule against its own examples in all three engines (DuckDB, JavaScript, sed).
//
// Patterns are written in the subset the three regex dialects share (RE2, JavaScript, POSIX ERE after translation):
// capturing groups only (no `(?:`, no lookaround, no `\b`), classes, `\s` `\S` `\d`, bounded repeats. A value ends at
// a backslash too: inside a json-file record a backslash starts an escape (`\n`) that must survive.

/**
 * The name test: a key or variable name is secret when one of its words — split at `_`, `-`, `.` and camelCase — is one
 * of these (STRIPE_KEY, OPENAI_KEY, DB_PASS, BASIC_AUTH, sessionKey, gateway.auth.token), so that KEYBOARD, monkey,
 * author, passive or TOKENS_PER_MINUTE are not; a name whose last word only describes the secret (…_FILE, …Path,
 * …Mode, tokenFingerprint) is not one either.
 */
export const SECRET_NAME_WORDS = ['token', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'passphrase', 'pass', 'pwd', 'key', 'keys', 'apikey', 'privatekey',
  'accesskey', 'secretkey', 'credential', 'credentials', 'auth', 'authorization', 'cookie'];
const NOT_SECRET_LAST_WORDS = ['file', 'files', 'path', 'dir', 'mode', 'hint', 'fingerprint', 'type', 'kind', 'header', 'ttl', 'expiry', 'expires', 'enabled', 'required', 'length', 'url', 'name', 'method'];

/** The words of a name: `OPENCLAW_GATEWAY_TOKEN` → openclaw gateway token; `remoteApiKey` → remote api key. */
export const nameWords = (name: string): string[] =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase());

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => SECRET_NAME_WORDS.includes(w)) && !NOT_SECRET_LAST_WORDS.includes(words[words.length - 1] ?? '');
}

/** A command-line flag whose value is a secret: --token, --password, --api-key, --gateway-token (not --token-file). */
export function isSecretArgument(arg: string): boolean {
  return /^--?[A-Za-z][A-Za-z0-9-]*$/.test(arg) && isSecretName(arg.replace(/^-+/, ''));
}

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
  /** Fragments (case-insensitive regular expressions) one of which every match contains: redact() tests them first. */
  hints: string[];
  /** What the rule must change (the secret part is SECRET, or has the shape the rule is about) and what it must leave alone. */
  examples: { redacts: string[]; keeps: string[] };
}

export const TEXT_MASK = '[REDACTED]';
export const SH_WITHHELD = 'clawtrail-withheld';

// Names in free text, in the shared dialect. Strong words mark a name whatever surrounds them (db.password,
// client_secret, X-Api-Key); weak ones only as a whole word (STRIPE_KEY, DB_PASS, but not monkey or passive). `auth`
// is left to the name test of structured values: in gateway lines `auth=token` is the auth method, not a secret.
const STRONG = 'token|secret|passw(or)?d|passphrase|credential|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|cookie';
const WEAK = 'key|keys|pass|pwd';
const NAME = `([A-Za-z0-9_.-]*(${STRONG})([_.-][A-Za-z0-9_.-]*)?|([A-Za-z0-9]+[_.-])*(${WEAK})([_.-][A-Za-z0-9]+)*)`;
// not right after ? & # ; or /: a URL's query parameters are the query-secret rule's (redacted, never "withheld")
const BOUND = '(^|[^A-Za-z0-9_.?&#;/-])';
const NAME_HINTS = ['token', 'secret', 'passw', 'passphrase', 'credential', 'api.?key', 'private.?key', 'access.?key', 'cookie', 'key', 'pass', 'pwd'];
/** Where a shape starts: not inside a longer word. */
const EDGE = '(^|[^A-Za-z0-9_-])';

export const SECRET_RULES: SecretRule[] = [
  // by shape, first: a value they mask is then masked again by the name rules below (withheld, in the sh collector)
  {
    id: 'query-secret',
    why: 'token=, password=, api_key=, key=, secret=, sig=, session= (and prefixed forms: access_token, X-Amz-Signature) in URLs, query strings and log lines',
    find: '((^|[?#&;/\\s])([A-Za-z0-9]+[_.-])*(token|password|passwd|pwd|api_?key|apikey|key|secret|sig|signature|session|sessionid|session_id|credential)=)[^&\\s"#;\\\\]+',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'redacted', hints: ['token=', 'passw[a-z]*=', 'pwd=', 'key=', 'secret=', 'sig[a-z]*=', 'session[a-z_]*=', 'credential='],
    examples: {
      redacts: ['GET /ws?token=SECRET HTTP/1.1', 'open http://h/#token=SECRET', '"https://h/login?user=a&password=SECRET"', 'GET /v1?api_key=SECRET&x=1', '/s3?X-Amz-Signature=SECRET', '/cb?access_token=SECRET', '/x?session=SECRET'],
      keeps: ['GET /ws?tokens=2 HTTP/1.1', 'reason=token_mismatch', 'GET /?monkey=banana', 'auth=token device=yes'],
    },
  },
  {
    id: 'token-assignment',
    why: 'an echoed gateway token (setup output, "token: …")',
    find: '((gateway token|token)\\s*[:=]\\s*["\']?)[A-Za-z0-9_.-]{16,}',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'redacted', hints: ['token'],
    examples: { redacts: ['Gateway token: SECRETSECRETSECRET1234', 'token="SECRETSECRETSECRET1234"'], keeps: ['the token was rotated at 10:00', 'reason=token_mismatch'] },
  },
  {
    id: 'jwt',
    why: 'JSON Web Tokens (header.payload.signature, base64url, both parts starting with {")',
    find: 'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*',
    replace: '{mask}', ignoreCase: false, text: true, sh: 'redacted', hints: ['eyj'],
    examples: { redacts: ['session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiSECRET.SECRETsignature rejected'], keeps: ['eyJ alone is not a token'] },
  },
  {
    id: 'provider-key',
    why: 'provider key shapes (after gitleaks and TruffleHog): GitHub ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_, AWS key ids, Google API keys, Slack xox tokens, Stripe sk_/rk_/pk_live|test_, OpenAI/Anthropic sk-',
    find: `${EDGE}((gh[pousr]_[A-Za-z0-9]{36})|(github_pat_[A-Za-z0-9_]{22,})|((AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})|(AIza[0-9A-Za-z_-]{35})|(xox[abposr]-[0-9A-Za-z-]{10,})|([srp]k_(live|test)_[0-9A-Za-z]{10,})|(sk-[A-Za-z0-9_-]{20,}))`,
    replace: '$1{mask}', ignoreCase: false, text: true, sh: 'redacted', hints: ['gh[pousr]_', 'github_pat_', 'akia', 'asia', 'abia', 'acca', 'aiza', 'xox', 'k_live_', 'k_test_', 'sk-'],
    examples: {
      redacts: ['GITHUB=ghp_SECRETSECRETSECRETSECRETSECRETSECRET', 'pat github_pat_SECRETSECRETSECRETSECRET_x', 'id AKIASECRETSECRETSECR', 'google AIzaSECRETSECRETSECRETSECRETSECRETSECRE',
        'slack xoxb-SECRETSECRET-1', 'stripe sk_live_SECRETSECRET', 'openai sk-proj-SECRETSECRETSECRETSECRET', 'anthropic sk-ant-api03-SECRETSECRETSECRETSECRET'],
      keeps: ['disk-usage-monitor-for-the-whole-fleet', 'task-SECRETSECRETSECRETSECRET', 'AKIA is a prefix'],
    },
  },
  {
    id: 'hex48-token',
    why: 'a 48-hex string anywhere: the shape of the gateway token OpenClaw setup writes (openssl rand -hex 24); 40 (commit) and 64 hex (container ids) stay',
    find: '(^|[^0-9A-Za-z])[0-9a-fA-F]{48}([^0-9A-Za-z]|$)',
    replace: '$1{mask}$2', ignoreCase: false, text: true, sh: 'redacted', hints: ['[0-9a-f]{48}'],
    examples: { redacts: ['dashboard ready, pairing code 0123456789abcdef0123456789abcdef0123456789abcdef'], keeps: [`container ${'a'.repeat(64)} started`, `commit ${'b'.repeat(40)}`] },
  },
  {
    id: 'url-userinfo',
    why: 'the password of URL userinfo (https://user:pass@host, postgres://u:p@db)',
    find: '([A-Za-z][A-Za-z0-9+.-]*://[^\\s:@"\']+:)[^@\\s"\']+@',
    replace: '$1{mask}@', ignoreCase: false, text: true, sh: 'redacted', hints: ['://[^/@\\s]+@'],
    examples: { redacts: ['referer https://admin:SECRET@example.com/x', 'DATABASE_URL=postgres://app:SECRET@db:5432/app'], keeps: ['ssh://git@github.com/o/r', 'https://example.com/a@b'] },
  },
  // by name: the value of a secret-named variable or key (the POSIX collector withholds these)
  {
    id: 'secret-name-quoted',
    why: 'NAME: "value", "name": "value", NAME="value" where NAME is a secret name (JSON, JSON5, YAML, env, logs); ${VAR} templates stay',
    find: `(${BOUND}["']?${NAME}["']?\\s*[=:]\\s*(["']))[^"'$\\\\][^"'\\\\]*`,
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: NAME_HINTS,
    examples: {
      redacts: ['{"auth": {"token": "SECRET"}}', '"remoteToken":"SECRET"', '  "password": "SECRET",', '  password: "SECRET"', "    remote_token: 'SECRET'", 'export DB_PASSWORD="SECRET"', '{"STRIPE_KEY": "SECRET"}', "apiKey: 'SECRET'"],
      keeps: ['{"token": "${OPENCLAW_GATEWAY_TOKEN}"}', '{"mode": "token"}', '{"monkey": "banana"}', '{"author": "Tess"}', '  token: "${TOKEN}"'],
    },
  },
  {
    id: 'secret-name-assignment',
    why: 'NAME=value and NAME: value where NAME is a secret name (env, .env, YAML, docker inspect, logs); ${VAR} templates stay',
    find: `(${BOUND}${NAME}\\s*[=:]\\s*)[^\\s"',&\\\\{($][^\\s"',&\\\\]*`,
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: NAME_HINTS,
    examples: {
      redacts: ['OPENCLAW_GATEWAY_TOKEN=SECRET', 'env: ANTHROPIC_API_KEY: SECRET', 'CLAWTRAIL_FINGERPRINT_KEY=SECRET', 'STRIPE_KEY=SECRET', 'OPENAI_KEY=SECRET', 'DB_PASS=SECRET',
        '      OPENCLAW_GATEWAY_TOKEN: SECRET', '  password: SECRET', 'login failed password=SECRET', 'x-api-key: SECRET', 'Cookie: sid=SECRET; x=1'],
      keeps: ['OPENCLAW_STATE_DIR=/home/node/.openclaw', 'TOKENS_PER_MINUTE', '      OPENCLAW_GATEWAY_TOKEN: ${OPENCLAW_GATEWAY_TOKEN}', 'KEYBOARD=us', 'MONKEY=1', 'author: Tess',
        'auth=token device=yes reason=token_mismatch', '  image: openclaw:2026.9', '"auth": {'],
    },
  },
  {
    id: 'password-word',
    why: '"password X" in a log line, when X looks like a secret (a digit or a symbol in it): "password mismatch" stays',
    find: '((^|[^A-Za-z0-9_])(password|passwd|passphrase)\\s+)[^\\s"\'(]*[0-9!@#$%^&*+=~_][^\\s"\']*',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'redacted', hints: ['passw', 'passphrase'],
    examples: { redacts: ['login admin password SECRET2026!', 'set passphrase SECRET_phrase'], keeps: ['unauthorized: gateway password mismatch (check gateway.auth.password)', 'Gateway auth is set to password, but no password'] },
  },
  {
    id: 'token-argument',
    why: '--token / --password / --api-key / --secret arguments (command lines, compose command:, healthchecks, JSON argv); ${VAR} stays',
    find: '(--([A-Za-z0-9]+-)*(token|password|passwd|pass|pwd|secret|api-?key|apikey|key)(=|\\s+|",\\s*"|\',\\s*\'))[^\\s"\'\\\\$][^\\s"\'\\\\]*',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['--[a-z-]*(token|pass|pwd|secret|key)'],
    examples: { redacts: ['openclaw gateway --token SECRET', '["--password", "SECRET"]', '--token=SECRET', 'health --gateway-token SECRET', "['--api-key', 'SECRET']"], keeps: ['--token-file /run/secrets/t', 'health --token "$OPENCLAW_GATEWAY_TOKEN"', '--port 18789'] },
  },
  {
    id: 'yaml-token-argument-item',
    why: 'a YAML block sequence whose item after "- --token" is the value (compose command:); TypeScript handles it where it parses YAML',
    find: '', replace: '', ignoreCase: false, text: false, sh: 'withheld', hints: [],
    sedCommand: '/^[[:space:]]*- "?--(token|password)"?[[:space:]]*$/{n;s/^([[:space:]]*- ).*$/\\1{mask}/;}',
    examples: { redacts: [], keeps: [] },
  },
  // by shape: credentials in headers
  {
    id: 'authorization-header',
    why: 'Authorization / Proxy-Authorization header values (Bearer, Basic, Token, Digest…) in proxy configs and log lines',
    find: '((proxy-)?authorization["\']?(\\s*[:=]\\s*|\\s+)["\']?(bearer|basic|token|digest|negotiate|apikey)\\s+)[^\\s"\';\\\\,]+',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['authorization'],
    examples: { redacts: ['proxy_set_header Authorization "Basic SECRET";', 'header_up Authorization "Token SECRET"', 'Authorization: Basic SECRET', 'authorization=Bearer SECRET'], keeps: ['proxy_set_header Authorization $http_authorization;', 'missing authorization header'] },
  },
  {
    id: 'bearer',
    why: 'Bearer credentials in headers and log lines',
    find: '(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}',
    replace: '$1{mask}', ignoreCase: true, text: true, sh: 'withheld', hints: ['bearer'],
    examples: { redacts: ['Authorization: Bearer SECRETSECRET', 'ua "curl/8 Bearer SECRETSECRET"'], keeps: ['bearer of news'] },
  },
];

const textRules = SECRET_RULES.filter((r) => r.text);
const compiled = textRules.map((r) => ({
  all: new RegExp(r.find, r.ignoreCase ? 'gi' : 'g'), one: new RegExp(r.find, r.ignoreCase ? 'i' : ''), to: r.replace.replace(/\{mask\}/g, TEXT_MASK),
}));
/** The cheap test every redaction runs first (case-insensitive): a line that does not match it holds no secret. */
export const REDACT_HINT = [...new Set(textRules.flatMap((r) => r.hints))].join('|');
const hint = new RegExp(REDACT_HINT, 'i');

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
  const pre = `(?i)${REDACT_HINT}`;
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
