// `npm run lab -- <command>`: record a scenario from real programs, list or check the scenarios, recompute a
// recording's truth. Recording needs root (network namespace, dockerd) and installs what it needs (lab/setup.sh).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Driver, type LabEnv } from './driver.js';
import { checkScenario, listScenarios, loadScenario } from './scenario.js';
import { computeTruth } from './truth.js';
import { repoRoot } from './root.js';

const root = repoRoot();
// CLAWTRAIL_LAB_RECORDINGS: record into another checkout (a long batch can run from a snapshot of the tree).
const recordingsDir = process.env.CLAWTRAIL_LAB_RECORDINGS ?? path.join(root, 'lab', 'recordings');

function setup(): LabEnv {
  const cache = process.env.CLAWTRAIL_LAB_CACHE ?? '/var/cache/clawtrail-lab';
  const r = spawnSync('bash', [path.join(root, 'lab', 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CLAWTRAIL_LAB_CACHE: cache } });
  const vars: Record<string, string> = {};
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) vars[m[1]] = m[2]; else if (line) console.log(line);
  }
  if (r.status !== 0 || !vars.NODE24 || !vars.OPENCLAW_DIR) throw new Error(`lab/setup.sh failed (exit ${r.status})`);
  return { repoRoot: root, cache, node24: vars.NODE24, openclawDir: vars.OPENCLAW_DIR };
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'list') {
    for (const name of listScenarios()) {
      const s = loadScenario(name);
      const secs = s.phases.reduce((a, p) => a + p.duration, 0);
      const rec = fs.existsSync(path.join(recordingsDir, name, 'truth.json')) ? 'recorded' : 'not recorded';
      console.log(`${name.padEnd(34)} ${String(secs).padStart(4)} s  ${rec.padEnd(12)} ${s.title}`);
    }
    return 0;
  }
  if (cmd === 'check') {
    let bad = 0;
    for (const name of listScenarios()) {
      try { const p = checkScenario(loadScenario(name)); if (p.length) { bad++; console.log(`${name}: ${p.join('; ')}`); } } catch (e) { bad++; console.log(`${name}: ${(e as Error).message}`); }
    }
    console.log(bad ? `${bad} scenario(s) with problems` : `${listScenarios().length} scenarios ok`);
    return bad ? 1 : 0;
  }
  if (cmd === 'truth') {
    for (const name of rest.length ? rest : listScenarios()) {
      const dir = path.join(recordingsDir, name);
      if (!fs.existsSync(path.join(dir, 'driver.log'))) continue;
      fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(computeTruth(loadScenario(name), dir), null, 2) + '\n');
      console.log(`truth: ${name}`);
    }
    return 0;
  }
  if (cmd === 'record') {
    if (!rest.length) { console.error('usage: npm run lab -- record <scenario...> (npm run lab -- list)'); return 1; }
    if (process.getuid?.() !== 0) { console.error('recording needs root (network namespace, dockerd)'); return 1; }
    const scenarios = rest.map((n) => loadScenario(n));
    const env = setup();
    const failed: string[] = [];
    for (const s of scenarios) {
      const t0 = Date.now();
      try {
        await new Driver(s, env, recordingsDir).record();
        console.log(`lab: ${s.name} recorded in ${Math.round((Date.now() - t0) / 1000)} s`);
      } catch (e) {
        failed.push(s.name);
        console.error(`lab: ${s.name} FAILED after ${Math.round((Date.now() - t0) / 1000)} s: ${(e as Error).message}`);
      }
    }
    if (failed.length) console.error(`lab: failed: ${failed.join(' ')}`);
    return failed.length ? 1 : 0;
  }
  console.log('usage: npm run lab -- record <scenario...> | list | check | truth [scenario...]');
  return cmd ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => { console.error(`lab: ${(err as Error).stack ?? err}`); process.exit(1); });
