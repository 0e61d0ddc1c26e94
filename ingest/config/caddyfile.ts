// Caddyfile: what decides whether WebSockets survive Caddy — the reverse_proxy upstreams, and the stream and
// transport timeouts (a config reload closes upgraded streams at once unless stream_close_delay is set).
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

// reverse_proxy's stream and transport settings, its health checks and load balancing, and the servers' own timeouts
// (global `servers { timeouts { … } }`)
const DIRECTIVES = ['stream_timeout', 'stream_close_delay', 'flush_interval', 'read_timeout', 'write_timeout', 'dial_timeout', 'keepalive',
  'lb_policy', 'health_uri', 'health_interval', 'health_timeout', 'fail_duration', 'idle', 'read_header', 'read_body', 'write'];

export function caddyValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const out: ConfigValue[] = [];
  let upstreams = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const words = line.split(/\s+/).filter(Boolean);
    if (words.length < 2) return;
    const [name, ...args] = words;
    const arg = args.filter((a) => a !== '{').join(' ');
    // `reverse_proxy a b` or `reverse_proxy {` with its upstreams on a `to` line
    if ((name === 'reverse_proxy' && arg) || name === 'to') out.push(configValue(fpr, 'caddyfile', `reverse_proxy[${upstreams++}]`, arg, i + 1, false));
    else if (DIRECTIVES.includes(name)) out.push(configValue(fpr, 'caddyfile', name, arg, i + 1, false));
  });
  if (!out.some((o) => o.key === 'stream_close_delay') && upstreams > 0) out.push(configValue(fpr, 'caddyfile', 'stream_close_delay', '0 (default: streams close on reload)', null, false));
  return out;
}
