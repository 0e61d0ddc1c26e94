// Caddy's JSON config (what `caddy adapt` makes of a Caddyfile, what the admin API loads, autosave.json): every leaf
// under its dotted path, and the same summary keys the Caddyfile gives — the reverse_proxy upstreams, stream_timeout,
// stream_close_delay (absent: streams close at once on a reload).
import type { Fingerprinter } from '../../case/secrets.js';
import { isSecretName } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';
import { flatten } from './flatten.js';

const SURFACE = 'caddy.json';

export function caddyJsonValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const doc = JSON.parse(text) as unknown;
  const leaves = flatten(doc);
  const out = leaves.map(([path, v]) => configValue(fpr, SURFACE, path, v, null, isSecretName(path.split('.').pop()!.replace(/\[\d+\]$/, ''))));
  // the reverse_proxy handlers wherever the routes nest them
  const proxies = leaves.filter(([p, v]) => p.endsWith('.handler') && v === 'reverse_proxy').map(([p]) => p.slice(0, -'.handler'.length));
  proxies.forEach((h, n) => {
    const dials = leaves.filter(([p]) => p.startsWith(`${h}.upstreams[`) && p.endsWith('.dial')).map(([, v]) => String(v));
    out.push(configValue(fpr, SURFACE, `reverse_proxy[${n}]`, dials.join(' '), null, false));
    for (const k of ['stream_timeout', 'stream_close_delay', 'flush_interval']) {
      const v = leaves.find(([p]) => p === `${h}.${k}`);
      if (v) out.push(configValue(fpr, SURFACE, `reverse_proxy[${n}].${k}`, v[1], null, false));
    }
    if (!leaves.some(([p]) => p === `${h}.stream_close_delay`)) out.push(configValue(fpr, SURFACE, `reverse_proxy[${n}].stream_close_delay`, '0 (default: streams close on reload)', null, false));
  });
  return out;
}
