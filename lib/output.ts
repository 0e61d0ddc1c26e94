// Renders result rows for the terminal (aligned table), or as JSON, CSV or Markdown. Evidence text can carry
// terminal escape sequences: every control character (C0, DEL, C1) is shown escaped, never written raw, whatever the
// output format.

export type Rows = Record<string, unknown>[];

/** C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F: CSI, OSC and friends on some terminals). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const hex = (c: string): string => c.charCodeAt(0).toString(16).padStart(2, '0');

export function safeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(CONTROL, (c) => `\\x${hex(c)}`).replace(/\n/g, '\\n');
}

/** JSON for a terminal or a file: JSON.stringify escapes C0 controls itself; DEL and C1 become \u escapes too. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\x7f-\x9f]/g, (c) => `\\u00${hex(c)}`);
}

export function table(rows: Rows, maxWidth = 80): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => {
    const s = safeText(r[c]);
    return s.length > maxWidth ? s.slice(0, maxWidth - 1) + '…' : s;
  }));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cols.map(safeText)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * One CSV cell (RFC 4180 quoting). Control characters are escaped as \xNN (evidence must not drive the terminal it is
 * printed on), and a cell that a spreadsheet would read as a formula — one starting with =, +, -, @, a tab or a
 * carriage return — is prefixed with a single quote (OWASP's CSV-injection advice). Numbers stay numbers.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) s = `'${s}`;
  s = s.replace(CONTROL, (c) => `\\x${hex(c)}`);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(rows: Rows): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  return [cols.map(csvCell).join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n');
}

export function markdown(rows: Rows): string {
  if (rows.length === 0) return '_(no rows)_';
  const cols = Object.keys(rows[0]);
  const esc = (v: unknown): string => safeText(v).replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  return [`| ${cols.map(esc).join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => esc(r[c])).join(' | ')} |`)].join('\n');
}

export function render(rows: Rows, fmt: { json?: boolean; csv?: boolean; markdown?: boolean }): string {
  if (fmt.json) return safeJson(rows, 2);
  if (fmt.csv) return csv(rows);
  if (fmt.markdown) return markdown(rows);
  return table(rows);
}
