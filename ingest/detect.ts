// Format detection from a file's first lines (content, not name), with the formats of ingest/formats/: a line format
// (an envelope, a program's payload or a file-only format) wins when it claims at least half of the first lines;
// whole documents (configs) are recognised first, by content and conventional names. What an envelope carries is
// detected once it is unwrapped, per container (detectPayload).
import { basename } from 'node:path';
import type { CompiledFormat } from './formats/nginx-access/log-format.js';
import { jsonObject, type Kind, type LineFormat } from './formats/format.js';
import { DOCUMENT_FORMATS, LINE_FORMATS, lineFormat } from './formats/registry.js';

export type { Kind } from './formats/format.js';

export interface Detection {
  kind: Kind;
  format: string;              // sources.format as first detected (an envelope's payloads are added at ingest)
  line?: LineFormat;           // a line format: the envelope, the bare payload or the file format
  payload?: string;            // an envelope's payload forced with --format ENVELOPE+PAYLOAD
  nginx?: CompiledFormat;
  why?: string;
}

/** The nginx log_formats known to the case, compiled once for detection. */
export interface DetectEnv { nginx: CompiledFormat[]; nginxRe: RegExp[] }
export const detectEnv = (nginx: CompiledFormat[]): DetectEnv => ({ nginx, nginxRe: nginx.map((f) => new RegExp(f.regex)) });

/** The formats that claim one line, after each has yielded to the more specific ones that claim it too. */
export function claimsOf(line: string, env: DetectEnv, formats: LineFormat[] = LINE_FORMATS): string[] {
  const json = jsonObject(line);
  const raw = formats.filter((f) => (f.name === 'nginx-access' ? env.nginxRe.some((re) => re.test(line)) : f.claims(line, json)));
  return raw.filter((f) => !(f.yieldsTo ?? []).some((n) => raw.some((o) => o.name === n))).map((f) => f.name);
}

/** The nginx log_format that matches most of the lines (ties: the one with more fields, then the bundle's own). */
function bestNginx(lines: string[], env: DetectEnv): CompiledFormat | undefined {
  let best: { i: number; hits: number } | undefined;
  env.nginx.forEach((f, i) => {
    const hits = lines.filter((l) => env.nginxRe[i].test(l)).length;
    if (hits > 0 && (!best || hits > best.hits || (hits === best.hits && f.vars.length > env.nginx[best.i].vars.length))) best = { i, hits };
  });
  return best ? env.nginx[best.i] : undefined;
}

/** Hits per format over some lines, most first (ties: registry order). */
function tally(lines: string[], env: DetectEnv, formats: LineFormat[]): { format: LineFormat; hits: number }[] {
  const hits = new Map<string, number>();
  for (const l of lines) for (const n of claimsOf(l, env, formats)) hits.set(n, (hits.get(n) ?? 0) + 1);
  return formats.filter((f) => hits.has(f.name)).map((f) => ({ format: f, hits: hits.get(f.name)! })).sort((a, b) => b.hits - a.hits);
}

export interface PayloadPick { format: LineFormat; nginx?: CompiledFormat; hits: number }

/** The payload formats found in an envelope's payloads (one container's), most lines first; [] when none claims any. */
export function detectPayloads(lines: string[], env: DetectEnv): PayloadPick[] {
  const body = lines.filter((l) => l.trim() !== '');
  return tally(body, env, LINE_FORMATS.filter((f) => f.role === 'payload'))
    .map((t) => ({ ...t, nginx: t.format.name === 'nginx-access' ? bestNginx(body, env) : undefined }));
}

function detectDocument(name: string, sample: string[]): Detection | undefined {
  const text = sample.join('\n');
  const d = DOCUMENT_FORMATS.find((f) => f.claims(name.toLowerCase(), text, text.trimStart(), sample[0] ?? ''));
  return d && { kind: d.kind, format: d.name };
}

const lineDetection = (f: LineFormat, nginx?: CompiledFormat): Detection => {
  // a bare gateway console file is read as `docker logs` output without prefix or stamp (its envelope does nothing)
  if (f.name === 'gateway-console') return { kind: 'gateway-log', format: 'docker-logs', line: lineFormat('docker-logs') };
  return { kind: f.kind, format: nginx ? `nginx-access:${nginx.name}` : f.name, line: f, nginx };
};

/** A --format value names a known format (an nginx log_format name is checked once the configs are read). */
export function checkForcedFormat(forced: string): void {
  const [outer, inner] = forced.split('+');
  const [name] = outer.split(':');
  const f = lineFormat(name);
  if (f) {
    if (inner && f.role !== 'envelope') throw new Error(`--format ${forced}: ${name} is not an envelope (envelopes: ${LINE_FORMATS.filter((x) => x.role === 'envelope').map((x) => x.name).join(', ')})`);
    if (inner && lineFormat(inner.split(':')[0])?.role !== 'payload') throw new Error(`--format ${forced}: ${inner} is not a payload format`);
    return;
  }
  if (!DOCUMENT_FORMATS.some((x) => x.name === forced)) {
    throw new Error(`unknown --format ${forced} (known: ${[...LINE_FORMATS.map((x) => x.name), ...DOCUMENT_FORMATS.map((x) => x.name)].join(', ')}; ENVELOPE+PAYLOAD for a payload inside an envelope)`);
  }
}

function forcedDetection(forced: string, sample: string[], env: DetectEnv): Detection {
  checkForcedFormat(forced);
  const [outer, inner] = forced.split('+');
  const [name, variant] = outer.split(':');
  const f = lineFormat(name);
  if (name === 'nginx-access') {
    const nginx = variant ? env.nginx.find((x) => x.name === variant) : bestNginx(sample.filter((l) => l.trim()), env);
    if (!nginx) throw new Error(`--format ${forced}: no such nginx log_format (known: ${env.nginx.map((x) => x.name).join(', ')})`);
    return lineDetection(f!, nginx);
  }
  if (f) return { ...lineDetection(f), payload: inner };
  const d = DOCUMENT_FORMATS.find((x) => x.name === forced)!;
  return { kind: d.kind, format: d.name };
}

export function detect(path: string, sample: string[], nginxFormats: CompiledFormat[], forced?: string): Detection {
  const env = detectEnv(nginxFormats);
  if (forced) return forcedDetection(forced, sample, env);
  const name = basename(path);
  if (/^# v[23] git bundle/.test(sample[0] ?? '')) return { kind: 'git-bundle', format: 'git-bundle' };
  const doc = detectDocument(name, sample);
  if (doc) return doc;
  const lines = sample.map((l) => l.replace(/^\uFEFF/, '')).filter((l) => l.trim() !== '').slice(0, 32);
  if (lines.length === 0) return { kind: 'unknown', format: 'empty', why: 'no content' };
  const [best] = tally(lines, env, LINE_FORMATS);
  if (best && best.hits >= Math.ceil(lines.length / 2)) return lineDetection(best.format, best.format.name === 'nginx-access' ? bestNginx(lines, env) : undefined);
  return { kind: 'unknown', format: 'unknown', why: `no known format matches its first ${lines.length} lines` };
}
