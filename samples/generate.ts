// Deterministic sample-evidence generator. `npm run gen:samples` rebuilds samples/<bundle>/ byte for byte (the
// output is checked in, so the demo needs no generation step); `npm run gen:scale -- --lines N` writes a scale
// bundle for the benchmark with the same incident shapes inside.
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { Bundle } from './gen/bundle.js';
import { proxyRelease } from './gen/scenario-proxy-release.js';
import { tokenDivergence } from './gen/scenario-token-divergence.js';
import { pairingLoss } from './gen/scenario-pairing-loss.js';
import { healthyWeek } from './gen/scenario-healthy-week.js';
import { generateScale } from './gen/scale.js';

export const SCENARIOS: Record<string, (b: Bundle) => void> = {
  'proxy-release-1006': proxyRelease,
  'token-divergence': tokenDivergence,
  'pairing-loss': pairingLoss,
  'healthy-week': healthyWeek,
};

export function generateSamples(root: string, only?: string[]): void {
  for (const [name, gen] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    gen(new Bundle(join(root, name), join(root, 'truth')));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: npm run gen:samples [-- --out DIR] [bundle...]
       npm run gen:scale -- --lines N [--out DIR]   (N proxy lines and N gateway json-file lines)
bundles: ${Object.keys(SCENARIOS).join(', ')}\n`);
    return;
  }
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? args[outIdx + 1] : undefined;
  if (args.includes('--scale')) {
    const li = args.indexOf('--lines');
    const lines = li >= 0 ? Number(args[li + 1]) : 1_000_000;
    if (!Number.isFinite(lines) || lines < 1000) throw new Error('--lines must be a number ≥ 1000');
    const dir = out ?? fromRoot('samples', 'scale', `scale-${lines}`);
    await generateScale(dir, lines);
    process.stdout.write(`scale bundle written to ${dir}\n`);
    return;
  }
  const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
  generateSamples(out ?? fromRoot('samples'), names.length ? names : undefined);
  process.stdout.write(`samples written to ${out ?? fromRoot('samples')}\n`);
}

if (process.argv[1] && /generate\.(js|ts)$/.test(process.argv[1])) {
  main().catch((err) => {
    process.stderr.write(`gen: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
