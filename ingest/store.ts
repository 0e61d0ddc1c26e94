// Opens the case database and applies the schema. One DuckDB file per case.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { statements } from '../lib/sql.js';

export type Row = Record<string, unknown>;

export class Store {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string, opts: { tempDir?: string; memoryLimit?: string } = {}): Promise<Store> {
    const isMemory = path === ':memory:';
    if (!isMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    let instance: DuckDBInstance;
    try {
      // Offline tool: never try to download an extension.
      instance = await DuckDBInstance.create(path, {
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
      });
    } catch (err) {
      const msg = (err as Error).message;
      if (/lock/i.test(msg)) {
        throw new Error(`the case database ${path} is in use by another clawtrail (or DuckDB) process: ${msg.split('\n')[0]}`);
      }
      throw new Error(`cannot open the case database ${path}: ${msg.split('\n')[0]}`);
    }
    const conn = await instance.connect();
    const store = new Store(path, instance, conn);
    await store.run(`SET TimeZone='UTC'`);
    await store.run(`SET memory_limit='${opts.memoryLimit ?? '2GB'}'`);
    if (opts.tempDir) await store.run(`SET temp_directory='${opts.tempDir.replace(/'/g, "''")}'`);
    for (const stmt of statements(readFileSync(fromRoot('ingest', 'schema.sql'), 'utf8'))) await store.run(stmt);
    return store;
  }

  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  /** Rows as plain JSON-safe values (BIGINT → string, times → text); cast in SQL when numbers are needed. */
  async all<T = Row>(sql: string): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as unknown as T[];
  }

  async one<T = Row>(sql: string): Promise<T | undefined> {
    return (await this.all<T>(sql))[0];
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
