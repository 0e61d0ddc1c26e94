// .env files with dotenv semantics: `export`, quotes (single literal, double with \n escapes, multiline),
// comments, empty values; `${VAR:-default}` is kept as text (compose interpolates it, not the file).
import type { Fingerprinter } from '../../case/secrets.js';
import { configValue, type ConfigValue } from './values.js';

export interface DotenvEntry { key: string; value: string; line: number }
export interface DotenvResult { entries: DotenvEntry[]; bad: { line: number; reason: string }[]; lines: number }

export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: DotenvEntry[] = [];
  const bad: DotenvResult['bad'] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/.exec(raw);
    if (!m) {
      bad.push({ line: i + 1, reason: 'not a KEY=value line' });
      continue;
    }
    const start = i + 1;
    let v = m[2];
    const q = v.trimStart()[0];
    if (q === '"' || q === "'" || q === '`') {
      v = v.trimStart();
      let body = v.slice(1);
      let end = body.indexOf(q);
      while (end < 0 && i + 1 < lines.length) {
        i++;
        body += '\n' + lines[i];
        end = body.indexOf(q);
      }
      if (end < 0) {
        bad.push({ line: start, reason: `unterminated ${q} quote` });
        continue;
      }
      let value = body.slice(0, end);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
      entries.push({ key: m[1], value, line: start });
    } else {
      entries.push({ key: m[1], value: v.replace(/\s+#.*$/, '').trim(), line: start });
    }
  }
  return { entries, bad, lines: text === '' ? 0 : lines.length - (text.endsWith('\n') ? 1 : 0) };
}

export function dotenvValues(text: string, fpr: Fingerprinter): { values: ConfigValue[]; bad: DotenvResult['bad'] } {
  const r = parseDotenv(text);
  return { values: r.entries.map((e) => configValue(fpr, '.env', e.key, e.value, e.line)), bad: r.bad };
}
