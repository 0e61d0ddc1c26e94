// Expands the paths given on the command line into input files: folders recursively (symlink loops and
// unreadable entries reported, not fatal), git repositories set apart, rotated series ordered oldest first.
import { readdirSync, realpathSync, statSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface InputFile {
  path: string;
  series?: string;        // rotated-series key: dir/base name without .N / .gz
  seriesIndex?: number;   // 0 = oldest
}

export interface Discovery {
  files: InputFile[];
  gitRepos: string[];     // folders holding a .git (work tree) or bare repositories; .bundle files are files
  problems: { path: string; reason: string }[];
}

const ROTATED = /^(.*?)(?:\.(\d+))?(\.gz)?$/;

function isBareRepo(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && existsSync(join(dir, 'refs'));
}

export function discover(paths: string[]): Discovery {
  const files: string[] = [];
  const gitRepos: string[] = [];
  const problems: Discovery['problems'] = [];
  const seenDirs = new Set<string>();

  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path: p, reason: code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? (top ? 'no such file or folder' : 'dangling symlink') : `cannot stat: ${code}` });
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
        walk(join(p, e), false);
      }
      return;
    }
    if (!st.isFile()) {
      problems.push({ path: p, reason: 'not a regular file' });
      return;
    }
    files.push(p);
  };
  for (const p of paths) walk(p, true);

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
  return { files: out, gitRepos, problems };
}
