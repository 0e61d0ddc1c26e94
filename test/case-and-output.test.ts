// A CLI that never gives a wrong answer quietly, and outputs that are safe to read: a case is one evidence set
// (the same bundle again is idempotent, another is refused unless --append or --force), no evidence is never
// "clean", every option is checked before anything is written, `sql` opens the case read-only; terminal output
// escapes control bytes in every format, CSV guards formula cells, SARIF URIs are encoded, the fingerprint key never
// reaches an output; reports are written atomically and a full disk names the file; a half-finished query phase is
// visible and re-run by `report`; a finding dated outside the logs' span renders; progress is shown without a terminal.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../case/store.js';
import { loadQueries, runAll } from '../queries/runner.js';
import { buildReport } from '../reports/model.js';
import { MAX_HTML_BYTES, fitToBudget, renderHtml, scriptSafeJson } from '../reports/html.js';
import { renderMarkdown } from '../reports/markdown.js';
import { artifactUri } from '../reports/sarif.js';
import { csvCell } from '../lib/output.js';
import { CLI, SAMPLES, runCli, tempDir, writeTree } from './helpers.js';
import { mkfifoSync } from './fifo.js';

const sql = (db: string, query: string, extra: string[] = []): { code: number; rows: Record<string, unknown>[]; stderr: string } => {
  const r = runCli(['sql', '--db', db, '--json', ...extra, query]);
  return { code: r.code, rows: r.code === 0 ? JSON.parse(r.stdout) : [], stderr: r.stderr };
};
const count = (db: string, table: string, where = 'true'): number => Number(sql(db, `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`).rows[0].n);
const findingIds = (out: string): string[] => (JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).findings as { id: string }[]).map((f) => f.id);

describe('a case is one evidence set', () => {
  const out = tempDir();
  const db = join(out, 'case.duckdb');
  const first = runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', out, '-q']);

  it('the same bundle again is idempotent, wherever it lies', () => {
    expect(first.code, first.stderr).toBe(2);
    const events = count(db, 'gateway_events');
    const ids = findingIds(out);
    const again = runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', out, '-q']);
    expect(again.code, again.stderr).toBe(2);
    expect(count(db, 'gateway_events')).toBe(events);
    expect(findingIds(out)).toEqual(ids);
    // a copy of the same bundle elsewhere is the same evidence: accepted, nothing counted twice
    const copy = join(tempDir(), 'moved-bundle');
    cpSync(join(SAMPLES, 'token-divergence'), copy, { recursive: true });
    const moved = runCli(['analyze', copy, '--out', out, '-q']);
    expect(moved.code, moved.stderr).toBe(2);
    expect(count(db, 'gateway_events')).toBe(events);
    const set = JSON.parse(String(sql(db, `SELECT value FROM case_meta WHERE key = 'evidence_set'`).rows[0].value));
    expect(set.roots).toHaveLength(1);
    expect(set.roots[0].digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('another bundle is refused with a clear message and the case is left as it was', () => {
    const ids = findingIds(out);
    const other = runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '-q']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('already holds a different evidence set');
    expect(other.stderr).toContain('--append');
    expect(other.stderr).toContain('--force');
    expect(findingIds(out)).toEqual(ids);
    expect(count(db, 'sources', `path LIKE '%pairing-loss%'`)).toBe(0);
    // ingest into the case database: the same rule
    const ing = runCli(['ingest', join(SAMPLES, 'healthy-week'), '--db', db, '-q']);
    expect(ing.code).toBe(1);
    expect(ing.stderr).toContain('already holds a different evidence set');
  });

  it('--append adds evidence on purpose, --force replaces the case, and the two exclude each other', () => {
    const both = runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '--append', '--force', '-q']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('exclude each other');
    // this case was made without a key: its random key is gone, so it takes no more fingerprinted evidence, and the
    // refused run leaves nothing behind
    const refused = runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '--append', '-q']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('random key that was not kept');
    expect(count(db, 'sources', `path LIKE '%pairing-loss%'`)).toBe(0);
    // a case made with a key takes more evidence with that key
    const keyed = tempDir();
    const kdb = join(keyed, 'case.duckdb');
    const key = ['--fingerprint-key', 'case-key'];
    expect(runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', keyed, ...key, '-q']).code).toBe(2);
    const add = runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', keyed, '--append', ...key, '-q']);
    expect(add.code, add.stderr).toBe(2);
    expect(count(kdb, 'sources', `path LIKE '%pairing-loss%'`)).toBeGreaterThan(0);
    expect(count(kdb, 'sources', `path LIKE '%token-divergence%'`)).toBeGreaterThan(0);
    // both bundles are now the case's set: either one again is part of it (idempotent)
    expect(runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', keyed, ...key, '-q']).code).toBe(2);
    const replaced = runCli(['analyze', join(SAMPLES, 'healthy-week'), '--out', keyed, '--force', '-q']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(count(kdb, 'sources', `path NOT LIKE '%healthy-week%'`)).toBe(0);
    // the healthy week alone: nothing to review (its token rotation drill is planned work, reported low)
    expect(JSON.parse(readFileSync(join(keyed, 'findings.json'), 'utf8')).verdict.status).toBe('clean');
  });

  it('hashing a hostile tree for the evidence set neither hangs nor fails: a FIFO, a symlink loop, a dangling link, a planted git dir', () => {
    const dir = writeTree({ 'access.log': '192.0.2.1 - - [02/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8"\n',
      'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/.git/refs/heads/main': 'a'.repeat(40) + '\n' });
    mkfifoSync(join(dir, 'pipe'));
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    symlinkSync('/dev/zero', join(dir, 'repo', '.git', 'refs', 'heads', 'zero'));
    const o = tempDir();
    const first = runCli(['analyze', dir, '--out', o, '-q']);
    expect([0, 3]).toContain(first.code);
    const again = runCli(['analyze', dir, '--out', o, '-q']);
    expect(again.code, again.stderr).toBe(first.code);
    expect(again.stderr).not.toContain('different evidence set');
  });
});

describe('no evidence is never "clean"', () => {
  const noEvidence = (paths: string[]): { code: number; stdout: string; out: string } => {
    const out = tempDir();
    const r = runCli(['analyze', ...paths, '--out', out, '-q']);
    return { code: r.code, stdout: r.stdout, out };
  };
  const verdictOf = (out: string): { status: string; headline: string } => JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')).verdict;

  it('an empty folder: exit 3 and a "no evidence" verdict in every report', () => {
    const r = noEvidence([tempDir()]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Verdict (no evidence)');
    expect(verdictOf(r.out).status).toBe('no-evidence');
    const md = readFileSync(join(r.out, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Audit summary: no evidence/);
    expect(md).not.toMatch(/clean/i);
  });

  it('a path that does not exist: exit 3, said, and no evidence', () => {
    const missing = join(tempDir(), 'no-such-bundle');
    const r = runCli(['analyze', missing, '--out', tempDir(), '-q']);
    expect(r.code).toBe(3);
    const out = tempDir();
    const loud = runCli(['analyze', missing, '--out', out]);
    expect(loud.stdout).toContain('not read');
    expect(loud.stdout).toContain('no such file or folder');
    expect(verdictOf(out).status).toBe('no-evidence');
  });

  it('an /etc-like folder of unrelated files, binaries and a link out of the tree: exit 3, no evidence', () => {
    const dir = writeTree({
      'passwd': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
      'hosts': '127.0.0.1 localhost\n::1 localhost ip6-localhost\n',
      'ssl/openssl.cnf': '[ req ]\ndefault_bits = 2048\n',
      'ld.so.cache': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0, 0xff, 0xfe, 0]),
      'motd': '\nThe programs included with the Debian GNU/Linux system are free software;\n',
    });
    mkdirSync(join(dir, 'alternatives'));
    symlinkSync(process.execPath, join(dir, 'alternatives', 'node'));
    const r = noEvidence([dir]);
    expect(r.code).toBe(3);
    expect(verdictOf(r.out).status).toBe('no-evidence');
    expect(verdictOf(r.out).headline).toMatch(/^No evidence/);
  });
});

describe('every option is checked before anything is written', () => {
  const bad = (args: string[], message: RegExp | string): void => {
    const out = join(tempDir(), 'out');
    const r = runCli([...args.map((a) => a.replace('OUT', out))]);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out), `${args.join(' ')} wrote ${out}`).toBe(false);
  };
  const sample = join(SAMPLES, 'token-divergence');

  it('--tz against the zone list, with a suggestion', () => {
    bad(['analyze', sample, '--out', 'OUT', '--tz', 'Europe/Pari'], /not a time zone.*did you mean Europe\/Paris/);
    bad(['ingest', sample, '--db', 'OUT/case.duckdb', '--tz', 'CEST+2'], /not a time zone/);
    expect(runCli(['ingest', join(SAMPLES, 'token-divergence', '.env'), '--db', join(tempDir(), 'c.duckdb'), '--tz', 'America/New_York', '-q']).code).toBe(0);
  });

  it('the other options', () => {
    bad(['analyze', sample, '--out', 'OUT', '--max-reject-ratio', '2'], /--max-reject-ratio must be a number between 0 and 1/);
    bad(['analyze', sample, '--out', 'OUT', '--snapshot-time', 'yesterday'], /--snapshot-time wants an ISO 8601 instant/);
    bad(['analyze', sample, '--out', 'OUT', '--format', 'apache-access'], /unknown --format/);
    bad(['analyze', sample, '--out', 'OUT', '--reports', 'html,pdf'], /unknown report format "pdf"/);
    bad(['analyze', sample, '--out', 'OUT', '--fail-on', 'huge'], /--fail-on must be one of/);
    bad(['analyze', sample, '--out', 'OUT', '--git', '/no/such/repo'], /--git \/no\/such\/repo: no such repository/);
    bad(['audit', sample, '--out', 'OUT', '--since', '7x'], /--since wants a duration/);
    bad(['audit', sample, '--out', 'OUT', '--from', 'last monday'], /--from wants an ISO 8601 instant/);
    bad(['collect', '--out', 'OUT', '--since', 'soon'], /--since wants a duration/);
    bad(['collect', '--out', 'OUT', '--interval', '0'], /--interval must be a positive number/);
  });

  it('one name for the report list: --reports in analyze and report (report --format still works)', () => {
    const out = tempDir();
    expect(runCli(['analyze', join(sample, '.env'), '--out', out, '--reports', 'md', '-q']).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('report') || f.startsWith('findings'))).toEqual(['report.md']);
    const again = tempDir();
    expect(runCli(['report', '--db', join(out, 'case.duckdb'), '--out', again, '--reports', 'json', '-q']).code).toBe(0);
    expect(existsSync(join(again, 'findings.json'))).toBe(true);
    const old = tempDir();
    expect(runCli(['report', '--db', join(out, 'case.duckdb'), '--out', old, '--format', 'sarif', '-q']).code).toBe(0);
    expect(existsSync(join(old, 'findings.sarif'))).toBe(true);
    expect(runCli(['report', '--help']).stdout).not.toContain('--format');
  });
});

describe('sql opens the case read-only unless --write', () => {
  it('refuses a change with a clear message and leaves the case whole; --write allows it', () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'healthy-week'), '--out', out, '-q']).code).toBe(0);
    const db = join(out, 'case.duckdb');
    const sources = count(db, 'sources');
    const drop = runCli(['sql', '--db', db, 'DROP TABLE sources']);
    expect(drop.code).toBe(1);
    expect(drop.stderr).toContain('opened read-only; add --write');
    expect(count(db, 'sources')).toBe(sources);
    // the views and macros are there read-only too
    expect(sql(db, `SELECT count(*)::INTEGER AS n FROM ws_close_classified(5)`).code).toBe(0);
    expect(sql(db, 'CREATE TABLE scratch AS SELECT 1 AS x', ['--write']).code).toBe(0);
    expect(count(db, 'scratch')).toBe(1);
  });
});

describe('output hygiene', () => {
  const db = join(tempDir(), 'case.duckdb');
  // a gateway line carrying terminal escapes (a title change, a bell, a C1 CSI) and a spreadsheet formula
  const evil = `2026-05-01T10:00:00.000Z [ws] webchat disconnected code=1006 reason==HYPERLINK("http://x.invalid")\x1b]0;pwned\x07 \u009b31m conn=abc\n`;
  const dir = writeTree({ 'gw.log': evil });
  expect(runCli(['ingest', dir, '--db', db, '-q']).code).toBe(0);
  const query = `SELECT message, '=HYPERLINK("http://x.invalid")' AS f, chr(27) || ']0;pwned' || chr(7) || chr(155) AS esc, '-12' AS negative, '@SUM(A1)' AS at, 42 AS n
    FROM gateway_events`;

  it('every output format of sql and query escapes control bytes', () => {
    for (const fmt of [[], ['--json'], ['--csv'], ['--markdown']]) {
      const r = runCli(['sql', '--db', db, ...fmt, query]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, fmt.join()).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      expect(r.stdout).toMatch(/\\x1b|\\u001b/);
    }
    const q = runCli(['query', 'ws-close-bursts', '--db', db, '--csv', '--param', 'min_count=1']);
    expect(q.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('CSV guards cells a spreadsheet would run as formulas, and keeps numbers', () => {
    const r = runCli(['sql', '--db', db, '--csv', query]);
    const [head, row] = r.stdout.trim().split('\n');
    expect(head).toBe('message,f,esc,negative,at,n');
    expect(row).toContain('\\x1b]0;pwned\\x07\\x9b');
    expect(row).toContain(`'=HYPERLINK`);
    expect(row).toContain(`'@SUM(A1)`);
    expect(row).toMatch(/,-12,/);
    expect(row.endsWith(',42')).toBe(true);
    expect(csvCell('+cmd|calc')).toBe(`'+cmd|calc`);
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
  });

  it('SARIF artifact URIs are encoded', () => {
    expect(artifactUri('my bundle/docker-compose.yml')).toBe('my%20bundle/docker-compose.yml');
    expect(artifactUri('state/a?b%c.json')).toBe('state/a%3Fb%25c.json');
    expect(artifactUri('/srv/café/.env')).toBe('file:///srv/caf%C3%A9/.env');
    const bundle = join(tempDir(), 'my bundle #1%');
    cpSync(join(SAMPLES, 'token-divergence'), bundle, { recursive: true });
    const out = tempDir();
    expect(runCli(['analyze', bundle, '--out', out, '-q']).code).toBe(2);
    const uris = (JSON.parse(readFileSync(join(out, 'findings.sarif'), 'utf8')).runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[])
      .flatMap((r) => r.locations.map((l) => l.physicalLocation.artifactLocation.uri));
    expect(uris.some((u) => u.includes('my%20bundle%20%231%25'))).toBe(true);
    for (const u of uris) expect(u).toMatch(/^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]+$/);
  });

  it('the fingerprint key (and any secret-looking option) never reaches an output: its own fingerprint stands in', () => {
    const key = 'hunter2-the-case-key-0123456789';
    const out = tempDir();
    const r = runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', out, '--fingerprint-key', key]);
    expect(r.code, r.stderr).toBe(2);
    for (const f of readdirSync(out).filter((x) => !x.startsWith('case.duckdb'))) expect(readFileSync(join(out, f), 'utf8'), f).not.toContain(key);
    expect(r.stdout + r.stderr).not.toContain(key);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/--fingerprint-key \[key-hmac:[0-9a-f]{12}\]/);
    const eq = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', eq, `--fingerprint-key=${key}`, '-q']).code).toBe(2);
    expect(readFileSync(join(eq, 'report.html'), 'utf8')).not.toContain(key);
  });
});

describe('atomic reports', () => {
  // a small tmpfs is a real full disk; it needs root and mount (CI runs as root)
  const mountable = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!mountable)('a full disk fails with the file named and leaves the previous report whole, no temporary file behind', () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '-q']).code).toBe(2);
    const disk = tempDir();
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]);
    if (m.status !== 0) throw new Error(`mount tmpfs failed: ${m.stderr}`);
    try {
      writeFileSync(join(disk, 'report.html'), 'the previous report');
      const r = runCli(['report', '--db', join(out, 'case.duckdb'), '--out', disk, '--reports', 'html', '-q']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot write ${join(disk, 'report.html')}: no space left on the device (disk full)`);
      expect(readFileSync(join(disk, 'report.html'), 'utf8')).toBe('the previous report');
      expect(readdirSync(disk)).toEqual(['report.html']);
    } finally {
      spawnSync('umount', [disk]);
    }
  });
});

describe('integrity of the query phase and of the report', () => {
  it('a query phase that crashed half-way is shown as partial, and `report` runs it again', async () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'proxy-release-1006'), '--out', out, '-q']).code).toBe(2);
    const all = findingIds(out).length;
    const store = await Store.open(join(out, 'case.duckdb'));
    try {
      // the process dies while the fourth query runs
      await expect(runAll(store, {}, (i) => { if (i === 3) throw new Error('killed'); })).rejects.toThrow('killed');
      const half = await buildReport(store, { version: 't', commandLine: 'clawtrail', db: 'case.duckdb' });
      expect(half.query_phase.complete).toBe(false);
      expect(half.findings.length).toBeLessThan(all);
      expect(renderMarkdown(half)).toContain('**Partial findings:**');
    } finally {
      store.close();
    }
    const again = tempDir();
    const r = runCli(['report', '--db', join(out, 'case.duckdb'), '--out', again]);
    expect(r.stderr).toContain('did not finish: running them now');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(again, 'findings.json'), 'utf8'));
    expect(j.partial_findings).toBe(false);
    expect(j.findings.length).toBe(all);
  });

  it('a finding dated outside the logs\' span renders (it was "Invalid array length")', async () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'token-divergence'), '--out', out, '-q']).code).toBe(2);
    const store = await Store.open(join(out, 'case.duckdb'));
    try {
      for (const [id, start, end] of [['future', '2031-01-01 00:00:00+00', '2031-01-02 00:00:00+00'], ['past', '1999-01-01 00:00:00+00', null]]) {
        await store.run(`INSERT INTO findings (finding_id, query_id, query_group, severity, rank, start_ts, end_ts, statement, confidence, evidence, details)
          VALUES ('${id}', 'token-divergence', 'cause', 'critical', 0, '${start}', ${end ? `'${end}'` : 'NULL'}, 'dated ${id}', 1, '[]', '{}')`);
      }
      const r = await buildReport(store, { version: 't', commandLine: 'clawtrail', db: 'case.duckdb' });
      expect(r.verdict.lead).toMatch(/future|past/);
      expect(renderHtml(r)).toContain('dated future');
      expect(renderMarkdown(r)).toContain('dated past');
    } finally {
      store.close();
    }
  });

  it('report.html stays under its bound whatever the input, and says what it left out', async () => {
    const out = tempDir();
    expect(runCli(['analyze', join(SAMPLES, 'pairing-loss'), '--out', out, '-q']).code).toBe(2);
    const store = await Store.open(join(out, 'case.duckdb'));
    try {
      const r = await buildReport(store, { version: 't', commandLine: 'clawtrail', db: 'case.duckdb' });
      const small = fitToBudget(r, 150_000);
      expect(Buffer.byteLength(scriptSafeJson(small))).toBeLessThanOrEqual(150_000);
      expect(small.omitted.notes.length).toBeGreaterThan(0);
      expect(small.findings.some((f) => f.id === r.verdict.lead)).toBe(true);
      // the embedded lines of a 6 M-line case: 3,000 lines of 2,000 characters, real lines repeated
      const real = Object.values(r.lines);
      const big = { ...r, lines: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`big.log:${i + 1}`, real[i % real.length].padEnd(2000, ' x')])) };
      const html = renderHtml(big);
      expect(Buffer.byteLength(html)).toBeLessThanOrEqual(MAX_HTML_BYTES);
      expect(html).toContain('embedded evidence lines cut to 300 characters');
    } finally {
      store.close();
    }
  });

  it('progress without a terminal: plain lines with a percentage, and a closing line', () => {
    const out = tempDir();
    const r = runCli(['analyze', join(SAMPLES, 'proxy-release-1006'), '--out', out], { env: { CLAWTRAIL_PROGRESS_SECONDS: '0' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^clawtrail: ingest \d+% \([\d.]+ [KMG]B of [\d.]+ [KMG]B\), \d+ s/m);
    expect(r.stderr).toMatch(new RegExp(`^clawtrail: queries \\d+% \\(\\d+ of ${loadQueries().length} queries\\)`, 'm'));
    expect(r.stderr).toMatch(/^clawtrail: ingest done in \d+ s$/m);
    expect(r.stderr).not.toContain('\x1b');
    expect(runCli(['analyze', join(SAMPLES, 'proxy-release-1006'), '--out', tempDir(), '-q']).stderr).toBe('');
  });

  it('progress on a terminal: one line redrawn with percentage and ETA', () => {
    const out = tempDir();
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} analyze ${join(SAMPLES, 'proxy-release-1006')} --out ${out}`, '/dev/null'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/\r\x1b\[Kingest \d+% \(.* of .*\), \d+ s, ETA \d+ s/);
    expect(r.stdout).toMatch(/\r\x1b\[Kqueries \d+%/);
  });
});
