// Scale bundle for the benchmark: N nginx access lines (the bundle's custom key=value log_format) and N docker
// json-file gateway lines, written as streams (bounded memory), with the incident shapes of the samples inside:
// a proxy reload followed by 20 s upgrade timeouts, and bursts of webchat 1006 / token_mismatch lines.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, consoleLine, jsonFileRecord, nginxKvLine, nginxErrorLine, at } from './evidence.js';
import { nginxConf } from './deployment.js';

async function writeLines(path: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let buf: string[] = [];
  for (let i = 0; i < n; i++) {
    buf.push(line(i));
    if (buf.length === 8192) {
      if (!out.write(buf.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = [];
    }
  }
  if (buf.length) out.write(buf.join('\n') + '\n');
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

export async function generateScale(dir: string, n: number): Promise<void> {
  mkdirSync(join(dir, 'nginx'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const rng = new Rng(99);
  const t0 = at('2026-10-01T00:00:00Z');
  const span = 28 * 86_400_000;
  const step = span / n;
  const incident = t0 + span * 0.6;
  writeFileSync(join(dir, 'nginx', 'nginx.conf'), nginxConf({ readTimeout: '3600s', sendTimeout: '3600s', upgrade: true, logFormat: 'kv' }));
  const paths = ['/', '/healthz', '/assets/index-Bq3k.js', '/api/status', '/favicon.svg'];
  await writeLines(join(dir, 'logs', 'access.log'), n, (i) => {
    const end = Math.round(t0 + i * step);
    const inIncident = end > incident && end < incident + 3_600_000;
    const ws = rng.next() < (inIncident ? 0.5 : 0.05);
    const rt = ws ? (inIncident ? 20 + rng.next() * 0.05 : rng.int(60, 7200)) : rng.int(1, 80) / 1000;
    const status = ws ? 101 : rng.next() < 0.02 ? 502 : rng.next() < 0.03 ? 404 : 200;
    return nginxKvLine({ endMs: end, remote: `203.0.113.${rng.int(1, 250)}`, method: 'GET', path: ws ? '/' : rng.pick(paths), status, bytes: rng.int(20, 90000), ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      rt, urt: status === 502 ? '0.001, 0.000' : undefined, pid: end < incident ? 29 : 2208, upgrade: ws ? 'websocket' : '' });
  });
  const errs: string[] = [nginxErrorLine(incident - 10_000, 'notice', 1, 'signal 1 (SIGHUP) received from 2207, reconfiguring')];
  for (let t = incident; t < incident + 3_600_000; t += 2_000) errs.push(nginxErrorLine(t, 'info', 2208, 'upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 203.0.113.9, server: claw.example.com, request: "GET / HTTP/1.1", upstream: "http://172.20.0.2:18789/", host: "claw.example.com"'));
  writeFileSync(join(dir, 'logs', 'error.log'), errs.join('\n') + '\n');
  const id = 'f'.repeat(64);
  mkdirSync(join(dir, 'containers', id), { recursive: true });
  await writeLines(join(dir, 'containers', id, `${id}-json.log`), n, (i) => {
    const ms = Math.round(t0 + i * step);
    const inIncident = ms > incident && ms < incident + 3_600_000;
    const r = rng.next();
    const conn = rng.uuid();
    const msg = inIncident && r < 0.4 ? `webchat disconnected code=1006 reason=n/a conn=${conn}`
      : r < 0.05 ? `unauthorized conn=${conn} peer=127.0.0.1:5${rng.int(1000, 9999)}->127.0.0.1:18789 remote=127.0.0.1 client=cli cli v2026.4.12 role=operator scopes=5 auth=token device=yes platform=linux instance=${conn} host=127.0.0.1:18789 origin=n/a ua=n/a reason=token_mismatch`
      : r < 0.3 ? `webchat connected conn=${conn} remote=172.20.0.1 client=openclaw-control-ui webchat v2026.4.12`
      : r < 0.55 ? `webchat disconnected code=1001 reason=n/a conn=${conn}`
      : r < 0.6 ? `closed before connect conn=${conn} peer=172.20.0.1:4${rng.int(1000, 9999)}->172.20.0.2:18789 remote=172.20.0.1 fwd=203.0.113.9 origin=https://claw.example.com host=claw.example.com ua=Mozilla/5.0 (X11; Linux x86_64) code=1008 reason=pairing required`
      : `⇄ res ✗ chat.send ${rng.int(50, 900)}ms errorCode=UNAVAILABLE errorMessage=model busy conn=${conn.slice(0, 8)}…${conn.slice(-4)} id=${conn.slice(9, 17)}…${conn.slice(-4)}`;
    const warn = msg.startsWith('unauthorized') || msg.startsWith('closed');
    return jsonFileRecord(ms, consoleLine(ms, 'ws', msg, warn ? 'warn' : 'info', { ansi: true, zulu: false }), warn ? 'stderr' : 'stdout', i % 1000000);
  });
}
