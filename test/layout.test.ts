// The import graph keeps the architecture: case/ holds the contracts and imports only lib/; ingest/, collect/,
// queries/ and reports/ are peers that import case/ and lib/ only, never each other; cli/ sits on top. No file
// imports itself back through a circle. (Tools stand beside the layers: bench/ and scripts/ may use the layers
// below cli/, samples/ and lab/ only lib/ and case/, eval/ the lab.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../lib/paths.js';

const LAYERS = ['lib', 'case', 'ingest', 'collect', 'queries', 'reports', 'cli'];
/** What each top-level folder (or file) may import, besides itself. */
const MAY_IMPORT: Record<string, string[]> = {
  lib: [],
  case: ['lib'],
  ingest: ['case', 'lib'],
  collect: ['case', 'lib'],
  queries: ['case', 'lib'],
  reports: ['case', 'lib'],
  cli: ['ingest', 'collect', 'queries', 'reports', 'case', 'lib'],
  'cli.ts': ['cli', 'lib'],
  bench: ['ingest', 'queries', 'reports', 'case', 'lib', 'samples'],
  scripts: ['case', 'lib'],
  samples: ['case', 'lib'],
  lab: ['lib'],
  eval: ['lab', 'lib'],
  'vitest.config.ts': [],
};

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (['node_modules', 'dist', 'test', '.git'].includes(e)) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(relative(packageRoot, p));
  }
  return out;
}

/** file → the project files it imports (static and dynamic imports of relative paths). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(packageRoot)) {
    const text = readFileSync(join(packageRoot, f), 'utf8');
    const targets = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)]
      .map((m) => relative(packageRoot, resolve(packageRoot, dirname(f), m[1])).replace(/\.js$/, '.ts'));
    graph.set(f, targets);
  }
  return graph;
}

const area = (file: string): string => (file.includes('/') ? file.split('/')[0] : file);

describe('the layout', () => {
  const graph = importGraph();

  it('reads the whole tree', () => {
    for (const l of LAYERS) expect([...graph.keys()].some((f) => area(f) === l), l).toBe(true);
  });

  it('every import stays within what its folder may import: no arrow runs back up, peers never import each other', () => {
    const wrong: string[] = [];
    for (const [from, tos] of graph) {
      const a = area(from);
      const allowed = MAY_IMPORT[a];
      if (!allowed) {
        wrong.push(`${from}: its folder ${a} has no rule here (add it to MAY_IMPORT)`);
        continue;
      }
      for (const to of tos) if (area(to) !== a && !allowed.includes(area(to))) wrong.push(`${from} → ${to}`);
    }
    expect(wrong).toEqual([]);
  });

  it('no file imports itself through a circle', () => {
    // Tarjan's strongly connected components over the file graph
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(scc);
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) visit(v);
    expect(circles).toEqual([]);
  });
});
