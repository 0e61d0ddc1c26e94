// Traefik static and dynamic configuration, YAML or TOML: entry points and their transport timeouts
// (respondingTimeouts, lifeCycle), routers, services and their servers and health checks, middlewares, servers
// transports, the access log. The document is read with `yaml` / `smol-toml` and every leaf becomes a value under its
// dotted path (`entryPoints.websecure.transport.respondingTimeouts.idleTimeout`, `http.routers.openclaw.rule`), so a
// change to any of them shows over time; credentials (basicAuth users, secrets) are fingerprinted.
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import type { Fingerprinter } from '../../case/secrets.js';
import { isSecretName } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';
import { flatten } from './flatten.js';

const SURFACE = 'traefik';
// htpasswd lines of basicAuth/digestAuth, and any key named like a secret
const secretPath = (path: string): boolean => /\b(basicAuth|digestAuth)\.users\b/.test(path) || isSecretName(path.split('.').pop()!.replace(/\[\d+\]$/, ''));

export function traefikValues(text: string, format: 'yaml' | 'toml', fpr: Fingerprinter): { values: ConfigValue[]; bad: { line: number; reason: string }[] } {
  let doc: unknown;
  if (format === 'toml') {
    try {
      doc = parseToml(text);
    } catch (err) {
      const e = err as Error & { line?: number };
      return { values: [], bad: [{ line: e.line ?? 1, reason: `TOML: ${e.message.split('\n')[0]}` }] };
    }
  } else {
    const d = parseDocument(text, { prettyErrors: false });
    if (d.errors.length) return { values: [], bad: [{ line: d.errors[0].linePos?.[0].line ?? 1, reason: `YAML: ${d.errors[0].message.split('\n')[0]}` }] };
    doc = d.toJS({ maxAliasCount: 1000 });
  }
  const values = flatten(doc).map(([path, v]) => configValue(fpr, SURFACE, path, v, lineOf(text, path), secretPath(path)));
  return { values, bad: [] };
}

/** The line of a key's last name in the text (the first occurrence), when it can be found. */
function lineOf(text: string, path: string): number | null {
  const key = path.split('.').pop()!.replace(/\[\d+\]$/, '');
  const i = text.search(new RegExp(`(^|[\\s{,])"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*[:=]`, 'm'));
  return i < 0 ? null : text.slice(0, i + 1).split('\n').length;
}
