// `npm run bench`: every target of the performance issue (#19) measured in one run, on the same files, against the
// same machine's peers, and printed as one table. Never part of the test suite. Writes bench/results.json.
//   npm run bench -- [--lines 5000000] [--runs 3] [--quick] [--skip-peers]
// --quick: 400,000 lines a file and 2 rounds (a minute or two), to see a change's effect; the figures to quote come
// from the default run.
//
// How it measures. Every clawtrail figure is a whole process (node start-up, opening the case, writing it) timed by
// /usr/bin/time: wall seconds, CPU seconds (user + system, every thread) and peak RSS. The machine is shared, so the
// comparisons are taken in rounds: one round runs clawtrail and each yardstick on the same file back to back, each
// ratio is taken within its round, and the median of the rounds' ratios is reported (a slow minute moves both sides of
// a pair). DuckDB's own figures are its statement alone (in a fresh process, after start-up): the materialisation
// of the file as one text column (read_csv) and as its records (read_json), the floor of keeping each line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const QUICK = args.includes('--quick');
const LINES = opt('lines', QUICK ? 400_000 : 5_000_000);
const RUNS = opt('runs', QUICK ? 2 : 3);
const SKIP_PEERS = args.includes('--skip-peers');
const CLI = fromRoot('dist', 'cli.js');
const WORK = join(tmpdir(), 'clawtrail-bench');
const SAMPLES = ['proxy-release-1006', 'token-divergence', 'pairing-loss', 'healthy-week'];

/** One process's figures. */
interface Run { wall: number; cpu: number; rss_mb: number }
interface Measure { label: string; lines: number; bytes: number; runs: Run[]; wall_s: number; cpu_s: number; rss_mb: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const say = (s: string): void => void process.stderr.write(s + '\n');
const results: Measure[] = [];

/** A command's whole process under /usr/bin/time (exit codes 2 and 3 are clawtrail's findings and partial evidence). */
function timed(cmd: string, argv: string[], env: Record<string, string> = {}): Run {
  const out = join(WORK, 'time.txt');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', cmd, ...argv], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 2 && r.status !== 3) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
  const [, user, sys, rss] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: user + sys, rss_mb: rss / 1024 };
}

/** DuckDB's statement alone, in a fresh process (`--floor SQL` mode of this script): its wall and CPU seconds. */
function floor(sql: string): Run {
  const r = spawnSync('node', [fromRoot('dist', 'bench', 'bench.js'), '--floor', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`DuckDB floor failed: ${r.stderr.slice(-500)}`);
  const [wall, cpu] = r.stdout.trim().split(' ').map(Number);
  return { wall, cpu, rss_mb: 0 };
}

function record(label: string, lines: number, bytes: number, runs: Run[]): Measure {
  const m: Measure = { label, lines, bytes, runs, wall_s: median(runs.map((r) => r.wall)), cpu_s: median(runs.map((r) => r.cpu)), rss_mb: Math.max(...runs.map((r) => r.rss_mb)) };
  results.push(m);
  say(`  ${label}: ${m.wall_s.toFixed(2)} s wall (${runs.map((r) => r.wall.toFixed(2)).join(' ')}), ${m.cpu_s.toFixed(2)} s CPU${lines ? `, ${Math.round(lines / m.wall_s / 1000)}k lines/s` : ''}${m.rss_mb ? `, RSS ${m.rss_mb.toFixed(0)} MB` : ''}`);
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
  return { goaccess: !SKIP_PEERS && has('goaccess'), lnav: !SKIP_PEERS && has('lnav') };
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

/** A fresh case database path. */
function db(name: string): string {
  const p = join(WORK, `${name}.duckdb`);
  for (const f of [p, `${p}.wal`]) rmSync(f, { force: true });
  rmSync(`${p}.tmp`, { recursive: true, force: true });
  return p;
}

/** The progress line an ingest prints when stderr is not a terminal (one every second). */
function progressLine(dir: string): string | undefined {
  const r = spawnSync('node', [CLI, 'ingest', dir, '--db', db('progress')], { encoding: 'utf8', env: { ...process.env, CLAWTRAIL_PROGRESS_SECONDS: '1' } });
  return r.stderr.split('\n').find((l) => /\d+%/.test(l) && /ETA/.test(l) && /\/s\b/.test(l));
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const peers = ensurePeers();
  const full = await bundle(LINES);
  const quarter = await bundle(Math.floor(LINES / 4));
  const accessBytes = statSync(full.access).size;
  const jsonBytes = statSync(full.json).size;
  const csv = `columns={'line': 'VARCHAR'}, delim=E'\\x01\\x02\\x03\\x04', quote='', escape='', header=false, auto_detect=false, strict_mode=false, null_padding=true`;
  say(`\n# ${LINES} nginx access lines (${(accessBytes / 1e6).toFixed(0)} MB), ${LINES} docker json-file lines (${(jsonBytes / 1e6).toFixed(0)} MB); ${RUNS} rounds, medians`);

  // ---- single files against the yardsticks, in rounds -------------------------------------------------------------
  say('\n## single files, in rounds (clawtrail, then each yardstick on the same file)');
  const rounds: Record<string, Run>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r: Record<string, Run> = {};
    r.nginx = timed('node', [CLI, 'ingest', full.access, join(full.dir, 'nginx'), '--db', db('nginx'), '-q']);
    r.nginxFloor = floor(`CREATE TEMP TABLE t AS SELECT line FROM read_csv('${full.access}', ${csv})`);
    if (peers.lnav) r.lnav = timed('lnav', ['-n', '-c', ';SELECT count(*), sc_status FROM access_log GROUP BY sc_status', full.access], { HOME: WORK });
    if (peers.goaccess) r.goaccess = timed('goaccess', [full.access, '--log-format=%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %^', '--date-format=%d/%b/%Y', '--time-format=%T', '-o', join(WORK, 'goaccess.html'), '--no-progress']);
    r.json = timed('node', [CLI, 'ingest', full.json, '--db', db('json'), '-q']);
    r.jsonFloor = floor(`CREATE TEMP TABLE t AS SELECT * FROM read_json('${full.json}', format='newline_delimited', columns={'log': 'VARCHAR', 'stream': 'VARCHAR', 'time': 'VARCHAR'})`);
    rounds.push(r);
    say(`  round ${i + 1}: ${Object.entries(r).map(([k, v]) => `${k} ${v.wall.toFixed(2)} s`).join(', ')}`);
  }
  const series = (k: string): Run[] => rounds.map((r) => r[k]).filter(Boolean);
  record('clawtrail ingest, nginx access', LINES, accessBytes, series('nginx'));
  record('DuckDB: one column materialised (CREATE TEMP TABLE AS read_csv), nginx', LINES, accessBytes, series('nginxFloor'));
  if (peers.lnav) record('lnav 0.11 headless status count', LINES, accessBytes, series('lnav'));
  if (peers.goaccess) record('GoAccess 1.7 HTML report', LINES, accessBytes, series('goaccess'));
  record('clawtrail ingest, docker json-file', LINES, jsonBytes, series('json'));
  record('DuckDB: records materialised (CREATE TEMP TABLE AS read_json), json-file', LINES, jsonBytes, series('jsonFloor'));
  // a lines/s ratio within each round: the other's wall time over clawtrail's
  const ratio = (a: string, b: string): number => (rounds.every((r) => r[a] && r[b]) ? median(rounds.map((r) => r[b].wall / r[a].wall)) : NaN);

  // ---- the whole bundle at 1× and 4×: rate, and memory that stays flat --------------------------------------------
  say('\n## whole bundle (mixed), 1× and 4×, alternating');
  const one: Run[] = [];
  const four: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    one.push(timed('node', [CLI, 'ingest', quarter.dir, '--db', db('quarter'), '-q']));
    four.push(timed('node', [CLI, 'ingest', full.dir, '--db', db('all'), '-q']));
  }
  const quarterBytes = statSync(quarter.access).size + statSync(quarter.json).size;
  const ingOne = record('clawtrail ingest, whole bundle (1×)', 2 * Math.floor(LINES / 4), quarterBytes, one);
  const ingFour = record('clawtrail ingest, whole bundle (4×)', 2 * LINES, accessBytes + jsonBytes, four);

  // ---- queries, attribution and reports on the 4× case ----------------------------------------------------------
  say(`\n## queries and reports on the ${2 * LINES}-line case`);
  const store = await Store.open(join(WORK, 'all.duckdb'));
  const q: Run[] = [];
  const rep: Run[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    await runAll(store);
    let c = process.cpuUsage(c0);
    q.push({ wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, rss_mb: 0 });
    t0 = performance.now();
    c0 = process.cpuUsage();
    const report = await buildReport(store, { version: 'bench', commandLine: 'bench', db: 'all.duckdb' });
    writeReports(report, join(WORK, 'report'), ['html', 'md', 'json', 'sarif']);
    c = process.cpuUsage(c0);
    rep.push({ wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, rss_mb: 0 });
    htmlBytes = statSync(join(WORK, 'report', 'report.html')).size;
  }
  store.close();
  const queries = record(`every canned query (and the attribution), ${2 * LINES}-line case`, 0, 0, q);
  const render = record('report rendering (HTML, Markdown, JSON, SARIF)', 0, 0, rep);
  say(`  report.html: ${(htmlBytes / 1e6).toFixed(2)} MB`);

  // ---- a newcomer's first run: analyze of each bundled sample ----------------------------------------------------
  say('\n## analyze of each bundled sample');
  const samples = SAMPLES.map((s) => {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const out = join(WORK, `sample-${s}`);
      rmSync(out, { recursive: true, force: true });
      runs.push(timed('node', [CLI, 'analyze', fromRoot('samples', s), '--out', out, '-q']));
    }
    return record(`clawtrail analyze samples/${s}`, 0, 0, runs);
  });

  say('\n## git history and progress');
  const repo = gitRepo(5000);
  const gitM = record('clawtrail ingest --git (5,000 commits)', 5000, 0, Array.from({ length: RUNS }, () => timed('node', [CLI, 'ingest', repo, '--db', db('git'), '-q'])));
  const progress = progressLine(quarter.dir);
  say(`  progress line: ${progress ?? '(none with a percentage, a rate and an ETA)'}`);

  // ---- the table -------------------------------------------------------------------------------------------------
  const lps = (m: Measure): string => (m.lines && m.bytes ? String(Math.round(m.lines / m.wall_s)) : '');
  process.stdout.write(`\n| measurement | lines | MB | wall s | CPU s | lines/s | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`);
  for (const m of results) {
    process.stdout.write(`| ${m.label} | ${m.lines || ''} | ${m.bytes ? (m.bytes / 1e6).toFixed(0) : ''} | ${m.wall_s.toFixed(2)} | ${m.cpu_s.toFixed(2)} | ${lps(m)} | ${m.rss_mb ? m.rss_mb.toFixed(0) : ''} |\n`);
  }
  const targets: { target: string; value: number; goal: number; unit: string; atMost?: boolean }[] = [
    { target: 'nginx ingest / lnav status count (lines/s, per round)', value: ratio('nginx', 'lnav'), goal: 1.2, unit: '×' },
    { target: 'nginx ingest / GoAccess HTML report (lines/s, per round)', value: ratio('nginx', 'goaccess'), goal: 6, unit: '×' },
    { target: 'nginx ingest / DuckDB one-column materialisation (lines/s, per round)', value: ratio('nginx', 'nginxFloor'), goal: 0.6, unit: '×' },
    { target: 'json-file ingest / DuckDB read_json materialisation (lines/s, per round)', value: ratio('json', 'jsonFloor'), goal: 0.5, unit: '×' },
    { target: 'whole bundle (4×) end to end, lines/s', value: ingFour.lines / ingFour.wall_s, goal: 400_000, unit: '' },
    ...samples.map((m) => ({ target: `${m.label.replace('clawtrail ', '')}, wall s`, value: m.wall_s, goal: 1.5, unit: 's', atMost: true })),
    { target: 'report.html size, MB', value: htmlBytes / 1e6, goal: 5, unit: 'MB', atMost: true },
    { target: 'report rendering, s', value: render.wall_s, goal: 3, unit: 's', atMost: true },
    { target: `every query and the attribution on the ${2 * LINES}-line case, s`, value: queries.wall_s, goal: 5, unit: 's', atMost: true },
    { target: 'peak RSS of any ingest, MB', value: Math.max(...results.filter((m) => m.label.startsWith('clawtrail ingest')).map((m) => m.rss_mb)), goal: 1024, unit: 'MB', atMost: true },
    { target: 'peak RSS 4× / 1× (flat)', value: ingFour.rss_mb / ingOne.rss_mb, goal: 1.2, unit: '×', atMost: true },
    { target: 'git history, 5,000 commits, s', value: gitM.wall_s, goal: 5, unit: 's', atMost: true },
    { target: 'a progress line with rate, percentage and ETA', value: progress ? 1 : 0, goal: 1, unit: '' },
  ];
  process.stdout.write(`\n| target | measured | goal | met |\n| --- | ---: | ---: | --- |\n`);
  for (const t of targets) {
    const fmt = (v: number): string => (t.unit === '' && v >= 1000 ? `${Math.round(v / 1000)}k` : t.unit === '' && v <= 1 && t.goal === 1 ? (v ? 'yes' : 'no') : `${v.toFixed(2)}${t.unit === '×' ? '×' : ''}`);
    const met = Number.isFinite(t.value) ? ((t.atMost ? t.value <= t.goal : t.value >= t.goal) ? 'yes' : 'no') : 'n/a (peer missing)';
    process.stdout.write(`| ${t.target} | ${Number.isFinite(t.value) ? fmt(t.value) : 'n/a'} | ${t.atMost ? '≤' : '≥'} ${fmt(t.goal)} | ${met} |\n`);
  }
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, mem_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(fromRoot('bench', 'results.json'), JSON.stringify({ at: new Date().toISOString(), machine, lines: LINES, runs: RUNS, results, rounds, targets, progress }, null, 2) + '\n');
  say(`\nbench: results written to ${fromRoot('bench', 'results.json')}`);
}

/** `--floor SQL`: the statement's wall and CPU seconds in this fresh process, on an in-memory database. */
async function floorMode(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await conn.run(sql);
  const c = process.cpuUsage(c0);
  process.stdout.write(`${(performance.now() - t0) / 1000} ${(c.user + c.system) / 1e6}\n`);
  conn.closeSync();
  instance.closeSync();
}

const floorAt = args.indexOf('--floor');
(floorAt >= 0 ? floorMode(args[floorAt + 1]) : main()).catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
