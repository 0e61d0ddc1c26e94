// What leaves the host: every file collect writes passes through one of these. Values under secret-like names become
// the keyed fingerprint markers ingest recognises (`clawtrail-fp:hmac:…:<shape>`), so a later ingest agrees with a
// direct one; every line also goes through the text rules of case/secret-rules.ts, as ingest's redact() does.
import { Fingerprinter, isSecretName, toMarker } from '../case/secrets.js';
import { isSecretArgument, redactText } from '../case/secret-rules.js';

/** Command-line arguments: the value after --token/--password becomes a marker; token= in URLs is redacted. */
export function scrubArgs(args: unknown, fpr: Fingerprinter): unknown {
  if (!Array.isArray(args)) return typeof args === 'string' ? redactText(args) : args;
  return args.map((a, i) => (typeof a !== 'string' ? a
    : isSecretArgument(String(args[i - 1] ?? '')) ? toMarker(fpr, a)
    : redactText(a.replace(/^(--?([A-Za-z][A-Za-z0-9-]*)=)(.+)$/, (all, k: string, name: string, v: string) => (isSecretArgument(`--${name}`) ? k + toMarker(fpr, v) : all)))));
}

/** docker inspect with every secret-like environment value replaced by its fingerprint marker, and the command lines scrubbed. */
export function scrubInspect(json: string, fpr: Fingerprinter): string {
  const doc = JSON.parse(json) as Record<string, unknown>[];
  for (const c of doc) {
    c.Path = scrubArgs(c.Path, fpr);
    c.Args = scrubArgs(c.Args, fpr);
    const cfg = c.Config as { Env?: string[]; Cmd?: unknown; Entrypoint?: unknown } | undefined;
    if (cfg) {
      cfg.Cmd = scrubArgs(cfg.Cmd, fpr);
      cfg.Entrypoint = scrubArgs(cfg.Entrypoint, fpr);
    }
    if (cfg?.Env) {
      cfg.Env = cfg.Env.map((e) => {
        const eq = e.indexOf('=');
        const key = eq < 0 ? e : e.slice(0, eq);
        return eq >= 0 && isSecretName(key) ? `${key}=${toMarker(fpr, e.slice(eq + 1))}` : e;
      });
    }
  }
  return JSON.stringify(doc, null, 2) + '\n';
}

export function scrubDotenv(text: string, fpr: Fingerprinter): string {
  return text.split('\n').map((l) => {
    const m = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*)(.*)$/.exec(l);
    if (!m || !isSecretName(m[2])) return l;
    const v = m[3].trim().replace(/^(["'])(.*)\1$/, '$2');
    return m[1] + toMarker(fpr, v);
  }).join('\n');
}

/** JSON/JSON5 text: the string values of secret-named keys (case/secret-rules.ts's name test) become markers
 *  (templates stay); the value after a secret `--flag` in an argument list too. */
export function scrubJsonSecrets(text: string, fpr: Fingerprinter): string {
  return text
    .replace(/((["']?)([A-Za-z_$][A-Za-z0-9_.$-]*)\2\s*:\s*)(["'])((?:(?!\4).)*)\4/g,
      (all, k: string, _q0: string, name: string, q: string, v: string) => (!isSecretName(name) || v.startsWith('${') || v === '' ? all : `${k}${q}${toMarker(fpr, v)}${q}`))
    .replace(/("(--?[A-Za-z][A-Za-z0-9-]*)",\s*")([^"]+)(")/g, (all, k: string, flag: string, v: string, q: string) => (isSecretArgument(flag) ? `${k}${toMarker(fpr, v)}${q}` : all));
}

/** Literal secret values in a compose file or its resolved config (`KEY: value`, `- KEY=value`, a `--token` argument
 *  in block or flow sequences); `${VAR}` templates stay; URLs lose their token= values. */
export function scrubYaml(text: string, fpr: Fingerprinter): string {
  let argumentNext = false; // the previous block-sequence item was --token: this item is its value
  return text.split('\n').map((l) => {
    const item = /^(\s*-\s+)(["']?)(.*?)\2\s*$/.exec(l);
    if (argumentNext && item) {
      argumentNext = false;
      return item[3].startsWith('${') ? l : item[1] + item[2] + toMarker(fpr, item[3]) + item[2];
    }
    argumentNext = !!item && isSecretArgument(item[3]);
    // a value, not the start of a mapping or sequence (`auth: {`), a block scalar or an anchor
    const m = /^(\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*)(["']?)([^"'\s{[|>&*!][^"']*)\3\s*$/.exec(l);
    if (m && isSecretName(m[2]) && !m[4].startsWith('${')) return m[1] + m[3] + toMarker(fpr, m[4]) + m[3]; // quotes kept: JSON stays JSON
    return redactText(l)
      .replace(/(["']?(--?[A-Za-z][A-Za-z0-9-]*)(?:["']?\s*,\s*["']?|=))([^"',\]\s$][^"',\]\s]*)/g, (all, k: string, flag: string, v: string) => (isSecretArgument(flag) ? k + toMarker(fpr, v) : all));
  }).join('\n');
}

/** A proxy configuration: Authorization header values (Bearer/Basic) and HAProxy `stats auth` passwords become
 *  markers; YAML configs (Traefik, Envoy) also get the compose rules; token= in URLs is redacted everywhere. */
export function scrubProxyConfig(text: string, name: string, fpr: Fingerprinter): string {
  const base = /\.ya?ml$/i.test(name) ? scrubYaml(text, fpr) : text.split('\n').map(redactText).join('\n');
  return base
    .replace(/(\b(?:Proxy-)?Authorization["']?\s+["']?(?:Bearer|Basic|Token)\s+)([^\s"';]+)/gi, (_a, k: string, v: string) => k + toMarker(fpr, v))
    .replace(/^(\s*stats\s+auth\s+[^:\s]+:)(\S+)/gm, (_a, k: string, v: string) => k + toMarker(fpr, v));
}

/** A file whose kind is not known (a revision in the git history): every rule at once — JSON keys, YAML keys and
 *  arguments, .env lines, Authorization headers, token= in URLs. A marker passes through any rule unchanged. */
export function scrubAnyConfig(text: string, fpr: Fingerprinter): string {
  return scrubProxyConfig(scrubDotenv(scrubYaml(scrubJsonSecrets(text, fpr), fpr), fpr), '', fpr);
}
