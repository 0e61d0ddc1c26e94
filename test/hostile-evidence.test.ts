// The evidence tree is a jail, archives are unpacked safely, verify verifies the archive, a live file is partial
// (issue #17, items 2, 3 and 5). Real files, links, FIFOs, sockets and archives made here; the CLI as a child process.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { writeManifest, type ManifestEntry } from '../collect/manifest.js';
import { unpackArchive, DEFAULT_UNPACK_LIMITS } from '../lib/archive.js';
import { mkfifoSync } from './fifo.js';
import { CLI, ingestCase, runCli, tempDir, writeTree } from './helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';

const ACCESS = (i: number) => `192.0.2.${i % 250} - - [01/May/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /p${i} HTTP/1.1" 200 612 "-" "Mozilla/5.0"`;
const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

/** Every file under a folder, as one byte string: what a `strings` over it would find. */
function bytesUnder(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile()) parts.push(readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

/** A .tar.gz built entry by entry (any type tar knows, any name), as an attacker would. */
async function tarGz(entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device' | 'fifo'; body?: string | Buffer; linkname?: string; size?: number; pax?: Record<string, string> }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => p.on('end', r));
  for (const e of entries) {
    await new Promise<void>((res, rej) => {
      const header = { name: e.name, type: e.type ?? 'file', linkname: e.linkname, mtime: new Date('2026-05-01T10:00:00Z'), pax: e.pax, ...(e.type === 'character-device' ? { devmajor: 1, devminor: 3 } : {}) };
      if (e.size !== undefined) {
        // a large body streamed in pieces (a bomb): never held whole in memory
        const s = p.entry({ ...header, size: e.size }, (err) => (err ? rej(err) : res()));
        const piece = Buffer.alloc(1 << 20);
        let left = e.size;
        const write = (): void => {
          while (left > 0) {
            const n = Math.min(left, piece.length);
            left -= n;
            if (!s.write(piece.subarray(0, n))) return void s.once('drain', write);
          }
          s.end();
        };
        write();
      } else p.entry(header, e.body ?? '', (err) => (err ? rej(err) : res()));
    });
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

const CANARY = 'canary-analyst-secret-7f3a9c';

describe('the evidence tree is a jail', () => {
  it('links leading out of the input (a file, /proc/self/environ, a folder), hard links, FIFOs and sockets are skipped with the reason and never read', async () => {
    const outside = writeTree({ 'passwd': `root:x:0:0:${CANARY}:/root:/bin/bash\n`, 'elsewhere/app.log': ACCESS(1).replace('/p1', `/${CANARY}`) + '\n' });
    const dir = writeTree({ 'logs/access.log': lines(3, ACCESS), 'inside/real.log': ACCESS(7) + '\n' });
    symlinkSync(join(outside, 'passwd'), join(dir, 'logs', 'p.log'));
    symlinkSync('/proc/self/environ', join(dir, 'logs', 'environ.log'));
    symlinkSync(join(outside, 'elsewhere'), join(dir, 'linked'));
    symlinkSync(join(dir, 'inside', 'real.log'), join(dir, 'logs', 'inside-link.log')); // inside the tree: read
    linkSync(join(outside, 'passwd'), join(dir, 'logs', 'hard.log'));
    mkfifoSync(join(dir, 'logs', 'pipe.log'));
    const server = createServer().listen(join(dir, 'logs', 'sock'));
    await new Promise((r) => server.once('listening', r));
    try {
      const db = join(tempDir(), 'case.duckdb');
      const r = runCli(['ingest', dir, '--db', db], { env: { CLAWTRAIL_TEST_CANARY: CANARY } });
      expect(r.code).toBe(0);
      for (const [name, why] of [['p.log', /^a symbolic link leading out of the input \(to .*passwd\): never read$/], ['environ.log', /a symbolic link leading out of the input \(to \/proc\//],
        ['linked', /a symbolic link leading out of the input/], ['hard.log', /^a hard link \(2 names; another may be outside the input\): never read$/],
        ['pipe.log', /^a FIFO \(named pipe\): never read$/], ['sock', /^a socket: never read$/]] as const) {
        expect(r.stdout).toMatch(new RegExp(`^skipped \\S*/${name.replace('.', '\\.')}: ${why.source.replace(/^\^|\$$/g, '')}`, 'm'));
      }
      const db2 = readFileSync(db);
      expect(db2.includes(CANARY)).toBe(false);
      const s = runCli(['sql', '--db', db, '--json', "SELECT path, status FROM sources WHERE status <> 'skipped' ORDER BY path"]);
      expect(JSON.parse(s.stdout).map((x: { path: string }) => x.path.slice(dir.length))).toEqual(['/inside/real.log', '/logs/access.log', '/logs/inside-link.log']);
      const skipped = runCli(['sql', '--db', db, '--json', "SELECT count(*)::INTEGER AS n FROM sources WHERE status = 'skipped'"]);
      expect(JSON.parse(skipped.stdout)[0].n).toBe(6);
    } finally {
      server.close();
    }
  });

  it('a device node is skipped, never opened', async () => {
    const dir = writeTree({ 'access.log': ACCESS(1) + '\n' });
    if (spawnSync('mknod', [join(dir, 'zero'), 'c', '1', '5']).status !== 0) return; // needs CAP_MKNOD (root in CI)
    const { result } = await ingestCase([dir]);
    expect(result.skipped).toContainEqual({ path: join(dir, 'zero'), reason: 'a device: never read' });
  });
});

describe('archives are unpacked, never trusted', () => {
  it('links, hard links, devices, FIFOs, absolute and ../ members are skipped with the reason; only files and folders are written, inside', async () => {
    const dir = tempDir();
    const archive = join(dir, 'bundle.tar.gz');
    writeFileSync(archive, await tarGz([
      { name: 'bundle/', type: 'directory' },
      { name: 'bundle/logs/access.log', body: lines(2, ACCESS) },
      { name: 'bundle/logs/p.log', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'bundle/.git', type: 'symlink', linkname: '/elsewhere/.git' },
      { name: 'bundle/logs/hard.log', type: 'link', linkname: 'bundle/logs/access.log' },
      { name: 'bundle/dev/zero', type: 'character-device' },
      { name: 'bundle/pipe', type: 'fifo' },
      { name: '../escape.log', body: 'x\n' },
      { name: 'bundle/../../escape2.log', body: 'x\n' },
      { name: '/tmp/clawtrail-absolute-escape.log', body: 'x\n' },
      { name: 'bundle/sparse.log', body: 'x', pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': String(2 ** 31) } },
    ]));
    const into = tempDir();
    const u = await unpackArchive(archive, into);
    const reasons = Object.fromEntries(u.skipped.map((s) => [s.path.slice(archive.length + 1), s.reason]));
    expect(reasons).toEqual({
      'bundle/logs/p.log': 'a symbolic link: not unpacked', 'bundle/.git': 'a symbolic link: not unpacked', 'bundle/logs/hard.log': 'a hard link: not unpacked',
      'bundle/dev/zero': 'a character device: not unpacked', 'bundle/pipe': 'a FIFO: not unpacked', '../escape.log': 'a path that leads out of the archive (..): not unpacked',
      'bundle/../../escape2.log': 'a path that leads out of the archive (..): not unpacked', '/tmp/clawtrail-absolute-escape.log': 'an absolute path: not unpacked',
      'bundle/sparse.log': 'a sparse file: not unpacked',
    });
    expect(execFileSync('find', [into], { encoding: 'utf8' }).trim().split('\n').map((p) => p.slice(into.length)).sort()).toEqual(['', '/bundle.unpacked', '/bundle.unpacked/bundle', '/bundle.unpacked/bundle/logs', '/bundle.unpacked/bundle/logs/access.log']);
    expect(existsSync(join(into, '..', 'escape.log')) || existsSync('/tmp/clawtrail-absolute-escape.log')).toBe(false);
    // ingest reports what the archive held and did not unpack
    const r = runCli(['ingest', archive, '--out', join(tempDir(), 'case')]);
    expect(r.stdout).toMatch(/^skipped .*bundle\.tar\.gz:bundle\/logs\/p\.log: a symbolic link: not unpacked$/m);
  });

  it('a GNU sparse archive (a few hundred bytes standing for 2 GiB) is refused entry by entry, at once', async () => {
    const src = tempDir();
    mkdirSync(join(src, 'bundle'));
    execFileSync('truncate', ['-s', '2G', join(src, 'bundle', 'huge.log')]);
    writeFileSync(join(src, 'bundle', 'access.log'), lines(2, ACCESS));
    const archive = join(tempDir(), 'sparse.tar.gz');
    execFileSync('tar', ['--sparse', '-czf', archive, '-C', src, 'bundle']);
    expect(readFileSync(archive).length).toBeLessThan(64 * 1024);
    const { store, result } = await ingestCase([archive], { unpackInto: tempDir() });
    expect(result.skipped).toContainEqual({ path: `${archive}:bundle/huge.log`, reason: 'an entry of type unknown (GNU sparse or a vendor extension): not unpacked' });
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(2);
    store.close();
  }, 60_000);

  it('an archive bomb stops at the ratio, leaves nothing behind, and the limits are configurable', async () => {
    const archive = join(tempDir(), 'bomb.tar.gz');
    writeFileSync(archive, await tarGz([{ name: 'bundle/access.log', size: 300 * 1024 * 1024 }]));
    expect(readFileSync(archive).length).toBeLessThan(1024 * 1024);
    const into = tempDir();
    await expect(unpackArchive(archive, into)).rejects.toThrow(/unpacking stopped at \d+ bytes from \d+ compressed: more than 200× \(guard against archive bombs; CLAWTRAIL_UNPACK_MAX_RATIO\)/);
    expect(readdirSync(into)).toEqual([]);
    // the CLI: a clear error, exit 1, nothing left in the case folder
    const out = join(tempDir(), 'case');
    const r = runCli(['ingest', archive, '--out', out, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/guard against archive bombs/);
    expect(readdirSync(out).filter((f) => f.includes('unpack'))).toEqual([]);
    // limits: a file over the per-file cap is skipped; a total over the cap is refused
    const small = join(tempDir(), 'small.tar.gz');
    writeFileSync(small, await tarGz([{ name: 'b/access.log', body: lines(2000, ACCESS) }, { name: 'b/other.log', body: 'x\n' }]));
    const u = await unpackArchive(small, tempDir(), { ...DEFAULT_UNPACK_LIMITS, fileBytes: 1000 });
    expect(u.skipped).toEqual([{ path: `${small}:b/access.log`, reason: expect.stringMatching(/^a file of \d+ bytes, over 1000 \(CLAWTRAIL_UNPACK_MAX_FILE_BYTES\): not unpacked$/) }]);
    const total = runCli(['ingest', small, '--out', join(tempDir(), 'c2'), '-q'], { env: { CLAWTRAIL_UNPACK_MAX_BYTES: '10K' } });
    expect(total.stderr).toMatch(/unpacking stopped: more than 10240 bytes \(CLAWTRAIL_UNPACK_MAX_BYTES\)/);
    const entries = runCli(['ingest', small, '--out', join(tempDir(), 'c3'), '-q'], { env: { CLAWTRAIL_UNPACK_MAX_ENTRIES: '1' } });
    expect(entries.stderr).toMatch(/more than 1 entries/);
  }, 120_000);

  it('without a case folder the unpacked bundle lives in ingest\'s own temporary folder and is gone after', async () => {
    const archive = join(tempDir(), 'b.tar.gz');
    writeFileSync(archive, await tarGz([{ name: 'b/access.log', body: lines(2, ACCESS) }]));
    const { store } = await ingestCase([archive]);
    const p = (await store.one<{ path: string }>(`SELECT path FROM sources WHERE kind = 'proxy-access'`))!.path;
    expect(p).toMatch(/\/b\.unpacked\/b\/access\.log$/);
    expect(existsSync(p)).toBe(false);
    store.close();
  });
});

// ---- verify ------------------------------------------------------------------------------------------------------
function bundleDir(files: Record<string, string>, extra: ManifestEntry[] = [], key?: ReturnType<typeof generateKeyPairSync>['privateKey']): string {
  const dir = writeTree(files);
  const entries: ManifestEntry[] = Object.entries(files).map(([path, body]) => ({ path, command: 'test', exit_code: 0, stderr: '', started: '', ended: '',
    sha256: execFileSync('sha256sum', [join(dir, path)], { encoding: 'utf8' }).split(' ')[0], size: Buffer.byteLength(body) }));
  writeManifest(dir, { collector: 'test', host: 'h', project: 'p', since: '48h', collected_at: '2026-05-01T00:00:00Z', files: [...entries, ...extra] }, key);
  return dir;
}
/** verify as a child process that is killed if it blocks (a FIFO read would block forever). */
const verify = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, 'verify', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
};

describe('verify cannot be fooled', () => {
  it('a decoy folder with its own manifest beside a tampered bundle fails', async () => {
    const good = bundleDir({ 'logs/access.log': lines(2, ACCESS) });
    writeFileSync(join(good, 'logs', 'access.log'), 'tampered\n');
    const decoy = writeTree({ 'MANIFEST.json': JSON.stringify({ collector: 'x', files: [] }) });
    const parent = tempDir();
    execFileSync('cp', ['-a', decoy, join(parent, '0decoy')]);
    execFileSync('cp', ['-a', good, join(parent, 'bundle')]);
    const archive = join(tempDir(), 'bundle.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', parent, '0decoy', 'bundle']);
    const r = verify([archive]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the archive holds 2 entries at its top \(0decoy, bundle\)/);
    // the untampered bundle, archived alone, passes; its files archived flat pass too
    const clean = bundleDir({ 'logs/access.log': lines(2, ACCESS) });
    const a2 = join(tempDir(), 'clean.tar.gz');
    execFileSync('tar', ['-czf', a2, '-C', clean, '.']);
    expect(verify([a2]).stdout).toMatch(/^ok: 1 file\(s\) match the manifest; unsigned/m);
  });

  it('manifest paths outside the bundle, links, FIFOs and a link to / are never followed, read or walked; nothing hangs', async () => {
    const outsideFile = writeTree({ 'x.txt': 'outside\n' });
    const dir = bundleDir({ 'logs/access.log': lines(2, ACCESS) }, [
      { path: `../${outsideFile.split('/').pop()}/x.txt`, command: 't', exit_code: 0, stderr: '', started: '', ended: '', sha256: execFileSync('sha256sum', [join(outsideFile, 'x.txt')], { encoding: 'utf8' }).split(' ')[0], size: 8 },
      { path: '/dev/zero', command: 't', exit_code: 0, stderr: '', started: '', ended: '', sha256: 'a'.repeat(64), size: 1 },
      { path: 'pipe', command: 't', exit_code: 0, stderr: '', started: '', ended: '', sha256: 'a'.repeat(64), size: 1 },
      { path: 'linked.log', command: 't', exit_code: 0, stderr: '', started: '', ended: '', sha256: 'a'.repeat(64), size: 1 },
    ]);
    mkfifoSync(join(dir, 'pipe'));
    symlinkSync('/dev/zero', join(dir, 'linked.log'));
    symlinkSync('/', join(dir, 'root'));
    const r = verify([dir]);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\.\.\/.*\/x\.txt: a path that leads out of the bundle \(\.\.\): not followed$/),
      '/dev/zero: an absolute path: not followed', 'pipe: a FIFO, not a file: not read', 'linked.log: a symbolic link, not a file: not read',
      'root: a symbolic link not in the manifest (not followed)']));
    expect(r.stdout).not.toMatch(/^(etc|proc|usr)\//m);
  });

  it('a second manifest deeper, a file added, a manifest that is a link: each is a problem', () => {
    const dir = bundleDir({ 'logs/access.log': lines(2, ACCESS) });
    writeFileSync(join(dir, 'logs', 'MANIFEST.json'), '{"files":[]}');
    expect(verify([dir]).stdout).toContain('logs/MANIFEST.json: not in the manifest (added after the collection?)');
    const linked = tempDir();
    symlinkSync(join(dir, 'MANIFEST.json'), join(linked, 'MANIFEST.json'));
    expect(verify([linked]).stdout).toMatch(/^MANIFEST\.json is a symbolic link, not a file: not read$/m);
  });

  it('collect --sign and verify --key: a signed manifest checks, a changed one or another key does not, an unsigned one with a key fails', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keys = tempDir();
    writeFileSync(join(keys, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(keys, 'other.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(keys, 'rsa.pem'), generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }));
    const dir = bundleDir({ 'logs/access.log': lines(2, ACCESS) }, [], privateKey);
    expect(verify([dir]).stdout).toMatch(/^ok: 1 file\(s\) match the manifest; signed \(not checked: give --key\)$/m);
    expect(verify([dir, '--key', join(keys, 'pub.pem')]).stdout).toMatch(/^ok: 1 file\(s\) match the manifest; signature valid$/m);
    const other = verify([dir, '--key', join(keys, 'other.pem')]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/the signature does not match the given key/);
    expect(verify([dir, '--key', join(keys, 'rsa.pem')]).stderr).toMatch(/an rsa key; manifests are signed with Ed25519 keys/);
    // rewriting the manifest (a changed hash for a changed file) breaks the signature
    const m = JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8'));
    m.files[0].size += 1;
    writeFileSync(join(dir, 'MANIFEST.json'), JSON.stringify(m, null, 2) + '\n');
    expect(verify([dir, '--key', join(keys, 'pub.pem')]).stdout).toMatch(/signature does not match/);
    const unsigned = bundleDir({ 'a.log': 'x\n' });
    expect(verify([unsigned, '--key', join(keys, 'pub.pem')]).stdout).toMatch(/is not signed, and a key was given/);
  });
});

describe('a file that grows while it is read', () => {
  it('ends with exit 3, the source partial and the reason', async () => {
    const dir = writeTree({ 'access.log': lines(200_000, ACCESS) });
    const db = join(tempDir(), 'case.duckdb');
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        appendFileSync(join(dir, 'access.log'), ACCESS(i) + '\n');
        await sleep(5);
      }
    })();
    const child = spawn(process.execPath, [CLI, 'ingest', dir, '--db', db]);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    writing = false;
    await writer;
    expect(code).toBe(3);
    expect(stdout).toMatch(/access\.log: changed while it was read \(\d+ bytes when the read began, \d+ after\)/);
    const s = runCli(['sql', '--db', db, '--json', "SELECT status FROM sources WHERE path LIKE '%access.log'"]);
    expect(JSON.parse(s.stdout)[0].status).toBe('partial');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

describe('a folder that is not a bundle (an /etc)', () => {
  it('binaries are skipped before any parsing, unknown text files are counted and cited, known ones read', async () => {
    const files: Record<string, string | Buffer> = { 'nginx/access.log': lines(3, ACCESS) };
    for (let i = 0; i < 40; i++) files[`conf.d/file${i}.conf`] = `# setting ${i}\nvalue_${i} = ${i}\n`;
    for (let i = 0; i < 20; i++) files[`bin/prog${i}`] = Buffer.from(Array.from({ length: 8192 }, (_, j) => (j * (i + 7)) % 256));
    const { result, store } = await ingestCase([writeTree(files)]);
    expect(result.skipped.filter((s) => /^binary content/.test(s.reason))).toHaveLength(20);
    expect(result.sources.filter((s) => s.status === 'unknown-format')).toHaveLength(40);
    expect((await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM rejects WHERE reason = 'unknown format'`))!.n).toBe(80);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM proxy_requests'))!.n).toBe(3);
    store.close();
  });
});

describe('bounded work on large documents', () => {
  it('a 100k-key openclaw.json is read in one pass, every key with its own line', async () => {
    const env = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`VAR_${i}`, `value-${i}`]));
    const text = JSON.stringify({ gateway: { mode: 'local' }, env, meta: { lastTouchedVersion: '2026.4.12' } }, null, 2);
    const { store } = await ingestCase([writeTree({ 'openclaw.json': text })]);
    const r = await store.all<{ key: string; line: number }>(`SELECT key, line_no::INTEGER AS line FROM config_values WHERE key IN ('env.VAR_0', 'env.VAR_99999', 'meta.lastTouchedVersion', 'gateway.mode') ORDER BY line`);
    expect(r).toEqual([{ key: 'gateway.mode', line: 3 }, { key: 'env.VAR_0', line: 6 }, { key: 'env.VAR_99999', line: 100_005 }, { key: 'meta.lastTouchedVersion', line: 100_008 }]);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM config_values'))!.n).toBe(100_002);
    store.close();
  }, 60_000);
});
