// Writes the rendered reports into a folder: the report formats of `analyze`/`report`, and the audit's. Each file is
// written under a temporary name beside its final one and renamed over it, so a crash or a full disk never leaves
// a truncated report behind (the previous one stays), and the error names the file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Audit } from '../case/audit.js';
import type { CaseReport } from './model.js';
import { renderHtml } from './html.js';
import { renderAuditMarkdown, renderMarkdown } from './markdown.js';
import { renderAuditJson, renderFindingsJson } from './json.js';
import { renderSarif } from './sarif.js';

/** The report formats, by the name the CLI takes (--reports), and the file each writes. */
export const REPORT_FORMATS = { html: 'report.html', md: 'report.md', json: 'findings.json', sarif: 'findings.sarif' } as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;

/** Writes a file atomically: a temporary name in the same folder, then a rename over the final name. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOSPC' ? 'no space left on the device (disk full)' : e.code === 'EDQUOT' ? 'disk quota exceeded' : e.message;
    throw new Error(`cannot write ${path}: ${why}${e.code === 'ENOSPC' || e.code === 'EDQUOT' ? '; the previous file, if any, is unchanged' : ''}`);
  }
}

function put(out: string, name: string, text: string): string {
  writeFileAtomic(join(out, name), text);
  return join(out, name);
}

export function writeReports(report: CaseReport, out: string, formats: string[]): string[] {
  const render: Record<ReportFormat, (r: CaseReport) => string> = { html: renderHtml, md: renderMarkdown, json: renderFindingsJson, sarif: renderSarif };
  return (Object.keys(REPORT_FORMATS) as ReportFormat[]).filter((f) => formats.includes(f)).map((f) => put(out, REPORT_FORMATS[f], render[f](report)));
}

/** audit.md, audit.json and audit.sarif (the new findings, through the same SARIF renderer as analyze). */
export function writeAuditReports(audit: Audit, report: CaseReport, out: string): string[] {
  return [put(out, 'audit.md', renderAuditMarkdown(audit)), put(out, 'audit.json', renderAuditJson(audit)),
    put(out, 'audit.sarif', renderSarif({ ...report, findings: audit.new_findings }))];
}
