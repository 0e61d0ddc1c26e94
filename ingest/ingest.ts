// Ingest orchestration: discover → scan (hash, lines) → detect → parse (in DuckDB) → account.
// Each source is ingested in its own transaction, so an interrupted run leaves no half source behind and the
// next run completes it. Files already ingested (same path and sha256) are skipped: ingest is idempotent.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fingerprinter } from '../case/secrets.js';
import { lit } from '../lib/sql.js';
import { detect, type Detection } from './detect.js';
import { discover, type InputFile } from './discover.js';
import { scanFile, type ScanResult } from './scan.js';
import { sanitizedCopy } from './sanitize.js';
import type { Store } from '../case/store.js';
import { BUILTIN_FORMATS, compileFormat, parseLogFormats, type CompiledFormat } from './formats/nginx-access/log-format.js';
import { runLineFormat } from './formats/run.js';
import { ingestStructured, STRUCTURED_KINDS, type StructuredCount } from './structured.js';
import { ingestGitRepo } from './git/history.js';
import { summaryOf, type SourceSummary } from './summary.js';
import { isBundleArchive, unpackArchive } from '../lib/archive.js';
import { containerOfLogPath } from '../case/bundle-layout.js';
export type { SourceSummary } from './summary.js';

export interface IngestOptions {
  tz: string;                   // zone for unzoned stamps (default UTC)
  format?: string;              // force a format for every file
  fingerprintKey?: string;
  snapshotTime?: string;        // for docker inspect dumps without a time of their own
  git?: string[];               // extra git repositories or bundles
  unpackInto?: string;          // where .tar.gz bundles are unpacked (the case folder); default the temp dir
  progress?: (msg: string, linesDone?: number, bytes?: { done: number; total: number }) => void;   // lines read so far, for a rate; bytes of the files done, for a percentage
}


export interface IngestResult {
  sources: SourceSummary[];
  skipped: { path: string; reason: string }[];
  problems: { path: string; reason: string }[];
}

/** Tables whose rows carry (source_id, ts) for the per-source first/last instant and zone accounting. */
const TIMED_TABLES = ['gateway_events', 'proxy_requests', 'proxy_errors', 'config_audit', 'docker_events'];

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
  const bytes = { done: 0, total: 0 };
  const report = opts.progress ?? (() => {});
  const progress = (m: string, add = 0): void => {
    linesDone += add;
    report(m, linesDone, bytes);
  };
  // a bundle archive (.tar.gz) is unpacked beside the case database and read as a folder
  const unpackInto = opts.unpackInto ?? tmpdir();
  const found = discover(paths.map((p) => (isBundleArchive(p) ? unpackArchive(p, unpackInto) : p)));
  const nginxFormats = await collectNginxFormats(found.files);
  const fingerprinter = await caseFingerprinter(store, opts.fingerprintKey);
  const result: IngestResult = { sources: [], skipped: [], problems: [...found.problems] };
  const workDir = await mkdtemp(join(tmpdir(), 'clawtrail-'));
  try {
    for (const p of found.problems) await recordProblem(store, p.path, p.reason);
    const sizes = found.files.map((f) => { try { return statSync(f.path).size; } catch { return 0; } });
    bytes.total = sizes.reduce((a, b) => a + b, 0);
    for (const [i, file] of found.files.entries()) {
      const summary = await ingestFile(store, file, opts, nginxFormats, fingerprinter, workDir, result, progress);
      if (summary) result.sources.push(summary);
      bytes.done += sizes[i];
      progress(file.path);
    }
    for (const repo of [...found.gitRepos, ...(opts.git ?? [])]) {
      progress(`git history ${repo}`);
      const summary = await ingestGitRepo(store, repo, fingerprinter, workDir);
      if (summary) result.sources.push(summary);
    }
    await store.refreshDerived();
    await store.run('CHECKPOINT');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return result;
}

async function caseFingerprinter(store: Store, key?: string): Promise<Fingerprinter> {
  if (key) return Fingerprinter.fromOption(key);
  const env = process.env.CLAWTRAIL_FINGERPRINT_KEY;
  if (env) return Fingerprinter.fromOption(env);
  const row = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'fingerprint_key'`);
  if (row) return Fingerprinter.fromOption(row.value);
  const fresh = (await import('node:crypto')).randomBytes(24).toString('base64url');
  await store.run(`INSERT INTO case_meta VALUES ('fingerprint_key', ${lit(fresh)})`);
  return Fingerprinter.fromOption(fresh);
}

async function nextSourceId(store: Store): Promise<number> {
  return Number((await store.one<{ id: string }>(`SELECT nextval('source_id_seq') AS id`))!.id);
}

async function recordProblem(store: Store, path: string, reason: string): Promise<void> {
  const dup = await store.one(`SELECT 1 FROM sources WHERE path = ${lit(path)} AND status = 'error' AND note = ${lit(reason)}`);
  if (dup) return;
  const id = await nextSourceId(store);
  await store.run(`INSERT INTO sources (source_id, path, kind, format, status, note, total_lines, parsed_lines, rejected_lines, ingested_at)
    VALUES (${id}, ${lit(path)}, 'unknown', 'unreadable', 'error', ${lit(reason)}, 0, 0, 0, now())`);
}

async function ingestFile(
  store: Store, file: InputFile, opts: IngestOptions, nginxFormats: CompiledFormat[], fingerprinter: Fingerprinter,
  workDir: string, result: IngestResult, progress: (m: string, add?: number) => void,
): Promise<SourceSummary | undefined> {
  let scan: ScanResult;
  try {
    scan = await scanFile(file.path);
  } catch (err) {
    const reason = `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    result.problems.push({ path: file.path, reason });
    await recordProblem(store, file.path, reason);
    return undefined;
  }
  const already = await store.one<{ source_id: string; path: string }>(
    `SELECT source_id, path FROM sources WHERE sha256 = ${lit(scan.sha256)} AND status <> 'error' ORDER BY source_id LIMIT 1`);
  if (already) {
    // Same path and content: already in the case — report its accounting again (an idempotent re-run).
    if (already.path === file.path) return summaryOf(store, Number(already.source_id));
    const reason = `same content as ${already.path} (sha256 ${scan.sha256.slice(0, 12)}…)`;
    result.skipped.push({ path: file.path, reason });
    if (!(await store.one(`SELECT 1 FROM sources WHERE path = ${lit(file.path)}`))) {
      const id = await nextSourceId(store);
      await store.run(`INSERT INTO sources (source_id, path, kind, format, sha256, bytes, total_lines, parsed_lines, rejected_lines, status, note, ingested_at)
        SELECT ${id}, ${lit(file.path)}, kind, format, sha256, bytes, ${scan.lines}, 0, 0, 'duplicate', ${lit(reason)}, now() FROM sources WHERE source_id = ${already.source_id}`);
    }
    return undefined;
  }

  let det: Detection;
  try {
    det = detect(file.path, scan.sample, nginxFormats, opts.format);
  } catch (err) {
    throw new Error(`${file.path}: ${(err as Error).message}`);
  }
  if (det.kind === 'git-bundle') {
    progress(`git bundle ${file.path}`);
    return ingestGitRepo(store, file.path, fingerprinter, workDir);
  }
  const sourceId = await nextSourceId(store);
  progress(`${file.path}: ${det.format}, ${scan.lines} lines`);
  // Marked 'ingesting' until done: an interrupted run is cleaned up by the next Store.open().
  try {
    await store.run(`INSERT INTO sources (source_id, path, kind, format, series, series_index, sha256, bytes, total_lines, parsed_lines, rejected_lines, blank_lines, status, ingested_at)
      VALUES (${sourceId}, ${lit(file.path)}, ${lit(det.kind)}, ${lit(det.format)}, ${file.series ? lit(file.series) : 'NULL'}, ${file.seriesIndex ?? 'NULL'},
              ${lit(scan.sha256)}, ${scan.bytes}, ${scan.lines}, 0, 0, 0, 'ingesting', now())`);
    const notes: string[] = [];
    if (scan.gzipError) notes.push(scan.gzipError);
    let status = scan.gzipError ? 'partial' : 'ok';

    if (scan.lines === 0 && !scan.gzipError) {
      status = 'empty';
      notes.push('empty file');
    } else if (det.kind === 'unknown') {
      status = 'unknown-format';
      notes.push(det.why ?? 'no known format');
      // Nothing is silently dropped: an unknown file's lines are all counted as rejected, with its first lines cited.
      await store.run(`UPDATE sources SET parsed_lines = 0, rejected_lines = ${scan.lines} WHERE source_id = ${sourceId}`);
      for (const [i, l] of scan.sample.slice(0, 5).entries()) {
        // control bytes (NUL above all) never go into SQL text: they are made visible first
        await store.run(`INSERT INTO rejects VALUES (${sourceId}, ${i + 1}, 'unknown format', reject_raw(${lit(l.slice(0, 2048).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\uFFFD'))}))`);
      }
    } else if (STRUCTURED_KINDS.has(det.kind)) {
      const counted = await ingestStructured(store, { sourceId, path: file.path, det, scan, fingerprinter, snapshotTime: opts.snapshotTime, tz: opts.tz });
      notes.push(...(counted.notes ?? []));
      const acc = await account(store, sourceId, scan, opts.tz, counted);
      if (acc.rejected > 0) status = 'partial';
    } else {
      // DuckDB's reader stops on invalid UTF-8 and NUL, and counts a CR as a line break: such files are read through
      // a sanitised copy whose line numbers match the original. UTF-8 validity is left to DuckDB (validating in
      // JavaScript would cost a second pass over every byte): its error sends the file down the same path.
      const viaCopy = async (): Promise<void> => {
        const copy = await sanitizedCopy(file.path, scan.gzip, join(workDir, `src-${sourceId}.txt`), scan.decompressedBytes);
        if (copy.replaced) notes.push(`${copy.replaced} invalid byte sequence(s) or NUL bytes replaced by U+FFFD before parsing`);
        await loadRawLines(store, copy.path, { ...scan, gzip: false, longestLine: copy.longestLine });
      };
      if (scan.hasNul || scan.hasCR || scan.hasBom || scan.gzipError) await viaCopy();
      else {
        try {
          await loadRawLines(store, file.path, scan);
        } catch (err) {
          if (!/unicode|utf-?8|encoding/i.test((err as Error).message)) throw err;
          await viaCopy();
        }
      }
      // line_no = rowid - rowbase: rows of a fresh table are numbered contiguously in file order (insertion order kept)
      // rowbase is a BIGINT beyond 2^53: kept as text. The scripts may drop raw_lines once read, so count it now.
      const loaded = (await store.one<{ b: string; n: string }>(`SELECT (coalesce(min(rowid), 0) - 1)::VARCHAR AS b, count(*) AS n FROM raw_lines`))!;
      const named = await runLineFormat(store, det, nginxFormats, { source_id: sourceId, container: sqlContainer(file.path), tz: lit(opts.tz), rowbase: loaded.b });
      if (named.format !== det.format || named.kind !== det.kind) await store.run(`UPDATE sources SET kind = ${lit(named.kind)}, format = ${lit(named.format)} WHERE source_id = ${sourceId}`);
      await store.run('DROP TABLE IF EXISTS raw_lines');
      const acc = await account(store, sourceId, scan, opts.tz, undefined, { lines: Number(loaded.n), blank: scan.blankLines });
      if (acc.lost !== 0) {
        notes.push(`DuckDB read ${scan.lines - acc.lost} lines where the file has ${scan.lines}`);
        status = 'partial';
      }
      if (acc.rejected > 0) status = 'partial';
    }
    await store.run(`UPDATE sources SET status = ${lit(status)}, note = ${notes.length ? lit(notes.join('; ')) : 'NULL'} WHERE source_id = ${sourceId}`);
    progress(`${file.path}: done`, scan.lines);
  } catch (err) {
    await store.discardIncomplete([sourceId]);
    const reason = `parse failed: ${(err as Error).message.split('\n')[0]}`;
    result.problems.push({ path: file.path, reason });
    await recordProblem(store, file.path, reason);
    return undefined;
  }
  return summaryOf(store, sourceId);
}
