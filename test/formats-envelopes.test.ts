// Envelope, then payload: a proxy's output inside a container's log (the real json-file and `docker logs -t` lines of
// gen:format-samples, placed where a bundle keeps them) goes to the proxy tables tied to that container, never to the
// gateway's events; a compose log mixing the gateway and Caddy is split by container; WebSocket closes the proxies
// logged (Caddy's status 0, HAProxy's tunnel timeout) reach ws_closes; a line no format claims is a reject.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../lib/paths.js';
import { ingestCase, writeTree } from './helpers.js';

const real = (folder: string): { line: string; format?: string; table: string }[] =>
  readFileSync(fromRoot('ingest', 'formats', folder, 'samples.real.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const linesOf = (folder: string, format: string): string => real(folder).filter((s) => s.format === format).map((s) => s.line).join('\n') + '\n';

type Row = Record<string, unknown>;
async function ingestTree(files: Record<string, string>): Promise<{ q: (sql: string) => Promise<Row[]>; close: () => void }> {
  const { store } = await ingestCase([writeTree(files)]);
  return { q: (sql) => store.all(sql), close: () => store.close() };
}

describe('a proxy inside a container', () => {
  const id = 'ab'.repeat(32);
  it("HAProxy's docker logs -t and Caddy's json-file land in the proxy tables, tied to their containers", async () => {
    const { q, close } = await ingestTree({
      [`logs/openclaw_haproxy_1-${id.slice(0, 12)}.log`]: linesOf('docker-logs', 'docker-logs+haproxy'),
      [`containers/${id}/${id}-json.log`]: linesOf('docker-json-file', 'docker-json-file+caddy-json'),
    });
    const sources = await q(`SELECT regexp_replace(path, '.*/', '') AS file, kind, format, rejected_lines::INTEGER AS rejected FROM sources ORDER BY path`);
    expect(sources).toEqual([
      { file: `${id}-json.log`, kind: 'proxy-access', format: 'docker-json-file+caddy-json', rejected: 0 },
      { file: `openclaw_haproxy_1-${id.slice(0, 12)}.log`, kind: 'proxy-access', format: 'docker-logs+haproxy', rejected: 0 },
    ]);
    const by = await q(`SELECT proxy, container, count(*)::INTEGER AS n, bool_and(NOT tz_assumed) AS stated FROM proxy_requests GROUP BY ALL ORDER BY proxy`);
    expect(by).toEqual([
      { proxy: 'caddy', container: id.slice(0, 12), n: 4, stated: true },
      // HAProxy's accept date has no zone: the docker stamp (UTC) is the line's instant
      { proxy: 'haproxy', container: id.slice(0, 12), n: 4, stated: true },
    ]);
    expect(await q(`SELECT count(*)::INTEGER AS n FROM gateway_events`)).toEqual([{ n: 0 }]);
    close();
  });

  it('nginx writes its access log to stdout and its error log to stderr of one container: each line goes to its own table', async () => {
    const { q, close } = await ingestTree({ [`containers/${id}/${id}-json.log`]: linesOf('docker-json-file', 'docker-json-file+nginx-access:combined+nginx-error') });
    expect(await q(`SELECT format, rejected_lines::INTEGER AS rejected FROM sources`)).toEqual([{ format: 'docker-json-file+nginx-access:combined+nginx-error', rejected: 0 }]);
    expect(await q(`SELECT count(*)::INTEGER AS n FROM proxy_requests WHERE container = '${id.slice(0, 12)}'`)).toEqual([{ n: 4 }]);
    expect(await q(`SELECT kind, end_reason, container FROM proxy_errors`)).toEqual([{ kind: 'upstream-timeout', end_reason: 'server-timeout', container: id.slice(0, 12) }]);
    close();
  });

  it('a compose log mixing the gateway and Caddy is split by container; a line no format claims is a reject with its reason', async () => {
    const caddy = real('docker-logs').filter((s) => s.format === 'docker-logs+caddy-json').map((s) => s.line.replace(/^(\S+) /, 'caddy-1  | $1 '));
    const text = [
      'openclaw-gateway-1  | 2026-02-27T00:45:49.947231865Z 2026-02-27T00:45:49.947+00:00 [ws] webchat disconnected code=1006 reason=n/a conn=676fc4da-db35-4630-9a77-c0fd70482c14',
      ...caddy,
      'caddy-1  | 2026-02-27T00:46:00.000000000Z this is not a Caddy record',
    ].join('\n') + '\n';
    const { q, close } = await ingestTree({ 'compose-logs.txt': text });
    const [src] = await q(`SELECT kind, format, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed, rejected_lines::INTEGER AS rejected FROM sources`);
    expect(src).toEqual({ kind: 'gateway-log', format: 'docker-logs+caddy-json', total: caddy.length + 2, parsed: caddy.length + 1, rejected: 1 });
    expect(await q(`SELECT line_no::INTEGER AS line, reason FROM rejects`)).toEqual([{ line: caddy.length + 2, reason: 'not a JSON record' }]);
    expect(await q(`SELECT container, event FROM gateway_events`)).toEqual([{ container: 'openclaw-gateway-1', event: 'disconnected' }]);
    expect((await q(`SELECT DISTINCT container FROM proxy_requests UNION SELECT DISTINCT container FROM proxy_errors`)).map((r) => r.container)).toEqual(['caddy-1']);
    close();
  });
});

describe('WebSocket closes the proxies logged', () => {
  it("ws_closes sees Caddy's status-0 tunnel lines and HAProxy's; a tunnel timeout or a hard stop is a 1006 at the client", async () => {
    const caddy = real('caddy-json').filter((s) => s.line.includes('/ws/caddy')).map((s) => s.line);
    const haproxy = real('haproxy').filter((s) => s.line.includes('/ws/haproxy')).map((s) => s.line);
    const { q, close } = await ingestTree({ 'caddy/access.log': caddy.join('\n') + '\n', 'haproxy/haproxy.log': haproxy.join('\n') + '\n' });
    const closes = await q(`SELECT how, code::INTEGER AS code FROM ws_closes WHERE seen_by = 'proxy' ORDER BY how`);
    expect(closes).toEqual([
      { how: 'caddy 0', code: null },
      { how: 'haproxy 101 K---', code: 1006 },
      { how: 'haproxy 101 cD--', code: 1006 },
    ]);
    close();
  });
});

describe('--format ENVELOPE+PAYLOAD', () => {
  it('forces both steps; a payload that is not one, or an envelope that is not one, is a clear error', async () => {
    const dir = writeTree({ 'h.log': linesOf('docker-logs', 'docker-logs+haproxy') });
    const { store } = await ingestCase([dir], { format: 'docker-logs+haproxy' });
    expect(await store.all(`SELECT format, rejected_lines::INTEGER AS rejected FROM sources`)).toEqual([{ format: 'docker-logs+haproxy', rejected: 0 }]);
    store.close();
    await expect(ingestCase([dir], { format: 'haproxy+caddy-json' })).rejects.toThrow(/haproxy is not an envelope/);
    await expect(ingestCase([dir], { format: 'docker-logs+journald' })).rejects.toThrow(/journald is not a payload format/);
  });
});
