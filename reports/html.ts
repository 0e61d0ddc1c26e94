// The single-file HTML report: fixed shell + inlined CSS/JS + one JSON blob (the same object findings.json is cut
// from). No network request of any kind: a strict Content-Security-Policy, no external URL anywhere. Bounded: the
// file stays under MAX_HTML_BYTES whatever the input — what had to be left out is listed in the report.
import { readFileSync } from 'node:fs';
import { fromRoot } from '../lib/paths.js';
import type { CaseReport } from './model.js';

export const MAX_HTML_BYTES = 5 * 1024 * 1024;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that cannot end the <script> element it sits in, nor open a comment or CDATA. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const cut = (s: string, n: number): string => (s.length > n ? s.slice(0, n) + '…' : s);

/** Ways to make the report smaller, least loss first; each says what it leaves out. */
const SHRINK: [string, (r: CaseReport) => CaseReport][] = [
  ['embedded evidence lines cut to 300 characters', (r) => ({ ...r, lines: Object.fromEntries(Object.entries(r.lines).map(([k, v]) => [k, cut(v, 300)])) })],
  ['the timeline bars\' sample lines (clicking a bar shows none)', (r) => ({ ...r, timeline: { ...r.timeline, samples: {} }, timeline_focus: r.timeline_focus && { ...r.timeline_focus, samples: {} } })],
  ['citations beyond the first 12 of each finding', (r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, evidence: f.evidence.slice(0, 12), groups: f.groups.map((g) => ({ ...g, cites: g.cites.slice(0, 12) })) })) })],
  ['the rejected-lines sample', (r) => ({ ...r, rejects: { ...r.rejects, shown: [] } })],
  ['timeline points beyond 100 per lane', (r) => ({ ...r, timeline: shrinkLanes(r.timeline), timeline_focus: r.timeline_focus && { ...shrinkLanes(r.timeline_focus), around: r.timeline_focus.around } })],
  ['findings beyond the first 50 (all are in findings.json)', (r) => ({ ...r, findings: r.findings.slice(0, 50), omitted: { ...r.omitted, findings: r.omitted.findings + Math.max(0, r.findings.length - 50) } })],
  ['evidence lines other than the lead finding\'s and the key moments\'', (r) => {
    const lead = r.findings.find((f) => f.id === r.verdict.lead);
    const keep = new Set([...(lead?.evidence ?? []), ...r.moments.flatMap((m) => (m.cite ? [m.cite] : []))].map((c) => `${c.path}:${c.line}`));
    return { ...r, lines: Object.fromEntries(Object.entries(r.lines).filter(([k]) => keep.has(k))) };
  }],
  ['sources beyond the first 300 in the coverage table (all are in findings.json)', (r) => ({ ...r, sources: r.sources.slice(0, 300) })],
  ['every embedded evidence line', (r) => ({ ...r, lines: {} })],
];

function shrinkLanes<T extends CaseReport['timeline']>(t: T): T {
  return { ...t, lanes: t.lanes.map((l) => ({ ...l, points: l.points?.slice(0, 100), intervals: l.intervals?.slice(0, 100) })) };
}

/** The report as embedded: shrunk step by step until the JSON fits in `budget` bytes, each step noted. */
export function fitToBudget(report: CaseReport, budget: number): CaseReport {
  let r = report;
  const notes = [...report.omitted.notes];
  for (const [note, shrink] of SHRINK) {
    if (Buffer.byteLength(scriptSafeJson(r)) <= budget) break;
    r = shrink(r);
    notes.push(`${note}, to keep report.html under ${Math.round(MAX_HTML_BYTES / 1048576)} MB`);
  }
  return { ...r, omitted: { ...r.omitted, notes } };
}

export function renderHtml(report: CaseReport): string {
  const css = readFileSync(fromRoot('reports', 'assets', 'report.css'), 'utf8');
  const js = readFileSync(fromRoot('reports', 'assets', 'report.js'), 'utf8');
  const title = `clawtrail — ${report.verdict.status}: ${report.verdict.headline.slice(0, 120)}`;
  const shell = (data: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<header><h1>clawtrail retrospective</h1><div class="sub">${escapeHtml(`${report.tool.name} ${report.tool.version} · generated ${report.generated_at} · evidence ${report.span.from ?? '?'} → ${report.span.to ?? '?'}`)}</div></header>
<main>
<noscript><p>${escapeHtml(report.verdict.headline)}</p><p>This report renders with JavaScript; report.md and findings.json hold the same content.</p></noscript>
<section id="verdict"></section>
<section id="raw" class="raw"><div class="raw-head"><h2 id="raw-title">Evidence lines</h2><button type="button" class="cite" id="raw-close">close</button></div><pre id="raw-lines">Click a citation, a bar of the timeline or a key moment to see the raw lines (escaped, secrets redacted).</pre></section>
<section id="timeline-section"><h2>Timeline</h2><div class="cites" id="view-switch"></div><div id="brush-info"></div><div class="legend" id="legend"></div><div class="tl-wrap"><svg id="tl" role="img" aria-label="multi-lane timeline"></svg></div>
<h2>Key moments</h2><ul class="moments" id="moments"></ul></section>
<section id="findings"></section>
<section id="coverage"></section>
<section id="budget"></section>
<section id="provenance"></section>
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${js}</script>
</body>
</html>
`;
  const budget = MAX_HTML_BYTES - Buffer.byteLength(shell('')) - 4096;
  return shell(scriptSafeJson(fitToBudget(report, budget)));
}
