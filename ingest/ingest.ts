// Ingest orchestration: discover → scan (hash, lines) → detect → parse (in DuckDB) → account.
// Each source is ingested in its own transaction, so an interrupted run leaves no half source behind and the
// next run completes it. Files already ingested (same path and sha256) are skipped: ingest is idempotent.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fingerprinter, FingerprintKeyRefused, RefusingFingerprinter } from '../case/secrets.js';
import { rejectRaw } from '../case/secret-rules.js';
import { fill, lit } from '../lib/sql.js';
import { detect, type Detection } from './detect.js';
import { discover, type InputFile } from './discover.js';
import { scanFile, type ScanResult } from './scan.js';
import { sanitizedCopy } from './sanitize.js';
import type { Store } from '../case/store.js';
import { BUILTIN_FORMATS, compileFormat, parseLogFormats, type CompiledFormat } from './formats/nginx-access/log-format.js';
import { runLineFormat } from './formats/run.js';
import type { Reader } from './formats/format.js';
import { ingestStructured, STRUCTURED_KINDS, type StructuredCount } from './structured.js';
import { ingestGitRepo } from './git/history.js';
import { summaryOf, type SourceSummary } from './summary.js';
import { isBundleArchive, unpackArchive, type UnpackLimits } from '../lib/archive.js';
import { containerOfLogPath } from '../case/bundle-layout.js';
export type { SourceSummary } from './summary.js';

export interface IngestOptions {
  tz: string;                   // zone for unzoned stamps (default UTC)
  format?: string;              // force a format for every file
  fingerprintKey?: string;
  /** startFingerprinter(fingerprintKey) made before the case opened (its key id then hashed meanwhile) */
  fingerprinter?: Fingerprinter;
  snapshotTime?: string;        // for docker inspect dumps without a time of their own
  git?: string[];               // extra git repositories or bundles
  unpackInto?: string;          // where .tar.gz bundles are unpacked (the case folder); default a temporary folder, removed after
  unpackLimits?: UnpackLimits;  // default: lib/archive.ts (CLAWTRAIL_UNPACK_* variables)
  progress?: (msg: string, linesDone?: number, bytes?: { done: number; total: number }) => void;   // lines read so far; bytes read (files done, and the part of the files under way DuckDB says it has read), for a percentage and a rate
}


export interface IngestResult {
  sources: SourceSummary[];
  skipped: { path: string; reason: string }[];
  problems: { path: string; reason: string; partial?: boolean }[];   // partial: read, but not as a whole (it changed while read)
}

/** Sources up to this size (decompressed) are written in one transaction. */
const SMALL_SOURCE_BYTES = 16 * 1024 * 1024;

/** Tables whose rows carry (source_id, ts) for the per-source first/last instant and zone accounting. */
const TIMED_TABLES = ['gateway_events', 'proxy_requests', 'proxy_errors', 'config_audit', 'docker_events'];

/** The format's own reader over the whole file (DuckDB's JSON reader, say) into raw_records, kept when it took the file
 *  as one row per line; false (and nothing left behind) otherwise: the file is then read into raw_lines. */
async function readRecords(store: Store, reader: Reader, path: string, scan: ScanResult): Promise<boolean> {
  // a blank line (the JSON reader skips it) or bytes the readers trip on: raw_lines at once
  if (scan.hasNul || scan.hasCR || scan.hasBom || scan.gzipError || scan.blankLines > 0) return false;
  try {
    await store.run(fill(reader.sql, { path: lit(path), compression: lit(scan.gzip ? 'gzip' : 'uncompressed'), max_line: Math.max(16 * 1024 * 1024, scan.longestLine + 1024) }));
    const r = (await store.one<{ n: string; ok: boolean }>(`SELECT count(*) AS n, (${reader.ok}) AS ok FROM raw_records`))!;
    if (Number(r.n) === scan.lines && r.ok) return true;
  } catch {
    /* a record the reader refuses (cut, corrupt, not an object, not UTF-8): read line by line instead */
  }
  await store.run('DROP TABLE IF EXISTS raw_records');
  return false;
}

async function loadRawLines(store: Store, path: string, scan: ScanResult): Promise<void> {
  const maxLine = Math.max(2 * 1024 * 1024, scan.longestLine + 1024);
  await store.run(`CREATE OR REPLACE TEMP TABLE raw_lines AS
    SELECT line FROM read_csv(${lit(path)}, columns={'line': 'VARCHAR'}, delim=E'\\x01\\x02\\x03\\x04', quote='', escape='',
      header=false, auto_detect=false, strict_mode=false, null_padding=true, max_line_size=${maxLine},
      compression=${lit(scan.gzip ? 'gzip' : 'none')})`);
}

/** The container a log file belongs to (its bundle path says so), as a SQL literal. */
const sqlContainer = (path: string): string => {
  const id = containerOfLogPath(path);
  return id ? lit(id) : 'NULL';
};

interface RawCount { lines: number; blank: number }

async function account(store: Store, sourceId: number, scan: ScanResult, tz: string, structured?: StructuredCount, raw?: RawCount): Promise<{ parsed: number; rejected: number; blank: number; lost: number }> {
  const rej = structured ? structured.rejected : Number((await store.one<{ n: string }>(`SELECT count(*) AS n FROM rejects WHERE source_id = ${sourceId}`))!.n);
  const blank = raw?.blank ?? 0;
  const lost = raw ? scan.lines - raw.lines : 0;
  const parsed = scan.lines - rej - Math.max(lost, 0);
  const union = TIMED_TABLES.map((t) => `SELECT ts, tz_assumed FROM ${t} WHERE source_id = ${sourceId}`.replace('tz_assumed FROM docker_events', 'false AS tz_assumed FROM docker_events').replace('tz_assumed FROM config_audit', 'false AS tz_assumed FROM config_audit')).join(' UNION ALL ');
  await store.run(`UPDATE sources SET
      parsed_lines = ${parsed}, rejected_lines = ${rej}, blank_lines = ${blank},
      first_ts = (SELECT min(ts) FROM (${union})), last_ts = (SELECT max(ts) FROM (${union})),
      tz = (SELECT CASE WHEN count(ts) = 0 THEN 'none'
                        WHEN bool_and(NOT coalesce(tz_assumed, false)) THEN 'stated'
                        WHEN bool_and(coalesce(tz_assumed, false)) THEN ${lit(`assumed:${tz}`)}
                        ELSE ${lit(`mixed:${tz}`)} END FROM (${union}))
    WHERE source_id = ${sourceId}`);
  return { parsed, rejected: rej, blank, lost };
}

export async function collectNginxFormats(files: InputFile[]): Promise<CompiledFormat[]> {
  const declared: CompiledFormat[] = [];
  for (const f of files) {
    if (!/\.conf$|nginx/i.test(f.path)) continue;
    try {
      const st = statSync(f.path);
      if (st.size > 4 * 1024 * 1024) continue;
      const text = readFileSync(f.path, 'utf8');
      if (!/\blog_format\b/.test(text)) continue;
      for (const lf of parseLogFormats(text, f.path)) declared.push(compileFormat(lf));
    } catch {
      /* unreadable files are reported by the main loop */
    }
  }
  return [...declared, ...BUILTIN_FORMATS.map(compileFormat)];
}

export async function ingest(store: Store, paths: string[], opts: IngestOptions): Promise<IngestResult> {
  let linesDone = 0;
  let lastMessage = '';
  const bytes = { done: 0, total: 0, underWay: 0 };
  const report = opts.progress ?? (() => {});
  const progress = (m: string, add = 0): void => {
    linesDone += add;
    lastMessage = m;
    report(m, linesDone, { done: bytes.done + bytes.underWay, total: bytes.total });
  };
  const fingerprinter = await caseFingerprinter(store, opts.fingerprintKey, opts.fingerprinter);
  const workDir = await mkdtemp(join(tmpdir(), 'clawtrail-'));
  // a run the case's key refuses takes nothing in: what it added before the refusal is removed again
  const before = Number((await store.one<{ id: string }>(`SELECT coalesce(max(source_id), 0) AS id FROM sources`))!.id);
  try {
    // a bundle archive (.tar.gz) is unpacked beside the case database (citations point at its files) and read as a folder
    const inputs: string[] = [];
    const unpackSkipped: IngestResult['skipped'] = [];
    for (const p of paths) {
      if (!isBundleArchive(p)) {
        inputs.push(p);
        continue;
      }
      const u = await unpackArchive(p, opts.unpackInto ?? workDir, opts.unpackLimits);
      inputs.push(u.dir);
      unpackSkipped.push(...u.skipped);
    }
    const found = discover(inputs);
    const nginxFormats = await collectNginxFormats(found.files);
    const result: IngestResult = { sources: [], skipped: [...unpackSkipped, ...found.skipped], problems: [...found.problems] };
    for (const p of found.problems) await recordProblem(store, p.path, p.reason);
    await recordSkipped(store, result.skipped);
    const sizes = found.files.map((f) => { try { return statSync(f.path).size; } catch { return 0; } });
    bytes.total = sizes.reduce((a, b) => a + b, 0);
    // the content already in the case, by sha256 (the first source of each), kept up to date as files go in
    const known: KnownContent = new Map((await store.all<{ sha: string; id: string; path: string }>(
      `SELECT sha256 AS sha, min(source_id) AS id, arg_min(path, source_id) AS path FROM sources WHERE status <> 'error' AND sha256 IS NOT NULL GROUP BY sha256`))
      .map((r) => [r.sha, { id: Number(r.id), path: r.path }]));
    const ctx: FileContext = { opts, nginxFormats, fingerprinter, workDir, result, progress, known };
    const summaries = await ingestFiles(store, found.files, ctx, sizes, (done, underWay) => {
      bytes.done += done;
      bytes.underWay = underWay;
      progress(lastMessage);
    });
    result.sources.push(...summaries.filter((x): x is SourceSummary => !!x));
    for (const repo of [...found.gitRepos, ...(opts.git ?? [])]) {
      progress(`git history ${repo}`);
      const summary = await ingestGitRepo(store, repo, fingerprinter, workDir);
      if (summary) result.sources.push(summary);
    }
    await store.refreshDerived();
    await store.run('CHECKPOINT');
    return result;
  } catch (err) {
    if (err instanceof FingerprintKeyRefused) {
      const added = (await store.all<{ id: string }>(`SELECT source_id AS id FROM sources WHERE source_id > ${before}`)).map((r) => Number(r.id));
      await store.discardIncomplete(added);
    }
    throw err;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The fingerprinter of --fingerprint-key (else CLAWTRAIL_FINGERPRINT_KEY, else a random key), its key id's slow hash
 *  started now: made before the case database opens, ingest (IngestOptions.fingerprinter) finds the id ready. */
export function startFingerprinter(key?: string): Fingerprinter {
  const fpr = Fingerprinter.fromOption(key ?? process.env.CLAWTRAIL_FINGERPRINT_KEY);
  fpr.keyId().catch(() => undefined); // a failure is met again where the id is awaited
  return fpr;
}

/**
 * The case's fingerprint key: --fingerprint-key, else CLAWTRAIL_FINGERPRINT_KEY, else a random key for this run. The key
 * itself is never stored (whoever holds the case could test guesses against every fingerprint with it): only its own
 * id (Fingerprinter.keyId, a slow hash). A later ingest whose key has another id is refused while the case holds
 * fingerprints, since its fingerprints would not compare with the earlier ones — and a case first made without a key
 * can take no more fingerprinted evidence, its random key being gone (re-ingest everything with a key instead).
 */
async function caseFingerprinter(store: Store, key?: string, early?: Fingerprinter): Promise<Fingerprinter> {
  const given = key ?? process.env.CLAWTRAIL_FINGERPRINT_KEY;
  // cases made before the key stopped being stored: its key is used once more, and removed
  const legacy = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'fingerprint_key'`);
  const fpr = early && (given !== undefined || !legacy) ? early : Fingerprinter.fromOption(given ?? legacy?.value);
  const id = await fpr.keyId();
  const prior = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'fingerprint_key_id'`);
  if (prior && prior.value !== id) {
    const used = await store.one(`SELECT 1 WHERE EXISTS (SELECT 1 FROM config_values WHERE fp IS NOT NULL) OR EXISTS (SELECT 1 FROM container_env WHERE fp IS NOT NULL)
      OR EXISTS (SELECT 1 FROM devices WHERE token_fp IS NOT NULL)`);
    if (used) {
      // refused at the first secret of new evidence, not here: the same evidence again (already in the case) and
      // evidence without secrets still go in
      return new RefusingFingerprinter(given
        ? `this case's fingerprints were made with another key (key id ${prior.value}, this one is ${id}): give the same --fingerprint-key, or ingest into a new case`
        : `this case's fingerprints were made with ${(await store.one(`SELECT 1 FROM case_meta WHERE key = 'fingerprint_key_random'`)) ? 'a random key that was not kept' : `the key with id ${prior.value}`}: `
          + 'give that --fingerprint-key (or CLAWTRAIL_FINGERPRINT_KEY) to add evidence, or ingest everything again into a new case with a key of your own');
    }
  }
  await store.run(`INSERT OR REPLACE INTO case_meta VALUES ('fingerprint_key_id', ${lit(id)})`);
  if (legacy) await store.run(`DELETE FROM case_meta WHERE key = 'fingerprint_key'`);
  if (given || legacy) await store.run(`DELETE FROM case_meta WHERE key = 'fingerprint_key_random'`);
  else await store.run(`INSERT OR REPLACE INTO case_meta VALUES ('fingerprint_key_random', 'true')`);
  return fpr;
}

/** Content in the case: sha256 → the first source that holds it (and, while that source is being parsed, when its
 *  parse ends). */
type KnownContent = Map<string, { id: number; path: string; parsed?: Promise<void> }>;

async function nextSourceId(store: Store): Promise<number> {
  return Number((await store.one<{ id: string }>(`SELECT nextval('source_id_seq') AS id`))!.id);
}

/** What was never read on purpose (links out of the input, hard links, devices, FIFOs, binaries, archive members):
 *  kept in the case with the reason, once per path. */
async function recordSkipped(store: Store, skipped: IngestResult['skipped']): Promise<void> {
  for (let i = 0; i < skipped.length; i += 500) {
    const rows = skipped.slice(i, i + 500).map((x) => `(${lit(x.path)}, ${lit(x.reason)})`).join(', ');
    await store.run(`INSERT INTO sources (source_id, path, kind, format, status, note, total_lines, parsed_lines, rejected_lines, ingested_at)
      SELECT nextval('source_id_seq'), v.path, 'unknown', 'skipped', 'skipped', v.note, 0, 0, 0, now() FROM (VALUES ${rows}) v(path, note)
      WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.path = v.path AND s.status = 'skipped')`);
  }
}

async function recordProblem(store: Store, path: string, reason: string): Promise<void> {
  const dup = await store.one(`SELECT 1 FROM sources WHERE path = ${lit(path)} AND status = 'error' AND note = ${lit(reason)}`);
  if (dup) return;
  const id = await nextSourceId(store);
  await store.run(`INSERT INTO sources (source_id, path, kind, format, status, note, total_lines, parsed_lines, rejected_lines, ingested_at)
    VALUES (${id}, ${lit(path)}, 'unknown', 'unreadable', 'error', ${lit(reason)}, 0, 0, 0, now())`);
}

/** A file of no known format: nothing is silently dropped — its lines are all counted as rejected, with its first lines
 *  cited — in one transaction of two statements, so that a folder of unknown files (an /etc) is read fast. */
async function recordUnknown(store: Store, file: InputFile, det: Detection, scan: ScanResult): Promise<SourceSummary> {
  const sourceId = await nextSourceId(store);
  const cited = scan.sample.slice(0, 5).map((l, i) => `(${sourceId}, ${i + 1}, 'unknown format', ${lit(rejectRaw(l.slice(0, 2048)))})`);
  const notes = [scan.gzipError, det.why ?? 'no known format'].filter(Boolean).join('; ');
  await store.run('BEGIN TRANSACTION');
  try {
    await store.run(`INSERT INTO sources (source_id, path, kind, format, series, series_index, sha256, bytes, total_lines, parsed_lines, rejected_lines, blank_lines, status, note, tz, ingested_at)
      VALUES (${sourceId}, ${lit(file.path)}, ${lit(det.kind)}, ${lit(det.format)}, ${file.series ? lit(file.series) : 'NULL'}, ${file.seriesIndex ?? 'NULL'},
              ${lit(scan.sha256)}, ${scan.bytes}, ${scan.lines}, 0, ${scan.lines}, 0, 'unknown-format', ${lit(notes)}, 'none', now())`);
    if (cited.length) await store.run(`INSERT INTO rejects VALUES ${cited.join(', ')}`);
    await store.run('COMMIT');
  } catch (err) {
    await store.run('ROLLBACK');
    throw err;
  }
  return summaryOf(store, sourceId);
}

/** What the files of one run share. */
interface FileContext {
  opts: IngestOptions;
  nginxFormats: CompiledFormat[];
  fingerprinter: Fingerprinter;
  workDir: string;
  result: IngestResult;
  progress: (m: string, add?: number) => void;
  known: KnownContent;
}

/** A file to parse, as its turn found it; `parsed` is called when its parse ends, however it ends. */
interface ParseJob { file: InputFile; scan: ScanResult; det: Detection; before: { size: number; mtimeMs: number }; sourceId: number; parsed: () => void }

/** How many files are read at once, each on its own connection. */
const PARALLEL_FILES = 2;

/**
 * The files, PARALLEL_FILES at a time, each on its own connection: while one waits on DuckDB, another is scanned or
 * parsed. What depends on the files before — whether the content is already in the case, the source id, a git
 * bundle's history — is decided in file order, one file at a time (prepareFile); the parses then overlap. Returns each
 * file's summary, in file order; the first error stops the run once the files under way are done.
 */
async function ingestFiles(store: Store, files: InputFile[], ctx: FileContext, sizes: number[],
  read: (done: number, underWay: number) => void): Promise<(SourceSummary | undefined)[]> {
  const summaries: (SourceSummary | undefined)[] = [];
  const connections = [store];
  // bytes of the files under way, by connection: half a file while DuckDB reads it (its reader's progress), all of it
  // once parsed — never going back, so that the percentage and the ETA only move forward
  const underWay = new Map<Store, { size: number; part: number }>();
  const partial = (): number => [...underWay.values()].reduce((a, f) => a + f.part, 0);
  const poll = setInterval(() => {
    for (const [conn, f] of underWay) f.part = Math.max(f.part, (conn.progress() ?? 0) * f.size / 2);
    read(0, partial());
  }, 1000);
  poll.unref();
  let next = 0;
  let turn: Promise<unknown> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  const work = async (conn: Store): Promise<void> => {
    while (!failed && next < files.length) {
      const i = next++;
      underWay.set(conn, { size: sizes[i], part: 0 });
      const prepared = turn.then(() => prepareFile(conn, files[i], ctx));
      turn = prepared.catch(() => undefined);
      try {
        const p = await prepared;
        if ('job' in p) {
          try {
            summaries[i] = await parseFile(conn, p.job, ctx);
          } finally {
            p.job.parsed();
          }
        } else summaries[i] = p.done;
      } catch (error) {
        failed ??= { error };
        return;
      } finally {
        underWay.delete(conn);
      }
      read(sizes[i], partial());
    }
  };
  try {
    for (let w = 1; w < Math.min(PARALLEL_FILES, files.length); w++) connections.push(await store.connect());
    await Promise.all(connections.map(work));
  } finally {
    clearInterval(poll);
    for (const c of connections.slice(1)) c.close();
  }
  if (failed) throw failed.error;
  return summaries;
}

/** A file's turn, in file order: read through once (hash, lines, first lines), then either settled here (already in the
 *  case, a duplicate, binary, of no known format, a git bundle, unreadable) or given its source id to be parsed. */
async function prepareFile(store: Store, file: InputFile, ctx: FileContext): Promise<{ done: SourceSummary | undefined } | { job: ParseJob }> {
  const { opts, nginxFormats, fingerprinter, workDir, result, progress, known } = ctx;
  let scan: ScanResult;
  let before: { size: number; mtimeMs: number };
  try {
    before = statSync(file.path);
    scan = await scanFile(file.path);
  } catch (err) {
    const reason = `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    result.problems.push({ path: file.path, reason });
    await recordProblem(store, file.path, reason);
    return { done: undefined };
  }
  // a copy of a file still being parsed waits for it: the copy is a duplicate of it once it is in the case
  await known.get(scan.sha256)?.parsed;
  const already = known.get(scan.sha256);
  if (already) {
    // Same path and content: already in the case — report its accounting again (an idempotent re-run).
    if (already.path === file.path) return { done: await summaryOf(store, already.id) };
    const reason = `same content as ${already.path} (sha256 ${scan.sha256.slice(0, 12)}…)`;
    result.skipped.push({ path: file.path, reason });
    if (!(await store.one(`SELECT 1 FROM sources WHERE path = ${lit(file.path)}`))) {
      const id = await nextSourceId(store);
      await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, bytes, total_lines, parsed_lines, rejected_lines, status, note, ingested_at)
        SELECT ${id}, ${lit(file.path)}, kind, format, sha256, bytes, ${scan.lines}, 0, 0, 'duplicate', ${lit(reason)}, now() FROM sources WHERE source_id = ${already.id}`);
    }
    return { done: undefined };
  }

  let det: Detection;
  try {
    det = detect(file.path, scan.sample, nginxFormats, opts.format);
  } catch (err) {
    throw new Error(`${file.path}: ${(err as Error).message}`);
  }
  if (det.kind === 'unknown' && scan.binary) {
    const skip = { path: file.path, reason: 'binary content (control bytes throughout its first 64 KiB): not a log or config file, never parsed' };
    result.skipped.push(skip);
    await recordSkipped(store, [skip]);
    return { done: undefined };
  }
  if (det.kind === 'unknown' && (scan.lines > 0 || scan.gzipError)) {
    const unknown = await recordUnknown(store, file, det, scan);
    known.set(scan.sha256, { id: unknown.source_id, path: file.path });
    return { done: unknown };
  }
  if (det.kind === 'git-bundle') {
    progress(`git bundle ${file.path}`);
    return { done: await ingestGitRepo(store, file.path, fingerprinter, workDir) };
  }
  // the content is claimed now, so that a copy later in the run is a duplicate even while this one is being parsed
  const sourceId = await nextSourceId(store);
  let parsed = (): void => {};
  known.set(scan.sha256, { id: sourceId, path: file.path, parsed: new Promise<void>((resolve) => { parsed = resolve; }) });
  return { job: { file, scan, det, before, sourceId, parsed } };
}
/** A file's parse into its source, on its own connection. */
async function parseFile(store: Store, job: ParseJob, ctx: FileContext): Promise<SourceSummary | undefined> {
  const { file, scan, det, before, sourceId } = job;
  const { opts, nginxFormats, fingerprinter, workDir, result, progress, known } = ctx;
  progress(`${file.path}: ${det.format}, ${scan.lines} lines`);
  const notes: string[] = [];
  if (scan.gzipError) notes.push(scan.gzipError);
  let status = scan.gzipError ? 'partial' : 'ok';
  const lineFormat = !STRUCTURED_KINDS.has(det.kind) && (scan.lines > 0 || !!scan.gzipError);
  // A small file is written in one transaction (there a commit per statement costs more than the statement's work); a
  // big one statement by statement (DuckDB's bulk inserts are slower inside a large transaction). Either way the source
  // is marked 'ingesting' until done: an interrupted run is cleaned up by the next Store.open().
  let transaction = false;
  try {
    // DuckDB's reader stops on invalid UTF-8 and NUL, and counts a CR as a line break: such files are read through
    // a sanitised copy whose line numbers match the original. UTF-8 validity is left to DuckDB (validating in
    // JavaScript would cost a second pass over every byte): its error sends the file down the same path. The file is
    // loaded before any transaction begins (a reader's failure would end it).
    const viaCopy = async (): Promise<void> => {
      const copy = await sanitizedCopy(file.path, scan.gzip, join(workDir, `src-${sourceId}.txt`), scan.decompressedBytes);
      if (copy.replaced) notes.push(`${copy.replaced} invalid byte sequence(s) or NUL bytes replaced by U+FFFD before parsing`);
      await loadRawLines(store, copy.path, { ...scan, gzip: false, longestLine: copy.longestLine });
    };
    const read = lineFormat && !!det.line!.reader && await readRecords(store, det.line!.reader, file.path, scan);
    if (!lineFormat || read) { /* nothing to load, or raw_records holds the file */ }
    else if (scan.hasNul || scan.hasCR || scan.hasBom || scan.gzipError) await viaCopy();
    else {
      try {
        await loadRawLines(store, file.path, scan);
      } catch (err) {
        if (!/unicode|utf-?8|encoding/i.test((err as Error).message)) throw err;
        await viaCopy();
      }
    }
    if (scan.decompressedBytes <= SMALL_SOURCE_BYTES) {
      await store.run('BEGIN TRANSACTION');
      transaction = true;
    }
    await store.run(`INSERT INTO sources (source_id, path, kind, format, series, series_index, sha256, bytes, total_lines, parsed_lines, rejected_lines, blank_lines, status, ingested_at)
      VALUES (${sourceId}, ${lit(file.path)}, ${lit(det.kind)}, ${lit(det.format)}, ${file.series ? lit(file.series) : 'NULL'}, ${file.seriesIndex ?? 'NULL'},
              ${lit(scan.sha256)}, ${scan.bytes}, ${scan.lines}, 0, 0, 0, 'ingesting', now())`);

    if (scan.lines === 0 && !scan.gzipError) {
      status = 'empty';
      notes.push('empty file');
    } else if (!lineFormat) {
      const counted = await ingestStructured(store, { sourceId, path: file.path, det, scan, fingerprinter, snapshotTime: opts.snapshotTime, tz: opts.tz });
      notes.push(...(counted.notes ?? []));
      const acc = await account(store, sourceId, scan, opts.tz, counted);
      if (acc.rejected > 0) status = 'partial';
    } else {
      // line_no = rowid - rowbase: rows of a fresh table are numbered contiguously in file order (insertion order kept)
      // rowbase is a BIGINT beyond 2^53: kept as text. The scripts may drop raw_lines once read, so count it now.
      const loaded = (await store.one<{ b: string; n: string }>(`SELECT (coalesce(min(rowid), 0) - 1)::VARCHAR AS b, count(*) AS n FROM ${read ? 'raw_records' : 'raw_lines'}`))!;
      const named = await runLineFormat(store, det, nginxFormats, { source_id: sourceId, container: sqlContainer(file.path), tz: lit(opts.tz), rowbase: loaded.b }, read);
      if (named.format !== det.format || named.kind !== det.kind) await store.run(`UPDATE sources SET kind = ${lit(named.kind)}, format = ${lit(named.format)} WHERE source_id = ${sourceId}`);
      await store.redactSource(sourceId);
      const acc = await account(store, sourceId, scan, opts.tz, undefined, { lines: Number(loaded.n), blank: scan.blankLines });
      if (acc.lost !== 0) {
        notes.push(`DuckDB read ${scan.lines - acc.lost} lines where the file has ${scan.lines}`);
        status = 'partial';
      }
      if (acc.rejected > 0) status = 'partial';
    }
    // a file written while it was read (a live log): its rows may not match its hash and line count — partial, and said
    const now = statSync(file.path);
    if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
      const reason = `changed while it was read (${before.size} bytes when the read began, ${now.size} after): its rows may not match its sha256 and line count; read a copy that no longer changes`;
      notes.push(reason);
      status = 'partial';
      result.problems.push({ path: file.path, reason, partial: true });
    }
    await store.run(`UPDATE sources SET status = ${lit(status)}, note = ${notes.length ? lit(notes.join('; ')) : 'NULL'} WHERE source_id = ${sourceId}`);
    if (transaction) await store.run('COMMIT');
    transaction = false;
    progress(`${file.path}: done`, scan.lines);
  } catch (err) {
    if (transaction) await store.run('ROLLBACK');
    await store.discardIncomplete([sourceId]);
    if (known.get(scan.sha256)?.id === sourceId) known.delete(scan.sha256);
    if (err instanceof FingerprintKeyRefused) throw err;
    const reason = `parse failed: ${(err as Error).message.split('\n')[0]}`;
    result.problems.push({ path: file.path, reason });
    await recordProblem(store, file.path, reason);
    return undefined;
  }
  return summaryOf(store, sourceId);
}
