// Hostile git repositories (issue #17, item 1 and 5): a repository is data. Its config, attributes and hooks never
// run a program; nothing in it leads git out of its folder; no subject forges a commit record; a huge blob is noted,
// never read. Real repositories, built here with the git CLI (and raw objects where git itself would refuse).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fingerprinter } from '../case/secrets.js';
import { scrubbedHistoryBundle } from '../collect/git-history.js';
import { ingestCase, tempDir, writeTree } from './helpers.js';

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Tess Ter', GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Tess Ter', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2026-10-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-10-01T10:00:00Z' };
// building the repository must not trip its own traps: they are neutralised on the command line here only
const BUILD = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'commit.gpgsign=false', '-c', 'log.showSignature=false', '-c', 'init.defaultBranch=main'];
const git = (dir: string, args: string[], input?: string): string =>
  execFileSync('git', [...BUILD, ...args], { cwd: dir, env: GIT_ENV, encoding: 'utf8', input });

function commitFiles(dir: string, files: Record<string, string | Buffer>, msg: string): string {
  writeTree(files, dir);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', msg]);
  return git(dir, ['rev-parse', 'HEAD']).trim();
}

/** A commit object written byte for byte (a signature header, a subject git's porcelain would never produce). */
function rawCommit(dir: string, body: string): string {
  const sha = git(dir, ['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], body).trim();
  git(dir, ['update-ref', 'refs/heads/main', sha]);
  return sha;
}

/** Every config key we know that makes git run a program, each pointing at a script that leaves a marker. */
function armRepository(dir: string): string {
  const traps = tempDir('clawtrail-traps-');
  const script = (name: string): string => {
    const p = join(traps, `${name}.sh`);
    writeFileSync(p, `#!/bin/sh\ntouch ${join(traps, `RAN-${name}`)}\ncat >/dev/null 2>&1\nexit 1\n`);
    chmodSync(p, 0o755);
    return p;
  };
  const hooks = join(traps, 'hooks');
  mkdirSync(hooks);
  for (const h of ['post-checkout', 'reference-transaction', 'pre-auto-gc', 'post-index-change']) writeFileSync(join(hooks, h), `#!/bin/sh\ntouch ${join(traps, `RAN-hook-${h}`)}\n`, { mode: 0o755 });
  writeFileSync(join(traps, 'included.cfg'), `[core]\n\tpager = ${script('included-pager')}\n`);
  const cfg = readFileSync(join(dir, '.git', 'config'), 'utf8');
  writeFileSync(join(dir, '.git', 'config'), `${cfg}[log]\n\tshowSignature = true\n[gpg]\n\tprogram = ${script('gpg')}\n[gpg "ssh"]\n\tprogram = ${script('gpg-ssh')}\n`
    + `[core]\n\tpager = ${script('pager')}\n\tfsmonitor = ${script('fsmonitor')}\n\tsshCommand = ${script('ssh')}\n\thooksPath = ${hooks}\n\taskPass = ${script('askpass')}\n`
    + `[diff]\n\texternal = ${script('external-diff')}\n[diff "evil"]\n\ttextconv = ${script('textconv')}\n[filter "evil"]\n\tclean = ${script('clean')}\n\tsmudge = ${script('smudge')}\n\tprocess = ${script('filter-process')}\n`
    + `[credential]\n\thelper = !${script('credential')}\n[pager]\n\tlog = ${script('pager-log')}\n[include]\n\tpath = ${join(traps, 'included.cfg')}\n[uploadpack]\n\tpackObjectsHook = ${script('pack-objects')}\n`);
  mkdirSync(join(dir, '.git', 'info'), { recursive: true });
  writeFileSync(join(dir, '.git', 'info', 'attributes'), '* diff=evil filter=evil\n');
  return traps;
}
const ran = (traps: string): string[] => readdirSync(traps).filter((f) => f.startsWith('RAN-'));

function signedRepository(): { dir: string; signed: string } {
  const dir = tempDir('clawtrail-repo-');
  git(dir, ['init', '-q']);
  const first = commitFiles(dir, { '.env': 'TZ=UTC\n', 'docker-compose.yml': 'services:\n  gw:\n    image: openclaw:1\n' }, 'initial');
  const tree = git(dir, ['rev-parse', 'HEAD^{tree}']).trim();
  const signed = rawCommit(dir, `tree ${tree}\nparent ${first}\nauthor Tess Ter <t@example.com> 1800000000 +0000\ncommitter Tess Ter <t@example.com> 1800000000 +0000\n`
    + 'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEabcdefabcdefabcdefabcdefabcdefabc\n -----END PGP SIGNATURE-----\n\nsigned release\n');
  return { dir, signed };
}

describe('git is data, never configuration', () => {
  it('a repository whose config arms gpg.program + log.showSignature (and every other program key) runs nothing on ingest', async () => {
    const { dir, signed } = signedRepository();
    const traps = armRepository(dir);
    // the traps are real: git with the repository's own config starts the gpg program for the signed commit
    const armed = tempDir();
    execFileSync('cp', ['-a', dir, armed]);
    const copy = join(armed, dir.split('/').pop()!);
    execFileSync('git', ['log', '-1', '--format=%H'], { cwd: copy, env: { ...GIT_ENV, GIT_PAGER: 'cat' } });
    expect(ran(traps)).toContain('RAN-gpg');
    execFileSync('sh', ['-c', `rm -f ${traps}/RAN-*`]);

    const { store, result } = await ingestCase([], { git: [dir] });
    expect(ran(traps)).toEqual([]);
    const src = result.sources.find((s) => s.kind === 'git')!;
    expect(src).toMatchObject({ status: 'ok', total_lines: 2 });
    const c = await store.all<{ sha: string; subject: string }>('SELECT sha, subject FROM commits ORDER BY committer_time DESC');
    expect(c[0]).toEqual({ sha: signed, subject: 'signed release' });
    expect((await store.all('SELECT key FROM config_values WHERE commit_sha IS NOT NULL')).length).toBeGreaterThan(0);
    store.close();
  });

  it('the collector reads the same armed repository (fast-export) without running anything either', async () => {
    const { dir } = signedRepository();
    const traps = armRepository(dir);
    const out = tempDir();
    const r = await scrubbedHistoryBundle(dir, join(out, 'h.bundle'), join(out, 'map.txt'), Fingerprinter.fromOption('k'));
    expect(r.commits).toBe(2);
    expect(ran(traps)).toEqual([]);
  });

  it('a subject holding the old record separators forges no commit: author, date and sha stay the real ones', async () => {
    const dir = tempDir('clawtrail-repo-');
    git(dir, ['init', '-q']);
    const real = commitFiles(dir, { '.env': 'A=1\n' }, 'real');
    const forged = `${'f'.repeat(40)}\x1f\x1fMallory\x1fm@evil\x1f2020-01-01T00:00:00Z\x1f2020-01-01T00:00:00Z\x1fforged`;
    const tree = git(dir, ['rev-parse', 'HEAD^{tree}']).trim();
    const evil = rawCommit(dir, `tree ${tree}\nparent ${real}\nauthor Tess Ter <t@example.com> 1800000000 +0000\ncommitter Tess Ter <t@example.com> 1800000000 +0000\n\nbenign\x1e${forged}\n\x1e${forged}\nline\n`);
    const { store } = await ingestCase([], { git: [dir] });
    const rows = await store.all<{ sha: string; author: string; subject: string }>('SELECT sha, author, subject FROM commits ORDER BY committer_time');
    expect(rows.map((r) => [r.sha, r.author])).toEqual([[real, 'Tess Ter'], [evil, 'Tess Ter']]);
    expect(rows[1].subject.startsWith('benign')).toBe(true);
    store.close();
  });
});

describe('a repository cannot lead out of its folder', () => {
  const outside = (): string => {
    const d = tempDir('clawtrail-elsewhere-');
    git(d, ['init', '-q']);
    commitFiles(d, { '.env': 'OUTSIDE_SECRET_THING=analyst-private-value\n' }, 'the analyst\'s own repository');
    return d;
  };

  it('.git as a symlink, or a gitdir: file, pointing elsewhere is refused with the reason', async () => {
    const elsewhere = outside();
    const a = tempDir();
    symlinkSync(join(elsewhere, '.git'), join(a, '.git'));
    const b = tempDir();
    writeFileSync(join(b, '.git'), `gitdir: ${join(elsewhere, '.git')}\n`);
    const { store, result } = await ingestCase([], { git: [a, b] });
    expect(result.sources.map((s) => [s.status, s.note])).toEqual([
      ['error', expect.stringMatching(/^cannot read git repository: \.git leads outside the repository's folder/)],
      ['error', expect.stringMatching(/^cannot read git repository: \.git \(gitdir: file\) leads outside/)]]);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM commits'))!.n).toBe(0);
    store.close();
  });

  it('an object store that links out (objects/pack -> elsewhere, objects/info/alternates) reads nothing from there', async () => {
    const elsewhere = outside();
    git(elsewhere, ['repack', '-a', '-d', '-q']);
    // a repository whose refs name the outside commit, and whose pack folder is a link to the outside one
    const linked = tempDir();
    git(linked, ['init', '-q']);
    writeFileSync(join(linked, '.git', 'packed-refs'), `${git(elsewhere, ['rev-parse', 'HEAD']).trim()} refs/heads/main\n`);
    execFileSync('rm', ['-rf', join(linked, '.git', 'objects', 'pack')]);
    symlinkSync(join(elsewhere, '.git', 'objects', 'pack'), join(linked, '.git', 'objects', 'pack'));
    // and one that borrows the outside objects through alternates
    const borrowing = tempDir();
    git(borrowing, ['init', '-q']);
    writeFileSync(join(borrowing, '.git', 'packed-refs'), `${git(elsewhere, ['rev-parse', 'HEAD']).trim()} refs/heads/main\n`);
    writeFileSync(join(borrowing, '.git', 'objects', 'info', 'alternates'), join(elsewhere, '.git', 'objects') + '\n');
    const { store, result } = await ingestCase([], { git: [linked, borrowing] });
    expect(result.sources[0]).toMatchObject({ status: 'error', note: expect.stringMatching(/objects.* leads outside the repository's folder/) });
    expect(result.sources[1].note).toMatch(/alternates ignored/);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM commits'))!.n).toBe(0);
    expect(JSON.stringify(await store.all('SELECT * FROM config_values'))).not.toContain('OUTSIDE_SECRET');
    store.close();
  });
});

describe('bounded', () => {
  it('a config blob over the cap is noted and never read; the rest of the history is', async () => {
    const dir = tempDir('clawtrail-repo-');
    git(dir, ['init', '-q']);
    commitFiles(dir, { 'openclaw.json': '{"gateway":{"mode":"local"}}\n' }, 'small');
    const big = Buffer.alloc(40 * 1024 * 1024, 0x20);
    big.write('{"gateway":{"mode":"remote"}}', 0);
    const sha = commitFiles(dir, { 'openclaw.json': big }, 'huge');
    const t0 = Date.now();
    const { store, result } = await ingestCase([], { git: [dir] });
    const src = result.sources.find((s) => s.kind === 'git')!;
    expect(src.note).toMatch(new RegExp(`1 config file revision\\(s\\) over 16777216 bytes not read: ${sha.slice(0, 12)}:openclaw.json \\(41943040 bytes\\)`));
    const v = await store.all<{ key: string; sha: string }>(`SELECT key, commit_sha AS sha FROM config_values ORDER BY valid_from, key`);
    expect(v).toContainEqual({ key: 'gateway.mode', sha: expect.any(String) });
    expect(v).toContainEqual({ key: '(file not read: 41943040 bytes, over the 16777216-byte cap)', sha });
    expect(v.filter((x) => x.key === 'gateway.mode')).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
    store.close();
  }, 60_000);
});
