// Builds the config repository's history with fixed identities and dates, then packs it as a git bundle:
// the same input gives the same commit ids and the same bundle bytes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CommitSpec {
  date: string;             // ISO with offset
  author: string;
  email: string;
  message: string;
  files: Record<string, string | null>;  // path → content (null deletes)
}

export function buildRepo(commits: CommitSpec[], bundlePath: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'clawtrail-gen-'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', TZ: 'UTC' };
  const git = (args: string[], extra: Record<string, string> = {}): string =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'pack.threads=1', ...args], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' });
  try {
    git(['init', '-q', '--template=']);
    const shas: string[] = [];
    for (const c of commits) {
      for (const [path, content] of Object.entries(c.files)) {
        const full = join(dir, path);
        if (content === null) git(['rm', '-q', '--', path]);
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, content);
          git(['add', '--', path]);
        }
      }
      git(['commit', '-q', '--allow-empty', '-m', c.message], {
        GIT_AUTHOR_NAME: c.author, GIT_AUTHOR_EMAIL: c.email, GIT_AUTHOR_DATE: c.date,
        GIT_COMMITTER_NAME: c.author, GIT_COMMITTER_EMAIL: c.email, GIT_COMMITTER_DATE: c.date,
      });
      shas.push(git(['rev-parse', 'HEAD']).trim());
    }
    git(['bundle', 'create', '-q', bundlePath, '--all']);
    return shas;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
