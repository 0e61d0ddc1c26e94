// A bundle folder as a user collects it, plus its ground truth (TRUTH.json and TRUTH.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRepo, type CommitSpec } from './git-repo.js';

export interface Truth {
  bundle: string;
  cause: string;                       // proxy-release | token-divergence | pairing-loss | none
  summary: string;
  key_instants: Record<string, string>;
  commits: Record<string, string>;
  must_cite: string[];
}

/** What `npm run eval` scores (the lab's truth shape, eval/score.ts): the incident window with its mechanism class and
 *  cause, or the quiet windows of a healthy week — derived here from the scenario's own key instants and commits. */
interface ScoredTruth {
  synthetic: true;
  incidents: { phase: string; window: { start: string; end: string }; mechanism: string; component: string;
    cause: { action: string; do: string; at: string; commit: string }; trigger: { action: string; do: string; at: string } | null;
    first_symptom: string | null; last_symptom: string | null }[];
  quiet_windows: { phase: string; start: string; end: string }[];
}

/** Per generator cause: its mechanism class (the lab's vocabulary), the component, and which key instants bound the
 *  incident, its first symptom and its trigger. */
const SCORED: Record<string, { mechanism: string; component: string; start: string; end: string; first: string; trigger: string }> = {
  'proxy-release': { mechanism: 'proxy-idle-timeout', component: 'nginx', start: 'commit', end: 'burst_end', first: 'burst_start', trigger: 'reload' },
  'token-divergence': { mechanism: 'token-divergence', component: 'compose', start: 'divergence_commit', end: 'fix_recreate', first: 'first_rejection', trigger: 'recreate' },
  'pairing-loss': { mechanism: 'state-loss', component: 'compose', start: 'commit', end: 'last_reapproval', first: 'first_rejection', trigger: 'recreate' },
};

const HOUR = 3600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

function scored(t: Truth): ScoredTruth {
  const k = t.key_instants;
  // a healthy week: each benign event opens a quiet window from 30 minutes before it to 2 hours after
  if (t.cause === 'none') {
    return { synthetic: true, incidents: [], quiet_windows: Object.entries(k).map(([phase, at]) => ({ phase, start: iso(Date.parse(at) - HOUR / 2), end: iso(Date.parse(at) + 2 * HOUR) })) };
  }
  const c = SCORED[t.cause];
  if (!c) throw new Error(`truth of ${t.bundle}: cause ${t.cause} has no scored shape in samples/gen/bundle.ts`);
  return {
    synthetic: true,
    incidents: [{
      phase: t.cause, window: { start: k[c.start], end: k[c.end] }, mechanism: c.mechanism, component: c.component,
      cause: { action: 'commit', do: 'commit', at: k[c.start], commit: t.commits.cause },
      trigger: k[c.trigger] ? { action: c.trigger, do: c.trigger, at: k[c.trigger] } : null,
      first_symptom: k[c.first] ?? null, last_symptom: k[c.end] ?? null,
    }],
    quiet_windows: [],
  };
}

export class Bundle {
  /** dir: the bundle folder; truthDir: where its ground truth goes (outside the bundle, so ingest never reads it). */
  constructor(readonly dir: string, readonly truthDir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  file(rel: string, text: string): void {
    this.binary(rel, Buffer.from(text, 'utf8'));
  }
  binary(rel: string, data: Buffer): void {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
  gitHistory(commits: CommitSpec[]): string[] {
    return buildRepo(commits, join(this.dir, 'config-repo.bundle'));
  }
  truth(t: Truth): void {
    mkdirSync(this.truthDir, { recursive: true });
    writeFileSync(join(this.truthDir, `${t.bundle}.json`), JSON.stringify({ ...t, ...scored(t) }, null, 2) + '\n');
    const md = [`# Ground truth: ${t.bundle}`, '', '_Synthetic: written by the samples generator from a seed, not recorded from real programs (see lab/ for those)._', '',
      `**Cause:** ${t.cause}`, '', t.summary, '', '## Key instants (UTC)', '',
      ...Object.entries(t.key_instants).map(([k, v]) => `- ${k}: ${v}`), '', '## Commits', '', ...Object.entries(t.commits).map(([k, v]) => `- ${k}: \`${v}\``),
      '', '## A correct analysis cites', '', ...t.must_cite.map((c) => `- ${c}`), '',
      'Tokens in the bundle are made-up values, planted to prove that clawtrail never stores or prints them.', ''].join('\n');
    writeFileSync(join(this.truthDir, `${t.bundle}.md`), md);
  }
}
