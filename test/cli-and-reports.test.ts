// The CLI end to end (a child process on real files): help, ingest summary and exit codes, sql, analyze and its
// reports (Markdown sections, SARIF 2.1.0 shape, findings.json), the drift audit with its baseline, the exports.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { Store } from '../case/store.js';
import { fromRoot } from '../lib/paths.js';
import { SAMPLES, runCli, tempDir, writeTree } from './helpers.js';

describe('help and version', () => {
  it('--help teaches with examples and exit codes; --version prints the package version', () => {
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('Exit codes');
    for (const c of ['analyze', 'ingest', 'sql', 'queries', 'query', 'report', 'audit', 'export']) expect(h.stdout).toContain(c);
    const v = runCli(['--version']);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version);
  });

  it('a bad option or argument is a clear error with exit 1', () => {
    const missing = runCli(['sql', '--db', join(tempDir(), 'nope.duckdb'), 'SELECT 1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no case database at');
    const r = runCli(['query', 'no-such-query', '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no query no-such-query');
    const p = runCli(['analyze', join(SAMPLES, 'healthy-week'), '--out', tempDir(), '--param', 'incidents-and-hours.gap_minutes=lots']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('must be a number');
  });
});

describe('ingest', () => {
  it('detects each file of a mixed folder, prints the accounting, and exits 3 for a file it cannot read', () => {
    const dir = writeTree({
      'gw.log': '2026-02-27T00:45:49.947+00:00 [ws] webchat disconnected code=1006 reason=n/a conn=676fc4da-db35-4630-9a77-c0fd70482c14\n',
      'access.log': '192.0.2.1 - - [02/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.0"\n',
      'events.jsonl': '{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"x"}},"time":1,"timeNano":1000000000}\n',
      'mystery.bin': 'lorem ipsum dolor sit amet\nconsectetur\n',
    });
    const db = join(tempDir(), 'case.duckdb');
    const r = runCli(['ingest', dir, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/4 source\(s\): 5 lines = 3 parsed \+ 2 rejected/);
    expect(r.stdout).toContain('docker-logs');
    expect(r.stdout).toContain('nginx-access:combined');
    expect(r.stdout).toContain('docker-events-json');
    expect(r.stdout).toContain('unknown format');
    const again = runCli(['ingest', dir, '--db', db, '-q']);
    expect(again.code).toBe(3);
    const s = runCli(['sql', '--db', db, '--json', 'SELECT count(*)::INTEGER AS n FROM gateway_events']);
    expect(JSON.parse(s.stdout)).toEqual([{ n: 1 }]);
  });
});

describe('analyze and its reports', () => {
  const out = tempDir();
  const r = runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', out, '-q']);

  it('exits 2 on a high finding and writes every report', () => {
    expect(r.code, r.stderr).toBe(2);
    for (const f of ['report.html', 'report.md', 'findings.json', 'findings.sarif', 'case.duckdb']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.stdout).toContain('Verdict (incident)');
  });

  it('writes a postmortem in the templates\' shape: placeholders, impact, response times, trigger and cause, actions', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Postmortem: 1 client was refused with a token mismatch for 2 h 25 min after commit 4189e98 changed OPENCLAW\\_GATEWAY\\_TOKEN in \.env only/);
    for (const h of ['## Summary', '## Impact', '## Response times', '## Trigger and root cause', '## Detection', '## Resolution and mitigation',
      '## Action items', '## Lessons learned', '## Timeline', '## Other findings', '## Evidence coverage']) expect(md).toContain(h);
    for (const p of ['| Owner | _owner_ |', '| Ticket | _ticket_ |', '_P?_']) expect(md).toContain(p);
    expect(md).toMatch(/\| First response in the evidence: commit d6cbbd1 .* \| 2026-11-10 \d\d:\d\d:\d\d UTC \| \d+ (h|min)/);
    expect(md).toMatch(/\| Mitigated \(the fix took effect\) \| 2026-11-10 11:42:31 UTC \| 2 h 27 min \|/);
    expect(md).toContain('Keep one token source');
    expect(md).toMatch(/\*\*Trigger:\*\* commit 4189e98 "Re-run docker-setup.sh: new gateway token"/);
    // each statement once: the lead's statement is in the summary and nowhere else (its headline is the title too)
    const lead = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).findings[0];
    const rest = lead.statement.slice(String(lead.headline).length).replace(/^[.:;]?\s*/, '');
    expect(rest.length).toBeGreaterThan(40);
    expect(md.split(rest.slice(0, 40)).length - 1).toBe(1);
  });

  it('writes SARIF 2.1.0 with locations at config files and commits', () => {
    const sarif = JSON.parse(readFileSync(join(out, 'findings.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.name).toBe('clawtrail');
    const res = sarif.runs[0].results as { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } }; properties?: { commit: string } }[] }[];
    const div = res.find((x) => x.ruleId === 'token-divergence')!;
    expect(div.level).toBe('error');
    expect(div.locations.some((l) => l.physicalLocation.artifactLocation.uri === '.env' && l.properties?.commit)).toBe(true);
    for (const x of res) expect(sarif.runs[0].tool.driver.rules.some((rule: { id: string }) => rule.id === x.ruleId)).toBe(true);
  });

  it('writes findings.json in its documented schema', () => {
    const j = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
    expect(j.schema).toBe('clawtrail.findings/1');
    expect(j.findings[0]).toMatchObject({ rank: 1, query_id: 'token-divergence', severity: 'high' });
    expect(Object.keys(j.findings[0]).sort()).toEqual(['confidence', 'details', 'end', 'evidence', 'fix', 'group', 'headline', 'id', 'impact', 'mechanism', 'query_id', 'rank',
      'remediation', 'runner_up', 'severity', 'start', 'statement', 'trigger']);
    expect(j.verdict).toMatchObject({ status: 'incident', lead: j.findings[0].id });
    // the query counted its own impact: one CLI client, refused at each of its 30 health runs (the gateway's two lines
    // and the client's own line of one refusal are one failure)
    expect(j.findings[0].impact).toMatchObject({ clients: 1, sessions: 30, paths: ['direct'], basis: 'query', first_at: '2026-11-10T09:15:10Z' });
    expect(j.findings[0].impact.first_cite).toMatchObject({ path: expect.stringContaining('compose-follow.log'), line: expect.any(Number) });
    expect(j.findings[0].fix.statement).toContain('d6cbbd1');
  });

  it('re-renders from the case database alone', () => {
    const again = tempDir();
    const rr = runCli(['report', '--db', join(out, 'case.duckdb'), '--out', again, '--reports', 'md,json']);
    expect(rr.code, rr.stderr).toBe(0);
    expect(existsSync(join(again, 'report.md'))).toBe(true);
    expect(existsSync(join(again, 'report.html'))).toBe(false);
  });

  it('exits 0 on the healthy week', () => {
    const h = runCli(['analyze', join(SAMPLES, 'healthy-week'), '--out', tempDir(), '-q']);
    expect(h.code, h.stdout + h.stderr).toBe(0);
  });
});

describe('drift audit', () => {
  it('reports the period changes, fails on new findings, accepts them into a baseline, and reports stale entries', () => {
    const out = tempDir();
    const baseline = join(out, 'baseline.json');
    const first = runCli(['audit', join(SAMPLES, 'token-divergence'), '--since', '7d', '--out', out, '--write-baseline', baseline, '-q']);
    expect(first.code, first.stderr).toBe(2);
    expect(first.stdout).toMatch(/\d+ config change\(s\)/);
    const audit = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8'));
    expect(audit.changes.some((c: { key: string; fp_change: string | null }) => c.key === 'OPENCLAW_GATEWAY_TOKEN' && c.fp_change?.startsWith('fingerprint hmac:'))).toBe(true);
    expect(readFileSync(join(out, 'audit.md'), 'utf8')).toContain('## New findings');
    expect(JSON.parse(readFileSync(join(out, 'audit.sarif'), 'utf8')).version).toBe('2.1.0');

    const second = runCli(['audit', join(SAMPLES, 'token-divergence'), '--since', '7d', '--out', tempDir(), '--baseline', baseline, '-q']);
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain('0 new finding(s)');

    const b = JSON.parse(readFileSync(baseline, 'utf8'));
    b.entries.push({ key: 'ffffffffffffffffffff', query_id: 'security-shortcuts', severity: 'high', statement: 'gone' });
    writeFileSync(baseline, JSON.stringify(b));
    const third = runCli(['audit', join(SAMPLES, 'token-divergence'), '--since', '7d', '--out', tempDir(), '--baseline', baseline, '-q']);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('1 stale baseline entry');
  });
});

describe('export', () => {
  it('writes Parquet (DuckDB COPY), Arrow IPC (apache-arrow) and Timesketch JSONL that read back', async () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '-q']).code).toBe(2);
    const db = join(out, 'case.duckdb');
    const r = runCli(['export', '--db', db, '--parquet', join(out, 'pq'), '--arrow', join(out, 'arrow'), '--timesketch', join(out, 'ts.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    const store = await Store.open(':memory:');
    const n = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet('${join(out, 'pq', 'gateway_events.parquet')}')`);
    store.close();
    const src = await Store.open(db);
    const want = await src.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM gateway_events');
    src.close();
    expect(n!.n).toBe(want!.n);
    const t = tableFromIPC(readFileSync(join(out, 'arrow', 'gateway_events.arrow')));
    expect(t.numRows).toBe(want!.n);
    expect(t.schema.fields.map((f) => f.name)).toContain('close_code');
    const first = JSON.parse(readFileSync(join(out, 'ts.jsonl'), 'utf8').split('\n')[0]);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['message', 'datetime', 'timestamp_desc', 'timestamp']));
  });
});

describe('docs', () => {
  it('documents every table of the schema', () => {
    const schema = ['schema.sql', 'views.sql'].map((f) => readFileSync(fromRoot('case', f), 'utf8')).join('\n');
    const doc = readFileSync(fromRoot('docs', 'schema.md'), 'utf8');
    const tables = [...schema.matchAll(/CREATE (?:TABLE|OR REPLACE VIEW) (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]);
    expect(tables.length).toBeGreaterThan(15);
    for (const t of tables) expect(doc, t).toContain(`\`${t}\``);
  });
});

describe('a folder mixing every shape', () => {
  it('detects each file by content and reads it without a reject', () => {
    const E = '\x1b';
    const files: Record<string, [string, string]> = {
      'a/json-file.log': ['docker-json-file', JSON.stringify({ log: '2026-05-01T10:00:00.000Z [ws] webchat connected conn=c remote=1.2.3.4 client=openclaw-control-ui webchat v2026.5.1\n', stream: 'stdout', time: '2026-05-01T10:00:00.000000001Z' }) + '\n'],
      'b/logs-t.txt': ['docker-logs', '2026-05-01T10:00:00.123456789Z 2026-05-01T10:00:00.123+00:00 [gateway] ready (0 plugins; 3.0s)\n'],
      'c/compose.txt': ['docker-logs', `openclaw-gateway-1  | 2026-05-01T10:00:00.123456789Z ${E}[90m2026-05-01T10:00:00.123+00:00${E}[39m ${E}[36m[ws]${E}[39m ${E}[36mwebchat disconnected code=1001 reason=n/a conn=c${E}[39m\n`],
      'd/journal.txt': ['journald', 'May  1 10:00:00 host node[1]: 2026-05-01T10:00:00.000Z [gateway] signal SIGTERM received\n'],
      'e/pretty.txt': ['docker-logs', '10:00:00 [gateway] listening on ws://0.0.0.0:18789 (PID 7)\n'],
      'f/openclaw-2026-05-01.log': ['tslog', JSON.stringify({ 0: '{"subsystem":"gateway"}', 1: 'ready (0 plugins; 3.0s)', _meta: { name: '{"subsystem":"gateway"}', date: '2026-05-01T10:00:00.000Z', logLevelName: 'INFO' } }) + '\n'],
      'g/pasted.txt': ['openclaw-logs', '10:00:00 info gateway/ws {"subsystem":"gateway/ws"} webchat connected conn=c remote=1.2.3.4 client=x webchat v1\n'],
      'h/config-audit.jsonl': ['config-audit', '{"ts":"2026-05-01T10:00:00Z","source":"config-io","event":"config.write","result":"rename","argv":["node","dist/index.js","config","set"]}\n'],
      'i/access.log': ['nginx-access:combined+timing', '192.0.2.1 - - [01/May/2026:10:00:00 +0000] "GET / HTTP/1.1" 101 0 "-" "Mozilla/5.0" 60.001 60.001\n'],
      'j/error.log': ['nginx-error', '2026/05/01 10:00:00 [notice] 1#1: signal 1 (SIGHUP) received from 9, reconfiguring\n'],
      'k/caddy.log': ['caddy-json', '{"level":"info","ts":1777629600.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"1.2.3.4","method":"GET","uri":"/","proto":"HTTP/1.1","host":"h","headers":{}},"duration":0.01,"size":1,"status":200}\n'],
      'l/traefik.log': ['traefik-clf', '1.2.3.4 - - [01/May/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" 1 "r@docker" "http://10.0.0.2:18789" 3ms\n'],
      'm/traefik.json': ['traefik-json', '{"ClientHost":"1.2.3.4","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"Duration":1000,"StartUTC":"2026-05-01T10:00:00Z"}\n'],
      'n/haproxy.log': ['haproxy', '1.2.3.4:5000 [01/May/2026:10:00:00.000] fe be/s1 0/0/1/2/3 200 10 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"\n'],
      'o/envoy.log': ['envoy', '[2026-05-01T10:00:00.000Z] "GET / HTTP/1.1" 200 - 0 10 3 2 "-" "curl/8" "id" "h" "10.0.0.2:18789"\n'],
      'p/events.jsonl': ['docker-events-json', '{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"x"}},"time":1777629600,"timeNano":1777629600000000000}\n'],
      'q/events.txt': ['docker-events-text', '2026-05-01T10:00:00.000000000Z container start abcdef123456 (image=x, name=y)\n'],
      'r/inspect.json': ['docker-inspect', JSON.stringify([{ Id: 'a'.repeat(64), Name: '/x', State: { Status: 'running' }, Config: { Env: [] }, Mounts: [] }], null, 2) + '\n'],
      's/docker-compose.yml': ['compose', 'services:\n  openclaw-gateway:\n    image: x\n'],
      't/.env': ['dotenv', 'OPENCLAW_CONFIG_DIR=/srv/x\n'],
      'u/openclaw.json': ['openclaw-json', '{"gateway":{"mode":"local"}}\n'],
      'v/paired.json': ['devices-json', '{}\n'],
      'w/nginx.conf': ['nginx-conf', 'http {\n  server {\n    location / { proxy_pass http://gw; }\n  }\n}\n'],
    };
    const dir = writeTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v[1]])));
    const db = join(tempDir(), 'case.duckdb');
    const r = runCli(['ingest', dir, '--db', db]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = JSON.parse(runCli(['sql', '--db', db, '--json', 'SELECT path, format, rejected_lines::INTEGER AS rejected FROM sources']).stdout) as { path: string; format: string; rejected: number }[];
    for (const [rel, [format]] of Object.entries(files)) {
      const s = got.find((g) => g.path.endsWith(rel))!;
      expect(s, rel).toBeDefined();
      expect(s.format, rel).toBe(format);
      expect(s.rejected, rel).toBe(0);
    }
  });
});
