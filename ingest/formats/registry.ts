// Every format clawtrail reads, in one place: the line formats are the folders beside this file (each exports
// `format` from its format.ts), the whole-document formats (configs, inspect dumps, bundle files) the table in
// documents.ts. `ingest --help`, `--format` and the README's list come from here.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LineFormat } from './format.js';
import { DOCUMENT_FORMATS, type DocumentFormat } from './documents.js';

const here = dirname(fileURLToPath(import.meta.url));
// compiled (dist/…/format.js) or run from source by the tests (format.ts)
const moduleOf = (folder: string): string | undefined => ['format.js', 'format.ts'].map((f) => join(here, folder, f)).find((p) => existsSync(p));

/** The format folders, by name. */
export const FORMAT_FOLDERS: string[] = readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory() && moduleOf(d.name)).map((d) => d.name).sort();

export const LINE_FORMATS: LineFormat[] = await Promise.all(FORMAT_FOLDERS.map(async (folder) => {
  const mod = (await import(pathToFileURL(moduleOf(folder)!).href)) as { format?: LineFormat };
  if (!mod.format || mod.format.name !== folder) throw new Error(`ingest/formats/${folder}/format: must export \`format\` named ${folder}`);
  return mod.format;
}));

export const lineFormat = (name: string): LineFormat | undefined => LINE_FORMATS.find((f) => f.name === name);

export { DOCUMENT_FORMATS, type DocumentFormat };

export interface ListedFormat { name: string; kind: string; role: LineFormat['role'] | 'document'; reads: string }

/** Every name --format accepts, with what it reads: envelopes, then the logs (payloads and file formats), then documents. */
export function formatList(): ListedFormat[] {
  const rank = { envelope: 0, payload: 1, file: 1, document: 2 };
  return [...LINE_FORMATS.map((f) => ({ name: f.name, kind: f.kind, role: f.role, reads: f.reads })),
    ...DOCUMENT_FORMATS.map((d) => ({ name: d.name, kind: d.kind, role: 'document' as const, reads: d.reads }))]
    .sort((a, b) => rank[a.role] - rank[b.role]);
}

/** The formats list of `ingest --help`: names grouped and wrapped. */
export function formatsHelp(width = 116): string {
  const group = (roles: string[]): string => formatList().filter((f) => roles.includes(f.role)).map((f) => (f.name === 'nginx-access' ? 'nginx-access[:NAME]' : f.name)).join(', ');
  const wrap = (label: string, text: string): string => {
    const lines: string[] = [];
    let cur = label;
    for (const w of text.split(' ')) {
      if (cur.length + w.length + 1 > width) { lines.push(cur); cur = ' '.repeat(label.length); }
      cur += ' ' + w;
    }
    return [...lines, cur].join('\n');
  };
  return [wrap('  envelopes:', group(['envelope'])), wrap('  logs:     ', group(['payload', 'file'])), wrap('  documents:', group(['document']))].join('\n');
}

/** The README's formats table (between its `formats` markers; the samples test checks it is current). */
export function formatsMarkdown(): string {
  const role = { envelope: 'envelope', payload: 'log line', file: 'log line', document: 'document' };
  return ['| format | kind | what it reads |', '| --- | --- | --- |',
    ...formatList().map((f) => `| \`${f.name}\` | ${role[f.role]} | ${f.reads.replace(/\|/g, '\\|')} |`)].join('\n');
}
