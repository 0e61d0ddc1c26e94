// The Markdown report (GitHub-renderable). An incident gets a postmortem in the shape of the Google SRE, PagerDuty
// and Atlassian templates — status and owner placeholders, summary, impact, response times, trigger and root cause,
// detection, resolution, action items with owner and priority placeholders, lessons, timeline, supporting
// evidence — with everything the evidence can say filled in. A case without an incident gets an audit summary.
// Each statement appears once. Text from the evidence is escaped so that it renders as text.
import { safeText } from '../lib/output.js';
import type { CaseReport, Citation, CiteGroup, ReportFinding } from './model.js';
import type { Audit } from '../case/audit.js';
import { rangesText } from './citations.js';

export function mdText(s: unknown): string {
  return safeText(s).replace(/[\\`*_[\]|<>#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** Inline code that cannot be closed by the text inside it. */
const code = (s: unknown): string => `\`${safeText(s).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const TODO = (what: string): string => `_${what}_`;
const when = (t: string | null | undefined): string => (t ? t.replace('T', ' ').replace('Z', ' UTC') : '—');

/** 5400 → "1 h 30 min" */
export function durationText(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const a = Math.abs(Math.round(s));
  const text = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 86400 ? `${Math.floor(a / 3600)} h${a % 3600 >= 60 ? ` ${Math.floor((a % 3600) / 60)} min` : ''}`
    : `${Math.floor(a / 86400)} d${a % 86400 >= 3600 ? ` ${Math.floor((a % 86400) / 3600)} h` : ''}`;
  return s < 0 ? `−${text}` : text;
}

const pct = (c: number | null): string => (c === null ? '?' : `${Math.round(c * 100)}%`);

/** A mechanism's words ("what broke: the numbers") without the numbers when the statement (the Summary) has them. */
function notRepeated(mechanism: string, statement: string): string {
  const cut = mechanism.indexOf(': ');
  return cut > 0 && statement.includes(mechanism.slice(cut + 2)) ? `${mechanism.slice(0, cut)} (the numbers are in the Summary)` : mechanism;
}

function groupLine(g: CiteGroup, r: CaseReport): string {
  if (g.sha) {
    const c = r.commits[g.sha];
    return `commit ${code(g.sha.slice(0, 12))}${c?.original_sha ? ` (${code(c.original_sha.slice(0, 12))} in the collected repository)` : ''}${c ? ` ${mdText(`"${c.subject ?? ''}" by ${c.author ?? '?'}, ${when(c.time)}`)}` : ''}`;
  }
  return `${code(g.label)}${g.ranges.length ? ` lines ${rangesText(g.ranges)}` : ''}${g.notes.length ? ` — ${mdText(g.notes.join('; '))}` : ''}`;
}

/** The cited lines of a group (or a commit's diff, the first time it is cited), as a fenced block, at most `max` lines. */
function groupBlock(g: CiteGroup, r: CaseReport, max: number, seen: Set<string>): string[] {
  const out: string[] = [];
  if (g.sha) {
    const c = r.commits[g.sha];
    if (!c || seen.has(g.sha)) return [];
    seen.add(g.sha);
    for (const ch of c.changes) out.push(`${ch.path ?? ''}: ${ch.key}: ${ch.old ?? '(unset)'} → ${ch.new ?? '(unset)'}`);
    for (const f of c.files) out.push(`${f.status ?? 'M'} ${f.path}${f.added !== null ? ` +${f.added} −${f.removed ?? 0}` : ''}`);
    max = Infinity; // a commit's diff is shown whole (the case bounds it to 50 changes)
  } else {
    for (const cite of g.cites) {
      const text = cite.path && cite.line ? r.lines[`${cite.path}:${cite.line}`] : undefined;
      if (text !== undefined && out.length < max) out.push(`${cite.line}: ${text}`);
    }
  }
  if (!out.length) return [];
  const shown = out.slice(0, max);
  return ['', '  ```text', ...shown.map((l) => `  ${safeText(l).replace(/```/g, "'''")}`), ...(out.length > max ? [`  … ${out.length - max} more`] : []), '  ```', ''];
}

function evidence(groups: CiteGroup[], r: CaseReport, seen: Set<string>, maxLines = 4): string[] {
  const out: string[] = [];
  for (const g of groups) out.push(`- ${groupLine(g, r)}`, ...groupBlock(g, r, maxLines, seen));
  return out;
}

function citeText(c: Citation | undefined, r: CaseReport): string {
  if (!c) return '';
  if (c.sha) return `commit ${code(c.sha.slice(0, 12))}`;
  const label = r.sources.find((s) => s.path === c.path)?.label ?? c.path ?? `source ${c.source_id}`;
  return code(`${label}${c.line ? `:${c.line}` : ''}`);
}

function impactLines(f: ReportFinding, r: CaseReport): string[] {
  const i = f.impact;
  const cost = r.budget.find((b) => b.cause_query === f.query_id);
  const out: string[] = [];
  if (i) {
    const what = i.signals ? ` (${mdText(i.signals)}${i.basis === 'window' ? ', counted between the finding\'s start and end' : ''})` : '';
    out.push(`- **Clients affected:** ${i.clients ?? '?'}${what}`, `- **Sessions failed:** ${i.sessions ?? '?'}`);
    if (i.paths?.length) out.push(`- **Paths:** ${i.paths.map(mdText).join(', ')}`);
  } else out.push('- **Clients and sessions:** not counted by the query (no failure signal in its window).');
  out.push(`- **Duration:** ${durationText(i?.duration_s ?? (f.start && f.end ? (Date.parse(f.end) - Date.parse(f.start)) / 1000 : null))} (${when(f.start)} → ${when(f.end)})`);
  if (cost) out.push(`- **Cost:** ${cost.engineer_hours ?? '?'} engineer-hours ≈ ${cost.cost ?? '?'} EUR${cost.overnight ? ' (overnight)' : ''} (incidents-and-hours)`);
  return out;
}

export function renderMarkdown(r: CaseReport): string {
  const lead = r.findings.find((f) => f.id === r.verdict.lead) ?? null;
  return r.verdict.status === 'incident' && lead ? postmortem(r, lead) : auditSummary(r, lead);
}

function postmortem(r: CaseReport, lead: ReportFinding): string {
  const t = r.verdict.times;
  const out: string[] = [`# Postmortem: ${mdText(lead.headline ?? r.verdict.headline)}`, ''];
  out.push('| | |', '| --- | --- |',
    `| Status | ${TODO('draft — set to investigating, mitigated or resolved')}${t?.mitigated ? ` (the evidence shows a fix at ${when(t.mitigated)})` : ''} |`,
    `| Severity | ${lead.severity} by clawtrail; your scale: ${TODO('SEV?')} |`,
    `| Owner | ${TODO('owner')} |`, `| Ticket | ${TODO('ticket')} |`,
    `| Incident window | ${when(lead.start)} → ${when(lead.end)} |`,
    `| Evidence | ${r.sources.length} source(s), ${when(r.span.from)} → ${when(r.span.to)}${r.partial ? ' — **partial** (see Evidence coverage)' : ''} |`,
    `| Generated | clawtrail ${r.tool.version}, ${r.generated_at} |`, '');
  notes(r, out);
  out.push('## Summary', '', mdText(lead.statement), '');
  out.push('## Impact', '', ...impactLines(lead, r), '');
  out.push('## Response times', '', '| | time (UTC) | after impact start |', '| --- | --- | ---: |',
    `| Impact began (first failure) | ${when(t?.impact_start)} | 0 |`,
    `| First response in the evidence${t?.first_response ? `: ${mdText(t.first_response.what)}` : ''} | ${when(t?.first_response?.t)} | ${durationText(t?.to_detect_s)} |`,
    `| Mitigated (the fix took effect) | ${when(t?.mitigated)} | ${durationText(t?.to_mitigate_s)} |`,
    `| Resolved (last failure) | ${when(t?.impact_end)} | ${durationText(t?.to_resolve_s)} |`, '',
    `Time to detect is at most the time to the first response (someone acted, so they knew); the alert itself is not in the evidence: ${TODO('when did the first alert or report arrive?')}`, '');
  out.push('## Trigger and root cause', '');
  out.push(`- **Trigger:** ${lead.trigger ? mdText(lead.trigger) : TODO('not established by the query')}`);
  out.push(`- **Root cause (how it broke):** ${lead.mechanism ? mdText(notRepeated(lead.mechanism, lead.statement)) : TODO('not explained by the query: see Summary')}`);
  if (lead.runner_up) out.push(`- **Runner-up:** ${mdText(lead.runner_up.statement)} — ruled out: ${mdText(lead.runner_up.why_lost)}`);
  const seen = new Set<string>();   // commits whose diff is shown already
  out.push(`- **Confidence:** ${pct(lead.confidence)} (${code(lead.query_id)})`, '', 'Supporting evidence:', '', ...evidence(lead.groups, r, seen), '');
  const used = new Set([lead.id]);
  const also = r.findings.filter((f) => r.verdict.also.includes(f.id));
  if (also.length) {
    out.push('Other probable causes, ranked:', '');
    for (const f of also) {
      used.add(f.id);
      out.push(`- **${f.severity}** (${pct(f.confidence)}) ${mdText(f.headline ?? f.statement)} — ${f.groups.slice(0, 3).map((g) => groupLine(g, r)).join('; ') || 'no citation'}`);
    }
    out.push('');
  }
  out.push('## Detection', '');
  const symptoms = r.findings.filter((f) => f.group === 'symptom' && !used.has(f.id));
  for (const f of symptoms.slice(0, 5)) {
    used.add(f.id);
    out.push(`- ${mdText(f.statement)} — ${f.groups.slice(0, 2).map((g) => groupLine(g, r)).join('; ')}`);
  }
  if (!symptoms.length) out.push('- No burst of failures crossed a threshold on its own.');
  out.push(`- How it was noticed: ${TODO('alert, user report, dashboard?')}`, '');
  out.push('## Resolution and mitigation', '');
  if (lead.fix) out.push(`- ${mdText(lead.fix.statement)} (${when(lead.fix.at)})`, ...evidence(lead.fix_groups, r, seen, 2));
  else out.push(`- ${TODO('not in the evidence: how was service restored?')}`);
  out.push('');
  out.push('## Action items', '', '| # | action | from | owner | priority | ticket |', '| ---: | --- | --- | --- | --- | --- |');
  r.verdict.todo.forEach((a, i) => out.push(`| ${i + 1} | ${mdText(a.action)} | ${code(a.from)} | ${TODO('owner')} | ${TODO('P?')} | ${TODO('ticket')} |`));
  out.push(`| ${r.verdict.todo.length + 1} | ${TODO('how will we notice sooner next time?')} | | ${TODO('owner')} | ${TODO('P?')} | ${TODO('ticket')} |`, '');
  out.push('## Lessons learned', '', `- What went well: ${TODO('fill in')}`, `- What went wrong: ${TODO('fill in')}`, `- Where we got lucky: ${TODO('fill in')}`, '');
  keyMoments(r, out);
  otherFindings(r, used, out);
  coverage(r, out);
  return out.join('\n');
}

function auditSummary(r: CaseReport, lead: ReportFinding | null): string {
  const out: string[] = [`# Audit summary: ${r.verdict.status === 'no-evidence' ? 'no evidence' : 'no incident'}`, ''];
  out.push(mdText(r.verdict.headline), '');
  out.push('| | |', '| --- | --- |', `| Evidence | ${r.sources.length} source(s), ${when(r.span.from)} → ${when(r.span.to)}${r.partial ? ' — **partial**' : ''} |`,
    `| Reviewed by | ${TODO('owner')} |`, `| Generated | clawtrail ${r.tool.version}, ${r.generated_at} |`, '');
  notes(r, out);
  const used = new Set<string>();
  if (lead) {
    used.add(lead.id);
    out.push('## To review first', '', `**${lead.severity}** ${mdText(lead.statement)}`, '');
    if (lead.impact) out.push(...impactLines(lead, r), '');
    out.push(...evidence(lead.groups, r, new Set(), 2), '');
  }
  if (r.verdict.todo.length) {
    out.push('## What to do', '', '| # | action | from | owner | priority |', '| ---: | --- | --- | --- | --- |');
    r.verdict.todo.forEach((a, i) => out.push(`| ${i + 1} | ${mdText(a.action)} | ${code(a.from)} | ${TODO('owner')} | ${TODO('P?')} |`));
    out.push('');
  }
  otherFindings(r, used, out);
  coverage(r, out);
  return out.join('\n');
}

/** Notes about the report itself: a query phase that did not finish, things left out. */
function notes(r: CaseReport, out: string[]): void {
  if (!r.query_phase.complete) out.push(`> **Partial findings:** ${mdText(r.query_phase.note)}`, '');
  if (r.partial) out.push('> **Partial evidence:** some inputs were not fully read — see Evidence coverage.', '');
  for (const n of r.omitted.notes) out.push(`> Left out: ${mdText(n)}`, '');
}

function keyMoments(r: CaseReport, out: string[]): void {
  out.push('## Timeline', '', '| time (UTC) | what | evidence | line |', '| --- | --- | --- | --- |');
  for (const m of r.moments) {
    const line = m.cite?.path && m.cite.line ? r.lines[`${m.cite.path}:${m.cite.line}`] : undefined;
    const commit = m.cite?.sha ? r.commits[m.cite.sha] : undefined;
    const shown = line !== undefined ? code(line.slice(0, 200)) : commit ? mdText(commit.changes.map((c) => `${c.key}: ${c.old ?? '(unset)'} → ${c.new ?? '(unset)'}`).join('; ').slice(0, 200)) : '';
    out.push(`| ${when(m.t).replace(' UTC', '')} | ${mdText(m.label.slice(0, 160))} | ${citeText(m.cite, r)} | ${shown} |`);
  }
  if (!r.moments.length) out.push('| — | no timed event in the evidence | | |');
  out.push('');
}

/** Every finding not shown above, once: groups of kin as one line with a count, the rest each on its line. */
function otherFindings(r: CaseReport, used: Set<string>, out: string[]): void {
  const rest = r.findings.filter((f) => !used.has(f.id) && f.group !== 'cost');
  out.push('## Other findings', '');
  if (!rest.length) out.push('None.');
  const kinDone = new Set<string>();
  for (const f of rest) {
    if (f.kin) {
      if (kinDone.has(f.kin)) continue;
      kinDone.add(f.kin);
      const k = r.kin.find((x) => x.key === f.kin)!;
      const members = rest.filter((x) => x.kin === f.kin);
      out.push(`- **${k.severity}** ${members.length} × ${mdText(k.title)} (${code(k.query_id)}), e.g. ${mdText(f.statement)} — ${f.groups.slice(0, 2).map((g) => groupLine(g, r)).join('; ')}`);
      continue;
    }
    out.push(`- **${f.severity}** ${mdText(f.statement)}${f.remediation ? ` — to do: ${mdText(f.remediation)}` : ''} — ${f.groups.slice(0, 2).map((g) => groupLine(g, r)).join('; ') || 'no citation'}`);
  }
  if (r.omitted.findings) out.push(`- … and ${r.omitted.findings} more finding(s) not embedded (see findings.json or the case database).`);
  out.push('');
  if (r.budget.length) {
    out.push('### Incidents and the hours they cost', '', '| start | end | duration h | engineer-hours | cost (EUR) | lease months | overnight | probable cause |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |');
    for (const b of r.budget) out.push(`| ${when(b.start as string)} | ${when(b.end as string)} | ${b.duration_h ?? ''} | ${b.engineer_hours ?? ''} | ${b.cost ?? ''} | ${b.lease_months ?? ''} | ${b.overnight ?? ''} | ${b.cause_query ? code(b.cause_query) : '—'} |`);
    out.push('');
  }
}

function coverage(r: CaseReport, out: string[]): void {
  out.push('## Evidence coverage', '', '| source | kind | format | lines | parsed | rejected | status | sha256 |', '| --- | --- | --- | ---: | ---: | ---: | --- | --- |');
  for (const s of r.sources) out.push(`| ${code(s.label)} | ${s.kind} | ${mdText(s.format)} | ${s.total_lines} | ${s.parsed_lines} | ${s.rejected_lines} | ${s.status}${s.note ? `: ${mdText(s.note.slice(0, 120))}` : ''} | ${s.sha256 ? code(s.sha256.slice(0, 16)) : ''} |`);
  out.push('', `Rejected lines: ${r.rejects.total}.`);
  for (const j of r.rejects.shown.slice(0, 20)) out.push(`- ${code(`${r.sources.find((s) => s.path === j.path)?.label ?? j.path}:${j.line}`)} ${mdText(j.reason)}: ${code(j.raw ?? '')}`);
  out.push('', 'Full paths: ' + r.sources.map((s) => `${code(s.label)} = ${code(s.path)}`).join('; '), '');
}

/** audit.md: the period's config and fingerprint changes, the new findings against the baseline, the stale entries. */
export function renderAuditMarkdown(a: Audit): string {
  const md: string[] = [`# Drift audit ${a.period.from} → ${a.period.to}`, '',
    `Config changes in the period: **${a.changes.length}** (previous period of the same length: ${a.previous_period_changes}).`, '', '## Config and fingerprint changes', ''];
  if (a.changes.length) {
    md.push('| when | surface | key | change | commit / file |', '| --- | --- | --- | --- | --- |');
    for (const c of a.changes) md.push(`| ${c.at} | ${mdText(c.surface)} | ${mdText(c.key)} | ${mdText(c.fp_change ?? `${c.old ?? '∅'} → ${c.new ?? '∅'}`)} | ${c.commit_sha ? '`' + c.commit_sha.slice(0, 12) + '`' : mdText(c.path)} |`);
  } else md.push('No config value changed in the period.');
  md.push('', `## New findings (${a.new_findings.length}${a.baseline ? ` against ${mdText(a.baseline)}` : ', no baseline given'})`, '');
  for (const f of a.new_findings) md.push(`- **${f.severity}** ${mdText(f.statement)} \`${f.id}\``);
  if (!a.new_findings.length) md.push('None.');
  md.push('', `## Stale baseline entries (${a.stale_baseline_entries.length})`, '');
  for (const s of a.stale_baseline_entries) md.push(`- \`${s.key}\` ${s.query_id}: ${mdText(s.statement)}`);
  if (!a.stale_baseline_entries.length) md.push('None.');
  return md.join('\n') + '\n';
}
