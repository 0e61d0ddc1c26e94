// docker-compose*.yml: per service the keys that decide the gateway's behaviour (image, environment in map and
// list form, env_file, volumes short and long syntax, ports, healthcheck, network_mode, tty, restart, init, user).
// Parsed with `yaml` (alias expansion bounded, duplicate keys reported).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

const SERVICE_KEYS = ['image', 'environment', 'env_file', 'volumes', 'ports', 'healthcheck', 'network_mode', 'tty', 'restart', 'init', 'user', 'command', 'container_name'];

export interface ComposeResult { values: ConfigValue[]; errors: { line: number; reason: string }[] }

export function composeValues(text: string, fpr: Fingerprinter): ComposeResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? 1, reason: `YAML: ${e.message.split('\n')[0]}` }));
  const values: ConfigValue[] = [];
  if (doc.errors.length) return { values, errors };
  try {
    doc.toJS({ maxAliasCount: 100 }); // refuses alias bombs (billion laughs) before any value is expanded
  } catch (err) {
    return { values, errors: [{ line: 1, reason: `YAML: ${(err as Error).message.split('\n')[0]}` }] };
  }
  const lineOf = (n: Node | null | undefined): number | null => (n?.range ? lc.linePos(n.range[0]).line : null);
  const services = doc.get('services', true);
  if (!isMap(services)) return { values, errors: [{ line: 1, reason: 'no services: mapping' }] };
  for (const pair of services.items) {
    const svc = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const def = pair.value;
    if (!isMap(def)) continue;
    for (const item of def.items) {
      const key = String(isScalar(item.key) ? item.key.value : item.key);
      if (!SERVICE_KEYS.includes(key)) continue;
      const node = item.value as Node | null;
      const base = `services.${svc}.${key}`;
      if (key === 'environment') {
        if (isMap(node)) {
          for (const e of node.items) {
            const k = String(isScalar(e.key) ? e.key.value : e.key);
            const v = isScalar(e.value) ? e.value.value : null;
            values.push(configValue(fpr, 'compose', `${base}.${k}`, v === null ? '' : v, lineOf(e.key as Node)));
          }
        } else if (isSeq(node)) {
          for (const e of node.items) {
            const s = String(isScalar(e) ? e.value : '');
            const eq = s.indexOf('=');
            const k = eq < 0 ? s : s.slice(0, eq);
            values.push(configValue(fpr, 'compose', `${base}.${k}`, eq < 0 ? null : s.slice(eq + 1), lineOf(e as Node)));
          }
        }
      } else if (key === 'volumes' && isSeq(node)) {
        node.items.forEach((e, i) => {
          let spec: string;
          if (isScalar(e)) spec = String(e.value);
          else {
            const o = (e as Node).toJSON() as Record<string, unknown>;
            spec = `${o.source ?? ''}:${o.target ?? ''}${o.read_only ? ':ro' : ''}${o.type ? ` (${String(o.type)})` : ''}`;
          }
          values.push(configValue(fpr, 'compose', `${base}[${i}]`, spec, lineOf(e as Node), false));
        });
      } else if (key === 'healthcheck' && isMap(node)) {
        for (const h of node.items) {
          const hk = String(isScalar(h.key) ? h.key.value : h.key);
          const hv = (h.value as Node | null)?.toJSON();
          values.push(configValue(fpr, 'compose', `${base}.${hk}`, hv, lineOf(h.key as Node), false));
        }
      } else {
        values.push(configValue(fpr, 'compose', base, node ? (node as Node).toJSON() : null, lineOf(item.key as Node), false));
      }
    }
  }
  return { values, errors };
}
