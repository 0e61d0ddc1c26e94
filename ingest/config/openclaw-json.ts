// openclaw.json (and its .last-good / .bak* copies): the gateway keys of reference §3.2 flattened into
// config values; token and password values become fingerprints with their form (string, ${VAR}, SecretRef,
// redaction sentinel).
import { isSecretName, type Fingerprinter } from '../../case/secrets.js';
import { json5ToJson, keyLines } from './json5.js';
import { configValue, type ConfigValue } from './values.js';

const SECTIONS = ['gateway', 'meta', 'logging', 'env', 'commands'];

export function openclawValues(text: string, fpr: Fingerprinter, surface = 'openclaw.json'): ConfigValue[] {
  const json = json5ToJson(text.replace(/^\uFEFF/, ''));
  const doc = JSON.parse(json) as unknown;
  const lines = keyLines(json);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('openclaw.json is not a JSON object');
  const out: ConfigValue[] = [];
  const walk = (v: unknown, path: string[]): void => {
    const key = path.join('.');
    const last = path[path.length - 1];
    // a secret-named key is a leaf unless it holds a plain object (gateway.auth: walked; a SecretRef {source, id}: a leaf)
    const plainObject = v !== null && typeof v === 'object' && !Array.isArray(v) && !('source' in v && 'id' in v);
    const secretLeaf = isSecretName(last) && !plainObject && typeof v !== 'boolean';
    if (secretLeaf || v === null || typeof v !== 'object' || Array.isArray(v)) {
      out.push(configValue(fpr, surface, key, v, lines.get(path.join('\0')) ?? null, secretLeaf));
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
