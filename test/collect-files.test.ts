// collect's file handling without an engine: the streamed stamp merge of docker logs, the watch's resume point read
// from the tail of a large events file, and the scrubbers on what leaves the host.
import { describe, expect, it } from 'vitest';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeByStamp, stampKey } from '../collect/logs.js';
import { lastEventNano, prune } from '../collect/watch.js';
import { ingestCase, tempDir, writeTree } from './helpers.js';
import { collectAddedPaths, stateFileSources } from '../collect/host-files.js';
import { BundleWriter } from '../collect/bundle-writer.js';
import { isRemoteEngine } from '../collect/project.js';
import { sinceCutoff } from '../collect/docker.js';
import { Fingerprinter } from '../case/secrets.js';
import { scrubAnyConfig, scrubYaml } from '../collect/scrub.js';
import { scrubbedHistoryBundle } from '../collect/git-history.js';
import { execFileSync } from 'node:child_process';

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
  it('a JSON config revision (the git history is scrubbed file by file) stays valid JSON, its markers quoted', () => {
    const json = '{\n  "gateway": {\n    "auth": {\n      "mode": "token",\n      "token": "abcdef0123456789abcdef0123456789abcdef0123456789"\n    }\n  },\n  "token": "zzzzzzzzzzzzzzzzzzzz"\n}\n';
    const out = scrubAnyConfig(json, fpr);
    expect(out).not.toContain('abcdef0123456789');
    const doc = JSON.parse(out) as { gateway: { auth: { token: string } }; token: string };
    expect(doc.gateway.auth.token).toMatch(/^clawtrail-fp:hmac:[0-9a-f]{24}:hex48$/);
    expect(doc.token).toMatch(/^clawtrail-fp:hmac:/);
  });
});

describe('where collect looks', () => {
  it('finds each state file through the deepest mount that holds it', () => {
    const c = { Id: 'x', Name: '/gw', Mounts: [
      { Type: 'volume', Source: '/var/lib/docker/volumes/state/_data', Destination: '/home/node/.openclaw' },
      { Type: 'bind', Source: '/srv/devices', Destination: '/home/node/.openclaw/devices' },
      { Type: 'bind', Source: '/srv/openclaw.json', Destination: '/home/node/.openclaw/openclaw.json' },
    ] };
    const by = Object.fromEntries(stateFileSources(c).map((f) => [f.rel, f.source]));
    expect(by['openclaw.json']).toBe('/srv/openclaw.json');
    expect(by['devices/paired.json']).toBe('/srv/devices/paired.json');
    expect(by['logs/config-audit.jsonl']).toBe('/var/lib/docker/volumes/state/_data/logs/config-audit.jsonl');
    expect(stateFileSources({ Id: 'y', Name: '/proxy', Mounts: [{ Source: '/etc/nginx', Destination: '/etc/nginx' }] })).toEqual([]);
  });

  it('treats ssh:// and tcp:// to another machine as a remote engine, whose paths are not on this host', () => {
    expect(isRemoteEngine('ssh://ops@gw.example.com')).toBe(true);
    expect(isRemoteEngine('tcp://10.0.0.5:2376')).toBe(true);
    expect(isRemoteEngine('tcp://127.0.0.1:2375')).toBe(false);
    expect(isRemoteEngine('unix:///var/run/docker.sock')).toBe(false);
    expect(isRemoteEngine(undefined)).toBe(false);
  });

  it('reads docker\'s --since forms for choosing rotated files', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(sinceCutoff('48h', now)).toBe(now - 48 * 3_600_000);
    expect(sinceCutoff('1h30m', now)).toBe(now - 90 * 60_000);
    expect(sinceCutoff('2026-04-30T00:00:00Z', now)).toBe(Date.parse('2026-04-30T00:00:00Z'));
    expect(sinceCutoff('1777600000', now)).toBe(1777600000 * 1000);
    expect(sinceCutoff('yesterday-ish', now)).toBeNull();
  });

  it('ingests the engine\'s daemon.json as engine config values', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' }, 'live-restore': true }, null, 2));
    const { store, result } = await ingestCase([join(dir, 'daemon.json')]);
    expect(result.sources[0].rejected_lines).toBe(0);
    const rows = await store.all<{ key: string; value: string }>(`SELECT key, value FROM config_values WHERE surface = 'engine' ORDER BY key`);
    expect(rows).toEqual([
      { key: 'daemon.live-restore', value: 'true' }, { key: 'daemon.log-driver', value: 'json-file' },
      { key: 'daemon.log-opts.max-file', value: '3' }, { key: 'daemon.log-opts.max-size', value: '10m' },
    ]);
    await store.close();
  });
});

describe('watch disk bound', () => {
  it('prunes whole days, oldest first, across events, snapshots, saved logs and state folders, and never today', () => {
    const out = tempDir();
    const files: Record<string, number> = {
      'events/events-2026-05-01.jsonl': 400_000, 'inspect/2026-05-01T100000000Z-abc-die.json': 100_000, 'logs/2026-05-01-gw-abc.log': 400_000,
      'state/2026-05-01-gw-abc/devices/paired.json': 100_000,
      'events/events-2026-05-02.jsonl': 400_000, 'logs/2026-05-02-gw-def.log': 300_000,
      'events/events-2026-05-03.jsonl': 200_000, 'inspect/2026-05-03T080000000Z-def-start.json': 100_000,
    };
    for (const [rel, size] of Object.entries(files)) writeTree({ [rel]: Buffer.alloc(size, 120) }, out);
    const said: string[] = [];
    const used = Object.values(files).reduce((a, b) => a + b, 0); // 2,000,000
    // over a 1.2 MB bound: the 1st (1.0 MB) is enough; the 2nd stays
    expect(prune(out, used, 1_200_000, (m) => said.push(m), '2026-05-03')).toBe(1_000_000);
    expect(said).toEqual(['watch: pruning 2026-05-01']);
    expect(readdirSync(join(out, 'logs'))).toEqual(['2026-05-02-gw-def.log']);
    expect(readdirSync(join(out, 'state'))).toEqual([]); // a saved state folder goes whole
    // a bound below today's own size: every earlier day goes, today stays
    expect(prune(out, 1_000_000, 100, () => {}, '2026-05-03')).toBe(700_000);
    expect([...readdirSync(join(out, 'events')), ...readdirSync(join(out, 'inspect'))]).toEqual(['events-2026-05-03.jsonl', '2026-05-03T080000000Z-def-start.json']);
  });
});

describe('the scrubbed git history', () => {
  const git = (cwd: string, args: string[], input?: string) => execFileSync('git', ['-c', 'user.name=Ops', '-c', 'user.email=ops@example.test', ...args], { cwd, encoding: 'utf8', input, maxBuffer: 1 << 26 });
  it('rewrites every revision and message through the secret rules; binaries, tags and the history\'s shape stay; huge blobs are left out', async () => {
    const T1 = 'c0ffee'.repeat(8);
    const T2 = 'beef'.repeat(16);
    const repo = tempDir();
    git(repo, ['init', '-q']);
    writeTree({ '.env': `OPENCLAW_GATEWAY_TOKEN=${T1}\nTZ=UTC\n`, 'openclaw.json': `{"gateway":{"auth":{"mode":"token","token":"${T1}"}}}\n`, 'logo.bin': Buffer.from([0, 1, 2, 3, 0, 255]) }, repo);
    git(repo, ['add', '.']);
    git(repo, ['commit', '-q', '-m', `first, dashboard at http://gw/?token=${T1}`]);
    writeTree({ '.env': `OPENCLAW_GATEWAY_TOKEN=${T2}\nTZ=UTC\n`, 'big.dat': Buffer.alloc(17 * 1024 * 1024, 97) }, repo);
    git(repo, ['add', '.']);
    git(repo, ['commit', '-q', '-m', 'rotate']);
    git(repo, ['tag', '-a', 'v1', '-m', `release token=${T2}`]);
    const out = tempDir();
    const r = await scrubbedHistoryBundle(repo, join(out, 'h.bundle'), join(out, 'map.txt'), Fingerprinter.fromOption('k'));
    expect(r).toEqual({ commits: 2, leftOut: 1 });
    const clone = join(tempDir(), 'c');
    execFileSync('git', ['clone', '-q', join(out, 'h.bundle'), clone]);
    const all = git(clone, ['log', '-p', '--all', '--format=%H %an %ad %s%n%b']) + git(clone, ['cat-file', '-p', 'v1']);
    for (const t of [T1, T2]) expect(all.includes(t)).toBe(false);
    expect(all).toContain('dashboard at http://gw/?token=[REDACTED]');
    expect(all).toContain('release token=[REDACTED]');
    expect(all).toMatch(/"token":"clawtrail-fp:hmac:[0-9a-f]{24}:hex48"/);
    expect(git(clone, ['show', 'HEAD:big.dat'])).toMatch(/^clawtrail: a file of 17825792 bytes was left out/);
    // an unchanged binary keeps its blob id; authors and dates stay
    expect(git(clone, ['rev-parse', 'HEAD:logo.bin'])).toBe(git(repo, ['rev-parse', 'HEAD:logo.bin']));
    expect(git(clone, ['log', '--format=%an %ad'])).toBe(git(repo, ['log', '--format=%an %ad']));
    const map = readFileSync(join(out, 'map.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    expect(map.map((m) => m[0]).sort()).toEqual(git(repo, ['rev-list', '--all']).trim().split('\n').sort());
    expect(map.map((m) => m[1]).sort()).toEqual(git(clone, ['rev-list', '--all']).trim().split('\n').sort());
  });
});

describe('--add', () => {
  it('takes a named log even with an unknown name, and never a key, certificate or credential file', async () => {
    const host = writeTree({ 'gw.out': 'GET /?token=abcdef0123456789abcdef HTTP/1.1\n', '.htpasswd': 'ops:$apr1$x$y\n', 'edge.cer': 'cert\n', 'acme.json': '{}\n' });
    const w = new BundleWriter(tempDir(), () => {});
    await collectAddedPaths(w, { project: 'p', since: '48h', cutoff: null, add: ['gw.out', '.htpasswd', 'edge.cer', 'acme.json'].map((f) => join(host, f)), fpr: Fingerprinter.fromOption('k') });
    expect(w.entries.filter((e) => e.path).map((e) => e.path)).toEqual([`host${join(host, 'gw.out')}`]);
    expect(readFileSync(join(w.out, `host${join(host, 'gw.out')}`), 'utf8')).toContain('token=[REDACTED]');
    expect(w.failures.map((e) => e.command)).toEqual(['.htpasswd', 'edge.cer', 'acme.json'].map((f) => `copy ${join(host, f)}`));
  });
});
