// `npm run eval`: the accuracy benchmark. Analyzes every lab recording (lab/recordings/<name>/bundle with its
// computed truth.json) and every synthetic sample (samples/<bundle> with samples/truth/<bundle>.json) through the
// clawtrail CLI, scores the findings against the truth (score.ts), prints a table and writes eval/results.json.
//   npm run eval -- [--only NAME...] [--jobs N] [--out FILE] [--quiet] [--write-baseline]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scoreBundle, totals, type BundleScore, type Finding, type Totals, type TruthLike } from './score.js';
import { synthesizeTruth } from './synthetic-truth.js';
import { clawtrailCli, repoRoot as findRoot } from '../lab/root.js';
import { LAB_FINGERPRINT_KEY } from '../lab/driver.js';
import { baselineOf, regressions, type Baseline } from './baseline.js';

export const repoRoot = findRoot();

export interface Target { name: string; kind: 'lab' | 'synthetic'; bundle: string; truth: string }

export function findTargets(root = repoRoot): Target[] {
  const out: Target[] = [];
  const rec = path.join(root, 'lab', 'recordings');
  if (fs.existsSync(rec)) {
    for (const name of fs.readdirSync(rec).sort()) {
      const bundle = path.join(rec, name, 'bundle');
      const truth = path.join(rec, name, 'truth.json');
      if (fs.existsSync(bundle) && fs.existsSync(truth)) out.push({ name, kind: 'lab', bundle, truth });
    }
  }
  const truthDir = path.join(root, 'samples', 'truth');
  for (const f of fs.readdirSync(truthDir).filter((x) => x.endsWith('.json')).sort()) {
    const name = f.replace(/\.json$/, '');
    const bundle = path.join(root, 'samples', name);
    if (fs.existsSync(bundle)) out.push({ name, kind: 'synthetic', bundle, truth: path.join(truthDir, f) });
  }
  return out;
}

/** original id → rewritten id, from the bundle's git/commit-map.txt (collect rewrites history). */
export function readCommitMap(bundle: string): Map<string, string> {
  const m = new Map<string, string>();
  const file = path.join(bundle, 'git', 'commit-map.txt');
  if (!fs.existsSync(file)) return m;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const ids = line.match(/\b[0-9a-f]{40}\b/g);
    if (ids && ids.length >= 2) m.set(ids[0], ids[1]);
  }
  return m;
}

/** Whether the bundle holds the config repository's history (a git bundle or repository anywhere in it). */
export function hasGitHistory(dir: string): boolean {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.endsWith('.bundle') || e.name === '.git' || (e.isDirectory() && e.name === 'git')) return true;
    if (e.isDirectory() && hasGitHistory(path.join(dir, e.name))) return true;
  }
  return false;
}

function analyze(t: Target, outDir: string): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    const args = [clawtrailCli(repoRoot), 'analyze', t.bundle, '--out', outDir, '--reports', 'json', '-q'];
    if (t.kind === 'lab') args.push('--fingerprint-key', LAB_FINGERPRINT_KEY);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      const file = path.join(outDir, 'findings.json');
      if (!fs.existsSync(file)) { reject(new Error(`${t.name}: analyze exited ${code} without findings.json: ${err.slice(-600)}`)); return; }
      resolve((JSON.parse(fs.readFileSync(file, 'utf8')).findings ?? []) as Finding[]);
    });
  });
}

export async function evaluate(targets: Target[], jobs = 2): Promise<{ scores: BundleScore[]; totals: Record<string, Totals> }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clawtrail-eval-'));
  const scores: BundleScore[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const t = targets[i];
      const findings = await analyze(t, path.join(tmp, `${i}-${t.name}`));
      const raw = JSON.parse(fs.readFileSync(t.truth, 'utf8'));
      const truth: TruthLike = t.kind === 'synthetic' ? synthesizeTruth(raw) : raw;
      scores[i] = scoreBundle(t.name, truth, findings, readCommitMap(t.bundle), hasGitHistory(t.bundle));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    scores,
    totals: {
      lab: totals(scores.filter((s) => s.kind === 'lab')),
      synthetic: totals(scores.filter((s) => s.kind === 'synthetic')),
      all: totals(scores),
    },
  };
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)} %`);

/** The table `npm run eval` prints (and the README shows). */
export function table(scores: BundleScore[], tot: Record<string, Totals>): string {
  const rows = ['| recording | kind | incident → top finding | mechanism | cites cause | starts in phase | high | quiet windows clean | false highs | time error |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | ---: |'];
  for (const s of scores) {
    const quiet = s.quiet.length ? `${s.quiet.filter((q) => q.clean).length}/${s.quiet.length}` + (s.quiet.some((q) => q.mediums.length) ? ` (${s.quiet.reduce((a, q) => a + q.mediums.length, 0)} medium)` : '') : '—';
    if (!s.incidents.length) rows.push(`| ${s.name} | ${s.kind} | (quiet) | | | | | ${quiet} | ${s.false_highs.length} | |`);
    s.incidents.forEach((i, n) => {
      const what = `${i.mechanism}${i.scored ? '' : ' (never manifested: not scored)'} → ${i.top ? `${i.top.query_id} (${i.top.severity})` : 'none'}`;
      const cites = `${yes(i.cites_cause)}${i.cause_basis.startsWith('trigger') ? ' (its trigger: no git in the bundle)' : ''}`;
      rows.push(`| ${n === 0 ? s.name : ''} | ${n === 0 ? s.kind : ''} | ${what} | ${yes(i.mechanism_ok)} | ${cites} | ${yes(i.starts_in_window)} | ${yes(i.rated_high)} | ${n === 0 ? quiet : ''} | ${n === 0 ? s.false_highs.length : ''} | ${i.time_error_s === null ? '—' : `${Math.round(i.time_error_s)} s`} |`);
    });
  }
  const sum = ['', '| set | bundles | incidents (scored) | found (recall) | right mechanism | cites cause | starts in phase | rated high | precision of highs | false highs | quiet windows clean | median time error |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const [k, t] of Object.entries(tot)) {
    sum.push(`| ${k} | ${t.bundles} | ${t.incidents}${t.not_manifested ? ` (+${t.not_manifested} never manifested)` : ''} | ${t.found} (${pct(t.recall)}) | ${t.mechanism_ok} | ${t.cites_cause} | ${t.starts_in_window} | ${t.rated_high} | ${pct(t.precision)} (${t.highs - t.false_highs}/${t.highs}) | ${t.false_highs} | ${t.quiet_clean}/${t.quiet_windows} | ${t.median_time_error_s === null ? '—' : `${Math.round(t.median_time_error_s)} s`} |`);
  }
  return rows.concat(sum).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const only: string[] = [];
  let jobs = 2;
  let out = path.join(repoRoot, 'eval', 'results.json');
  let quiet = false;
  let writeBaseline = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') { while (argv[i + 1] && !argv[i + 1].startsWith('--')) only.push(argv[++i]); }
    else if (argv[i] === '--jobs') jobs = Number(argv[++i]);
    else if (argv[i] === '--out') out = path.resolve(argv[++i]);
    else if (argv[i] === '--quiet') quiet = true;
    else if (argv[i] === '--write-baseline') writeBaseline = true;
    else { console.error(`eval: unknown option ${argv[i]}`); return 1; }
  }
  let targets = findTargets();
  if (only.length) targets = targets.filter((t) => only.includes(t.name));
  if (!quiet) console.log(`eval: analyzing ${targets.length} bundle(s) with clawtrail (${targets.filter((t) => t.kind === 'lab').length} lab recordings, ${targets.filter((t) => t.kind === 'synthetic').length} synthetic samples)`);
  const t0 = Date.now();
  const r = await evaluate(targets, jobs);
  console.log(table(r.scores, r.totals));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ schema: 'clawtrail.eval/1', generated_at: new Date().toISOString(), totals: r.totals, bundles: r.scores }, null, 2) + '\n');
  if (!quiet) console.log(`\neval: ${Math.round((Date.now() - t0) / 1000)} s; wrote ${path.relative(process.cwd(), out)}`);
  const baselineFile = path.join(repoRoot, 'eval', 'baseline.json');
  if (writeBaseline) {
    if (only.length) { console.error('eval: --write-baseline needs the whole set (no --only)'); return 1; }
    fs.writeFileSync(baselineFile, JSON.stringify(baselineOf(r.scores, r.totals), null, 2) + '\n');
    console.log(`eval: wrote ${path.relative(process.cwd(), baselineFile)}`);
  } else if (!only.length && fs.existsSync(baselineFile)) {
    const fell = regressions(JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as Baseline, r.scores, r.totals);
    console.log(fell.length ? `eval: below the baseline:\n  ${fell.join('\n  ')}` : 'eval: not below the baseline (eval/baseline.json)');
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main(process.argv.slice(2)).then((c) => process.exit(c), (e) => { console.error(`eval: ${(e as Error).stack ?? e}`); process.exit(1); });
}
