// SARIF 2.1.0 for config and drift findings: locations point at the config file and line, or at the commit that
// introduced the value, so that code-scanning UIs can show them.
import type { CaseReport, Finding } from './model.js';

const LEVEL: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** A path as a SARIF artifact URI (RFC 3986): each segment percent-encoded, so spaces, '#', '?', '%' and non-ASCII
 *  names stay one path; an absolute path becomes a file:// URI. The `#<service>@<container id>` that names a
 *  container's environment inside an inspect dump is not part of the file's path. */
export function artifactUri(path: string): string {
  const clean = path.replace(/#[^/#]*@[0-9a-f]{12}$/, '');
  const encoded = clean.split('/').map((seg) => encodeURIComponent(seg)).join('/');
  return clean.startsWith('/') ? `file://${encoded}` : encoded;
}

function locations(f: Finding): unknown[] {
  return f.evidence.filter((c) => c.path && (c.sha || c.line)).slice(0, 10).map((c) => ({
    physicalLocation: { artifactLocation: { uri: artifactUri(c.path!) }, ...(c.line ? { region: { startLine: c.line } } : {}) },
    ...(c.sha ? { properties: { commit: c.sha, ...(c.original_sha ? { original_commit: c.original_sha } : {}) } } : {}),
    ...(c.note ? { message: { text: c.note } } : {}),
  }));
}

export function renderSarif(r: Pick<CaseReport, 'tool' | 'queries'> & { findings: Finding[] }): string {
  // queries whose headers say `sarif: true`: their findings are about configuration (files, commits)
  const sarifQueries = new Map(r.queries.filter((q) => q.sarif).map((q) => [q.query_id, q]));
  const results = r.findings.filter((f) => sarifQueries.has(f.query_id) && f.severity !== 'info');
  const rules = [...sarifQueries.values()].filter((q) => results.some((f) => f.query_id === q.query_id)).map((q) => ({
    id: q.query_id, name: q.title.replace(/[^A-Za-z0-9]+/g, ''), shortDescription: { text: q.title }, fullDescription: { text: q.answers },
    defaultConfiguration: { level: LEVEL[q.severity] ?? 'warning' }, properties: { tags: ['openclaw', 'drift'] },
  }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'clawtrail', version: r.tool.version, rules } },
      results: results.map((f) => ({
        ruleId: f.query_id, ruleIndex: rules.findIndex((x) => x.id === f.query_id), level: LEVEL[f.severity] ?? 'warning',
        message: { text: f.headline ? `${f.headline}. ${f.statement}` : f.statement }, locations: locations(f),
        partialFingerprints: { clawtrailFinding: f.id },
        properties: { severity: f.severity, confidence: f.confidence, start: f.start, end: f.end, ...(f.remediation ? { remediation: f.remediation } : {}) },
      })),
    }],
  }, null, 2) + '\n';
}
