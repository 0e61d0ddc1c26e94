// The parsers against what Debian's nginx, Caddy and HAProxy write today: the generator of the checked-in samples
// (scripts/gen-format-samples.ts) runs the real programs on 127.0.0.1 with every log variant, and each line they wrote
// goes through the same checks as the samples. (.ci/run installs the three; the container envelopes need an image
// import and are left to `npm run gen:format-samples`.)
import { describe, it } from 'vitest';
import { generateSamples, type Sample } from '../scripts/gen-format-samples.js';
import { expectClaimed, expectFields } from './format-samples.js';

describe('lines the real programs write now', () => {
  let generated: Record<string, Sample[]> | undefined;
  const samples = async (): Promise<Record<string, Sample[]>> => (generated ??= await generateSamples({ docker: false }));
  for (const folder of ['nginx-access', 'nginx-error', 'caddy-json', 'haproxy', 'journald', 'syslog']) {
    it(`${folder}: each is claimed by its format and yields its fields`, async () => {
      const s = (await samples())[folder];
      expectClaimed(folder, s);
      await expectFields(folder, s);
    });
  }
});
