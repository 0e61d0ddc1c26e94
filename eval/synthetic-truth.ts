// The synthetic samples' truth (samples/truth/<bundle>.json) is written by the generator with `synthetic: true` and
// the windows score.ts scores (samples/gen/bundle.ts derives them from each scenario's key instants and commits).
import type { TruthLike } from './score.js';

interface GeneratorTruth {
  bundle: string;
  synthetic?: boolean;
  incidents?: TruthLike['incidents'];
  quiet_windows?: TruthLike['quiet_windows'];
}

export function synthesizeTruth(t: GeneratorTruth): TruthLike {
  if (!t.synthetic || !t.incidents || !t.quiet_windows) {
    throw new Error(`samples/truth/${t.bundle}.json has no scored windows: regenerate the samples (npm run gen:samples)`);
  }
  return { bundle: t.bundle, synthetic: true, incidents: t.incidents, quiet_windows: t.quiet_windows };
}
