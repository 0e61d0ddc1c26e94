// haproxy.cfg: what decides whether WebSockets survive HAProxy — every timeout (tunnel, client, server, connect,
// client-fin, hard-stop-after), the log format, the frontends and their backends, the servers and their health checks.
// Keys are `<section>.<directive>`: `defaults.timeout.tunnel`, `backend:be.server.gw1`, `global.hard-stop-after`. A
// timeout set in `defaults` also applies to every later proxy section that does not set its own (HAProxy's rule), so
// `effective:<proxy>.timeout.<name>` says what each frontend and backend really ran with.
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

const SURFACE = 'haproxy.cfg';
const SECTION = /^(global|defaults|frontend|backend|listen|userlist|peers|resolvers|program|mailers|cache|http-errors|ring)\b\s*(\S*)/;
// the directives kept as values (the rest of a section is not WebSocket-relevant)
const KEPT = /^(timeout|log|log-format|error-log-format|option|mode|bind|default_backend|use_backend|server|default-server|http-check|hard-stop-after|maxconn|balance|capture|http-reuse|retries|nbthread|stats)$/;
const PROXY_TIMEOUTS = ['client', 'server', 'connect', 'tunnel', 'client-fin', 'server-fin', 'http-request', 'http-keep-alive', 'queue', 'check'];

/** A config line's words, with quotes and backslash escapes read as HAProxy reads them; comments dropped. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; started = true; }
    else if (c === '\\' && i + 1 < line.length) { cur += line[++i]; started = true; }
    else if (c === '#') break;
    else if (/\s/.test(c)) { if (started) out.push(cur); cur = ''; started = false; }
    else { cur += c; started = true; }
  }
  if (started) out.push(cur);
  return out;
}

export function haproxyValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const out: ConfigValue[] = [];
  let section = '';
  let kind = '';
  let defaults: Record<string, { value: string; line: number }> = {};
  let own: Record<string, { value: string; line: number }> = {};
  const counts = new Map<string, number>();
  const closeSection = (): void => {
    // a proxy section runs with its own timeouts, else those of the defaults section above it
    if (['frontend', 'backend', 'listen'].includes(kind)) {
      for (const t of PROXY_TIMEOUTS) {
        const v = own[t] ?? defaults[t];
        if (v) out.push(configValue(fpr, SURFACE, `effective:${section.slice(section.indexOf(':') + 1)}.timeout.${t}`, v.value, v.line, false));
      }
    }
    if (kind === 'defaults') defaults = { ...defaults, ...own };
    own = {};
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const w = words(raw);
    if (w.length === 0) return;
    const sec = SECTION.exec(raw.trim());
    if (sec && !/^\s/.test(raw)) {
      closeSection();
      kind = sec[1];
      section = sec[2] && kind !== 'global' && kind !== 'defaults' ? `${kind}:${sec[2]}` : kind;
      return;
    }
    const [name, ...args] = w;
    if (kind === 'userlist' && (name === 'user' || name === 'group')) {
      // passwords never in clear
      const pw = args.findIndex((a) => a === 'password' || a === 'insecure-password');
      if (pw >= 0) out.push(configValue(fpr, SURFACE, `${section}.user.${args[0]}.password`, args[pw + 1] ?? '', line, true));
      return;
    }
    if (!KEPT.test(name)) return;
    const at = (k: string): string => {
      const n = counts.get(k) ?? 0;
      counts.set(k, n + 1);
      return `${k}[${n}]`;
    };
    const prefix = section || 'global';
    if (name === 'timeout' && args[0]) {
      own[args[0]] = { value: args.slice(1).join(' '), line };
      out.push(configValue(fpr, SURFACE, `${prefix}.timeout.${args[0]}`, args.slice(1).join(' '), line, false));
    } else if (name === 'stats' && args[0] === 'auth') out.push(configValue(fpr, SURFACE, `${prefix}.stats.auth`, args[1] ?? '', line, true));
    else if (name === 'server') out.push(configValue(fpr, SURFACE, `${prefix}.server.${args[0]}`, args.slice(1).join(' '), line, false));
    else if (name === 'option') out.push(configValue(fpr, SURFACE, `${prefix}.option.${args[0]}`, args.slice(1).join(' ') || 'on', line, false));
    else if (['bind', 'log', 'use_backend', 'capture', 'http-check'].includes(name)) out.push(configValue(fpr, SURFACE, at(`${prefix}.${name}`), args.join(' '), line, false));
    else out.push(configValue(fpr, SURFACE, `${prefix}.${name}`, args.join(' '), line, false));
  });
  closeSection();
  return out;
}
