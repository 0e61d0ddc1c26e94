// The repository root, found from this module's location whether it runs compiled (dist/lab) or from source
// (vitest): the nearest folder upwards whose package.json names clawtrail.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'clawtrail') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no clawtrail checkout above ${from}`);
  }
}

/** The clawtrail CLI as package.json's `bin` names it (dist/cli.js today), so the lab follows a move of the entry. */
export function clawtrailCli(root = repoRoot()): string {
  const bin = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).bin;
  return path.join(root, typeof bin === 'string' ? bin : bin.clawtrail);
}
