// Takes a case to other tools. Parquet with DuckDB's own COPY; Arrow IPC files built with apache-arrow from a
// streamed result (DuckDB's arrow extension cannot be installed offline); Timesketch JSONL with DuckDB's JSON COPY.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DataType, RecordBatch } from 'apache-arrow';
import { lit } from '../lib/sql.js';
import type { Store } from '../case/store.js';

export const EXPORT_TABLES = ['sources', 'rejects', 'gateway_events', 'proxy_requests', 'proxy_errors', 'config_audit', 'containers', 'container_mounts',
  'container_env', 'docker_events', 'config_values', 'commits', 'commit_files', 'devices', 'findings'];

interface Col { name: string; type: string }

async function columns(store: Store, table: string): Promise<Col[]> {
  return store.all<Col>(`SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = ${lit(table)} ORDER BY ordinal_position`);
}

// apache-arrow (150 modules) is loaded when an Arrow file is written, not by every command that imports this file
type Arrow = typeof import('apache-arrow');

/** A projection whose values map onto a fixed Arrow type (so every batch of a file shares one schema). */
function arrowProjection({ Bool, Float64, Int32, TimestampMillisecond, Utf8 }: Arrow, cols: Col[]): { sql: string; types: DataType[] } {
  const sql: string[] = [];
  const types: DataType[] = [];
  for (const c of cols) {
    const q = `"${c.name}"`;
    if (c.type === 'BOOLEAN') { sql.push(q); types.push(new Bool()); }
    else if (c.type === 'INTEGER' || c.type === 'SMALLINT') { sql.push(`CAST(${q} AS INTEGER) AS ${q}`); types.push(new Int32()); }
    else if (c.type === 'BIGINT' || c.type === 'DOUBLE' || c.type.startsWith('DECIMAL')) { sql.push(`CAST(${q} AS DOUBLE) AS ${q}`); types.push(new Float64()); }
    else if (c.type.startsWith('TIMESTAMP')) { sql.push(`CAST(epoch_ms(${q}) AS DOUBLE) AS ${q}`); types.push(new TimestampMillisecond('UTC')); }
    else { sql.push(`CAST(${q} AS VARCHAR) AS ${q}`); types.push(new Utf8()); }
  }
  return { sql: sql.join(', '), types };
}

async function writeArrow(store: Store, table: string, path: string): Promise<number> {
  const arrow = await import('apache-arrow');
  const { RecordBatchFileWriter, Table, vectorFromArray } = arrow;
  const cols = await columns(store, table);
  const { sql, types } = arrowProjection(arrow, cols);
  const result = await store.conn.stream(`SELECT ${sql} FROM ${table}`);
  const writer = new RecordBatchFileWriter();
  const sink = createWriteStream(path);
  const done = new Promise<void>((res, rej) => { sink.on('finish', () => res()); sink.on('error', rej); });
  writer.toNodeStream().pipe(sink);
  let rows = 0;
  let buffer: unknown[][] = cols.map(() => []);
  const flush = (): void => {
    if (buffer[0].length === 0 && rows > 0) return;
    const vectors = Object.fromEntries(cols.map((c, i) => [c.name, vectorFromArray(buffer[i] as never[], types[i])]));
    const batch = new Table(vectors).batches[0] as RecordBatch | undefined;
    if (batch) writer.write(batch);
    buffer = cols.map(() => []);
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const data = chunk.getColumns();
    data.forEach((col, i) => { for (const v of col) (buffer[i] as unknown[]).push(v); });
    rows += chunk.rowCount;
    if (buffer[0].length >= 65536) flush();
  }
  flush();
  writer.finish();
  await done;
  return rows;
}

export async function exportCase(store: Store, o: { parquet?: string; arrow?: string; timesketch?: string }): Promise<{ path: string; rows: number }[]> {
  const out: { path: string; rows: number }[] = [];
  const count = async (t: string): Promise<number> => Number((await store.one<{ n: string }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  if (o.parquet) {
    mkdirSync(o.parquet, { recursive: true });
    for (const t of EXPORT_TABLES) {
      const p = resolve(join(o.parquet, `${t}.parquet`));
      await store.run(`COPY (SELECT * FROM ${t}) TO ${lit(p)} (FORMAT parquet, COMPRESSION zstd)`);
      out.push({ path: p, rows: await count(t) });
    }
  }
  if (o.arrow) {
    mkdirSync(o.arrow, { recursive: true });
    for (const t of EXPORT_TABLES) {
      const p = resolve(join(o.arrow, `${t}.arrow`));
      out.push({ path: p, rows: await writeArrow(store, t, p) });
    }
  }
  if (o.timesketch) {
    mkdirSync(dirname(resolve(o.timesketch)), { recursive: true });
    const p = resolve(o.timesketch);
    const src = `(SELECT s.path FROM sources s WHERE s.source_id = x.source_id)`;
    await store.run(`COPY (
      SELECT message, strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS datetime, epoch_us(ts) AS timestamp, timestamp_desc, data_type, source_file, line FROM (
        SELECT ts, '[' || event || '] ' || coalesce(message, '') AS message, 'Gateway log' AS timestamp_desc, 'clawtrail:gateway' AS data_type, ${src} AS source_file, line_no AS line FROM gateway_events x WHERE ts IS NOT NULL
        UNION ALL SELECT ts, proxy || ' ' || coalesce(method, '') || ' ' || coalesce(path, '') || ' ' || coalesce(status::VARCHAR, '') || ' rt=' || coalesce(request_time::VARCHAR, '-'), 'Request end', 'clawtrail:proxy', ${src}, line_no FROM proxy_requests x WHERE ts IS NOT NULL
        UNION ALL SELECT ts, proxy || ' [' || coalesce(level, '') || '] ' || kind || ': ' || coalesce(message, ''), 'Proxy error log', 'clawtrail:proxy-error', ${src}, line_no FROM proxy_errors x WHERE ts IS NOT NULL
        UNION ALL SELECT ts, 'docker ' || coalesce(type, '') || ' ' || action || coalesce(': ' || action_detail, '') || ' ' || coalesce(name, actor_id), 'Docker event', 'clawtrail:docker', ${src}, line_no FROM docker_events x
        UNION ALL SELECT committer_time, 'commit ' || sha[1:12] || ' ' || author || ': ' || subject, 'Commit time', 'clawtrail:git', ${src}, NULL FROM commits x
        UNION ALL SELECT start_ts, '[' || severity || '] ' || statement, 'Finding start', 'clawtrail:finding', NULL, NULL FROM findings WHERE start_ts IS NOT NULL
      ) ORDER BY ts) TO ${lit(p)} (FORMAT json)`);
    const n = (await store.one<{ n: string }>(`SELECT count(*) AS n FROM read_json(${lit(p)}, format='newline_delimited', columns={'message': 'VARCHAR'})`))!.n;
    out.push({ path: p, rows: Number(n) });
  }
  return out;
}
