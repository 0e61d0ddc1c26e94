// collect's file handling without an engine: the streamed stamp merge of docker logs, the watch's resume point read
// from the tail of a large events file, and the scrubbers on what leaves the host.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { mergeByStamp, stampKey } from '../collect/logs.js';
import { lastEventNano } from '../collect/watch.js';
import { tempDir } from './helpers.js';
import { Fingerprinter } from '../lib/secrets.js';
import { scrubYaml } from '../collect/scrub.js';

describe('docker logs merge', () => {
  it('orders by the daemon stamp even where docker trimmed trailing zeros of the fraction', () => {
    const keys = ['2026-05-01T10:00:00.12Z x', '2026-05-01T10:00:00.1Z x', '2026-05-01T10:00:00Z x', '2026-05-01T10:00:00.123456789Z x'].map((l) => stampKey(l)!);
    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0], keys[3]]);
    expect(stampKey('no stamp here')).toBeNull();
  });

  it('interleaves stdout and stderr by stamp, keeps continuation lines with their stamped line, redacts token= values', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'out'), [
      '2026-05-01T10:00:00.1Z a',
      '2026-05-01T10:00:00.3Z c http://h/?token=s3cr3tvalue',
      '  continuation of c',
      '2026-05-01T10:00:01Z e',
    ].join('\n') + '\n');
    writeFileSync(join(d, 'err'), ['2026-05-01T10:00:00.12Z b', '2026-05-01T10:00:00.5Z d'].join('\n') + '\n');
    await mergeByStamp(join(d, 'out'), join(d, 'err'), join(d, 'merged'));
    expect(readFileSync(join(d, 'merged'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(1).join(' '))).toEqual([
      'a', 'b', 'c http://h/?token=[REDACTED]', ' continuation of c', 'd', 'e',
    ]);
  });
});

describe('watch resume point', () => {
  it('is the last timeNano of the newest day, found from the file\'s tail', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'events-2026-05-01.jsonl'), '{"Action":"start","timeNano":1777629600000000001}\n');
    // a 3 MB day whose last event sits behind lines without timeNano and across 64 KiB steps
    const big = createWriteStream(join(d, 'events-2026-05-02.jsonl'));
    for (let i = 0; i < 20000; i++) big.write(`{"Action":"exec_start","timeNano":${1777716000000000000n + BigInt(i)},"pad":"${'x'.repeat(120)}"}\n`);
    big.write(`{"note":"${'y'.repeat(200_000)}"}\n`);
    await new Promise<void>((r) => big.end(() => r()));
    expect(lastEventNano(d)).toBe(1777716000000000000n + 19999n);
    expect(lastEventNano(join(d, 'missing'))).toBe(0n);
  });
});

describe('scrubbers', () => {
  const fpr = Fingerprinter.fromOption('k');
  it('compose YAML: env values, --token in block and flow sequences, token= in URLs; templates stay', () => {
    const yaml = [
      'services:',
      '  gw:',
      '    environment:',
      '      OPENCLAW_GATEWAY_TOKEN: abcdef0123456789abcdef',
      '      OTHER: ${OPENCLAW_GATEWAY_TOKEN}',
      '    command:',
      '    - node',
      '    - --token',
      '    - abcdef0123456789abcdef',
      '    entrypoint: ["node", "--token", "abcdef0123456789abcdef"]',
      '    healthcheck: {test: "wget http://127.0.0.1/?token=abcdef0123456789abcdef"}',
      '    labels: [ "x.token=${T}" ]',
    ].join('\n');
    const out = scrubYaml(yaml, fpr);
    expect(out).not.toContain('abcdef0123456789abcdef');
    expect(out.match(/clawtrail-fp:hmac:/g)?.length).toBe(3);
    expect(out).toContain('OTHER: ${OPENCLAW_GATEWAY_TOKEN}');
    expect(out).toContain('?token=[REDACTED]');
  });
});
