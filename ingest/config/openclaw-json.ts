// openclaw.json (and its .last-good / .bak* copies): the gateway keys of reference §3.2 flattened into
// config values; token and password values become fingerprints with their form (string, ${VAR}, SecretRef,
// redaction sentinel).
import type { Fingerprinter } from '../../case/secrets.js';
import { parseJson5 } from './json5.js';
import { configValue, lineAt, type ConfigValue } from './values.js';

const SECTIONS = ['gateway', 'meta', 'logging', 'env', 'commands'];

function locate(text: string, path: string[]): number | null {
  let pos = 0;
  for (const seg of path) {
    const re = new RegExp(`["']?${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'g');
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    pos = m.index + m[0].length;
  }
  return lineAt(text, pos);
}

export function openclawValues(text: string, fpr: Fingerprinter, surface = 'openclaw.json'): ConfigValue[] {
  const doc = parseJson5(text);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('openclaw.json is not a JSON object');
  const out: ConfigValue[] = [];
  const walk = (v: unknown, path: string[]): void => {
    const key = path.join('.');
    const last = path[path.length - 1];
    const secretLeaf = /token|password|secret/i.test(last) && !/fingerprint|hint|path|file|mode/i.test(last);
    if (secretLeaf || v === null || typeof v !== 'object' || Array.isArray(v)) {
      out.push(configValue(fpr, surface, key, v, locate(text, path), secretLeaf));
      return;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, [...path, k]);
  };
  for (const s of SECTIONS) {
    const section = (doc as Record<string, unknown>)[s];
    if (section !== undefined) walk(section, [s]);
  }
  return out;
}
