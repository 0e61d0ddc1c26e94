// findings.json: the stable machine output, documented in docs/findings-json.md.
import type { CaseReport } from './model.js';
import type { Audit } from '../case/audit.js';
import type { Citation } from '../case/finding.js';

export const FINDINGS_SCHEMA = 'clawtrail.findings/1';

const cite = (c: Citation): Record<string, unknown> =>
  ({ path: c.path ?? null, line: c.line ?? null, commit: c.sha ?? null, ...(c.original_sha ? { original_commit: c.original_sha } : {}), note: c.note ?? null });

export function renderFindingsJson(r: CaseReport): string {
  return JSON.stringify({
    schema: FINDINGS_SCHEMA,
    tool: r.tool,
    generated_at: r.generated_at,
    verdict: { status: r.verdict.status, headline: r.verdict.headline, lead: r.verdict.lead, todo: r.verdict.todo.map((t) => t.action), times: r.verdict.times },
    span: r.span,
    partial_evidence: r.partial,
    partial_findings: !r.query_phase.complete,
    findings: r.findings.map((f) => ({
      id: f.id, rank: f.rank, query_id: f.query_id, group: f.group, severity: f.severity, confidence: f.confidence, start: f.start, end: f.end, statement: f.statement,
      remediation: f.remediation,
      evidence: f.evidence.map(cite),
      details: f.details,
      headline: f.headline ?? null, impact: f.impact ?? null, mechanism: f.mechanism ?? null, trigger: f.trigger ?? null, runner_up: f.runner_up ?? null,
      fix: f.fix ? { ...f.fix, evidence: f.fix.evidence.map(cite) } : null,
    })),
    omitted_findings: r.omitted.findings,
    sources: r.sources.map((s) => ({ path: s.path, label: s.label, kind: s.kind, format: s.format, sha256: s.sha256, lines: s.total_lines, parsed: s.parsed_lines, rejected: s.rejected_lines, status: s.status })),
  }, null, 2) + '\n';
}

/** audit.json: the audit as computed (schema clawtrail.audit/1). */
export function renderAuditJson(a: Audit): string {
  return JSON.stringify({ schema: 'clawtrail.audit/1', period: a.period, changes: a.changes, previous_period_changes: a.previous_period_changes,
    new_findings: a.new_findings.map((f) => ({ key: f.id, query_id: f.query_id, severity: f.severity, statement: f.statement, evidence: f.evidence })),
    stale_baseline_entries: a.stale_baseline_entries, failing: a.failing }, null, 2) + '\n';
}
