// The case database: one DuckDB file per case. Opening it applies the contract — the tables (schema.sql), the
// generated redact() macro (redact.sql, from secret-rules.ts) and the derived views and macros (views.sql) — and
// refreshDerived() refills the derived tables (derived.sql) after the evidence changed.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { statements } from '../lib/sql.js';
import { REDACT_HINT } from './secret-rules.js';

export type Row = Record<string, unknown>;

let duckdb: typeof import('@duckdb/node-api') | undefined;
/** DuckDB's API, loaded when a database is first opened (commands that open none, --help, never load it) and through
 *  require: an ESM import of this CommonJS package has Node scan its ~120 files for their exports first (~90 ms). */
export const duckdbApi = (): typeof import('@duckdb/node-api') => (duckdb ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api'));

/** CLAWTRAIL_PROFILE=1 prints every statement's wall time and the process's CPU time during it (every thread: DuckDB's
 *  and Node's) on stderr, after the time since the process started (for the benchmark and EXPLAIN work). */
const PROFILE = process.env.CLAWTRAIL_PROFILE === '1';
const PROFILE_CHARS = Number(process.env.CLAWTRAIL_PROFILE_CHARS ?? 140);   // how much of each statement it prints
const profile = (t0: number, cpu0: NodeJS.CpuUsage, sql: string): void => {
  const cpu = process.cpuUsage(cpu0);
  process.stderr.write(`[sql ${(performance.now() - t0).toFixed(0)} ms cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms @${(t0 / 1000).toFixed(2)}s] ${sql.replace(/\s+/g, ' ').slice(0, PROFILE_CHARS)}\n`);
};

export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly readOnly = false,
    private readonly ownsInstance = true,
  ) {}

  /** Another connection to the same case (its own temporary tables and transactions), for work done at the same time
   *  as this connection's; close() closes only that connection. */
  async connect(): Promise<Store> {
    const other = new Store(this.path, this.instance, await this.instance.connect(), this.readOnly, false);
    await other.session();
    return other;
  }

  /** A connection's own settings: instants in UTC; the running statement's progress kept (never printed), for the
   *  progress line. */
  private async session(): Promise<void> {
    await this.run(`SET TimeZone='UTC'`);
    await this.run('SET enable_progress_bar = true');
    await this.run('SET enable_progress_bar_print = false');
  }

  /** How far the statement running on this connection is (0–1), when DuckDB can tell. */
  progress(): number | undefined {
    const p = this.conn.progress.percentage;
    return p >= 0 ? Math.min(p, 100) / 100 : undefined;
  }

  /** Opens a case database that must already exist (sql, query, report, export). `readOnly` opens it in DuckDB's
   *  read-only mode: nothing can change it (the schema, views and macros are already in the file). */
  static async openExisting(path: string, opts: { readOnly?: boolean } = {}): Promise<Store> {
    if (path !== ':memory:' && !existsSync(path)) throw new Error(`no case database at ${path} (create one with: clawtrail ingest <paths...> --db ${path})`);
    return Store.open(path, opts);
  }

  static async open(path: string, opts: { tempDir?: string; memoryLimit?: string; readOnly?: boolean } = {}): Promise<Store> {
    const isMemory = path === ':memory:';
    const readOnly = !!opts.readOnly && !isMemory;
    if (!isMemory && !readOnly) mkdirSync(dirname(resolve(path)), { recursive: true });
    let instance: DuckDBInstance;
    try {
      // Offline tool: never try to download an extension.
      instance = await duckdbApi().DuckDBInstance.create(path, {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        ...(readOnly ? { access_mode: 'READ_ONLY' } : {}),
      });
    } catch (err) {
      const msg = (err as Error).message;
      if (/lock/i.test(msg)) {
        throw new Error(`the case database ${path} is in use by another clawtrail (or DuckDB) process: ${msg.split('\n')[0]}`);
      }
      throw new Error(`cannot open the case database ${path}: ${msg.split('\n')[0]}`);
    }
    const conn = await instance.connect();
    const store = new Store(path, instance, conn, readOnly);
    await store.session();
    // Bounded memory whatever the input: DuckDB spills to its temp directory beyond this.
    await store.run(`SET memory_limit='${opts.memoryLimit ?? process.env.CLAWTRAIL_MEMORY_LIMIT ?? '512MB'}'`);
    const spill = opts.tempDir ?? (isMemory ? undefined : `${resolve(path)}.tmp`);
    if (spill) await store.run(`SET temp_directory='${spill.replace(/'/g, "''")}'`);
    if (readOnly) return store;
    // the contract in one transaction and one call (a commit and a round trip per statement cost three times more)
    const contract = ['schema.sql', 'redact.sql', 'views.sql'].flatMap((file) => statements(readFileSync(fromRoot('case', file), 'utf8')));
    try {
      await store.run(`BEGIN TRANSACTION;\n${contract.join(';\n')};\nCOMMIT`);
    } catch (err) {
      await store.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    await store.discardIncomplete();
    return store;
  }

  /** Tables whose rows belong to one source (source_id). */
  static readonly SOURCE_TABLES = ['rejects', 'gateway_events', 'proxy_requests', 'proxy_errors', 'config_audit', 'containers', 'container_mounts',
    'container_env', 'docker_events', 'config_values', 'commits', 'commit_map', 'commit_files', 'devices'];

  /** Columns that hold evidence text (close reasons, user agents, origins, meta, exec commands) which the format
   *  parsers store as they read it: redact() runs over them once per source (Store.redactSource). Columns the parsers
   *  redact themselves (message, path, request, argv, raw, a proxy's referer and user agent) are not scanned twice; a
   *  parser that adds a free-text column either redacts it or lists it here. */
  static readonly FREE_TEXT: Record<string, string[]> = {
    gateway_events: ['close_reason', 'user_agent', 'origin', 'meta'],
    docker_events: ['action_detail'],
  };

  /** redact() over every free-text column of one source's rows; only rows the cheap test flags are rewritten, and only
   *  in the tables that hold rows of the source. */
  async redactSource(sourceId: number): Promise<void> {
    const hint = `'(?i)${REDACT_HINT.replace(/'/g, "''")}'`;
    const tables = Object.entries(Store.FREE_TEXT);
    const held = (await this.one<Record<string, boolean>>(`SELECT ${tables.map(([t]) => `EXISTS (SELECT 1 FROM ${t} WHERE source_id = ${sourceId}) AS "${t}"`).join(', ')}`))!;
    for (const [table, cols] of tables.filter(([t]) => held[t])) {
      await this.run(`UPDATE ${table} SET ${cols.map((c) => `${c} = redact(${c})`).join(', ')}
        WHERE source_id = ${sourceId} AND regexp_matches(concat_ws(' ', ${cols.join(', ')}), ${hint})`);
    }
  }

  /**
   * A source is written statement by statement (large transactions make DuckDB's bulk inserts several times slower)
   * and marked 'ingesting' until its accounting is done. Whatever an interrupted run (kill -9, a crash) left is
   * removed here, so the next run ingests that file again from scratch.
   */
  async discardIncomplete(ids?: number[]): Promise<void> {
    const where = ids ? `source_id IN (${ids.join(',') || 'NULL'})` : `source_id IN (SELECT source_id FROM sources WHERE status = 'ingesting')`;
    if (!ids && !(await this.one(`SELECT 1 FROM sources WHERE status = 'ingesting'`))) return;
    for (const t of Store.SOURCE_TABLES) await this.run(`DELETE FROM ${t} WHERE ${where}`);
    await this.run(`DELETE FROM sources WHERE ${where}`);
  }

  /** The evidence state the derived tables were last filled from: the sources' count and highest id. */
  private async evidenceState(): Promise<string> {
    return (await this.one<{ s: string }>(`SELECT (SELECT count(*) FROM sources) || ':' || (SELECT coalesce(max(source_id), 0) FROM sources) AS s`))!.s;
  }

  /** Refills the derived tables (derived.sql) when the evidence changed since they were last filled. */
  async refreshDerived(): Promise<void> {
    const state = await this.evidenceState();
    const done = await this.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'derived_state'`);
    if (done?.value === state) return;
    for (const stmt of statements(readFileSync(fromRoot('case', 'derived.sql'), 'utf8'))) await this.run(stmt);
    await this.run(`INSERT OR REPLACE INTO case_meta VALUES ('derived_state', '${state}')`);
  }

  async run(sql: string): Promise<void> {
    const t0 = PROFILE ? performance.now() : 0;
    const cpu0 = PROFILE ? process.cpuUsage() : undefined;
    await this.conn.run(sql);
    if (cpu0) profile(t0, cpu0, sql);
  }

  /** Rows as plain JSON-safe values (BIGINT → string, times → text); cast in SQL when numbers are needed. */
  async all<T = Row>(sql: string): Promise<T[]> {
    const t0 = PROFILE ? performance.now() : 0;
    const cpu0 = PROFILE ? process.cpuUsage() : undefined;
    const reader = await this.conn.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson() as unknown as T[];
    if (cpu0) profile(t0, cpu0, sql);
    return rows;
  }

  async one<T = Row>(sql: string): Promise<T | undefined> {
    return (await this.all<T>(sql))[0];
  }

  close(): void {
    this.conn.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}
