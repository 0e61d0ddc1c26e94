// Expands the paths given on the command line into input files: folders recursively (symlink loops and
// unreadable entries reported, not fatal), git repositories set apart, rotated series ordered oldest first.
// The tree under each given path is a jail: a symbolic link that leads out of it, a hard link (its other name may be
// anywhere on this machine), a device, a FIFO or a socket is listed as skipped with the reason and never opened. The
// walk uses lstat only; what the analyst names on the command line is taken as named.
import { lstatSync, readdirSync, realpathSync, statSync, existsSync, type Stats } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { safeText } from '../lib/output.js';

export interface InputFile {
  path: string;
  series?: string;        // rotated-series key: dir/base name without .N / .gz
  seriesIndex?: number;   // 0 = oldest
}

export interface Discovery {
  files: InputFile[];
  gitRepos: string[];     // folders holding a .git (work tree) or bare repositories; .bundle files are files
  problems: { path: string; reason: string }[];
  skipped: { path: string; reason: string }[];    // never read, on purpose
}

const ROTATED = /^(.*?)(?:\.(\d+))?(\.gz)?$/;

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}

/** Why an entry that is not a folder is never read, or null for a plain file (with one name, unless it was named). */
function notPlain(st: Stats, named: boolean): string | null {
  if (st.isFIFO()) return 'a FIFO (named pipe): never read';
  if (st.isSocket()) return 'a socket: never read';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device: never read';
  if (!st.isFile()) return 'not a regular file: never read';
  if (st.nlink > 1 && !named) return `a hard link (${st.nlink} names; another may be outside the input): never read`;
  return null;
}

export function discover(paths: string[]): Discovery {
  const files: string[] = [];
  const gitRepos: string[] = [];
  const problems: Discovery['problems'] = [];
  const skipped: Discovery['skipped'] = [];
  const seenDirs = new Set<string>();

  const walk = (p: string, root: string | null): void => {
    let st: Stats;
    try {
      st = root === null ? statSync(p) : lstatSync(p);
      if (st.isSymbolicLink()) {
        const real = realpathSync(p);
        if (real !== root && !real.startsWith(root + sep)) {
          // the target is the evidence's text: its control characters are shown, never written
          skipped.push({ path: p, reason: `a symbolic link leading out of the input (to ${safeText(real)}): never read` });
          return;
        }
        st = statSync(real);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: p, reason: code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? (root === null ? 'no such file or folder' : 'dangling symlink') : `cannot stat: ${code}` });
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        problems.push({ path: p, reason: 'symlink loop' });
        return;
      }
      if (seenDirs.has(real)) {
        problems.push({ path: p, reason: `folder already visited (symlink loop or duplicate path to ${real})` });
        return;
      }
      seenDirs.add(real);
      if (existsSync(join(p, '.git')) || isBareRepo(p)) gitRepos.push(p);
      if (isBareRepo(p)) return;
      let entries: string[];
      try {
        entries = readdirSync(p).sort();
      } catch (err) {
        problems.push({ path: p, reason: `cannot read folder: ${(err as NodeJS.ErrnoException).code}` });
        return;
      }
      for (const e of entries) {
        if (e === '.git' || e === 'node_modules') continue;
        walk(join(p, e), root ?? real);
      }
      return;
    }
    const why = notPlain(st, root === null);
    if (why) skipped.push({ path: p, reason: why });
    else files.push(p);
  };
  for (const p of paths) walk(p, null);

  // Rotated series: access.log.2.gz, access.log.1, access.log → one ordered series, oldest first.
  const groups = new Map<string, { path: string; n: number }[]>();
  for (const f of files) {
    const m = ROTATED.exec(basename(f))!;
    const key = join(dirname(f), m[1]);
    const n = m[2] === undefined ? 0 : Number(m[2]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ path: f, n });
  }
  const out: InputFile[] = [];
  const emitted = new Set<string>();
  for (const f of files) {
    const key = join(dirname(f), ROTATED.exec(basename(f))![1]);
    const g = groups.get(key)!;
    if (g.length < 2) out.push({ path: f });
    else if (!emitted.has(key)) {
      emitted.add(key);
      [...g].sort((a, b) => b.n - a.n).forEach((x, i) => out.push({ path: x.path, series: key, seriesIndex: i }));
    }
  }
  return { files: out, gitRepos, problems, skipped };
}
