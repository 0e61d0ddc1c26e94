// The report data: one object built from the case database, which the HTML, Markdown, JSON and SARIF renderers
// all read (GoAccess's one-JSON-blob idea). Everything in it comes from the evidence and carries its citation.
// The first screen (the brief) answers what happened, to whom, since when, why and what to do, from the lead
// finding's own fields (case/finding.ts); each statement is shown once.
import type { Store } from '../case/store.js';
import { inLanes } from '../lib/lanes.js';
import type { Citation, Finding, Fix, Group, Impact } from '../case/finding.js';
import { groupCitations, readCitedLines, sourceLabels, type CiteGroup } from './citations.js';

export type { Citation, CiteGroup, Finding };
/** A query as the case's query_catalog describes it (for SARIF rules and group titles). */
export interface QueryInfo { query_id: string; title: string; group: Group; severity: string; sarif: boolean; answers: string }
export interface SourceRow {
  source_id: number; path: string; label: string; kind: string; format: string; sha256: string | null; bytes: number | null; total_lines: number;
  parsed_lines: number; rejected_lines: number; first_ts: string | null; last_ts: string | null; tz: string | null; status: string; note: string | null;
}
export interface Lane {
  id: string; label: string;
  series?: { name: string; counts: number[] }[];
  points?: { t: string; label: string; kind: string; cite?: Citation }[];
  intervals?: { from: string; to: string | null; label: string; kind: string }[];
}
export interface Timeline { from: string | null; bucket_s: number; buckets: number; lanes: Lane[]; samples: Record<string, Citation[]> }

/** A finding as reports show it: the finding, its citations grouped by source, and its kin (same query and severity). */
export interface ReportFinding extends Finding { groups: CiteGroup[]; fix_groups: CiteGroup[]; kin: string | null }
/** Findings of one query and severity shown together when there are several (not repeated 60 times). */
export interface FindingKin { key: string; query_id: string; title: string; severity: string; count: number; ids: string[] }
/** A moment of the incident, with the line that shows it. */
export interface Moment { t: string; label: string; lane: string; cite?: Citation }
/** A cited commit: who, when, what, and its diff as the case holds it — the config values it changed (secrets as
 *  their shape and fingerprint) and the files it touched with their line counts. */
export interface CommitInfo {
  sha: string; original_sha: string | null; author: string | null; time: string | null; subject: string | null;
  files: { path: string; status: string | null; added: number | null; removed: number | null }[];
  changes: { path: string | null; key: string; old: string | null; new: string | null }[];
}
/** Postmortem times, from the evidence: when the change landed, when users were first and last hurt, the first
 *  response anyone made (detection happened at or before it), when the fix took effect. */
export interface IncidentTimes {
  impact_start: string | null; first_response: { t: string; what: string; cite?: Citation } | null;
  mitigated: string | null; impact_end: string | null;
  to_detect_s: number | null; to_mitigate_s: number | null; to_resolve_s: number | null;
}
export type VerdictStatus = 'incident' | 'attention' | 'clean' | 'no-evidence';

export interface CaseReport {
  schema: 'clawtrail.report/2';
  tool: { name: 'clawtrail'; version: string };
  generated_at: string;
  command_line: string;
  db: string;
  span: { from: string | null; to: string | null };
  /** The first screen: status and headline; the lead finding (its headline, impact, cause, what to do, fix) by id. */
  verdict: { status: VerdictStatus; headline: string; lead: string | null; also: string[]; todo: { action: string; from: string }[]; times: IncidentTimes | null };
  findings: ReportFinding[];
  kin: FindingKin[];
  queries: QueryInfo[];
  query_phase: { complete: boolean; note: string | null };
  sources: SourceRow[];
  rejects: { total: number; shown: { path: string; line: number; reason: string; raw: string | null }[] };
  timeline: Timeline;
  timeline_focus: (Timeline & { around: string }) | null;   // finer view around the lead finding, when it is much shorter than the case
  moments: Moment[];
  budget: Record<string, unknown>[];
  commits: Record<string, CommitInfo>;
  lines: Record<string, string>;      // "path:line" → the raw line (redacted), for every citation shown
  omitted: { findings: number; lines: number; notes: string[] };   // what the report left out, and why
  partial: boolean;
}

export const MAX_FINDINGS = 200;
export const MAX_LINES = 3000;
/** Several findings of one query and severity are shown as one group from this many on. */
export const KIN_MIN = 3;
const BUCKETS = [60, 300, 900, 3600, 6 * 3600, 86400];
const ISO = `'%Y-%m-%dT%H:%M:%SZ'`;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const json = <T>(v: string | null | undefined): T | null => (v ? (JSON.parse(v) as T) : null);
const secondsBetween = (a: string | null | undefined, b: string | null | undefined): number | null =>
  a && b ? Math.round((Date.parse(b) - Date.parse(a)) / 1000) : null;

export async function buildReport(store: Store, meta: { version: string; commandLine: string; db: string; generatedAt?: string }): Promise<CaseReport> {
  await store.refreshDerived();
  const fRows = await store.all<Record<string, string>>(`SELECT finding_id, query_id, query_group, severity, rank::INTEGER AS rank,
      strftime(start_ts, ${ISO}) AS s, strftime(end_ts, ${ISO}) AS e, statement, confidence::DOUBLE AS confidence, remediation, evidence, details,
      headline, impact, mechanism, trigger, runner_up, fix
    FROM findings ORDER BY rank, finding_id`);
  const all: Finding[] = fRows.map((r) => ({
    id: r.finding_id, query_id: r.query_id, group: r.query_group as Group, severity: r.severity, rank: num(r.rank), start: r.s ?? null, end: r.e ?? null,
    statement: r.statement, confidence: r.confidence === null ? null : Number(r.confidence), remediation: r.remediation ?? null,
    evidence: JSON.parse(r.evidence ?? '[]') as Citation[], details: JSON.parse(r.details ?? '{}'),
    headline: r.headline ?? null, impact: json<Impact>(r.impact), mechanism: r.mechanism ?? null, trigger: r.trigger ?? null,
    runner_up: json(r.runner_up), fix: json<Fix>(r.fix),
  }));
  const queries = (await store.all<Record<string, string | boolean>>(`SELECT query_id, title, query_group, severity, sarif, answers FROM query_catalog ORDER BY query_id`))
    .map((q) => ({ query_id: String(q.query_id), title: String(q.title), group: q.query_group as Group, severity: String(q.severity), sarif: q.sarif === true, answers: String(q.answers) }));
  const phase = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'query_phase'`);
  const phaseState = phase ? (JSON.parse(phase.value) as { state: string; started_at: string }) : null;
  const query_phase = phaseState?.state === 'done' ? { complete: true, note: null }
    : { complete: false, note: phaseState ? `the query phase started ${phaseState.started_at} did not finish: these findings are only part of the answer (run: clawtrail report --rerun)` : 'the canned queries have not run on this case' };

  const sourceRows = await store.all<Record<string, unknown>>(`SELECT source_id::INTEGER AS source_id, path, kind, format, sha256, bytes::BIGINT::DOUBLE AS bytes,
      coalesce(total_lines, 0)::DOUBLE AS total_lines, coalesce(parsed_lines, 0)::DOUBLE AS parsed_lines, coalesce(rejected_lines, 0)::DOUBLE AS rejected_lines,
      strftime(first_ts, ${ISO}) AS first_ts, strftime(last_ts, ${ISO}) AS last_ts, tz, status, note FROM sources ORDER BY source_id`);
  const names = new Map((await store.all<{ id: string; name: string }>(`SELECT id, any_value(name) AS name FROM (
      SELECT container_id[1:12] AS id, ltrim(name, '/') AS name FROM containers WHERE name IS NOT NULL
      UNION ALL SELECT actor_id[1:12], name FROM docker_events WHERE type = 'container' AND name IS NOT NULL) GROUP BY id`)).map((r) => [r.id, r.name]));
  const labels = sourceLabels(sourceRows.map((r) => String(r.path)), names);
  const labelOf = (p: string): string => labels.get(p) ?? p.split('/').slice(-2).join('/');
  const sources = sourceRows.map((r) => ({ ...r, label: labelOf(String(r.path)), source_id: num(r.source_id), bytes: r.bytes === null ? null : num(r.bytes),
    total_lines: num(r.total_lines), parsed_lines: num(r.parsed_lines), rejected_lines: num(r.rejected_lines) }) as SourceRow);
  const rejTotal = num((await store.one<{ n: string }>('SELECT count(*) AS n FROM rejects'))!.n);
  const rejShown = (await store.all<Record<string, unknown>>(`SELECT s.path, r.line_no::INTEGER AS line, r.reason, r.raw FROM rejects r JOIN sources s USING (source_id)
      ORDER BY r.source_id, r.line_no LIMIT 200`)).map((r) => ({ path: String(r.path), line: num(r.line), reason: String(r.reason), raw: r.raw === null ? null : String(r.raw) }));

  // Time span of the log evidence (commits far in the past do not stretch it).
  const span = (await store.one<{ a: string | null; b: string | null }>(`SELECT strftime(min(ts), ${ISO}) AS a, strftime(max(ts), ${ISO}) AS b FROM (
      SELECT ts FROM gateway_events UNION ALL SELECT ts FROM proxy_requests UNION ALL SELECT ts FROM proxy_errors UNION ALL SELECT ts FROM docker_events)`))!;

  const verdict = await decideVerdict(store, all, sources);
  const lead = all.find((f) => f.id === verdict.lead) ?? null;

  // A finer view around the lead finding (or the first timed high one) when it covers a small part of the evidence span.
  const topTimed = lead?.start ? lead : all.find((f) => f.start && (f.severity === 'high' || f.severity === 'critical'));
  let window: [string, string] | null = null;
  if (topTimed && span.a && span.b) {
    const a = Math.max(Date.parse(span.a), Date.parse(topTimed.start!) - 3_600_000);
    const b = Math.min(Date.parse(span.b), Date.parse(topTimed.end ?? topTimed.start!) + 3_600_000);
    // a finding dated outside the logs' span has no window inside it: the whole-case view is all there is
    if (b > a && (b - a) * 3 < Date.parse(span.b) - Date.parse(span.a)) window = [new Date(a).toISOString(), new Date(b).toISOString()];
  }
  // the two views are read at the same time, the finer one on a second connection (both done before it closes)
  const views: Array<[string, string] | null> = [span.a && span.b ? [span.a, span.b] : null, window];
  const other = window ? await store.connect() : null;
  let timeline: Timeline;
  let focus: CaseReport['timeline_focus'] = null;
  try {
    const [w, f] = await inLanes(other ? [store, other] : [store], views, async (lane, v) => (v ? buildTimeline(lane, v[0], v[1], all) : null));
    timeline = w ?? { from: null, bucket_s: 3600, buckets: 0, lanes: [], samples: {} };
    if (f) focus = { ...f, around: topTimed!.id };
  } finally {
    other?.close();
  }
  const moments = keyMoments(focus ?? timeline, lead);

  // the findings shown (and their kin groups), each with its citations grouped by source
  const shown = all.slice(0, MAX_FINDINGS);
  const kinOf = new Map<string, Finding[]>();
  for (const f of shown) {
    const k = `${f.query_id}:${f.severity}`;
    kinOf.set(k, [...(kinOf.get(k) ?? []), f]);
  }
  const titles = new Map(queries.map((q) => [q.query_id, q.title]));
  const kin: FindingKin[] = [...kinOf.entries()].filter(([, fs]) => fs.length >= KIN_MIN)
    .map(([key, fs]) => ({ key, query_id: fs[0].query_id, title: titles.get(fs[0].query_id) ?? fs[0].query_id, severity: fs[0].severity, count: fs.length, ids: fs.map((f) => f.id) }));
  const kinKey = new Map(kin.flatMap((k) => k.ids.map((id) => [id, k.key])));

  // source paths for citations given by source id, and each cited commit's id in the user's own repository
  const pathOf = new Map(sources.map((s) => [s.source_id, s.path]));
  const originals = new Map((await store.all<{ sha: string; original_sha: string }>('SELECT sha, original_sha FROM commit_map')).map((r) => [r.sha, r.original_sha]));
  const everyCite = [...all.flatMap((f) => [...f.evidence, ...(f.fix?.evidence ?? [])]), ...moments.map((m) => m.cite),
    ...[...timeline.lanes, ...(focus?.lanes ?? [])].flatMap((l) => (l.points ?? []).map((p) => p.cite))];
  for (const c of everyCite) {
    if (!c) continue;
    if (!c.path && c.source_id !== undefined && c.source_id !== null) c.path = pathOf.get(Number(c.source_id));
    if (c.sha && originals.has(c.sha)) c.original_sha = originals.get(c.sha);
  }
  const findings: ReportFinding[] = shown.map((f) => ({ ...f, groups: groupCitations(f.evidence, labelOf), fix_groups: groupCitations(f.fix?.evidence ?? [], labelOf),
    kin: kinKey.get(f.id) ?? null }));
  const commits = await commitInfo(store, everyCite.filter((c): c is Citation => !!c?.sha).map((c) => c.sha!), originals);

  const budget = all.filter((f) => f.group === 'cost').map((f) => ({ start: f.start, end: f.end, ...f.details }));
  // Raw lines, most important first: the lead's evidence and fix, key moments, the other findings, timeline samples.
  const wanted: Citation[] = [...(lead ? [...lead.evidence, ...(lead.fix?.evidence ?? [])] : []), ...moments.flatMap((m) => (m.cite ? [m.cite] : [])),
    ...findings.flatMap((f) => [...f.evidence, ...(f.fix?.evidence ?? [])]), ...Object.values(focus?.samples ?? {}).flat(), ...Object.values(timeline.samples).flat()];
  const t0 = performance.now();
  const { lines, omitted } = await readCitedLines(store, wanted, MAX_LINES);
  if (process.env.CLAWTRAIL_PROFILE === '1') process.stderr.write(`[report] cited lines: ${Object.keys(lines).length} in ${(performance.now() - t0).toFixed(0)} ms\n`);

  const partial = sources.some((s) => !['ok', 'duplicate', 'empty'].includes(s.status));
  const times = lead && verdict.status === 'incident' ? await incidentTimes(store, lead) : null;
  const rc = times?.first_response?.cite;
  if (rc && rc.source_id !== undefined) rc.path = pathOf.get(rc.source_id);
  return {
    schema: 'clawtrail.report/2', tool: { name: 'clawtrail', version: meta.version }, generated_at: meta.generatedAt ?? generatedAt(),
    command_line: meta.commandLine, db: meta.db, span: { from: span.a, to: span.b }, verdict: { ...verdict, times }, findings, kin, queries, query_phase, sources,
    rejects: { total: rejTotal, shown: rejShown }, timeline, timeline_focus: focus, moments, budget, commits, lines,
    omitted: { findings: all.length - findings.length, lines: omitted, notes: [] }, partial,
  };
}

/** The report's clock: SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) pins it, for golden files. */
function generatedAt(): string {
  const pinned = process.env.SOURCE_DATE_EPOCH;
  return pinned && /^\d+$/.test(pinned) ? new Date(Number(pinned) * 1000).toISOString() : new Date().toISOString();
}

/** Tables whose rows are evidence about an OpenClaw deployment; a case with none of them read no evidence at all
 *  (an empty folder, a wrong path, a folder of unrelated files) — never a clean bill of health. */
const EVIDENCE = `SELECT (SELECT count(*) FROM gateway_events) + (SELECT count(*) FROM proxy_requests) + (SELECT count(*) FROM proxy_errors)
  + (SELECT count(*) FROM docker_events) + (SELECT count(*) FROM containers) + (SELECT count(*) FROM config_audit) + (SELECT count(*) FROM devices)
  + (SELECT count(*) FROM config_values WHERE surface IN ('openclaw.json', '.env', 'compose', 'container-env')) AS n`;

async function decideVerdict(store: Store, all: Finding[], sources: SourceRow[]): Promise<Omit<CaseReport['verdict'], 'times'>> {
  const evidence = num((await store.one<{ n: string }>(EVIDENCE))!.n);
  const top = all.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const medium = all.filter((f) => f.severity === 'medium');
  // the lead is a cause or config problem; symptoms, costs and coverage notes are shown elsewhere
  const causes = (top.length ? top : medium).filter((f) => f.group === 'cause' || f.group === 'config');
  const lead = causes[0] ?? top[0] ?? medium[0] ?? null;
  const todo: { action: string; from: string }[] = [];
  for (const f of [lead, ...causes.slice(1), ...top, ...medium]) {
    if (f?.remediation && !todo.some((t) => t.action === f.remediation)) todo.push({ action: f.remediation, from: f.query_id });
  }
  const also = causes.filter((f) => f !== lead).slice(0, 4).map((f) => f.id);
  const read = sources.filter((s) => s.status !== 'error' && s.status !== 'duplicate');
  if (evidence === 0) {
    return { status: 'no-evidence', lead: null, also: [], todo: [],
      headline: read.length
        ? `No evidence: none of the ${read.length} file(s) read is a gateway, proxy or docker log, an OpenClaw config or its history — nothing to judge (see Evidence coverage).`
        : 'No evidence: nothing was read (no file, or none readable) — nothing to judge.' };
  }
  if (top.length) return { status: 'incident', lead: lead!.id, also, todo: todo.slice(0, 4), headline: lead!.headline ?? lead!.statement };
  if (medium.length) {
    return { status: 'attention', lead: lead!.id, also, todo: todo.slice(0, 4),
      headline: `No incident: ${medium.length} finding(s) of medium severity to review${lead!.headline ? ` — ${lead!.headline}` : ''}.` };
  }
  return { status: 'clean', lead: null, also: [], todo: [], headline: `No incident: no finding of medium severity or above in ${read.length} source(s).` };
}

/** When the change landed, users were first and last hurt, the first response, the fix — and the times between. */
async function incidentTimes(store: Store, lead: Finding): Promise<IncidentTimes> {
  const impactStart = lead.impact?.first_at ?? lead.start;
  const impactEnd = lead.impact?.last_at ?? lead.end;
  // the first thing a person did after the impact began: a commit, a container action, a config write, a pairing approval
  const resp = impactStart ? await store.one<{ t: string; what: string; s: number | null; l: number | null; sha: string | null }>(`
      SELECT strftime(ts, ${ISO}) AS t, what, s, l, sha FROM (
        SELECT committer_time AS ts, 'commit ' || sha[1:7] || ' "' || subject || '" by ' || author AS what, NULL::INTEGER AS s, NULL::BIGINT AS l, sha FROM commits
        UNION ALL SELECT ts, 'docker ' || action || coalesce(': ' || action_detail, '') || ' (' || coalesce(service, name, actor_id[1:12]) || ')', source_id, line_no, NULL
          FROM docker_events WHERE type = 'container' AND action IN ('exec_start', 'restart', 'kill', 'stop', 'create', 'destroy')
        UNION ALL SELECT ts, 'config write (' || coalesce(event, '') || ')', source_id, line_no, NULL FROM config_audit
        UNION ALL SELECT ts, 'pairing approved', source_id, line_no, NULL FROM gateway_events WHERE event IN ('pairing-approved')
      ) WHERE ts > TIMESTAMPTZ '${impactStart}' AND ts <= TIMESTAMPTZ '${impactEnd ?? impactStart}' + INTERVAL 1 HOUR ORDER BY ts LIMIT 1`) : undefined;
  const first_response = resp ? { t: resp.t, what: resp.what, cite: resp.sha ? { sha: resp.sha } : resp.s !== null ? { source_id: Number(resp.s), line: Number(resp.l) } : undefined } : null;
  const mitigated = lead.fix?.at ?? null;
  return {
    impact_start: impactStart, first_response, mitigated, impact_end: impactEnd,
    to_detect_s: secondsBetween(impactStart, first_response?.t), to_mitigate_s: secondsBetween(impactStart, mitigated), to_resolve_s: secondsBetween(impactStart, impactEnd),
  };
}

/** The moments of the incident: the timeline's points inside the lead's window (from an hour before its start to
 *  half an hour after its end), repeats in one second dropped, with the lead's own start, end and fix. */
function keyMoments(t: Timeline, lead: Finding | null): Moment[] {
  const pts = t.lanes.flatMap((l) => (l.points ?? []).map((p) => ({ t: p.t, label: p.label, lane: l.label, cite: p.cite })));
  if (lead?.start) {
    pts.push({ t: lead.impact?.first_at ?? lead.start, label: 'first failure', lane: 'Findings', cite: lead.impact?.first_cite ?? undefined });
    if (lead.end) pts.push({ t: lead.impact?.last_at ?? lead.end, label: 'last failure', lane: 'Findings', cite: lead.impact?.last_cite ?? undefined });
    if (lead.fix?.at) pts.push({ t: lead.fix.at, label: `fix took effect (${lead.fix.statement.slice(0, 80)}${lead.fix.statement.length > 80 ? '…' : ''})`, lane: 'Findings', cite: lead.fix.evidence[lead.fix.evidence.length - 1] });
  }
  const from = lead?.start ? Date.parse(lead.start) - 3_600_000 : -Infinity;
  const to = lead?.start ? Date.parse(lead.fix?.at ?? lead.end ?? lead.start) + 1_800_000 : Infinity;
  const seen = new Set<string>();
  return pts.filter((p) => Date.parse(p.t) >= from && Date.parse(p.t) <= to)
    .sort((a, b) => Date.parse(a.t) - Date.parse(b.t) || a.label.localeCompare(b.label))
    .filter((p) => {
      const k = `${p.t.slice(0, 19)}|${p.label.replace(/\d+/g, '#')}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }).slice(0, 40);
}

/** Each cited commit with its config-value diff (secrets as shape and fingerprint, never a value) and files. */
async function commitInfo(store: Store, shas: string[], originals: Map<string, string>): Promise<Record<string, CommitInfo>> {
  const wanted = [...new Set(shas)].slice(0, 200);
  if (!wanted.length) return {};
  const list = wanted.map((s) => `'${s.replace(/'/g, "''")}'`).join(',');
  const heads = await store.all<Record<string, string | null>>(`SELECT sha, any_value(author) AS author, strftime(any_value(committer_time), ${ISO}) AS t, any_value(subject) AS subject
      FROM commits WHERE sha IN (${list}) GROUP BY sha ORDER BY sha`);
  const files = await store.all<Record<string, string | null>>(`SELECT DISTINCT sha, path, status, added::INTEGER AS added, removed::INTEGER AS removed
      FROM commit_files WHERE sha IN (${list}) ORDER BY sha, path`);
  const changes = await store.all<Record<string, string | null>>(`SELECT commit_sha AS sha, path, key,
      CASE WHEN old_shape IS NOT NULL AND old_value LIKE 'hmac:%' THEN old_shape || ' ' || old_value[1:17] || '…' ELSE old_value END AS old,
      CASE WHEN new_shape IS NOT NULL AND new_value LIKE 'hmac:%' THEN new_shape || ' ' || new_value[1:17] || '…' ELSE new_value END AS new
      FROM config_changes WHERE commit_sha IN (${list}) AND NOT first_seen ORDER BY path, key, commit_sha LIMIT 2000`);
  const out: Record<string, CommitInfo> = {};
  for (const h of heads) {
    const sha = h.sha!;
    out[sha] = { sha, original_sha: originals.get(sha) ?? null, author: h.author, time: h.t, subject: h.subject,
      files: files.filter((f) => f.sha === sha).map((f) => ({ path: f.path!, status: f.status, added: f.added === null ? null : Number(f.added), removed: f.removed === null ? null : Number(f.removed) })),
      changes: changes.filter((c) => c.sha === sha).slice(0, 50).map((c) => ({ path: c.path, key: c.key!, old: c.old, new: c.new })) };
  }
  return out;
}

async function buildTimeline(store: Store, from: string, to: string, findings: Finding[]): Promise<Timeline> {
  const spanS = Math.max(60, (Date.parse(to) - Date.parse(from)) / 1000);
  const bucket = BUCKETS.find((b) => spanS / b <= 240) ?? 86400;
  const start = Math.floor(Date.parse(from) / 1000 / bucket) * bucket;
  // never fewer than one bucket, never more than the span allows (a bad instant must not make a huge or negative array)
  const n = Math.min(Math.max(1, Math.floor((Date.parse(to) / 1000 - start) / bucket) + 1), Math.ceil(spanS / bucket) + 2);
  const idx = `((epoch(ts) - ${start}) // ${bucket})::INTEGER`;
  const inRange = `ts >= TIMESTAMPTZ '${new Date(start * 1000).toISOString()}' AND ts < TIMESTAMPTZ '${new Date((start + n * bucket) * 1000).toISOString()}'`;
  const series = async (sql: string): Promise<{ name: string; counts: number[] }[]> => {
    const rows = await store.all<{ name: string; i: number; n: string }>(sql);
    const by = new Map<string, number[]>();
    for (const r of rows) {
      if (!by.has(r.name)) by.set(r.name, new Array(n).fill(0));
      const i = Number(r.i);
      if (i >= 0 && i < n) by.get(r.name)![i] = Number(r.n);
    }
    return [...by.entries()].map(([name, counts]) => ({ name, counts }));
  };
  const closes = await series(`SELECT close_class(code) AS name, ${idx} AS i, count(*) AS n FROM ws_close_classified(5)
      WHERE code IS NOT NULL AND ts IS NOT NULL AND ${inRange} GROUP BY ALL ORDER BY name`);
  const proxy = await series(`SELECT CASE WHEN status = 101 THEN '101 (WS closed)' ELSE (status // 100) || 'xx' END AS name, ${idx} AS i, count(*) AS n
      FROM proxy_requests WHERE ts IS NOT NULL AND ${inRange} GROUP BY ALL
      UNION ALL SELECT 'error log: ' || kind, ${idx}, count(*) FROM proxy_errors WHERE ts IS NOT NULL AND ${inRange} AND kind NOT IN ('other', 'start') GROUP BY ALL ORDER BY 1`);
  const gens = await store.all<Record<string, string | null>>(`SELECT service, container_id, strftime(started, ${ISO}) AS f,
      strftime(coalesce(destroyed, last_die), ${ISO}) AS t FROM container_generations WHERE started IS NOT NULL ORDER BY started, container_id LIMIT 300`);
  const dockerPts = await store.all<Record<string, string>>(`SELECT strftime(ts, ${ISO}) AS t, action || coalesce(': ' || action_detail, '') || ' ' || coalesce(service, name, actor_id[1:12])
      || coalesce(' exit ' || exit_code, '') AS label, action AS kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM docker_events WHERE (action IN ('create', 'destroy', 'die', 'restart', 'kill') OR (action = 'exec_start' AND regexp_matches(coalesce(action_detail, ''), 'reload'))) AND ${inRange}
      ORDER BY ts, source_id, line_no LIMIT 500`);
  const commits = await store.all<Record<string, string>>(`SELECT strftime(committer_time, ${ISO}) AS t, sha, sha[1:7] || ' ' || author || ': ' || subject AS label
      FROM commits ORDER BY committer_time, sha LIMIT 500`);
  const tokens = await store.all<Record<string, string>>(`SELECT strftime(valid_from, ${ISO}) AS t, surface || ' ' || key || ': ' || coalesce(old_shape, '∅') || ' → ' || coalesce(new_shape, '∅') AS label,
      commit_sha, path, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM config_changes WHERE (key LIKE '%OPENCLAW_GATEWAY_TOKEN' OR key IN ('gateway.auth.token', 'gateway.remote.token')) AND valid_from IS NOT NULL ORDER BY valid_from, surface, key, path, source_id, line_no LIMIT 500`);
  const errPts = await store.all<Record<string, string>>(`SELECT strftime(ts, ${ISO}) AS t, kind || ': ' || left(message, 120) AS label, kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM proxy_errors WHERE kind IN ('reload', 'signal', 'shutdown') AND ${inRange} ORDER BY ts, source_id, line_no LIMIT 200`);
  const gwPts = await store.all<Record<string, string>>(`SELECT strftime(ts, ${ISO}) AS t, event || ': ' || left(message, 120) AS label, event AS kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM gateway_events WHERE event IN ('signal', 'ready', 'listening', 'reload-detected', 'restart-required', 'fatal-start', 'pairing-approved', 'config-from-newer-version')
      AND ts IS NOT NULL AND ${inRange} ORDER BY ts, source_id, line_no LIMIT 300`);
  // Up to 3 evidence lines per bucket of the close and proxy lanes, for the click-through.
  const samples: Record<string, Citation[]> = {};
  const sampleRows = await store.all<{ lane: string; i: number; s: number; l: number; note: string }>(`
      SELECT lane, i, e.s::INTEGER AS s, e.l::INTEGER AS l, e.note AS note FROM (
        SELECT 'closes' AS lane, ${idx} AS i, arg_min({'s': source_id, 'l': line_no, 'note': close_class(code)}, (ts, source_id, line_no), 3) AS ev
        FROM ws_close_classified(5) WHERE code IS NOT NULL AND ts IS NOT NULL AND ${inRange} GROUP BY ALL
        UNION ALL
        SELECT 'proxy', ${idx}, arg_max({'s': source_id, 'l': line_no, 'note': proxy || ' ' || status}, (status, -epoch(ts), -source_id, -line_no), 3)
        FROM proxy_requests WHERE ts IS NOT NULL AND ${inRange} GROUP BY ALL), unnest(ev) AS t(e) ORDER BY lane, i, s, l`);
  for (const r of sampleRows) (samples[`${r.lane}:${r.i}`] ??= []).push({ source_id: Number(r.s), line: Number(r.l), note: r.note });
  const cite = (r: Record<string, string | number | null>): Citation | undefined =>
    r.s !== null && r.s !== undefined ? { source_id: Number(r.s), line: Number(r.l) } : r.commit_sha ? { sha: String(r.commit_sha), path: String(r.path ?? '') } : undefined;
  const lanes: Lane[] = [
    { id: 'closes', label: 'WebSocket closes by code', series: closes },
    { id: 'proxy', label: 'Proxy status and error log', series: proxy, points: errPts.map((r) => ({ t: r.t, label: r.label, kind: r.kind, cite: cite(r) })) },
    { id: 'gateway', label: 'Gateway lifecycle', points: gwPts.map((r) => ({ t: r.t, label: r.label, kind: r.kind, cite: cite(r) })) },
    { id: 'containers', label: 'Container generations', intervals: gens.map((g) => ({ from: g.f!, to: g.t, label: `${g.service} ${String(g.container_id).slice(0, 12)}`, kind: 'generation' })),
      points: dockerPts.map((r) => ({ t: r.t, label: r.label, kind: r.kind, cite: cite(r) })) },
    { id: 'commits', label: 'Config commits', points: commits.map((r) => ({ t: r.t, label: r.label, kind: 'commit', cite: { sha: r.sha } })) },
    { id: 'tokens', label: 'Token surface changes', points: tokens.map((r) => ({ t: r.t, label: r.label, kind: 'token', cite: cite(r) })) },
    // drawn lowest severity first, so that the most severe finding is on top where intervals overlap
    { id: 'findings', label: 'Findings', intervals: findings.filter((f) => f.start && f.severity !== 'info').slice(0, 100).reverse()
      .map((f) => ({ from: f.start!, to: f.end, label: `${f.severity}: ${(f.headline ?? f.statement).slice(0, 140)}`, kind: f.severity })) },
  ];
  return { from: new Date(start * 1000).toISOString(), bucket_s: bucket, buckets: n, lanes, samples };
}
