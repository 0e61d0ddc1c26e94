// MANIFEST.json: the bundle's chain of custody — for every file its sha256, size, the command that produced it, its
// exit code and stderr, start and end (UTC); commands that failed are listed too. `clawtrail verify` checks it.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../case/bundle-layout.js';

export interface ManifestEntry {
  path: string | null;        // null when the command produced no file (it failed)
  command: string;
  exit_code: number;
  stderr: string;
  started: string;
  ended: string;
  sha256?: string;
  size?: number;
}

export interface Manifest { collector: string; host: string; project: string; since: string; collected_at: string; files: ManifestEntry[] }

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  await new Promise<void>((res, rej) => createReadStream(path).on('data', (c) => h.update(c)).on('end', () => res()).on('error', rej));
  return { sha256: h.digest('hex'), size: statSync(path).size };
}

export function writeManifest(dir: string, m: Manifest): void {
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}

/** Every file of the manifest still has its size and sha256, and the bundle holds no file the manifest does not name. */
export async function verifyBundle(dir: string): Promise<{ ok: boolean; problems: string[]; checked: number }> {
  const p = join(dir, MANIFEST_FILE);
  if (!existsSync(p)) return { ok: false, problems: [`no ${MANIFEST_FILE} in ${dir}`], checked: 0 };
  const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  const problems: string[] = [];
  let checked = 0;
  for (const f of m.files) {
    if (!f.path || !f.sha256) continue;
    const fp = join(dir, f.path);
    checked++;
    if (!existsSync(fp)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const got = await sha256File(fp);
    if (got.sha256 !== f.sha256 || got.size !== f.size) problems.push(`${f.path}: sha256 ${got.sha256.slice(0, 12)}… differs from the manifest's ${f.sha256.slice(0, 12)}…`);
  }
  // a file the manifest does not name was added after the collection: outside the chain of custody
  const named = new Set(m.files.map((f) => f.path).filter(Boolean));
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${e}` : e;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (r !== MANIFEST_FILE && !named.has(r)) problems.push(`${r}: not in the manifest (added after the collection?)`);
    }
  };
  walk('');
  return { ok: problems.length === 0, problems, checked };
}
