// The single-file HTML report: fixed shell + inlined CSS/JS + one JSON blob (the same object findings.json is cut
// from). No network request of any kind: a strict Content-Security-Policy, no external URL anywhere.
import { readFileSync } from 'node:fs';
import { fromRoot } from '../lib/paths.js';
import type { CaseReport } from './model.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that cannot end the <script> element it sits in, nor open a comment or CDATA. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderHtml(report: CaseReport): string {
  const css = readFileSync(fromRoot('reports', 'assets', 'report.css'), 'utf8');
  const js = readFileSync(fromRoot('reports', 'assets', 'report.js'), 'utf8');
  const title = `clawtrail — ${report.verdict.status}: ${report.verdict.headline.slice(0, 120)}`;
  return `<!doctype html>
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
<noscript><p>${escapeHtml(report.verdict.headline)}</p><p>This report renders with JavaScript; findings.json and report.md hold the same content.</p></noscript>
<section id="verdict"></section>
<section id="timeline-section"><h2>Timeline</h2><div class="cites" id="view-switch"></div><div id="brush-info"></div><div class="legend" id="legend"></div><svg id="tl" role="img" aria-label="multi-lane timeline"></svg>
<h2>Key moments</h2><ul class="moments" id="moments"></ul></section>
<section id="raw"><h2 id="raw-title">Evidence lines</h2><pre id="raw-lines">Click a citation, a bar of the timeline or a key moment to see the raw lines (escaped, secrets redacted).</pre></section>
<section id="findings"></section>
<section id="coverage"></section>
<section id="budget"></section>
<section id="provenance"></section>
</main>
<script type="application/json" id="report-data">${scriptSafeJson(report)}</script>
<script>${js}</script>
</body>
</html>
`;
}
