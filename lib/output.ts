// Renders result rows for the terminal (aligned table), or as JSON, CSV or Markdown. Evidence text can carry
// terminal escape sequences: every control character is shown escaped, never written raw.

export type Rows = Record<string, unknown>[];

export function safeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\n/g, '\\n');
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
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function csv(rows: Rows): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const q = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c])).join(','))].join('\n');
}

export function markdown(rows: Rows): string {
  if (rows.length === 0) return '_(no rows)_';
  const cols = Object.keys(rows[0]);
  const esc = (v: unknown): string => safeText(v).replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => esc(r[c])).join(' | ')} |`)].join('\n');
}

export function render(rows: Rows, fmt: { json?: boolean; csv?: boolean; markdown?: boolean }): string {
  if (fmt.json) return JSON.stringify(rows, null, 2);
  if (fmt.csv) return csv(rows);
  if (fmt.markdown) return markdown(rows);
  return table(rows);
}
