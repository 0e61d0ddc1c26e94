// A bundle folder as a user collects it, plus its ground truth (TRUTH.json and TRUTH.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildRepo, type CommitSpec } from './git-repo.js';

export interface Truth {
  bundle: string;
  cause: string;                       // proxy-release | token-divergence | pairing-loss | none
  summary: string;
  key_instants: Record<string, string>;
  commits: Record<string, string>;
  must_cite: string[];
}

export class Bundle {
  /** dir: the bundle folder; truthDir: where its ground truth goes (outside the bundle, so ingest never reads it). */
  constructor(readonly dir: string, readonly truthDir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  file(rel: string, text: string): void {
    this.binary(rel, Buffer.from(text, 'utf8'));
  }
  binary(rel: string, data: Buffer): void {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
  gitHistory(commits: CommitSpec[]): string[] {
    return buildRepo(commits, join(this.dir, 'config-repo.bundle'));
  }
  truth(t: Truth): void {
    mkdirSync(this.truthDir, { recursive: true });
    writeFileSync(join(this.truthDir, `${t.bundle}.json`), JSON.stringify(t, null, 2) + '\n');
    const md = [`# Ground truth: ${t.bundle}`, '', `**Cause:** ${t.cause}`, '', t.summary, '', '## Key instants (UTC)', '',
      ...Object.entries(t.key_instants).map(([k, v]) => `- ${k}: ${v}`), '', '## Commits', '', ...Object.entries(t.commits).map(([k, v]) => `- ${k}: \`${v}\``),
      '', '## A correct analysis cites', '', ...t.must_cite.map((c) => `- ${c}`), '',
      'Tokens in the bundle are made-up values, planted to prove that clawtrail never stores or prints them.', ''].join('\n');
    writeFileSync(join(this.truthDir, `${t.bundle}.md`), md);
  }
}
