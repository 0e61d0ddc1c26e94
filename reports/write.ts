// Writes the rendered reports into a folder: the report formats of `analyze`/`report`, and the audit's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Audit } from '../case/audit.js';
import type { CaseReport } from './model.js';
import { renderHtml } from './html.js';
import { renderAuditMarkdown, renderMarkdown } from './markdown.js';
import { renderAuditJson, renderFindingsJson } from './json.js';
import { renderSarif } from './sarif.js';

/** The report formats, by the name the CLI takes, and the file each writes. */
export const REPORT_FORMATS = { html: 'report.html', md: 'report.md', json: 'findings.json', sarif: 'findings.sarif' } as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;

function put(out: string, name: string, text: string): string {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, name), text);
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
