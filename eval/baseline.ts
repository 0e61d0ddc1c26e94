// The checked-in baseline of the score (eval/baseline.json) and the comparison the tests make: every incident that
// was found stays found (right mechanism, cause cited), every quiet window that was clean stays clean, and the totals
// of each set do not fall. Write a new baseline with `npm run eval -- --write-baseline` when the score rises.
import type { BundleScore, Totals } from './score.js';

export interface Baseline {
  note: string;
  totals: Record<string, Pick<Totals, 'incidents' | 'found' | 'mechanism_ok' | 'cites_cause' | 'starts_in_window' | 'rated_high' | 'false_highs' | 'quiet_windows' | 'quiet_clean'>>;
  found: string[];          // "<bundle>#<phase>" of every incident found
  clean_quiet: string[];    // "<bundle>#<phase>" of every quiet window without a high finding
}

const key = (s: BundleScore, phase: string) => `${s.name}#${phase}`;

export function baselineOf(scores: BundleScore[], totals: Record<string, Totals>): Baseline {
  const pick = (t: Totals) => ({ incidents: t.incidents, found: t.found, mechanism_ok: t.mechanism_ok, cites_cause: t.cites_cause, starts_in_window: t.starts_in_window, rated_high: t.rated_high, false_highs: t.false_highs, quiet_windows: t.quiet_windows, quiet_clean: t.quiet_clean });
  return {
    note: 'written by `npm run eval -- --write-baseline`; test/eval.test.ts fails when the score falls below it',
    totals: Object.fromEntries(Object.entries(totals).map(([k, t]) => [k, pick(t)])),
    found: scores.flatMap((s) => s.incidents.filter((i) => i.found).map((i) => key(s, i.phase))).sort(),
    clean_quiet: scores.flatMap((s) => s.quiet.filter((q) => q.clean).map((q) => key(s, q.phase))).sort(),
  };
}

/** What fell below the baseline (empty: no regression). */
export function regressions(base: Baseline, scores: BundleScore[], totals: Record<string, Totals>): string[] {
  const now = baselineOf(scores, totals);
  const out: string[] = [];
  for (const k of base.found) if (!now.found.includes(k)) out.push(`incident ${k} is no longer found`);
  for (const k of base.clean_quiet) if (!now.clean_quiet.includes(k)) out.push(`quiet window ${k} now has a high finding`);
  for (const [set, b] of Object.entries(base.totals)) {
    const t = now.totals[set];
    if (!t) { out.push(`set ${set} is gone`); continue; }
    for (const m of ['found', 'mechanism_ok', 'cites_cause', 'starts_in_window', 'rated_high', 'quiet_clean'] as const) if (t[m] < b[m]) out.push(`${set}: ${m} ${t[m]} < baseline ${b[m]}`);
    if (t.false_highs > b.false_highs) out.push(`${set}: false highs ${t.false_highs} > baseline ${b.false_highs}`);
  }
  return out;
}
