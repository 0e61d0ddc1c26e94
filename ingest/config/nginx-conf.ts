// nginx.conf: the directives that decide whether WebSockets survive the proxy (timeouts, Upgrade/Connection
// forwarding, HTTP/1.1 upstream, keepalive, worker_shutdown_timeout, listen/TLS, log formats).
import type { Fingerprinter } from '../../lib/secrets.js';
import { configValue, type ConfigValue } from './values.js';

const DIRECTIVES = ['proxy_read_timeout', 'proxy_send_timeout', 'proxy_connect_timeout', 'proxy_http_version', 'keepalive_timeout',
  'worker_shutdown_timeout', 'listen', 'ssl_certificate', 'proxy_pass', 'access_log', 'error_log', 'proxy_buffering'];

export function nginxValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const out: ConfigValue[] = [];
  const lines = text.split('\n');
  let upgrade = false;
  let connection = false;
  lines.forEach((raw, i) => {
    const l = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!l) return;
    const m = /^([a-z_0-9]+)\s+([^;{]*)[;{]?/.exec(l);
    if (!m) return;
    const [, name, arg] = m;
    if (DIRECTIVES.includes(name)) {
      const key = name === 'listen' || name === 'proxy_pass' || name === 'access_log' ? `${name}[${out.filter((o) => o.key.startsWith(name)).length}]` : name;
      out.push(configValue(fpr, 'nginx.conf', key, arg.trim(), i + 1, false));
    }
    if (name === 'proxy_set_header') {
      if (/^Upgrade\s+\$http_upgrade/i.test(arg)) {
        upgrade = true;
        out.push(configValue(fpr, 'nginx.conf', 'proxy_set_header.Upgrade', arg.trim(), i + 1, false));
      }
      if (/^Connection\s+/i.test(arg)) {
        connection = true;
        out.push(configValue(fpr, 'nginx.conf', 'proxy_set_header.Connection', arg.trim(), i + 1, false));
      }
    }
  });
  out.push(configValue(fpr, 'nginx.conf', 'forwards_upgrade', String(upgrade && connection), null, false));
  if (!out.some((o) => o.key === 'proxy_read_timeout')) out.push(configValue(fpr, 'nginx.conf', 'proxy_read_timeout', '60s (default)', null, false));
  return out;
}

/** nginx time strings ("3600s", "1h", "500ms", "60") in seconds. */
export function nginxSeconds(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2] ?? 's'];
}
