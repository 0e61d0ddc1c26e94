// Runs a line format's DuckDB scripts over raw_lines (or the format's own reader's raw_records). An envelope fills
// `payloads`; its payloads are then detected per container (a compose log mixes containers; a proxy's container log may
// mix its access and error lines) and each group goes to its payload format — the gateway's console when no proxy
// format claims them. Whatever temporary tables and views the scripts left are dropped at the end.
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../lib/paths.js';
import { fill, lit, statements } from '../../lib/sql.js';
import type { Store } from '../../case/store.js';
import { detectEnv, detectPayloads, type Detection } from '../detect.js';
import type { LineFormat, ParseContext, Step } from './format.js';
import type { CompiledFormat } from './nginx-access/log-format.js';
import { lineFormat } from './registry.js';

export interface Placeholders { source_id: number; container: string; tz: string; rowbase: string }

/** Drops every temporary table and view of the connection but those kept: what one source's scripts made is never
 *  seen by the next. */
async function dropTemporaries(store: Store, keep: string[] = []): Promise<void> {
  const left = await store.all<{ k: string; n: string }>(`SELECT 'VIEW' AS k, view_name AS n FROM duckdb_views() WHERE temporary AND NOT internal
    UNION ALL SELECT 'TABLE', table_name FROM duckdb_tables() WHERE temporary ORDER BY k DESC`);
  for (const o of left.filter((x) => !keep.includes(x.n))) await store.run(`DROP ${o.k} IF EXISTS "${o.n}"`);
}

/** For the one payload group of an envelope: once its format has its own copy of the rows, the envelope's records (and
 *  whatever else the scripts made before) are dropped; the tables named are kept. */
const releaseRecords = (keep: string[]): Step => async (store) => {
  await dropTemporaries(store, keep);
  return '';
};

/** A payload format and the rows of `payloads` it reads (a SQL condition). */
interface PayloadGroup { format: LineFormat; nginx?: CompiledFormat; where: string }

const rootSql = (file: string): string => readFileSync(fromRoot('ingest', 'formats', file), 'utf8');
const PER_CONTAINER_SAMPLE = 256;

async function runSteps(store: Store, steps: Step[], values: Record<string, string | number>): Promise<void> {
  for (const step of steps) {
    const script = typeof step === 'string' ? step : await step(store, (sql) => fill(sql, values));
    for (const stmt of statements(fill(script, values))) await store.run(stmt);
  }
}

/** The payload groups of an envelope's payloads: per container, the formats its lines are in. */
async function payloadGroups(store: Store, det: Detection, nginxFormats: CompiledFormat[]): Promise<PayloadGroup[]> {
  const gateway = lineFormat('gateway-console')!;
  if (det.payload) {
    const [name, variant] = det.payload.split(':');
    const nginx = name === 'nginx-access' ? nginxFormats.find((f) => f.name === variant) ?? nginxFormats[0] : undefined;
    return [{ format: lineFormat(name)!, nginx, where: 'true' }];
  }
  const env = detectEnv(nginxFormats);
  const containers = await store.all<{ c: string | null }>(`SELECT DISTINCT container AS c FROM payloads ORDER BY c NULLS FIRST`);
  const groups: PayloadGroup[] = [];
  for (const { c } of containers) {
    const inContainer = c === null ? 'container IS NULL' : `container = ${lit(c)}`;
    const lines = (await store.all<{ p: string }>(`SELECT payload AS p FROM payloads WHERE ${inContainer} AND payload IS NOT NULL LIMIT ${PER_CONTAINER_SAMPLE}`)).map((r) => r.p);
    const picks = detectPayloads(lines, env).filter((p) => p.format.name !== 'gateway-console');
    const [main, ...others] = picks;
    // a proxy's own format wins when it claims at least half of the container's lines; otherwise the gateway's
    if (!main || main.hits < Math.ceil(lines.filter((l) => l.trim()).length / 2)) {
      groups.push({ format: gateway, where: inContainer });
      continue;
    }
    // the other formats found in the same container take the lines their own shape claims (nginx's error lines beside
    // its access lines in one `docker logs`)
    const apart = others.filter((o) => o.format.lineClaim).map((o) => ({ ...o, claim: `regexp_matches(payload, ${lit(o.format.lineClaim!)})` }));
    for (const o of apart) groups.push({ format: o.format, nginx: o.nginx, where: `${inContainer} AND ${o.claim}` });
    groups.push({ format: main.format, nginx: main.nginx, where: [inContainer, ...apart.map((o) => `NOT ${o.claim}`)].join(' AND ') });
  }
  // one format for every line: read the table itself (no filter)
  const names = new Set(groups.map((g) => `${g.format.name}:${g.nginx?.name ?? ''}`));
  return names.size === 1 ? [{ ...groups[0], where: 'true' }] : groups;
}

const payloadName = (g: PayloadGroup): string => (g.nginx ? `nginx-access:${g.nginx.name}` : g.format.name);

/**
 * Parses raw_lines with a line format. Returns the source's kind and format name once its payloads are known (an
 * envelope carrying a proxy's lines is named `envelope+payload`).
 */
export async function runLineFormat(store: Store, det: Detection, nginxFormats: CompiledFormat[], values: Placeholders, read = false): Promise<{ kind: string; format: string }> {
  try {
    return await parseWith(store, det, nginxFormats, values, { nginx: det.nginx, read });
  } finally {
    await dropTemporaries(store);
  }
}

async function parseWith(store: Store, det: Detection, nginxFormats: CompiledFormat[], values: Placeholders, ctx: ParseContext): Promise<{ kind: string; format: string }> {
  const f = det.line!;
  if (f.role === 'file') {
    await runSteps(store, f.scripts(ctx), { ...values });
    return det;
  }
  if (f.role === 'payload') {
    await runSteps(store, [rootSql('bare.sql'), ...f.scripts(ctx)], { ...values, payloads: 'payloads' });
    return det;
  }
  await runSteps(store, [rootSql('payloads.sql'), ...f.scripts(ctx)], { ...values });
  const groups = await payloadGroups(store, det, nginxFormats);
  for (const g of groups) {
    const only = groups.length === 1;
    await runSteps(store, g.format.scripts({ nginx: g.nginx, release: only ? releaseRecords : undefined }),
      { ...values, payloads: only ? 'payloads' : `(SELECT * FROM payloads WHERE ${g.where})` });
  }
  const proxies = [...new Set(groups.filter((g) => g.format.name !== 'gateway-console').map(payloadName))].sort();
  if (proxies.length === 0) return det;
  const kind = groups.some((g) => g.format.name === 'gateway-console') ? 'gateway-log' : groups.find((g) => g.format.name !== 'gateway-console')!.format.kind;
  return { kind, format: `${f.name}+${proxies.join('+')}` };
}

