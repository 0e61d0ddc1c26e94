// The hostile-input corpus: each case is evidence from a broken system or an attacker, and the behaviour it must show.
// Every case also checks the invariants: no crash, parsed + rejected = total for every source, no raw terminal escape
// in what the CLI prints.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkfifoSync } from './fifo.js';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Store } from '../case/store.js';
import { CLI, ESC, ingestCase, runCli, tempDir, writeTree } from './helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

type Src = { path: string; kind: string; format: string; status: string; note: string | null; total: number; parsed: number; rejected: number; tz: string };
async function run(files: Record<string, string | Buffer>, opts = {}, prepare?: (dir: string) => void) {
  const dir = writeTree(files);
  prepare?.(dir);
  const { store, result } = await ingestCase([dir], opts);
  const sources = await store.all<Src>(`SELECT path, kind, format, status, note, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed,
      rejected_lines::INTEGER AS rejected, tz FROM sources ORDER BY source_id`);
  const rejects = await store.all<{ path: string; line: number; reason: string; raw: string }>(`SELECT s.path, r.line_no::INTEGER AS line, r.reason, r.raw FROM rejects r JOIN sources s USING (source_id) ORDER BY r.source_id, r.line_no`);
  for (const s of sources) if (s.status !== 'duplicate') expect(s.parsed + s.rejected, `accounting of ${s.path}`).toBe(s.total);
  return { dir, store, result, sources, rejects, src: (name: string) => sources.find((s) => s.path.endsWith(name))! };
}

const GW = (i: number, msg = 'webchat disconnected code=1001 reason=n/a') => `2026-05-01T10:00:${String(i % 60).padStart(2, '0')}.000Z [ws] ${msg} conn=${String(i).padStart(8, '0')}-0000-4000-a000-000000000000`;
const ACCESS = (i: number, ua = 'Mozilla/5.0') => `192.0.2.${i % 250} - - [01/May/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /p${i} HTTP/1.1" 200 612 "-" "${ua}"`;
const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

describe('compression', () => {
  it('1. a truncated .gz keeps what was readable and says the file is damaged', async () => {
    const gz = gzipSync(lines(2000, (i) => ACCESS(i)));
    const { src } = await run({ 'access.log.gz': gz.subarray(0, Math.floor(gz.length * 0.6)) });
    const s = src('access.log.gz');
    expect(s.status).toBe('partial');
    expect(s.note).toMatch(/corrupt or truncated gzip/);
    expect(s.parsed).toBeGreaterThan(100);
  });
  it('2. a corrupt .gz (garbage after the magic bytes) is reported, not fatal', async () => {
    const { src } = await run({ 'x.log.gz': Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip at all, just garbage bytes'.repeat(10))]) });
    expect(src('x.log.gz').note).toMatch(/corrupt or truncated gzip/);
  });
  it('3. a gzip bomb is bounded and reported', async () => {
    const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024, 0x61), { level: 9 });
    expect(bomb.length).toBeLessThan(400_000);
    const t0 = Date.now();
    const { src } = await run({ 'bomb.log.gz': bomb });
    expect(src('bomb.log.gz').note).toMatch(/gzip bombs/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);
  it('4. gzip is detected by content, whatever the name', async () => {
    const { src } = await run({ 'access-log': gzipSync(lines(3, (i) => ACCESS(i))) });
    expect(src('access-log')).toMatchObject({ format: 'nginx-access:combined', parsed: 3 });
  });
});

describe('bytes that are not text', () => {
  it('5. binary garbage is skipped, with the reason, never parsed', async () => {
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const { src, result } = await run({ 'core.dump': bin });
    expect(src('core.dump')).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^binary content/) });
    expect(result.skipped).toEqual([{ path: expect.stringMatching(/core\.dump$/), reason: expect.stringMatching(/^binary content/) }]);
  });
  it('6. invalid UTF-8 inside a gateway log: the line is rejected, its neighbours are read', async () => {
    const text = Buffer.concat([Buffer.from(GW(1) + '\n'), Buffer.from('2026-05-01T10:00:02.000Z [ws] bad \xff\xfe bytes\n', 'latin1'), Buffer.from(GW(3) + '\n')]);
    const { src, rejects } = await run({ 'gw.log': text });
    expect(src('gw.log')).toMatchObject({ total: 3, parsed: 2, rejected: 1 });
    expect(rejects[0]).toMatchObject({ line: 2, reason: 'binary or invalid UTF-8 content in a text log line' });
  });
  it('7. a NUL byte does not stop the reader: it becomes U+FFFD and the file says so', async () => {
    const { src, store } = await run({ 'access.log': ACCESS(1) + '\n' + ACCESS(2).replace('GET', 'G\0T') + '\n' + ACCESS(3) + '\n' });
    expect(src('access.log')).toMatchObject({ total: 3, parsed: 3, rejected: 0 });
    expect(src('access.log').note).toContain('replaced by U+FFFD');
    expect((await store.all<{ m: string }>('SELECT method AS m FROM proxy_requests ORDER BY line_no')).map((r) => r.m)).toEqual(['GET', 'G\uFFFDT', 'GET']);
  });
  it('8. lines of more than 1 MB are read (and cut when cited)', async () => {
    const big = GW(1, 'other ' + 'x'.repeat(1_500_000));
    const { src, store } = await run({ 'gw.log': big + '\n' + GW(2) + '\n' });
    expect(src('gw.log')).toMatchObject({ total: 2, parsed: 2 });
    const n = await store.one<{ n: number }>('SELECT max(length(message))::INTEGER AS n FROM gateway_events');
    expect(n!.n).toBeGreaterThan(1_500_000);
  });
  it('9. CRLF line ends and a BOM are taken off', async () => {
    const { src, store } = await run({ 'access.log': '\uFEFF' + lines(3, (i) => ACCESS(i)).replace(/\n/g, '\r\n') });
    expect(src('access.log')).toMatchObject({ total: 3, parsed: 3, rejected: 0 });
    expect((await store.all('SELECT user_agent FROM proxy_requests')).every((r) => r.user_agent === 'Mozilla/5.0')).toBe(true);
  });
  it('10. an empty file is reported as empty, not as a failure', async () => {
    const { src } = await run({ 'empty.log': '' });
    expect(src('empty.log')).toMatchObject({ status: 'empty', total: 0 });
  });
});

describe('time', () => {
  it('11. a log with no timestamps: read, instants unknown, zone none', async () => {
    const { src, store } = await run({ 'client.txt': '03:30:04 [gateway] listening on ws://127.0.0.1:18789 (PID 1)\n03:30:05 [ws] webchat connected conn=x remote=1.2.3.4 client=c webchat v1\n' });
    expect(src('client.txt')).toMatchObject({ parsed: 2, tz: 'none' });
    expect((await store.one<{ n: number }>('SELECT count(ts)::INTEGER AS n FROM gateway_events'))!.n).toBe(0);
  });
  it('12. unzoned stamps use --tz and are marked assumed', async () => {
    const { src, store } = await run({ 'error.log': '2026/05/01 10:00:00 [notice] 1#1: signal 1 (SIGHUP) received from 9, reconfiguring\n' }, { tz: 'America/New_York' });
    expect(src('error.log').tz).toBe('assumed:America/New_York');
    expect((await store.one<{ t: string }>(`SELECT strftime(ts, '%H:%M') AS t FROM proxy_errors`))!.t).toBe('14:00');
  });
  it('13. timestamps going backwards are kept in file order with their own instants', async () => {
    const { store } = await run({ 'gw.log': [GW(30), GW(10), GW(20)].join('\n') + '\n' });
    const r = await store.all<{ line: number; s: string }>(`SELECT line_no::INTEGER AS line, strftime(ts, '%S') AS s FROM gateway_events ORDER BY line_no`);
    expect(r.map((x) => x.s)).toEqual(['30', '10', '20']);
  });
});

describe('the same evidence twice', () => {
  it('14. duplicate files under two names are read once and the copy is named', async () => {
    const body = lines(5, (i) => ACCESS(i));
    const { src, store } = await run({ 'a/access.log': body, 'b/access-copy.log': body });
    expect(src('access-copy.log')).toMatchObject({ status: 'duplicate' });
    expect(src('access-copy.log').note).toContain('same content as');
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(5);
  });
  it('15. the same files ingested twice leave the same rows', async () => {
    const dir = writeTree({ 'access.log': lines(5, (i) => ACCESS(i)), 'gw.log': lines(4, (i) => GW(i)) });
    const db = join(tempDir(), 'case.duckdb');
    const { store } = await ingestCase([dir], {}, db);
    const count = async (s: Store) => (await s.one<{ n: number }>('SELECT (SELECT count(*) FROM proxy_requests) + (SELECT count(*) FROM gateway_events) + (SELECT count(*) FROM sources) AS n'))!.n;
    const first = await count(store);
    store.close();
    const again = await ingestCase([dir], {}, db);
    expect(await count(again.store)).toBe(first);
    again.store.close();
  });
  it('16. a log rotated mid-line: the two halves are rejected, everything else is read', async () => {
    const full = ACCESS(9);
    const { src, rejects } = await run({ 'access.log.1': lines(3, (i) => ACCESS(i)) + full.slice(0, 30), 'access.log': full.slice(30) + '\n' + lines(2, (i) => ACCESS(i + 10)) });
    expect(src('access.log.1')).toMatchObject({ parsed: 3, rejected: 1 });
    expect(src('access.log')).toMatchObject({ parsed: 2, rejected: 1 });
    expect(rejects.map((r) => r.line)).toEqual([4, 1]);
  });
  it('17. docker json-file lines cut in the middle are rejected with their line', async () => {
    const rec = (i: number) => JSON.stringify({ log: GW(i) + '\n', stream: 'stdout', time: `2026-05-01T10:00:0${i}.000000000Z` });
    const { src, rejects } = await run({ 'c-json.log': rec(1) + '\n' + rec(2).slice(0, 40) + '\n' + rec(3) + '\n' });
    expect(src('c-json.log')).toMatchObject({ parsed: 2, rejected: 1 });
    expect(rejects[0]).toMatchObject({ line: 2, reason: 'not a JSON record (json-file line cut or corrupt)' });
  });
});

describe('docker state', () => {
  it('18. truncated docker inspect JSON is rejected whole with its error line', async () => {
    const { src, rejects } = await run({ 'inspect.json': '[\n  {\n    "Id": "abc",\n    "State": {"Status": "run' });
    expect(src('inspect.json')).toMatchObject({ kind: 'docker-inspect', parsed: 0, rejected: 4 });
    expect(rejects[0].reason).toMatch(/^docker-inspect: /);
  });
  it('19. an inspect object instead of an array is read, with a note', async () => {
    const { src, store } = await run({ 'inspect.json': JSON.stringify({ Id: 'a'.repeat(64), Name: '/x', State: { Status: 'running' }, HostConfig: {}, Config: { Env: [] } }) });
    expect(src('inspect.json').note).toContain('object instead of the array');
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM containers'))!.n).toBe(1);
  });
  it('20. inspect entries with missing fields are read as far as they go', async () => {
    const { store } = await run({ 'inspect.json': JSON.stringify([{ Id: 'b'.repeat(64), State: {}, Mounts: null }, { nothing: true }]) });
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM containers'))!.n).toBe(1);
  });
  it('21. events from old and new Engine versions, JSON and text, mixed in one folder', async () => {
    const { store } = await run({
      'new.jsonl': JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: 'a1', Attributes: { exitCode: '137', name: 'n' } }, time: 1777000000, timeNano: 1777000000000000000 }) + '\n',
      'old.jsonl': JSON.stringify({ status: 'start', id: 'a1', from: 'img', Type: 'container', Action: 'start', Actor: { ID: 'a1', Attributes: { name: 'n' } }, time: 1777000001 }) + '\n',
      'text.log': '2026-04-24T03:06:42.000000000Z container health_status: unhealthy a1 (image=img, name=n)\n',
    });
    const r = await store.all<{ action: string; detail: string | null; code: number | null }>(`SELECT action, action_detail AS detail, exit_code::INTEGER AS code FROM docker_events ORDER BY ts`);
    expect(r).toEqual([{ action: 'die', detail: null, code: 137 }, { action: 'start', detail: null, code: null }, { action: 'health_status', detail: 'unhealthy', code: null }]);
  });
});

describe('config files', () => {
  it('22. a YAML alias bomb is refused, not expanded', async () => {
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nservices:\n  x:\n    image: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';
    const { src, rejects } = await run({ 'docker-compose.yml': bomb });
    expect(src('docker-compose.yml')).toMatchObject({ status: 'partial', parsed: 0 });
    expect(rejects[0].reason).toMatch(/YAML/);
  });
  it('23. YAML with tabs for indentation is rejected with its line', async () => {
    const { rejects } = await run({ 'docker-compose.yml': 'services:\n  gw:\n\timage: x\n' });
    expect(rejects[0].reason).toMatch(/YAML/);
  });
  it('24. YAML with duplicate keys is rejected, not silently merged', async () => {
    const { rejects } = await run({ 'docker-compose.yml': 'services:\n  gw:\n    image: a\n    image: b\n' });
    expect(rejects[0].reason).toMatch(/YAML: .*[Dd]uplicate|unique/);
  });
  it('25. JSON5 with comments and trailing commas is read', async () => {
    const { store } = await run({ 'openclaw.json': '// config\n{\n  /* block */ gateway: { port: 18789, mode: \'local\', auth: { mode: "token", }, },\n}\n' });
    const r = await store.all<{ key: string; value: string }>(`SELECT key, value FROM config_values ORDER BY key`);
    expect(r).toContainEqual({ key: 'gateway.mode', value: 'local' });
    expect(r).toContainEqual({ key: 'gateway.port', value: '18789' });
  });
  it('26. a .env with quotes, export, comments and a multiline value', async () => {
    const { store, src } = await run({ '.env': '# c\nexport A="x y"  \nB=\'lit ${X}\'\nC="multi\nline"\nD=plain # trailing comment\nE=\nF=${VAR:-default}\n' });
    expect(src('.env').rejected).toBe(0);
    const r = Object.fromEntries((await store.all<{ key: string; value: string }>(`SELECT key, value FROM config_values`)).map((x) => [x.key, x.value]));
    expect(r).toEqual({ A: 'x y', B: 'lit ${X}', C: 'multi\nline', D: 'plain', E: '', F: '${VAR:-default}' });
  });
  it('27. an unterminated quote in .env is a reject with its line', async () => {
    const { rejects } = await run({ '.env': 'A=1\nB="never closed\nC=3\n' });
    expect(rejects[0]).toMatchObject({ line: 2, reason: 'unterminated " quote' });
  });
});

describe('the bundle folder', () => {
  it('28. a symlink loop is reported, not followed forever', async () => {
    const { result } = await run({ 'a/access.log': ACCESS(1) + '\n' }, {}, (dir) => symlinkSync(join(dir, 'a'), join(dir, 'a', 'loop')));
    expect(result.problems.some((p) => /symlink loop|already visited/.test(p.reason))).toBe(true);
  });
  it('29. a dangling symlink is reported by name', async () => {
    const { result } = await run({ 'access.log': ACCESS(1) + '\n' }, {}, (dir) => symlinkSync(join(dir, 'gone'), join(dir, 'dangling.log')));
    expect(result.problems).toContainEqual(expect.objectContaining({ reason: 'dangling symlink' }));
  });
  it('30. something that is not a regular file (a FIFO) is skipped with the reason, never opened (and does not hang)', async () => {
    const { result } = await run({ 'access.log': ACCESS(1) + '\n' }, {}, (dir) => mkfifoSync(join(dir, 'pipe')));
    expect(result.skipped).toContainEqual(expect.objectContaining({ reason: 'a FIFO (named pipe): never read' }));
  });
  it('31a. what collect writes beside the evidence, damaged: a bad commit-map line, a broken resolved config and daemon.json are rejected with their line; compose ps is kept as it is', async () => {
    const sha = (c: string) => c.repeat(40);
    const { src, rejects, store } = await run({
      'git/commit-map.txt': `${sha('a')} ${sha('b')}\nnot a map line; rm -rf /\n${sha('c')} ${sha('d')}\n`,
      'compose/resolved-config.yaml': 'services:\n  gw: [unclosed\n',
      'compose/compose-ps.txt': 'Name   Command   State\n\x1b[31mgw   sh   Up\x1b[0m\n',
      'docker/daemon.json': '{"log-driver": "json-file", "log-opts": {',
    });
    expect(src('commit-map.txt')).toMatchObject({ parsed: 2, rejected: 1 });
    expect(rejects.find((r) => r.path.endsWith('commit-map.txt'))).toMatchObject({ line: 2 });
    expect((await store.all<{ original_sha: string }>('SELECT original_sha FROM commit_map ORDER BY 1')).map((r) => r.original_sha)).toEqual([sha('a'), sha('c')]);
    expect(src('resolved-config.yaml').rejected).toBeGreaterThan(0);
    expect(src('daemon.json').rejected).toBeGreaterThan(0);
    expect(src('compose-ps.txt')).toMatchObject({ rejected: 0, format: 'compose-ps' });
  });
  it('31. an unreadable path is reported with the reason, and the rest is read', async () => {
    const { store, result } = await ingestCase([join(tempDir(), 'does-not-exist'), writeTree({ 'access.log': ACCESS(1) + '\n' })]);
    expect(result.problems[0].reason).toBe('no such file or folder');
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(1);
  });
});

describe('attacker-controlled text', () => {
  const evil = `<script>alert(1)</script>${ESC}]0;pwned${'\x07'}${ESC}[2J`;
  it('32. HTML and terminal escapes in a user agent are stored, never printed raw', async () => {
    const dir = writeTree({ 'access.log': ACCESS(1, evil.replace(/\x1b/g, '\\x1B').replace(/\x07/g, '\\x07')) + '\n', 'gw.log': GW(1, `closed before connect conn=c remote=1.2.3.4 fwd=n/a origin=n/a host=h ua=${evil} code=1008 reason=${evil}`) + '\n' });
    const db = join(tempDir(), 'c.duckdb');
    const r = runCli(['ingest', dir, '--db', db]);
    const s = runCli(['sql', '--db', db, 'SELECT user_agent, close_reason FROM gateway_events UNION ALL SELECT user_agent, NULL FROM proxy_requests']);
    for (const out of [r.stdout, r.stderr, s.stdout, s.stderr]) {
      expect(out.includes(ESC)).toBe(false);
      expect(out.includes('\x07')).toBe(false);
    }
    expect(s.stdout).toContain('<script>alert(1)</script>\\x1B]0;pwned\\x07');
    const { store } = await ingestCase([dir]);
    const g = await store.one<{ ua: string; reason: string }>('SELECT user_agent AS ua, close_reason AS reason FROM gateway_events');
    expect(g!.ua).toBe('<script>alert(1)</script>');
    expect(g!.reason).toMatch(/^<script>alert\(1\)<\/script> conn=/);
    store.close();
  });
  it('33. a file name with a terminal escape is printed escaped', () => {
    const dir = writeTree({ [`evil${ESC}[31mname.log`]: ACCESS(1) + '\n' });
    const r = runCli(['ingest', dir, '--db', ':memory:']);
    expect(r.stdout.includes(ESC)).toBe(false);
    expect(r.stdout).toContain('evil\\x1b[31mname.log');
  });
  it('34. a close reason with a script is stored as text in the report data, escaped for the script element', async () => {
    const out = tempDir();
    const dir = writeTree({ 'gw.log': lines(30, (i) => GW(i, `webchat disconnected code=1006 reason=</script><script>alert(1)</script>`)) });
    runCli(['analyze', dir, '--out', out, '-q']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<script/g)!.length).toBe(2);
    expect(html).toContain('\\u003c/script\\u003e');
  });
  it('35. a URL carrying a token is redacted in the store', async () => {
    const { store } = await run({ 'access.log': ACCESS(1).replace('/p1', '/?token=0123456789abcdef&x=1#token=fedcba9876543210') + '\n' });
    expect((await store.one<{ path: string }>('SELECT path FROM proxy_requests'))!.path).toBe('/?token=[REDACTED]&x=1#token=[REDACTED]');
  });
});

describe('volume', () => {
  it('36. a 10,000-line burst within one second', async () => {
    const { src, store } = await run({ 'gw.log': lines(10_000, (i) => `2026-05-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z [ws] webchat disconnected code=1006 reason=n/a conn=${String(i).padStart(8, '0')}-0000-4000-a000-000000000000`) });
    expect(src('gw.log')).toMatchObject({ total: 10_000, parsed: 10_000 });
    const { runAll } = await import('../queries/runner.js');
    await runAll(store);
    const f = await store.one<{ statement: string }>(`SELECT statement FROM findings WHERE query_id = 'ws-close-bursts'`);
    expect(f!.statement).toMatch(/^transport episode on direct: 10000 symptom\(s\) from 10000 clients between 2026-05-01 10:00:00 and 10:00:00/);
  });
  it('37. a format forced on a file that does not have it: every line rejected, with the reason', async () => {
    const { src, rejects } = await run({ 'gw.log': lines(3, (i) => GW(i)) }, { format: 'nginx-error' });
    expect(src('gw.log')).toMatchObject({ format: 'nginx-error', rejected: 3, status: 'partial' });
    expect(rejects[0].reason).toBe('not an nginx error-log line');
  });
  it('38. an unknown --format is a clear error', async () => {
    await expect(run({ 'gw.log': GW(1) + '\n' }, { format: 'apache-2' })).rejects.toThrow(/unknown --format apache-2/);
  });
});

describe('the case database', () => {
  it('39. kill -9 in the middle of an ingest leaves a database that opens, and the next run completes it', async () => {
    const dir = writeTree({ 'a.log': lines(400_000, (i) => ACCESS(i)), 'b.log': lines(50, (i) => GW(i)) });
    const db = join(tempDir(), 'case.duckdb');
    const child = spawn(process.execPath, [CLI, 'ingest', dir, '--db', db, '-q']);
    for (let i = 0; i < 200 && !existsSync(db); i++) await sleep(50);
    await sleep(500);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const { store } = await ingestCase([dir], {}, db);
    const r = await store.all<{ path: string; parsed: number; status: string }>(`SELECT path, parsed_lines::INTEGER AS parsed, status FROM sources ORDER BY path`);
    expect(r.map((x) => [x.path.split('/').pop(), x.parsed, x.status])).toEqual([['a.log', 400_000, 'ok'], ['b.log', 50, 'ok']]);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(400_000);
    store.close();
  }, 120_000);
  it('40. two runs on the same database at once: a clear lock error, not corruption', async () => {
    const dir = writeTree({ 'a.log': lines(800_000, (i) => ACCESS(i)) }); // long enough to still hold the lock when the second run starts
    const db = join(tempDir(), 'case.duckdb');
    const first = spawn(process.execPath, [CLI, 'ingest', dir, '--db', db, '-q']);
    // wait until the first run holds the database (its file exists), whatever the machine's speed
    for (let i = 0; i < 200 && !existsSync(db); i++) await sleep(50);
    await sleep(300);
    const second = runCli(['ingest', dir, '--db', db, '-q']);
    await new Promise((r) => first.on('exit', r));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another clawtrail/);
    const { store } = await ingestCase([], {}, db);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(800_000);
    store.close();
  }, 120_000);
  it('41. a database file that is not a DuckDB database is a clear error', () => {
    const p = join(tempDir(), 'not.duckdb');
    writeFileSync(p, 'hello');
    const r = runCli(['sql', '--db', p, 'SELECT 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot open the case database/);
  });
  it('42. the output folder is created when missing', () => {
    const out = join(tempDir(), 'deep', 'er');
    expect(existsSync(out)).toBe(false);
    mkdirSync(join(out, '..'), { recursive: true });
    const r = runCli(['ingest', writeTree({ 'a.log': ACCESS(1) + '\n' }), '--out', out, '-q']);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'case.duckdb'))).toBe(true);
  });
});
