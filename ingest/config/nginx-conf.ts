// nginx.conf: the directives that decide whether WebSockets survive the proxy (timeouts, Upgrade/Connection
// forwarding, HTTP/1.1 upstream, keepalive, worker_shutdown_timeout, listen/TLS). Read as nginx reads it: statements
// end at `;` or open a block at `{`, whatever the line layout; quotes and comments are respected.
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

const DIRECTIVES = ['proxy_read_timeout', 'proxy_send_timeout', 'proxy_connect_timeout', 'proxy_http_version', 'keepalive_timeout',
  'worker_shutdown_timeout', 'proxy_buffering'];
// an included file is read as its own file of the bundle (never followed from here): the include says where it sits
const LISTED = ['listen', 'proxy_pass', 'access_log', 'error_log', 'ssl_certificate', 'include'];

export interface NginxStatement { words: string[]; line: number }

/** Splits an nginx config into statements (directive + arguments) with the line each starts on. */
export function nginxStatements(text: string): NginxStatement[] {
  const out: NginxStatement[] = [];
  let words: string[] = [];
  let word = '';
  let line = 1;
  let startLine = 1;
  const push = (): void => {
    if (word) {
      if (words.length === 0) startLine = line;
      words.push(word);
      word = '';
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === '#' && !word) {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      const body = text.slice(i + 1, end < 0 ? text.length : end);
      if (words.length === 0 && !word) startLine = line;
      line += (body.match(/\n/g) ?? []).length;
      word += body;
      i = end < 0 ? text.length : end;
      continue;
    }
    if (/\s/.test(c)) push();
    else if (c === ';' || c === '{') {
      push();
      if (words.length) out.push({ words, line: startLine });
      words = [];
    } else if (c === '}') {
      push();
      words = [];
    } else word += c;
  }
  return out;
}

export function nginxValues(text: string, fpr: Fingerprinter): ConfigValue[] {
  const out: ConfigValue[] = [];
  let upgrade = false;
  let connection = false;
  const count = new Map<string, number>();
  for (const { words, line } of nginxStatements(text)) {
    const [name, ...args] = words;
    const arg = args.join(' ');
    if (DIRECTIVES.includes(name)) out.push(configValue(fpr, 'nginx.conf', name, arg, line, false));
    if (LISTED.includes(name)) {
      const n = count.get(name) ?? 0;
      count.set(name, n + 1);
      out.push(configValue(fpr, 'nginx.conf', `${name}[${n}]`, arg, line, false));
    }
    if (name === 'proxy_set_header' && /^upgrade$/i.test(args[0] ?? '')) {
      upgrade = /\$http_upgrade/.test(arg);
      out.push(configValue(fpr, 'nginx.conf', 'proxy_set_header.Upgrade', arg, line, false));
    }
    if (name === 'proxy_set_header' && /^connection$/i.test(args[0] ?? '')) {
      connection = /upgrade/i.test(args.slice(1).join(' '));
      out.push(configValue(fpr, 'nginx.conf', 'proxy_set_header.Connection', arg, line, false));
    }
  }
  out.push(configValue(fpr, 'nginx.conf', 'forwards_upgrade', String(upgrade && connection), null, false));
  if (!out.some((o) => o.key === 'proxy_read_timeout')) out.push(configValue(fpr, 'nginx.conf', 'proxy_read_timeout', '60s (default)', null, false));
  return out;
}
