// A log format as data, lnav's way: one folder under ingest/formats/ per format holds its detection and field mapping
// (format.ts), its parse (DuckDB SQL beside it) and its samples (samples.jsonl, and samples.real.jsonl written by
// `npm run gen:format-samples` from the real programs): lines and the fields each must yield. The registry finds the
// folders; adding a format is adding a folder.
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../lib/paths.js';
import type { Store } from '../../case/store.js';
import type { CompiledFormat } from './nginx-access/log-format.js';

export type Kind =
  | 'gateway-log' | 'proxy-access' | 'proxy-error' | 'docker-inspect' | 'docker-events' | 'compose' | 'dotenv'
  | 'openclaw-config' | 'config-audit' | 'devices' | 'proxy-config' | 'state-db' | 'git-bundle' | 'bundle-meta' | 'unknown';

export type Json = Record<string, unknown>;

/**
 * - `envelope`: the wrapper a program's lines come in (docker json-file, `docker logs -t`, compose prefix, syslog). Its
 *   SQL reads raw_lines (or its own reader's raw_records) and fills the `payloads` table — or replaces it with a view
 *   over its records —: (line_no, line_count, daemon_ts_text, container, stream, payload).
 * - `payload`: a program's own line (the gateway's console, nginx, Caddy, Traefik, HAProxy, Envoy). Its SQL reads
 *   `{{payloads}}`: a bare file's lines, or what an envelope unwrapped for one container.
 * - `file`: a line format that is never wrapped (the gateway's JSON file log, docker events…): its SQL reads raw_lines.
 */
export type Role = 'envelope' | 'payload' | 'file';

export interface ParseContext {
  nginx?: CompiledFormat;       // nginx-access: the log_format the lines were written with
  read?: boolean;               // the format's own reader read the file (raw_records), not raw_lines
  release?: (keep: string[]) => Step;   // a payload format that copies its rows lets the envelope's records go (memory)
}

/** A format's own reader of a whole file (DuckDB's JSON reader with its columns named, say): a script that fills
 *  `raw_records` from {{path}} ({{compression}}, {{max_line}}), one row per line in file order, and what its rows must
 *  satisfy (a SQL condition over raw_records, aggregated). Ingest uses it when it succeeds, yields one row per line of
 *  the file and satisfies `ok`; otherwise the file is read into raw_lines as every other one. */
export interface Reader { sql: string; ok: string }

export interface LineFormat {
  name: string;                 // --format value and sources.format
  kind: Kind;
  role: Role;
  reads: string;                // what it reads, one line (ingest --help, README)
  /** Whether one line (an envelope's payload, for a payload format) is of this format; json is the line parsed when it is a JSON object. */
  claims(line: string, json: Json | undefined): boolean;
  /** Formats whose claim on a line wins over this one's (a broader shape that a more specific one also matches). */
  yieldsTo?: string[];
  /** An RE2 pattern that picks this format's lines out of a container log that mixes it with another format's. */
  lineClaim?: string;
  reader?: Reader;
  /** The DuckDB scripts that parse it, in order (placeholders: {{source_id}}, {{rowbase}}, {{container}}, {{tz}},
   *  {{payloads}}); a step may be chosen from what the earlier ones found. */
  scripts(ctx: ParseContext): Step[];
}

/** A script, or a function that picks one from what the earlier steps found (fill: the placeholders filled in). */
export type Step = string | ((store: Store, fill: (sql: string) => string) => Promise<string>);

/** A SQL file of a format's folder. */
export const formatSql = (folder: string, file: string): string => readFileSync(fromRoot('ingest', 'formats', folder, file), 'utf8');

/** The line parsed as a JSON object, if it is one. */
export function jsonObject(line: string): Json | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}
