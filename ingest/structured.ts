// Whole-document evidence (inspect dumps, config files, pairing state): small files parsed in JavaScript with
// `yaml` / JSON, written as rows. Line accounting: a document that parses counts all its lines as parsed; one that
// does not is rejected whole, with the error's line cited.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { lit } from '../lib/sql.js';
import type { Fingerprinter } from '../case/secrets.js';
import { FingerprintKeyRefused } from '../case/secrets.js';
import type { Detection, Kind } from './detect.js';
import type { ScanResult } from './scan.js';
import type { Store } from '../case/store.js';
import { composeValues } from './config/compose.js';
import { dotenvValues } from './config/dotenv.js';
import { openclawValues } from './config/openclaw-json.js';
import { nginxValues } from './config/nginx-conf.js';
import { caddyValues } from './config/caddyfile.js';
import { caddyJsonValues } from './config/caddy-json.js';
import { haproxyValues } from './config/haproxy-cfg.js';
import { traefikValues } from './config/traefik.js';
import { insertConfigValues, type ConfigValue } from './config/values.js';
import { ingestDevices } from './config/devices.js';
import { ingestInspect, snapshotFromContent } from './docker/inspect.js';

export const STRUCTURED_KINDS = new Set<Kind>(['docker-inspect', 'compose', 'dotenv', 'openclaw-config', 'devices', 'proxy-config', 'state-db', 'bundle-meta']);
export interface StructuredCount { parsed: number; rejected: number; notes?: string[] }

const MAX_DOCUMENT = 64 * 1024 * 1024;

export interface StructuredInput {
  sourceId: number;
  path: string;
  det: Detection;
  scan: ScanResult;
  fingerprinter: Fingerprinter;
  snapshotTime?: string;
  tz: string;
}

async function reject(store: Store, sourceId: number, line: number, reason: string, raw: string): Promise<void> {
  await store.run(`INSERT INTO rejects VALUES (${sourceId}, ${line}, ${lit(reason)}, reject_raw(${lit(raw)}))`);
}

function errorLine(text: string, err: Error): number {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return 1;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/** Parses one config document into values; used for bundle files and for every git revision alike. */
export function configDocumentValues(format: string, text: string, fpr: Fingerprinter): { values: ConfigValue[]; bad: { line: number; reason: string }[] } {
  switch (format) {
    case 'compose': {
      const r = composeValues(text, fpr);
      return { values: r.values, bad: r.errors };
    }
    case 'dotenv':
      return dotenvValues(text, fpr);
    case 'openclaw-json':
      // collect's history rewrite (up to now) left its fingerprint markers unquoted in JSON (`"token": clawtrail-fp:…`):
      // read such a revision as the quoted marker it stands for rather than lose the whole file
      return { values: openclawValues(text.replace(/(:\s*)(clawtrail-fp:hmac:[0-9a-f]{24}:[\w-]+)(?=\s*[,}\n\r])/g, '$1"$2"'), fpr), bad: [] };
    case 'nginx-conf':
      return { values: nginxValues(text, fpr), bad: [] };
    case 'caddyfile':
      return { values: caddyValues(text, fpr), bad: [] };
    case 'caddy-config-json':
      return { values: caddyJsonValues(text, fpr), bad: [] };
    case 'haproxy-cfg':
      return { values: haproxyValues(text, fpr), bad: [] };
    case 'traefik-yaml':
      return traefikValues(text, 'yaml', fpr);
    case 'traefik-toml':
      return traefikValues(text, 'toml', fpr);
    default:
      return { values: [], bad: [] };
  }
}

export async function ingestStructured(store: Store, input: StructuredInput): Promise<StructuredCount> {
  const { sourceId, path, det, scan, fingerprinter: fpr } = input;
  const total = scan.lines;
  const mtime = statSync(path).mtime.toISOString();
  if (det.kind === 'state-db') {
    // 2026.9 keeps pairing in state/openclaw.sqlite; no SQLite reader installs offline on Node 20 without a native
    // build, so its presence, size and mtime are the evidence (see docs/schema.md).
    await store.run(`INSERT INTO devices VALUES (${sourceId}, 'state-db', NULL, NULL, NULL, NULL, NULL, TRY_CAST(${lit(mtime)} AS TIMESTAMPTZ), NULL, NULL,
      ${lit(`${basename(path)}: ${scan.bytes} bytes, mtime ${mtime}`)})`);
    return { parsed: total, rejected: 0 };
  }
  if (scan.bytes > MAX_DOCUMENT) {
    await reject(store, sourceId, 1, `document larger than ${MAX_DOCUMENT} bytes: not read`, '');
    return { parsed: 0, rejected: total };
  }
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  try {
    if (det.kind === 'docker-inspect') {
      const fromContent = snapshotFromContent(safeArray(text));
      const snapshot = fromContent ? { at: fromContent, assumed: false } : input.snapshotTime ? { at: input.snapshotTime, assumed: false } : { at: mtime, assumed: true };
      const r = await ingestInspect(store, sourceId, path, text, fpr, snapshot);
      return { parsed: total, rejected: 0, notes: r.notes };
    }
    if (det.kind === 'bundle-meta') {
      // the collector's manifest (checked by `clawtrail verify`) and the engine's version/info: the engine facts that
      // matter (version, logging driver and its options) become config values
      if (det.format === 'docker-info') {
        const info = JSON.parse(text) as Record<string, unknown>;
        const values = ['ServerVersion', 'LoggingDriver', 'OperatingSystem', 'Driver'].filter((k) => info[k] !== undefined)
          .map((k) => ({ surface: 'engine', key: k, value: String(info[k]), fp: null, shape: null, line: null }));
        await insertConfigValues(store, { validFrom: mtime, validFromAssumed: true, commitSha: null, path, sourceId }, values);
      } else if (det.format === 'docker-daemon-json') {
        // the engine's defaults for every container: logging driver and rotation, live-restore
        const cfg = JSON.parse(text) as Record<string, unknown>;
        const opts = (cfg['log-opts'] ?? {}) as Record<string, unknown>;
        const values = [['daemon.log-driver', cfg['log-driver']], ['daemon.log-opts.max-size', opts['max-size']], ['daemon.log-opts.max-file', opts['max-file']], ['daemon.live-restore', cfg['live-restore']]]
          .filter(([, v]) => v !== undefined).map(([k, v]) => ({ surface: 'engine', key: String(k), value: String(v), fp: null, shape: null, line: null }));
        await insertConfigValues(store, { validFrom: mtime, validFromAssumed: true, commitSha: null, path, sourceId }, values);
      } else if (det.format === 'compose-resolved') {
        const doc = parseDocument(text, { prettyErrors: false });
        if (doc.errors.length) throw new Error(`YAML: ${doc.errors[0].message.split('\n')[0]}`);
      } else if (det.format === 'git-commit-map') {
        // "original rewritten" per line (collect writes it beside the scrubbed history)
        const rows = text.split('\n').map((l, i) => ({ m: /^([0-9a-f]{40,64}) ([0-9a-f]{40,64})$/.exec(l.trim()), line: i + 1, raw: l })).filter((r) => r.raw.trim() !== '');
        const good = rows.filter((r) => r.m).map((r) => `(${lit(r.m![2])}, ${lit(r.m![1])}, ${sourceId}, ${r.line})`);
        for (let i = 0; i < good.length; i += 1000) await store.run(`INSERT INTO commit_map VALUES ${good.slice(i, i + 1000).join(', ')}`);
        for (const r of rows.filter((x) => !x.m)) await reject(store, sourceId, r.line, 'not "original-sha rewritten-sha"', r.raw);
        const bad = rows.filter((r) => !r.m).length;
        return { parsed: total - bad, rejected: bad };
      } else if (det.format !== 'compose-ps') JSON.parse(text);
      return { parsed: total, rejected: 0 };
    }
    if (det.kind === 'devices') {
      await ingestDevices(store, sourceId, path, text, fpr);
      return { parsed: total, rejected: 0 };
    }
    const { values, bad } = configDocumentValues(det.format, text, fpr);
    const lines = text.split('\n');
    for (const b of bad) await reject(store, sourceId, b.line, b.reason, lines[b.line - 1] ?? '');
    const lastTouched = values.find((v) => v.key === 'meta.lastTouchedAt')?.value;
    const validFrom = lastTouched && !Number.isNaN(Date.parse(lastTouched)) ? { at: new Date(lastTouched).toISOString(), assumed: false } : { at: mtime, assumed: true };
    await insertConfigValues(store, { validFrom: validFrom.at, validFromAssumed: validFrom.assumed, commitSha: null, path, sourceId }, values);
    // an unparseable YAML/TOML document is rejected whole
    if (['compose', 'traefik-yaml', 'traefik-toml'].includes(det.format) && bad.length && values.length === 0) return { parsed: 0, rejected: total };
    return { parsed: total - bad.length, rejected: bad.length };
  } catch (err) {
    if (err instanceof FingerprintKeyRefused) throw err;
    const e = err as Error;
    const line = errorLine(text, e);
    await reject(store, sourceId, line, `${det.format}: ${e.message.split('\n')[0]}`, text.split('\n')[line - 1] ?? '');
    return { parsed: 0, rejected: total };
  }
}

function safeArray(text: string): Record<string, unknown>[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : v && typeof v === 'object' ? [v] : [];
  } catch {
    return [];
  }
}
