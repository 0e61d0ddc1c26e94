// Shared test helpers: temp folders, a real DuckDB case, the CLI as a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Store } from '../case/store.js';
import { ingest, type IngestOptions, type IngestResult } from '../ingest/ingest.js';
import { fromRoot } from '../lib/paths.js';

export const CLI = fromRoot('dist', 'cli.js');
export const SAMPLES = fromRoot('samples');
export const BUNDLES = ['proxy-release-1006', 'token-divergence', 'pairing-loss', 'healthy-week'] as const;

export function tempDir(prefix = 'clawtrail-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (relative path → content) under a fresh folder and returns it. */
export function writeTree(files: Record<string, string | Buffer>, dir = tempDir()): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export async function ingestCase(paths: string[], opts: Partial<IngestOptions> = {}, db = ':memory:'): Promise<{ store: Store; result: IngestResult }> {
  const store = await Store.open(db);
  const result = await ingest(store, paths, { tz: 'UTC', fingerprintKey: 'test-key', ...opts });
  return { store, result };
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const ESC = '\x1b';
