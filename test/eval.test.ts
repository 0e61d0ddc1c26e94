// The accuracy benchmark as a test: every checked-in lab recording and synthetic sample analyzed through the CLI and
// scored against its truth must not fall below eval/baseline.json (an incident found before stays found, a clean
// quiet window stays clean, no total falls) — so a change that loses an attribution fails here. No engine needed.
// Also the scoring rules themselves, on small hand-made findings.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { evaluate, findTargets, repoRoot } from '../eval/eval.js';
import { regressions, type Baseline } from '../eval/baseline.js';
import { scoreBundle, type Finding, type TruthLike } from '../eval/score.js';

const truth: TruthLike = {
  synthetic: false,
  incidents: [{
    phase: 'incident', window: { start: '2026-11-30T10:00:00Z', end: '2026-11-30T10:05:00Z' }, mechanism: 'proxy-idle-timeout', component: 'nginx',
    cause: { action: 'c1', do: 'commit', at: '2026-11-30T10:00:01Z', commit: 'a'.repeat(40) }, trigger: null,
    first_symptom: '2026-11-30T10:00:20Z', last_symptom: '2026-11-30T10:04:00Z',
  }],
  quiet_windows: [{ phase: 'baseline', start: '2026-11-30T09:55:00Z', end: '2026-11-30T10:00:00Z' }],
};
const finding = (over: Partial<Finding>): Finding => ({
  rank: 1, query_id: 'ws1006-after-proxy-release', severity: 'high', confidence: 0.9, start: '2026-11-30T10:00:25Z', end: '2026-11-30T10:04:00Z',
  statement: '1006 burst', evidence: [], details: {}, ...over,
});

describe('eval scoring', () => {
  it('finds an incident when the top causal finding of its window has the mechanism and cites the commit (rewritten id too)', () => {
    const rewritten = 'b'.repeat(40);
    const s = scoreBundle('x', truth, [finding({ evidence: [{ path: 'nginx.conf', line: null, commit: rewritten.slice(0, 12), note: null }] })], new Map([['a'.repeat(40), rewritten]]));
    expect(s.incidents[0]).toMatchObject({ found: true, mechanism_ok: true, cites_cause: true, starts_in_window: true, rated_high: true, time_error_s: 5 });
    expect(s.false_highs).toEqual([]);
  });

  it('skips symptom findings, prefers a finding’s own mechanism, and counts a high in a quiet window as false', () => {
    const burst = finding({ rank: 1, query_id: 'ws-close-bursts', severity: 'medium' });
    const wrong = finding({ rank: 2, query_id: 'restart-flaps', details: { mechanism: 'upstream-down' } });
    const early = finding({ rank: 3, query_id: 'token-divergence', start: '2026-11-30T09:56:00Z', end: '2026-11-30T09:57:00Z' });
    const s = scoreBundle('x', truth, [burst, wrong, early], new Map());
    expect(s.incidents[0].top?.query_id).toBe('restart-flaps');
    expect(s.incidents[0].mechanism_ok).toBe(false);
    expect(s.quiet[0]).toMatchObject({ clean: false, highs: ['token-divergence'] });
    expect(s.false_highs.length).toBe(2);
  });

  it('leaves an incident the recording never showed out of the counts, and does not judge the highs in its window', () => {
    const never: TruthLike = { ...truth, incidents: [{ ...truth.incidents[0], manifested: { ok: false, evidence: 'no session failed about 20 s after it opened' } }] };
    const cut = finding({ details: { mechanism: 'release-cut' } });
    const s = scoreBundle('x', never, [cut], new Map());
    expect(s.incidents[0]).toMatchObject({ scored: false, mechanism_ok: false });
    expect(s.false_highs).toEqual([]);
    expect(s.unjudged_highs).toEqual(['ws1006-after-proxy-release@2026-11-30T10:00:25Z']);
    // the same finding against an incident that did manifest is a false high
    expect(scoreBundle('x', truth, [cut], new Map()).false_highs.length).toBe(1);
  });

  it('judges a commit cause by its trigger only when the bundle holds no git history', () => {
    const withTrigger: TruthLike = { ...truth, incidents: [{ ...truth.incidents[0], trigger: { action: 'r1', do: 'reload', at: '2026-11-30T10:00:05Z' } }] };
    const f = finding({ evidence: [{ path: 'error.log', line: 3, commit: null, note: 'nginx reload (SIGHUP)' }] });
    expect(scoreBundle('x', withTrigger, [f], new Map(), true).incidents[0]).toMatchObject({ cites_cause: false, cause_basis: 'commit' });
    expect(scoreBundle('x', withTrigger, [f], new Map(), false).incidents[0]).toMatchObject({ cites_cause: true, cause_basis: 'trigger (no git history in the bundle)' });
  });
});

describe('eval over the checked-in recordings and samples', () => {
  it('does not fall below eval/baseline.json', async () => {
    const targets = findTargets();
    expect(targets.filter((t) => t.kind === 'lab').length).toBeGreaterThan(0);
    expect(targets.filter((t) => t.kind === 'synthetic').length).toBe(4);
    const r = await evaluate(targets, 2);
    const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'eval', 'baseline.json'), 'utf8')) as Baseline;
    expect(regressions(base, r.scores, r.totals)).toEqual([]);
    expect(r.totals.lab.incidents).toBeGreaterThanOrEqual(base.totals.lab.incidents);
  }, 600_000);

  it('the README states the baseline score', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'eval', 'baseline.json'), 'utf8')) as Baseline;
    const lab = base.totals.lab;
    expect(readme).toContain(`lab recordings: ${lab.found} of ${lab.incidents} incidents found`);
  });
});
