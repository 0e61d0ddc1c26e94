// Every format folder proves itself on its samples (lnav's way): real lines written by the real programs
// (samples.real.jsonl, `npm run gen:format-samples`) and lines in the documented shape of those that cannot run here
// (samples.jsonl, each citing its source). Each line must be claimed by exactly its format, and ingesting the folder's
// samples must yield, for each line, one row holding exactly its fields — with no reject and every line accounted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMAT_FOLDERS, LINE_FORMATS, formatList, formatsHelp, formatsMarkdown } from '../ingest/formats/registry.js';
import { fromRoot } from '../lib/paths.js';
import { expectClaimed, expectFields, samplesOf } from './format-samples.js';

describe('the format registry', () => {
  it('finds one folder per line format, each with samples that cite their source', () => {
    expect(FORMAT_FOLDERS).toEqual(LINE_FORMATS.map((f) => f.name));
    for (const f of FORMAT_FOLDERS) {
      const samples = samplesOf(f);
      expect(samples.length, `${f} has no samples`).toBeGreaterThan(0);
      for (const s of samples) expect(s.from, `${f}: ${s.line}`).toMatch(/\S/);
    }
  });

  it('gives the formats list of the CLI help and the README', () => {
    const names = formatList().map((f) => f.name);
    expect(names).toContain('haproxy');
    expect(names).toContain('haproxy-cfg');
    // the README's table is the registry's (paste formatsMarkdown() between the markers when a format changes)
    const readme = readFileSync(fromRoot('README.md'), 'utf8');
    const block = /<!-- formats:start -->\n([\s\S]*?)\n<!-- formats:end -->/.exec(readme)?.[1];
    expect(block).toBe(formatsMarkdown());
    expect(formatsHelp()).toContain('nginx-access[:NAME]');
  });
});

describe.each(FORMAT_FOLDERS)('format %s', (folder) => {
  const samples = samplesOf(folder);
  it('claims each of its sample lines, and no other format claims them', () => expectClaimed(folder, samples));
  it('yields exactly the fields of each sample line, every line accounted', () => expectFields(folder, samples));
});
