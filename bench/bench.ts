// `npm run bench`: clawtrail against GoAccess, lnav and DuckDB's own scan, on the same files, in one run, several
// times, medians reported. Never part of the test suite. Writes bench/results.json.
//   npm run bench -- [--lines 5000000] [--runs 3] [--skip-peers]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fromRoot } from '../lib/paths.js';
import { generateScale } from '../samples/gen/scale.js';
import { Store } from '../case/store.js';
import { runAll } from '../queries/runner.js';
import { buildReport } from '../reports/model.js';
import { writeReports } from '../reports/write.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const LINES = opt('lines', 5_000_000);
const RUNS = opt('runs', 3);
const SKIP_PEERS = args.includes('--skip-peers');
const CLI = fromRoot('dist', 'cli.js');
const WORK = join(tmpdir(), 'clawtrail-bench');

interface Measure { label: string; lines: number; bytes: number; wall_s: number; runs: number[]; rss_mb: number | null }
const results: Measure[] = [];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const say = (s: string): void => void process.stderr.write(s + '\n');

/** Runs a command under /usr/bin/time -v: wall seconds and peak RSS. */
function timed(cmd: string, argv: string[], env: Record<string, string> = {}): { s: number; rss: number | null } {
  const t0 = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const r = spawnSync(useTime ? '/usr/bin/time' : cmd, useTime ? ['-v', cmd, ...argv] : argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 3 && r.status !== 2) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { s, rss: m ? Number(m[1]) / 1024 : null };
}

function measure(label: string, lines: number, bytes: number, run: () => { s: number; rss: number | null }): Measure {
  const runs: number[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = run();
    runs.push(r.s);
    rss = Math.max(rss, r.rss ?? 0);
  }
  const m = { label, lines, bytes, wall_s: median(runs), runs, rss_mb: rss || null };
  results.push(m);
  say(`  ${label}: ${m.wall_s.toFixed(2)} s (${runs.map((x) => x.toFixed(2)).join(' ')}), ${(lines / m.wall_s / 1000).toFixed(0)}k lines/s, RSS ${m.rss_mb?.toFixed(0) ?? '?'} MB`);
  return m;
}

function ensurePeers(): { goaccess: boolean; lnav: boolean } {
  const has = (c: string): boolean => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;
  const missing = ['goaccess', 'lnav'].filter((c) => !has(c));
  if (missing.length && !SKIP_PEERS) {
    say(`bench: installing ${missing.join(', ')} with apt-get (Debian packages)`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return { goaccess: has('goaccess'), lnav: has('lnav') };
}

async function duckScan(sql: string): Promise<{ s: number; rss: number | null }> {
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await db.connect();
  const t0 = performance.now();
  await c.run(sql);
  const s = (performance.now() - t0) / 1000;
  c.closeSync();
  db.closeSync();
  return { s, rss: null };
}

async function bundle(lines: number): Promise<{ dir: string; access: string; json: string }> {
  const dir = fromRoot('samples', 'scale', `scale-${lines}`);
  const id = 'f'.repeat(64);
  const access = join(dir, 'logs', 'access.log');
  const json = join(dir, 'containers', id, `${id}-json.log`);
  if (!existsSync(access) || !existsSync(json)) {
    say(`bench: generating a scale bundle of ${lines} proxy and ${lines} gateway lines in ${dir}`);
    await generateScale(dir, lines);
  } else say(`bench: reusing ${dir}`);
  return { dir, access, json };
}

function gitRepo(commits: number): string {
  const dir = join(WORK, `git-${commits}`);
  if (existsSync(join(dir, 'HEAD'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['init', '-q', '--bare', dir]);
  const parts: string[] = [];
  for (let i = 1; i <= commits; i++) {
    const t = 1_760_000_000 + i * 3600;
    const files: string[] = [];
    if (i % 3 === 1) files.push(`M 100644 inline openclaw.json\ndata <<EOF\n{"meta":{"lastTouchedVersion":"2026.4.${i % 28}"},"gateway":{"mode":"local","auth":{"mode":"token","token":"${(i * 7919).toString(16).padStart(48, 'a')}"},"reload":{"mode":"hybrid"}}}\nEOF\n`);
    if (i % 4 === 2) files.push(`M 100644 inline .env\ndata <<EOF\nOPENCLAW_CONFIG_DIR=/srv/s${i % 5}\nOPENCLAW_GATEWAY_TOKEN=${(i * 104729).toString(16).padStart(64, 'b')}\nEOF\n`);
    if (i % 5 === 3) files.push(`M 100644 inline docker-compose.yml\ndata <<EOF\nservices:\n  openclaw-gateway:\n    image: openclaw:2026.4.${i % 28}\n    environment:\n      TZ: UTC\nEOF\n`);
    if (i % 7 === 4) files.push(`M 100644 inline nginx/nginx.conf\ndata <<EOF\nhttp { server { location / { proxy_read_timeout ${(i % 60) + 5}s; } } }\nEOF\n`);
    files.push(`M 100644 inline notes.md\ndata <<EOF\nnote ${i}\nEOF\n`);
    parts.push(`commit refs/heads/main\nmark :${i}\ncommitter Bench <b@example.com> ${t} +0000\ndata <<EOF\nchange ${i}\nEOF\n${i > 1 ? `from :${i - 1}\n` : ''}${files.join('')}\n`);
  }
  execFileSync('git', ['--git-dir', dir, 'fast-import', '--quiet'], { input: parts.join('') });
  return dir;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const peers = ensurePeers();
  const { dir, access, json } = await bundle(LINES);
  const quarter = await bundle(Math.floor(LINES / 4));
  const conf = join(dir, 'nginx');
  const accessBytes = statSync(access).size;
  const jsonBytes = statSync(json).size;
  const db = (n: string): string => {
    const p = join(WORK, `${n}.duckdb`);
    rmSync(p, { force: true });
    rmSync(p + '.wal', { force: true });
    return p;
  };
  say(`\n# ${LINES} nginx access lines (${(accessBytes / 1e6).toFixed(0)} MB), ${LINES} docker json-file lines (${(jsonBytes / 1e6).toFixed(0)} MB); ${RUNS} runs each, medians`);

  say('\n## floor');
  measure('cat access.log > /dev/null', LINES, accessBytes, () => timed('sh', ['-c', `cat '${access}' > /dev/null`]));
  const csvArgs = `columns={'line': 'VARCHAR'}, delim=E'\\x01\\x02\\x03\\x04', quote='', escape='', header=false, auto_detect=false, strict_mode=false, null_padding=true`;
  const scanNginx = await (async () => { const runs: number[] = []; for (let i = 0; i < RUNS; i++) runs.push((await duckScan(`SELECT count(*) FROM read_csv('${access}', ${csvArgs})`)).s); const m = { label: 'DuckDB raw scan, nginx (read_csv 1 column, count)', lines: LINES, bytes: accessBytes, wall_s: median(runs), runs, rss_mb: null }; results.push(m); say(`  ${m.label}: ${m.wall_s.toFixed(2)} s`); return m; })();
  const scanJson = await (async () => { const runs: number[] = []; for (let i = 0; i < RUNS; i++) runs.push((await duckScan(`SELECT count(*) FROM read_json('${json}', format='newline_delimited', columns={'log': 'VARCHAR', 'stream': 'VARCHAR', 'time': 'VARCHAR'})`)).s); const m = { label: 'DuckDB raw scan, json-file (read_json, count)', lines: LINES, bytes: jsonBytes, wall_s: median(runs), runs, rss_mb: null }; results.push(m); say(`  ${m.label}: ${m.wall_s.toFixed(2)} s`); return m; })();

  // count(*) lets DuckDB skip the column entirely; a materialised single column is the floor of any real parse
  const floorRun = async (label: string, sql: string, lines: number, bytes: number): Promise<Measure> => {
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await duckScan(sql)).s);
    const m = { label, lines, bytes, wall_s: median(runs), runs, rss_mb: null };
    results.push(m);
    say(`  ${label}: ${m.wall_s.toFixed(2)} s`);
    return m;
  };
  const matNginx = await floorRun('DuckDB single column materialised, nginx (CREATE TEMP TABLE AS read_csv)', `CREATE TEMP TABLE t AS SELECT line FROM read_csv('${access}', ${csvArgs})`, LINES, accessBytes);
  const matJson = await floorRun('DuckDB records materialised, json-file (CREATE TEMP TABLE AS read_json)', `CREATE TEMP TABLE t AS SELECT * FROM read_json('${json}', format='newline_delimited', columns={'log': 'VARCHAR', 'stream': 'VARCHAR', 'time': 'VARCHAR'})`, LINES, jsonBytes);

  say('\n## peers');
  let goaccess: Measure | undefined;
  let lnav: Measure | undefined;
  if (peers.goaccess && !SKIP_PEERS) {
    goaccess = measure('GoAccess HTML report', LINES, accessBytes, () => timed('goaccess', [access, '--log-format=%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %^', '--date-format=%d/%b/%Y', '--time-format=%T', '-o', join(WORK, 'goaccess.html'), '--no-progress']));
  } else say('  GoAccess: not available (skipped)');
  if (peers.lnav && !SKIP_PEERS) {
    lnav = measure('lnav headless status count', LINES, accessBytes, () => timed('lnav', ['-n', '-c', ';SELECT count(*), sc_status FROM access_log GROUP BY sc_status', access], { HOME: WORK }));
  } else say('  lnav: not available (skipped)');

  say('\n## clawtrail ingest');
  const ingNginx = measure('clawtrail ingest nginx access', LINES, accessBytes, () => timed('node', [CLI, 'ingest', access, conf, '--db', db('nginx'), '-q']));
  const ingJson = measure('clawtrail ingest docker json-file', LINES, jsonBytes, () => timed('node', [CLI, 'ingest', json, '--db', db('json'), '-q']));
  const ingAll = measure('clawtrail ingest whole bundle (4×)', 2 * LINES, accessBytes + jsonBytes, () => timed('node', [CLI, 'ingest', dir, '--db', db('all'), '-q']));
  const ingQuarter = measure('clawtrail ingest whole bundle (1×)', 2 * Math.floor(LINES / 4), statSync(quarter.access).size + statSync(quarter.json).size, () => timed('node', [CLI, 'ingest', quarter.dir, '--db', db('quarter'), '-q']));

  say('\n## clawtrail analyze on the ingested case');
  const store = await Store.open(join(WORK, 'all.duckdb'));
  const q: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    await runAll(store);
    q.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const report = await buildReport(store, { version: 'bench', commandLine: 'bench', db: 'all.duckdb' });
    writeReports(report, join(WORK, 'report'), ['html', 'md', 'json', 'sarif']);
    r.push((performance.now() - t0) / 1000);
  }
  store.close();
  results.push({ label: 'all canned queries', lines: 2 * LINES, bytes: 0, wall_s: median(q), runs: q, rss_mb: null });
  results.push({ label: 'report rendering (html, md, json, sarif)', lines: 2 * LINES, bytes: 0, wall_s: median(r), runs: r, rss_mb: null });
  say(`  queries ${median(q).toFixed(2)} s, report ${median(r).toFixed(2)} s`);

  say('\n## git history');
  const repo = gitRepo(5000);
  const gitM = measure('clawtrail ingest --git (5,000 commits)', 5000, 0, () => timed('node', [CLI, 'ingest', repo, '--db', db('git'), '-q']));

  const lps = (m?: Measure): number => (m ? m.lines / m.wall_s : NaN);
  const ratios = {
    'nginx ingest / GoAccess (lines/s)': lps(ingNginx) / lps(goaccess),
    'nginx ingest / lnav status count (lines/s)': lps(ingNginx) / lps(lnav),
    'nginx ingest / DuckDB raw scan (lines/s)': lps(ingNginx) / lps(scanNginx),
    'json-file ingest / DuckDB raw read_json (lines/s)': lps(ingJson) / lps(scanJson),
    'nginx ingest / DuckDB materialised single column (lines/s)': lps(ingNginx) / lps(matNginx),
    'json-file ingest / DuckDB materialised read_json (lines/s)': lps(ingJson) / lps(matJson),
    'RSS 4× / RSS 1×': (ingAll.rss_mb ?? NaN) / (ingQuarter.rss_mb ?? NaN),
  };
  const targets = {
    'nginx ingest / GoAccess (lines/s)': 4, 'nginx ingest / lnav status count (lines/s)': 1, 'nginx ingest / DuckDB raw scan (lines/s)': 0.5,
    'json-file ingest / DuckDB raw read_json (lines/s)': 0.5, 'RSS 4× / RSS 1×': 1.2,
    'nginx ingest / DuckDB materialised single column (lines/s)': 0.5, 'json-file ingest / DuckDB materialised read_json (lines/s)': 0.5,
  } as Record<string, number>;
  process.stdout.write(`\n| measurement | lines | MB | median s | lines/s | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: |\n`);
  for (const m of results) process.stdout.write(`| ${m.label} | ${m.lines} | ${(m.bytes / 1e6).toFixed(0)} | ${m.wall_s.toFixed(2)} | ${m.bytes ? Math.round(m.lines / m.wall_s) : ''} | ${m.rss_mb?.toFixed(0) ?? ''} |\n`);
  process.stdout.write(`\n| ratio | value | target | met |\n| --- | ---: | ---: | --- |\n`);
  for (const [k, v] of Object.entries(ratios)) {
    const t = targets[k];
    const met = k.startsWith('RSS') ? v <= t : v >= t;
    process.stdout.write(`| ${k} | ${Number.isFinite(v) ? v.toFixed(2) : 'n/a'} | ${k.startsWith('RSS') ? '≤' : '≥'} ${t} | ${Number.isFinite(v) ? (met ? 'yes' : `no (${k.startsWith('RSS') ? '+' : ''}${((k.startsWith('RSS') ? v / t - 1 : 1 - v / t) * 100).toFixed(0)}% off)`) : 'n/a'} |\n`);
  }
  const absolute = {
    'peak RSS ≤ 1.5 GB': (ingAll.rss_mb ?? 0) <= 1536,
    'all canned queries < 5 s': median(q) < 5,
    'report < 3 s': median(r) < 3,
    'git 5,000 commits < 5 s': gitM.wall_s < 5,
  };
  for (const [k, ok] of Object.entries(absolute)) process.stdout.write(`| ${k} | | | ${ok ? 'yes' : 'no'} |\n`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  mkdirSync(fromRoot('bench'), { recursive: true });
  writeFileSync(fromRoot('bench', 'results.json'), JSON.stringify({ at: new Date().toISOString(), machine, lines: LINES, runs: RUNS, results, ratios, absolute }, null, 2) + '\n');
  say(`\nbench: results written to ${fromRoot('bench', 'results.json')}`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
