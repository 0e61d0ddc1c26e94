// Helpers shared by the CLI commands: options and their checks, exit codes, and the one "open the case, ingest,
// then print the summary" (which keeps a case to one evidence set).
import type { Command } from 'commander';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHmac } from 'node:crypto';
import { fromRoot } from '../lib/paths.js';
import { safeText, table } from '../lib/output.js';
import { duckdbApi, Store } from '../case/store.js';
import { isSecretName, type Fingerprinter } from '../case/secrets.js';
import { ingest, startFingerprinter, type IngestResult } from '../ingest/ingest.js';
import { checkForcedFormat } from '../ingest/detect.js';
import { caseHasEvidence, evidenceSet, knownHashes, mergeSets, sameEvidence, saveEvidenceSet, storedEvidenceSet, type EvidenceSet } from './evidence-set.js';
import { Progress } from './progress.js';

export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, error: 1, findings: 2, partial: 3 } as const;

export function defaultDb(opts: { db?: string; out?: string }): string {
  return opts.db ?? join(opts.out ?? 'clawtrail-case', 'case.duckdb');
}

export function ingestOptionsFrom(o: Record<string, unknown>, progress?: Progress) {
  return {
    tz: (o.tz as string) ?? 'UTC',
    format: o.format as string | undefined,
    fingerprintKey: o.fingerprintKey as string | undefined,
    snapshotTime: o.snapshotTime as string | undefined,
    git: o.git as string[] | undefined,
    unpackInto: (o.out as string | undefined) ?? (o.db && o.db !== ':memory:' ? dirname(String(o.db)) : undefined),
    progress: progress && ((m: string, linesDone?: number, bytes?: { done: number; total: number }) =>
      progress.update(bytes?.done ?? 0, bytes?.total ?? 0, `${linesDone ? `${linesDone} lines · ` : ''}${m}`)),
  };
}

// ---- option checks: every value is checked before anything is opened or written ----------------------------------

let zones: Set<string> | undefined;
/** The zone names DuckDB (ICU) knows: what --tz may name. */
async function timeZones(): Promise<Set<string>> {
  if (zones) return zones;
  const db = await duckdbApi().DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll('SELECT name FROM pg_timezone_names()')).getRowObjectsJson() as { name: string }[];
  conn.closeSync();
  db.closeSync();
  zones = new Set(rows.map((r) => r.name));
  return zones;
}

export async function checkTimeZone(tz: string): Promise<string> {
  // the default needs no check (and no second DuckDB instance to list the zones)
  if (tz === 'UTC') return tz;
  const known = await timeZones();
  if (known.has(tz)) return tz;
  const lower = tz.toLowerCase();
  const near = [...known].filter((z) => z.toLowerCase() === lower || z.toLowerCase().startsWith(lower.slice(0, Math.max(3, lower.length - 2)))).slice(0, 5);
  throw new Error(`--tz ${JSON.stringify(tz)} is not a time zone DuckDB knows${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; use an IANA name such as UTC, Europe/Paris or America/New_York (a fixed offset: Etc/GMT-2 is UTC+02:00)`);
}

export function checkIsoInstant(flag: string, v: string | undefined): void {
  if (v === undefined) return;
  if (!/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new Error(`${flag} wants an ISO 8601 instant such as 2026-11-18T14:05:00Z, got ${JSON.stringify(v)}`);
  }
}

export function checkNumber(flag: string, v: unknown, { min = -Infinity, max = Infinity, integer = false } = {}): number {
  const n = Number(v);
  if (v === undefined || v === null || String(v).trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const range = min > -Infinity && max < Infinity ? ` between ${min} and ${max}` : min > -Infinity ? ` ≥ ${min}` : '';
    throw new Error(`${flag} must be ${integer ? 'a whole number' : 'a number'}${range}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** The options every ingesting command shares, checked. */
export async function checkIngestOptions(o: Record<string, unknown>): Promise<void> {
  await checkTimeZone(String(o.tz ?? 'UTC'));
  checkNumber('--max-reject-ratio', o.maxRejectRatio, { min: 0, max: 1 });
  checkIsoInstant('--snapshot-time', o.snapshotTime as string | undefined);
  if (o.format !== undefined) checkForcedFormat(String(o.format));
  if (o.fingerprintKey !== undefined && String(o.fingerprintKey).length === 0) throw new Error('--fingerprint-key must not be empty');
  for (const g of (o.git as string[] | undefined) ?? []) if (!existsSync(g)) throw new Error(`--git ${g}: no such repository or bundle file`);
  if (o.append && o.force) throw new Error('--append and --force exclude each other: --append adds evidence to the case, --force replaces it');
}

// ---- one case, one evidence set -------------------------------------------------------------------------------

/** A case opened for ingest: the evidence set it holds, and the fingerprinter made for this run (startFingerprinter). */
export interface OpenedCase { store: Store; stored: EvidenceSet | null; fingerprinter: Fingerprinter }

/** Opens the case database of a command that ingests. A case holding a different evidence set is refused unless
 *  --append (add to it) or --force (replace it); the same set again goes on (ingest is idempotent). */
export async function openCaseForIngest(db: string, paths: string[], o: Record<string, unknown>): Promise<OpenedCase> {
  // the key id's slow hash runs while the database opens
  const fingerprinter = startFingerprinter(o.fingerprintKey as string | undefined);
  if (o.force && db !== ':memory:' && existsSync(db)) {
    const probe = await Store.open(db); // fails with a clear message when another process holds the case
    probe.close();
    for (const p of [db, `${db}.wal`]) rmSync(p, { force: true });
    rmSync(`${db}.tmp`, { recursive: true, force: true });
  }
  const store = await Store.open(db);
  if (db === ':memory:' || o.append || o.force || !(await caseHasEvidence(store))) return { store, stored: await storedEvidenceSet(store), fingerprinter };
  const stored = await storedEvidenceSet(store);
  const run = await evidenceSet(paths, (o.git as string[] | undefined) ?? [], await knownHashes(store, stored));
  if (stored && sameEvidence(stored, run)) return { store, stored, fingerprinter };
  store.close();
  const had = stored ? stored.roots.slice(0, 3).map((r) => r.path).join(', ') + (stored.roots.length > 3 ? ` and ${stored.roots.length - 3} more` : '') : 'evidence from an earlier run';
  throw new Error(`${db} already holds a different evidence set (${had}); this run reads ${paths.join(', ')}.\n` +
    `A case is one bundle set: give another --out${o.db ? '/--db' : ''} for a new case, --append to add this evidence to the case on purpose, or --force to replace the case.`);
}

/** Ingests the paths with the command's ingest options (progress on stderr), records the evidence set, prints the
 *  per-source summary unless --quiet, and returns whether the evidence was partial or absent. */
export async function ingestAndSummarize({ store, stored, fingerprinter }: OpenedCase, paths: string[], o: Record<string, unknown>): Promise<{ result: IngestResult; partial: boolean }> {
  const progress = new Progress('ingest', !!o.quiet);
  const result = await ingest(store, paths, { ...ingestOptionsFrom(o, progress), fingerprinter });
  progress.done();
  if (store.path !== ':memory:') {
    const run = await evidenceSet(paths, (o.git as string[] | undefined) ?? [], await knownHashes(store, stored));
    await saveEvidenceSet(store, mergeSets(stored, run));
  }
  // no evidence: not one source of the case (this run's or an earlier one's) could be read
  const none = !(await store.one(`SELECT 1 FROM sources WHERE status IN ('ok', 'partial') LIMIT 1`));
  const partial = printIngestSummary(result, o.quiet ? devNull : process.stdout, Number(o.maxRejectRatio), none);
  return { result, partial };
}

/** The per-source summary table and the accounting line; returns whether evidence was partial (or absent). */
export function printIngestSummary(result: IngestResult, out: NodeJS.WritableStream, maxRejectRatio: number, none = false): boolean {
  const rows = result.sources.map((s) => ({
    id: s.source_id, path: s.path, kind: s.kind, format: s.format, lines: s.total_lines, parsed: s.parsed_lines, rejected: s.rejected_lines,
    first: s.first_ts ?? '', last: s.last_ts ?? '', tz: s.tz ?? '', status: s.status,
  }));
  if (rows.length) out.write(table(rows, 60) + '\n');
  const total = result.sources.reduce((a, s) => a + s.total_lines, 0);
  const parsed = result.sources.reduce((a, s) => a + s.parsed_lines, 0);
  const rejected = result.sources.reduce((a, s) => a + s.rejected_lines, 0);
  out.write(`\n${result.sources.length} source(s): ${total} lines = ${parsed} parsed + ${rejected} rejected${parsed + rejected === total ? '' : ' (MISMATCH)'}\n`);
  for (const s of result.skipped) out.write(`skipped ${safeText(s.path)}: ${safeText(s.reason)}\n`);
  for (const p of result.problems) out.write(`${p.partial ? 'partial' : 'not read'} ${safeText(p.path)}: ${safeText(p.reason)}\n`);
  const unknown = result.sources.filter((s) => s.status === 'unknown-format');
  for (const u of unknown) out.write(`unknown format ${safeText(u.path)}: ${safeText(u.note ?? '')} (force one with --format)\n`);
  const heavy = result.sources.filter((s) => s.total_lines > 0 && s.rejected_lines / s.total_lines > maxRejectRatio && s.status !== 'unknown-format');
  for (const h of heavy) out.write(`partial ${safeText(h.path)}: ${h.rejected_lines} of ${h.total_lines} lines rejected (see: clawtrail sql "SELECT * FROM rejects WHERE source_id=${h.source_id}")\n`);
  if (none) out.write('no evidence: nothing read is a log, config or history clawtrail knows (exit 3)\n');
  return unknown.length > 0 || result.problems.length > 0 || heavy.length > 0 || none;
}

export function addIngestOptions(cmd: Command): Command {
  return cmd
    .option('--tz <zone>', 'time zone for timestamps that state none (marked as assumed); an IANA name DuckDB knows', 'UTC')
    .option('--format <format>', 'force the format of every input (see: clawtrail ingest --help)')
    .option('--git <repo...>', 'git repositories or bundle files of the config history (read-only)')
    .option('--fingerprint-key <key>', 'key for the secret fingerprints (same key = comparable cases; default: a random per-case key; never written into a report)')
    .option('--snapshot-time <iso>', 'time of docker inspect dumps whose content does not say it')
    .option('--max-reject-ratio <ratio>', 'rejected/total (0–1) above which a source counts as partial evidence (exit 3)', '0.01')
    .option('--append', 'add this evidence to a case that already holds another evidence set')
    .option('--force', 'replace a case that holds another evidence set (its database is deleted first)')
    .option('-q, --quiet', 'no progress and no summary table');
}

export const devNull = { write: () => true } as unknown as NodeJS.WritableStream;

/** --param k=v, repeatable: collects into an object. */
export function collectParam(v: string, prev: Record<string, string>): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`--param wants k=v, got ${JSON.stringify(v)}`);
  return { ...prev, [v.slice(0, eq)]: v.slice(eq + 1) };
}

/** A secret's own fingerprint, to name it without giving it away (a keyed hash of a fixed label). */
export const keyFingerprint = (key: string): string => `key-hmac:${createHmac('sha256', key).update('clawtrail fingerprint key').digest('hex').slice(0, 12)}`;

/** The command line as typed, for the report's provenance — with every secret-looking option's value (the
 *  --fingerprint-key above all: with it, anyone holding the report could test guesses against every fingerprint)
 *  replaced by its fingerprint. */
export function commandLine(argv = process.argv.slice(2)): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = /^(--?[A-Za-z0-9-]+)=(.*)$/s.exec(a);
    if (eq && isSecretName(eq[1])) out.push(`${eq[1]}=[${keyFingerprint(eq[2])}]`);
    else if (/^--?[A-Za-z]/.test(a) && isSecretName(a) && i + 1 < argv.length) {
      out.push(a, `[${keyFingerprint(argv[++i])}]`);
    } else out.push(a);
  }
  return ['clawtrail', ...out].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}
