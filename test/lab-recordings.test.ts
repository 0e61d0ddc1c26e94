// The evidence lab without an engine: the scenarios are well-formed data, and every checked-in recording is what
// the lab wrote — its truth recomputes from its driver and probe logs, its bundle passes `clawtrail verify`, it
// holds no token in clear, and the set stays small.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MECHANISMS, checkScenario, listScenarios, loadScenario } from '../lab/scenario.js';
import { computeTruth, readJsonLines, symptomOf, type ProbeEvent } from '../lab/truth.js';
import { defaultSettings, tokenValue } from '../lab/stack.js';
import { clawtrailCli, repoRoot } from '../lab/root.js';

const ROOT = repoRoot();
const RECORDINGS = path.join(ROOT, 'lab', 'recordings');
const CLI = clawtrailCli(ROOT);
const recorded = fs.existsSync(RECORDINGS) ? fs.readdirSync(RECORDINGS).filter((d) => fs.existsSync(path.join(RECORDINGS, d, 'truth.json'))).sort() : [];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every revision of every file in a git bundle, as text (packed objects are compressed). */
function historyText(bundle: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-bundle-'));
  try {
    const git = (args: string[]) => spawnSync('git', ['-c', 'core.hooksPath=/dev/null', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    git(['clone', '-q', '--bare', '--template=', bundle, tmp]);
    return git(['--git-dir', tmp, 'log', '-p', '--all', '--no-textconv', '--no-ext-diff']).stdout;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('lab scenarios', () => {
  const names = listScenarios();

  it('are at least 14, each well-formed, with causes from the mechanism vocabulary', () => {
    expect(names.length).toBeGreaterThanOrEqual(14);
    for (const n of names) expect(checkScenario(loadScenario(n)), n).toEqual([]);
  });

  it('cover what the issue asks: every proxy in a container, quiet weeks, overlapping causes, a decoy', () => {
    const all = names.map((n) => loadScenario(n));
    for (const kind of ['nginx', 'caddy', 'haproxy']) {
      expect(all.some((s) => s.topology.proxies.some((p) => p.kind === kind && p.where === 'container')), kind).toBe(true);
      expect(all.some((s) => s.topology.proxies.some((p) => p.kind === kind && p.where === 'host')), kind).toBe(true);
    }
    expect(all.filter((s) => s.expect.incidents.length === 0).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((s) => s.expect.incidents.length >= 2).length).toBeGreaterThanOrEqual(2);
    expect(all.some((s) => s.topology.watch)).toBe(true);
    expect(all.some((s) => s.topology.collector === 'print-script')).toBe(true);
    const used = new Set(all.flatMap((s) => s.expect.incidents.map((i) => i.mechanism)));
    for (const m of MECHANISMS.filter((x) => x !== 'benign' && x !== 'upstream-down')) expect(used.has(m), m).toBe(true);
  });

  it('rejects a scenario with a cause that is no action, a real forwarded address, or an unknown mechanism', () => {
    const s = loadScenario(names[0]);
    const bad = structuredClone(s);
    bad.expect.incidents = [{ phase: s.phases[0].name, cause: 'nope', component: 'nginx', mechanism: 'made-up' as never }];
    bad.topology.probes = [{ name: 'x', path: 'direct', xff: '10.1.2.3' }];
    const problems = checkScenario(bad).join('\n');
    expect(problems).toMatch(/cause nope/);
    expect(problems).toMatch(/mechanism made-up/);
    expect(problems).toMatch(/documentation addresses/);
  });
});

describe('lab truth', () => {
  it('counts as a symptom what a client sees go wrong, not the session ends it asked for', () => {
    const e = (over: Partial<ProbeEvent>): ProbeEvent => ({ t: '2026-11-30T10:00:00Z', probe: 'p', path: 'nginx', ev: 'close', ...over });
    expect(symptomOf(e({ code: 1000, reason: 'session done' }))).toBeNull();
    expect(symptomOf(e({ code: 1006 }))).toBe('close 1006');
    expect(symptomOf(e({ code: 4001, reason: 'gateway auth changed' }))).toBe('close 4001');
    expect(symptomOf(e({ ev: 'refused', status: 403 }))).toBe('refused 403');
    expect(symptomOf(e({ ev: 'error', error: 'connect ECONNREFUSED 127.0.0.1:8080' }))).toBe('error ECONNREFUSED');
    expect(symptomOf(e({ ev: 'check', status: 200 }))).toBeNull();
    expect(symptomOf(e({ ev: 'check', status: 503 }))).toBe('health 503');
    expect(symptomOf(e({ ev: 'hello' }))).toBeNull();
  });
});

describe('lab recordings', () => {
  it('are checked in, at least one, and the whole set stays under 30 MB', () => {
    expect(recorded.length).toBeGreaterThan(0);
    const bytes = filesUnder(RECORDINGS).reduce((a, f) => a + fs.statSync(f).size, 0);
    expect(bytes).toBeLessThan(30 * 1024 * 1024);
  });

  it.each(recorded)('%s: truth.json is what its driver and probe logs compute', (name) => {
    const dir = path.join(RECORDINGS, name);
    const onDisk = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
    expect(computeTruth(loadScenario(name), dir)).toEqual(onDisk);
    expect(onDisk.synthetic).toBe(false);
    for (const inc of onDisk.incidents) expect(inc.first_symptom, `${name} ${inc.phase}: a real incident has client-visible symptoms`).not.toBeNull();
  });

  it.each(recorded)('%s: the bundle passes clawtrail verify and holds neither driver nor probe logs', (name) => {
    const bundle = path.join(RECORDINGS, name, 'bundle');
    const r = spawnSync(process.execPath, [CLI, 'verify', bundle], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const inBundle = filesUnder(bundle).map((f) => path.relative(bundle, f));
    expect(inBundle.filter((f) => /driver\.log|probes\/|truth\.json/.test(f))).toEqual([]);
  });

  it.each(recorded)('%s: no token in clear anywhere in the recording; forwarded addresses are documentation ranges', (name) => {
    const dir = path.join(RECORDINGS, name);
    const s = loadScenario(name);
    const tokenNames = new Set<unknown>([defaultSettings()['gateway.token'], defaultSettings()['env.token'], s.topology.settings?.['gateway.token'], s.topology.settings?.['env.token']]);
    for (const ph of s.phases) for (const a of ph.actions ?? []) for (const k of ['gateway.token', 'env.token']) if (a.set?.[k] !== undefined) tokenNames.add(a.set[k]);
    const tokens = [...tokenNames].map(tokenValue).filter((t): t is string => !!t);
    for (const f of filesUnder(dir)) {
      const text = f.endsWith('.bundle') ? historyText(f) : fs.readFileSync(f, 'latin1');
      for (const t of tokens) expect(text.includes(t), `${path.relative(dir, f)} holds a token`).toBe(false);
    }
    const docRange = /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/;
    for (const f of fs.readdirSync(path.join(dir, 'probes'))) {
      for (const e of readJsonLines<ProbeEvent & { xff?: string | null }>(path.join(dir, 'probes', f))) {
        if (e.ev === 'start' && e.xff) expect(e.xff).toMatch(docRange);
      }
    }
  });
});
