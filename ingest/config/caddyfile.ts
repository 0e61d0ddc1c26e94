// Caddyfile: what decides whether WebSockets survive Caddy — the reverse_proxy upstreams, and the stream and
// transport timeouts (a config reload closes upgraded streams at once unless stream_close_delay is set).
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

const DIRECTIVES = ['stream_timeout', 'stream_close_delay', 'flush_interval', 'read_timeout', 'write_timeout', 'dial_timeout', 'keepalive'];

export function caddyValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const out: ConfigValue[] = [];
  let upstreams = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const words = line.split(/\s+/).filter(Boolean);
    if (words.length < 2) return;
    const [name, ...args] = words;
    const arg = args.filter((a) => a !== '{').join(' ');
    if (name === 'reverse_proxy') out.push(configValue(fpr, 'caddyfile', `reverse_proxy[${upstreams++}]`, arg, i + 1, false));
    else if (DIRECTIVES.includes(name)) out.push(configValue(fpr, 'caddyfile', name, arg, i + 1, false));
  });
  if (!out.some((o) => o.key === 'stream_close_delay') && upstreams > 0) out.push(configValue(fpr, 'caddyfile', 'stream_close_delay', '0 (default: streams close on reload)', null, false));
  return out;
}
