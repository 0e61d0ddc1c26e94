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

/** Every name --format accepts, with what it reads: line formats first, then documents. */
export function formatList(): { name: string; kind: string; reads: string }[] {
  return [...LINE_FORMATS.map((f) => ({ name: f.name === 'nginx-access' ? 'nginx-access[:name]' : f.name, kind: f.kind, reads: f.reads })),
    ...DOCUMENT_FORMATS.map((d) => ({ name: d.name, kind: d.kind, reads: d.reads }))];
}
