// SARIF 2.1.0 for config and drift findings: locations point at the config file and line, or at the commit that
// introduced the value, so that code-scanning UIs can show them.
import { loadQueries } from '../queries/runner.js';
import type { CaseReport, Finding } from './model.js';

/** Queries whose findings are about configuration (files, commits) rather than runtime behaviour. */
export const CONFIG_QUERIES = new Set(['token-divergence', 'security-shortcuts', 'health-and-timeouts', 'split-brain-versions', 'ws1006-after-proxy-release', 'pairing-loss-after-recreate', 'token-rotation-drills']);

const LEVEL: Record<string, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

function locations(f: Finding): unknown[] {
  return f.evidence.filter((c) => c.path && (c.sha || c.line)).slice(0, 10).map((c) => ({
    physicalLocation: { artifactLocation: { uri: c.path!.replace(/#.*$/, '') }, ...(c.line ? { region: { startLine: c.line } } : {}) },
    ...(c.sha ? { properties: { commit: c.sha, ...(c.original_sha ? { original_commit: c.original_sha } : {}) } } : {}),
    ...(c.note ? { message: { text: c.note } } : {}),
  }));
}

export function renderSarif(r: CaseReport): string {
  const queries = loadQueries();
  const results = r.findings.filter((f) => CONFIG_QUERIES.has(f.query_id) && f.severity !== 'info');
  const rules = queries.filter((q) => results.some((f) => f.query_id === q.id)).map((q) => ({
    id: q.id, name: q.title.replace(/[^A-Za-z0-9]+/g, ''), shortDescription: { text: q.title }, fullDescription: { text: q.answers },
    defaultConfiguration: { level: LEVEL[q.severity] ?? 'warning' }, properties: { tags: ['openclaw', 'drift'] },
  }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'clawtrail', version: r.tool.version, rules } },
      results: results.map((f) => ({
        ruleId: f.query_id, ruleIndex: rules.findIndex((x) => x.id === f.query_id), level: LEVEL[f.severity] ?? 'warning',
        message: { text: f.statement }, locations: locations(f),
        partialFingerprints: { clawtrailFinding: f.id },
        properties: { severity: f.severity, confidence: f.confidence, start: f.start, end: f.end },
      })),
    }],
  }, null, 2) + '\n';
}
