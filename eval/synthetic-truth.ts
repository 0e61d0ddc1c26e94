// The synthetic samples' truth (samples/truth/<bundle>.json, written by the generator) states a cause, commits and
// key instants, but no incident windows or mechanism classes. This adapter reads them into the shape score.ts
// scores: a documented mapping per generator cause, using only the instants the generator wrote. (The generator's
// byte-for-byte test keeps samples/truth as the generator writes it; when the generator itself writes `incidents` /
// `quiet_windows`, those are used as they are.)
import type { TruthLike } from './score.js';

interface GeneratorTruth {
  bundle: string;
  cause: string;
  key_instants: Record<string, string>;
  commits: Record<string, string>;
  incidents?: TruthLike['incidents'];
  quiet_windows?: TruthLike['quiet_windows'];
}

/** generator cause → mechanism class, component, and which key instants bound the incident and its first symptom. */
const CAUSES: Record<string, { mechanism: string; component: string; start: string; end: string; first: string; trigger?: string }> = {
  'proxy-release': { mechanism: 'proxy-idle-timeout', component: 'nginx', start: 'commit', end: 'burst_end', first: 'burst_start', trigger: 'reload' },
  'token-divergence': { mechanism: 'token-divergence', component: 'compose', start: 'divergence_commit', end: 'fix_recreate', first: 'first_rejection', trigger: 'recreate' },
  'pairing-loss': { mechanism: 'state-loss', component: 'compose', start: 'commit', end: 'last_reapproval', first: 'first_rejection', trigger: 'recreate' },
};

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export function synthesizeTruth(t: GeneratorTruth): TruthLike {
  if (t.incidents && t.quiet_windows) return { bundle: t.bundle, synthetic: true, incidents: t.incidents, quiet_windows: t.quiet_windows };
  const k = t.key_instants;
  if (t.cause === 'none') {
    // A healthy week: each benign event opens a quiet window from 30 minutes before it to 2 hours after.
    return {
      bundle: t.bundle, synthetic: true, incidents: [],
      quiet_windows: Object.entries(k).map(([name, at]) => ({ phase: name, start: iso(Date.parse(at) - HOUR / 2), end: iso(Date.parse(at) + 2 * HOUR) })),
    };
  }
  const c = CAUSES[t.cause];
  if (!c) throw new Error(`samples/truth/${t.bundle}.json: cause ${t.cause} has no mapping in eval/synthetic-truth.ts`);
  return {
    bundle: t.bundle,
    synthetic: true,
    incidents: [{
      phase: t.cause,
      window: { start: k[c.start], end: k[c.end] },
      mechanism: c.mechanism,
      component: c.component,
      cause: { action: 'commit', do: 'commit', at: k[c.start], commit: t.commits.cause },
      trigger: c.trigger && k[c.trigger] ? { action: c.trigger, do: c.trigger, at: k[c.trigger] } : null,
      first_symptom: k[c.first] ?? null,
      last_symptom: k[c.end] ?? null,
    }],
    quiet_windows: [],
  };
}
