// Locates files that ship beside the compiled code (schema.sql, queries/*.sql) from both src and dist.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'case', 'schema.sql'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('clawtrail: cannot find the package root (case/schema.sql)');
    dir = up;
  }
}

export const packageRoot = findRoot();
export const fromRoot = (...parts: string[]): string => join(packageRoot, ...parts);
