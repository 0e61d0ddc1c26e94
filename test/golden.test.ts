// Golden files, the Observable Framework and gitleaks way: each bundled sample's report.md and findings.json are
// committed under test/golden/<sample>/, and any change to them shows as a diff. Deterministic: the clock is pinned
// (SOURCE_DATE_EPOCH), paths are relative (the CLI runs in the repository with samples/<name>), the fingerprint key is
// fixed (and, like any key, never written into the outputs).
//
// A mismatch writes the new output beside the golden one as <file>-changed (git-ignored) and fails with the diff
// command. To accept a change (a new query, a reworded headline): UPDATE_GOLDEN=1 npm test — never done in CI, where a
// missing golden file fails too.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { BUNDLES, runCli, tempDir } from './helpers.js';

const GOLDEN = fromRoot('test', 'golden');
const CI = process.env.CI === 'true';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
if (UPDATE && CI) throw new Error('UPDATE_GOLDEN=1 is for a developer accepting a change, never for CI');

/** Compares one output with its golden file; writes it when asked (or when missing, outside CI). */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  const changed = `${file}-changed`;
  rmSync(changed, { force: true });
  if (UPDATE || (!existsSync(file) && !CI)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file} (run UPDATE_GOLDEN=1 npm test locally and commit it)`);
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual) writeFileSync(changed, actual);
  expect(actual, `${name} changed: diff -u ${file} ${changed}; accept with UPDATE_GOLDEN=1 npm test`).toBe(expected);
}

describe('golden report.md and findings.json per sample', () => {
  for (const bundle of BUNDLES) {
    it(bundle, () => {
      const out = tempDir();
      const r = runCli(['analyze', `samples/${bundle}`, '--out', out, '--reports', 'md,json', '--fingerprint-key', 'golden-files-key', '-q'],
        { cwd: fromRoot(), env: { SOURCE_DATE_EPOCH: '1764547200' } });
      expect([0, 2], r.stderr).toContain(r.code);
      golden(`${bundle}/report.md`, readFileSync(join(out, 'report.md'), 'utf8'));
      golden(`${bundle}/findings.json`, readFileSync(join(out, 'findings.json'), 'utf8'));
    });
  }
});

describe('report.html is deterministic', () => {
  // Rows that tie on time (a commit changing two keys, closes in one second) must come out in one order, or a
  // re-run of the same case shows a different report.
  it('two runs on the same bundle write the same report.html (apart from the output folder)', () => {
    const runs = [tempDir(), tempDir()].map((out) => {
      const r = runCli(['analyze', 'samples/proxy-release-1006', '--out', out, '--reports', 'html', '--fingerprint-key', 'golden-files-key', '-q'],
        { cwd: fromRoot(), env: { SOURCE_DATE_EPOCH: '1764547200' } });
      expect([0, 2], r.stderr).toContain(r.code);
      return readFileSync(join(out, 'report.html'), 'utf8').split(out).join('<out>');
    });
    expect(runs[0] === runs[1]).toBe(true);
  });
});
