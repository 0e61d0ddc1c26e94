// Helpers shared by the CLI commands: options, exit codes, progress, and the one "ingest, then print the summary".
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { safeText, table } from '../lib/output.js';
import type { Store } from '../case/store.js';
import { ingest, type IngestResult } from '../ingest/ingest.js';

export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, error: 1, findings: 2, partial: 3 } as const;

export function defaultDb(opts: { db?: string; out?: string }): string {
  return opts.db ?? join(opts.out ?? 'clawtrail-case', 'case.duckdb');
}

export function ingestOptionsFrom(o: Record<string, unknown>, progress?: (m: string) => void) {
  return {
    tz: (o.tz as string) ?? 'UTC',
    format: o.format as string | undefined,
    fingerprintKey: o.fingerprintKey as string | undefined,
    snapshotTime: o.snapshotTime as string | undefined,
    git: o.git as string[] | undefined,
    unpackInto: (o.out as string | undefined) ?? (o.db && o.db !== ':memory:' ? dirname(String(o.db)) : undefined),
    progress,
  };
}

/** Progress on stderr when it is a terminal: elapsed time, lines read and lines/s, the current file. */
export function progressReporter(quiet: boolean): ((m: string, linesDone?: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const start = Date.now();
  return (m: string, linesDone = 0) => {
    const s = (Date.now() - start) / 1000;
    const rate = s > 0 && linesDone > 0 ? ` ${linesDone} lines, ${Math.round(linesDone / s)} lines/s` : '';
    process.stderr.write(`\r\x1b[K[${s.toFixed(1)}s${rate}] ${safeText(m).slice(0, 100)}`);
  };
}

/** The per-source summary table and the accounting line; returns whether evidence was partial. */
export function printIngestSummary(result: IngestResult, out: NodeJS.WritableStream, maxRejectRatio: number): boolean {
  const rows = result.sources.map((s) => ({
    id: s.source_id, path: s.path, kind: s.kind, format: s.format, lines: s.total_lines, parsed: s.parsed_lines, rejected: s.rejected_lines,
    first: s.first_ts ?? '', last: s.last_ts ?? '', tz: s.tz ?? '', status: s.status,
  }));
  if (rows.length) out.write(table(rows, 60) + '\n');
  const total = result.sources.reduce((a, s) => a + s.total_lines, 0);
  const parsed = result.sources.reduce((a, s) => a + s.parsed_lines, 0);
  const rejected = result.sources.reduce((a, s) => a + s.rejected_lines, 0);
  out.write(`\n${result.sources.length} source(s): ${total} lines = ${parsed} parsed + ${rejected} rejected${parsed + rejected === total ? '' : ' (MISMATCH)'}\n`);
  for (const s of result.skipped) out.write(`skipped ${safeText(s.path)}: ${s.reason}\n`);
  for (const p of result.problems) out.write(`not read ${safeText(p.path)}: ${safeText(p.reason)}\n`);
  const unknown = result.sources.filter((s) => s.status === 'unknown-format');
  for (const u of unknown) out.write(`unknown format ${safeText(u.path)}: ${safeText(u.note ?? '')} (force one with --format)\n`);
  const heavy = result.sources.filter((s) => s.total_lines > 0 && s.rejected_lines / s.total_lines > maxRejectRatio && s.status !== 'unknown-format');
  for (const h of heavy) out.write(`partial ${safeText(h.path)}: ${h.rejected_lines} of ${h.total_lines} lines rejected (see: clawtrail sql "SELECT * FROM rejects WHERE source_id=${h.source_id}")\n`);
  return unknown.length > 0 || result.problems.length > 0 || heavy.length > 0;
}

/** Ingests the paths with the command's ingest options (progress on a terminal), prints the per-source summary
 *  unless --quiet, and returns whether the evidence was partial. */
export async function ingestAndSummarize(store: Store, paths: string[], o: Record<string, unknown>): Promise<{ result: IngestResult; partial: boolean }> {
  const progress = progressReporter(!!o.quiet);
  const result = await ingest(store, paths, ingestOptionsFrom(o, progress));
  if (progress) process.stderr.write('\r\x1b[K');
  const partial = printIngestSummary(result, o.quiet ? devNull : process.stdout, Number(o.maxRejectRatio));
  return { result, partial };
}

export function addIngestOptions(cmd: Command): Command {
  return cmd
    .option('--tz <zone>', 'time zone for timestamps that state none (marked as assumed)', 'UTC')
    .option('--format <format>', 'force the format of every input (e.g. nginx-access:main, docker-json-file, caddy-json)')
    .option('--git <repo...>', 'git repositories or bundle files of the config history (read-only)')
    .option('--fingerprint-key <key>', 'key for the secret fingerprints (same key = comparable cases; default: a random per-case key)')
    .option('--snapshot-time <iso>', 'time of docker inspect dumps whose content does not say it')
    .option('--max-reject-ratio <ratio>', 'rejected/total above which a source counts as partial evidence (exit 3)', '0.01')
    .option('-q, --quiet', 'no progress and no summary table');
}

export const devNull = { write: () => true } as unknown as NodeJS.WritableStream;

/** --param k=v, repeatable: collects into an object. */
export function collectParam(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`--param wants k=v, got ${JSON.stringify(v)}`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

/** The command line as typed, for the report's provenance. */
export const commandLine = (): string => ['clawtrail', ...process.argv.slice(2)].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
