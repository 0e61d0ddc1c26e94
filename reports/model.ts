// The report data: one object built from the case database, which the HTML, Markdown, JSON and SARIF renderers
// all read (GoAccess's one-JSON-blob idea). Everything in it comes from the evidence and carries its citation.
import type { Store } from '../case/store.js';
import type { Citation, Finding, Group } from '../case/finding.js';
import { readCitedLines } from './citations.js';

export type { Citation, Finding };
/** A query as the case's query_catalog describes it (for SARIF rules). */
export interface QueryInfo { query_id: string; title: string; group: Group; severity: string; sarif: boolean; answers: string }
export interface SourceRow {
  source_id: number; path: string; kind: string; format: string; sha256: string | null; bytes: number | null; total_lines: number;
  parsed_lines: number; rejected_lines: number; first_ts: string | null; last_ts: string | null; tz: string | null; status: string; note: string | null;
}
export interface Lane {
  id: string; label: string;
  series?: { name: string; counts: number[] }[];
  points?: { t: string; label: string; kind: string; cite?: Citation }[];
  intervals?: { from: string; to: string | null; label: string; kind: string }[];
}
export interface Timeline { from: string | null; bucket_s: number; buckets: number; lanes: Lane[]; samples: Record<string, Citation[]> }

export interface CaseReport {
  schema: 'clawtrail.report/1';
  tool: { name: 'clawtrail'; version: string };
  generated_at: string;
  command_line: string;
  db: string;
  span: { from: string | null; to: string | null };
  verdict: { status: 'incident' | 'attention' | 'clean'; headline: string; causes: Finding[] };
  findings: Finding[];
  queries: QueryInfo[];
  sources: SourceRow[];
  rejects: { total: number; shown: { path: string; line: number; reason: string; raw: string | null }[] };
  timeline: Timeline;
  timeline_focus: (Timeline & { around: string }) | null;   // finer view around the top finding, when it is much shorter than the case
  budget: Record<string, unknown>[];
  lines: Record<string, string>;      // "path:line" → the raw line (redacted), for every citation shown
  omitted: { findings: number; lines: number };
  partial: boolean;
}

export const MAX_FINDINGS = 200;
export const MAX_LINES = 3000;
const BUCKETS = [60, 300, 900, 3600, 6 * 3600, 86400];

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function buildReport(store: Store, meta: { version: string; commandLine: string; db: string; generatedAt?: string }): Promise<CaseReport> {
  await store.refreshDerived();
  const fRows = await store.all<Record<string, string>>(`SELECT finding_id, query_id, query_group, severity, rank::INTEGER AS rank,
      strftime(start_ts, '%Y-%m-%dT%H:%M:%SZ') AS s, strftime(end_ts, '%Y-%m-%dT%H:%M:%SZ') AS e, statement, confidence::DOUBLE AS confidence, remediation, evidence, details
    FROM findings ORDER BY rank`);
  const all: Finding[] = fRows.map((r) => ({
    id: r.finding_id, query_id: r.query_id, group: r.query_group as Group, severity: r.severity, rank: num(r.rank), start: r.s ?? null, end: r.e ?? null,
    statement: r.statement, confidence: r.confidence === null ? null : Number(r.confidence), remediation: r.remediation ?? null,
    evidence: JSON.parse(r.evidence ?? '[]') as Citation[], details: JSON.parse(r.details ?? '{}'),
  }));
  const queries = (await store.all<Record<string, string | boolean>>(`SELECT query_id, title, query_group, severity, sarif, answers FROM query_catalog ORDER BY query_id`))
    .map((q) => ({ query_id: String(q.query_id), title: String(q.title), group: q.query_group as Group, severity: String(q.severity), sarif: q.sarif === true, answers: String(q.answers) }));
  const findings = all.slice(0, MAX_FINDINGS);
  const sources = (await store.all<Record<string, unknown>>(`SELECT source_id::INTEGER AS source_id, path, kind, format, sha256, bytes::BIGINT::DOUBLE AS bytes,
      coalesce(total_lines, 0)::DOUBLE AS total_lines, coalesce(parsed_lines, 0)::DOUBLE AS parsed_lines, coalesce(rejected_lines, 0)::DOUBLE AS rejected_lines,
      strftime(first_ts, '%Y-%m-%dT%H:%M:%SZ') AS first_ts, strftime(last_ts, '%Y-%m-%dT%H:%M:%SZ') AS last_ts, tz, status, note FROM sources ORDER BY source_id`))
    .map((r) => ({ ...r, source_id: num(r.source_id), bytes: r.bytes === null ? null : num(r.bytes), total_lines: num(r.total_lines), parsed_lines: num(r.parsed_lines), rejected_lines: num(r.rejected_lines) }) as SourceRow);
  const rejTotal = num((await store.one<{ n: string }>('SELECT count(*) AS n FROM rejects'))!.n);
  const rejShown = (await store.all<Record<string, unknown>>(`SELECT s.path, r.line_no::INTEGER AS line, r.reason, r.raw FROM rejects r JOIN sources s USING (source_id)
      ORDER BY r.source_id, r.line_no LIMIT 200`)).map((r) => ({ path: String(r.path), line: num(r.line), reason: String(r.reason), raw: r.raw === null ? null : String(r.raw) }));

  // Time span of the log evidence (commits far in the past do not stretch it).
  const span = (await store.one<{ a: string | null; b: string | null }>(`SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS a, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS b FROM (
      SELECT ts FROM gateway_events UNION ALL SELECT ts FROM proxy_requests UNION ALL SELECT ts FROM proxy_errors UNION ALL SELECT ts FROM docker_events)`))!;
  const timeline = span.a && span.b ? await buildTimeline(store, span.a, span.b, all) : { from: null, bucket_s: 3600, buckets: 0, lanes: [], samples: {} };
  // A finer view around the top finding when it covers a small part of the evidence span.
  const topTimed = all.find((f) => f.start && (f.severity === 'high' || f.severity === 'critical'));
  let focus: CaseReport['timeline_focus'] = null;
  if (topTimed && span.a && span.b) {
    const a = Math.max(Date.parse(span.a), Date.parse(topTimed.start!) - 3_600_000);
    const b = Math.min(Date.parse(span.b), Date.parse(topTimed.end ?? topTimed.start!) + 3_600_000);
    if ((b - a) * 3 < Date.parse(span.b) - Date.parse(span.a)) {
      focus = { ...(await buildTimeline(store, new Date(a).toISOString(), new Date(b).toISOString(), all)), around: topTimed.id };
    }
  }

  // a history rewritten by collect: each cited commit also gets the id it has in the user's own repository
  const originals = new Map((await store.all<{ sha: string; original_sha: string }>('SELECT sha, original_sha FROM commit_map')).map((r) => [r.sha, r.original_sha]));
  if (originals.size) {
    const lanes = [...timeline.lanes, ...(focus?.lanes ?? [])];
    for (const c of [...all.flatMap((f) => f.evidence), ...lanes.flatMap((l) => (l.points ?? []).map((p) => p.cite))]) {
      if (c?.sha && originals.has(c.sha)) c.original_sha = originals.get(c.sha);
    }
  }

  const budget = all.filter((f) => f.group === 'cost').map((f) => ({ start: f.start, end: f.end, statement: f.statement, ...f.details }));
  // Raw lines for every citation shown (findings and timeline samples), capped.
  const wanted: Citation[] = [...findings.flatMap((f) => f.evidence), ...Object.values(focus?.samples ?? {}).flat(), ...Object.values(timeline.samples).flat()];
  const t0 = performance.now();
  const { lines, omitted } = await readCitedLines(store, wanted, MAX_LINES);
  if (process.env.CLAWTRAIL_PROFILE === '1') process.stderr.write(`[report] cited lines: ${Object.keys(lines).length} in ${(performance.now() - t0).toFixed(0)} ms\n`);

  const top = all.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const medium = all.filter((f) => f.severity === 'medium');
  const partial = sources.some((s) => !['ok', 'duplicate', 'empty'].includes(s.status));
  // the verdict is built from causes and config problems; symptoms, costs and coverage notes are shown elsewhere
  const causes = (top.length ? top : medium).filter((f) => f.group === 'cause' || f.group === 'config').slice(0, 5);
  const verdict = top.length
    ? { status: 'incident' as const, headline: causes[0]?.statement ?? top[0].statement, causes }
    : medium.length
      ? { status: 'attention' as const, headline: `No high-severity finding; ${medium.length} finding(s) of medium severity to review.`, causes }
      : { status: 'clean' as const, headline: 'No finding of medium severity or above in the evidence.', causes: [] };
  return {
    schema: 'clawtrail.report/1', tool: { name: 'clawtrail', version: meta.version }, generated_at: meta.generatedAt ?? new Date().toISOString(),
    command_line: meta.commandLine, db: meta.db, span: { from: span.a, to: span.b }, verdict, findings, queries, sources,
    rejects: { total: rejTotal, shown: rejShown }, timeline, timeline_focus: focus, budget, lines, omitted: { findings: all.length - findings.length, lines: omitted }, partial,
  };
}

async function buildTimeline(store: Store, from: string, to: string, findings: Finding[]): Promise<Timeline> {
  const spanS = Math.max(60, (Date.parse(to) - Date.parse(from)) / 1000);
  const bucket = BUCKETS.find((b) => spanS / b <= 240) ?? 86400;
  const start = Math.floor(Date.parse(from) / 1000 / bucket) * bucket;
  const n = Math.floor((Date.parse(to) / 1000 - start) / bucket) + 1;
  const idx = `((epoch(ts) - ${start}) // ${bucket})::INTEGER`;
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
      WHERE code IS NOT NULL AND ts IS NOT NULL GROUP BY ALL ORDER BY name`);
  const proxy = await series(`SELECT CASE WHEN status = 101 THEN '101 (WS closed)' ELSE (status // 100) || 'xx' END AS name, ${idx} AS i, count(*) AS n
      FROM proxy_requests WHERE ts IS NOT NULL GROUP BY ALL
      UNION ALL SELECT 'error log: ' || kind, ${idx}, count(*) FROM proxy_errors WHERE ts IS NOT NULL AND kind NOT IN ('other', 'start') GROUP BY ALL ORDER BY 1`);
  const gens = await store.all<Record<string, string | null>>(`SELECT service, container_id, strftime(started, '%Y-%m-%dT%H:%M:%SZ') AS f,
      strftime(coalesce(destroyed, last_die), '%Y-%m-%dT%H:%M:%SZ') AS t FROM container_generations WHERE started IS NOT NULL ORDER BY started`);
  const dockerPts = await store.all<Record<string, string>>(`SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS t, action || coalesce(': ' || action_detail, '') || ' ' || coalesce(service, name, actor_id[1:12])
      || coalesce(' exit ' || exit_code, '') AS label, action AS kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM docker_events WHERE action IN ('create', 'destroy', 'die', 'restart', 'kill') OR (action = 'exec_start' AND regexp_matches(coalesce(action_detail, ''), 'reload'))
      ORDER BY ts LIMIT 500`);
  const commits = await store.all<Record<string, string>>(`SELECT strftime(committer_time, '%Y-%m-%dT%H:%M:%SZ') AS t, sha, sha[1:8] || ' ' || author || ': ' || subject AS label
      FROM commits ORDER BY committer_time LIMIT 500`);
  const tokens = await store.all<Record<string, string>>(`SELECT strftime(valid_from, '%Y-%m-%dT%H:%M:%SZ') AS t, surface || ' ' || key || ': ' || coalesce(old_shape, '∅') || ' → ' || coalesce(new_shape, '∅') AS label,
      commit_sha, path, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM config_changes WHERE (key LIKE '%OPENCLAW_GATEWAY_TOKEN' OR key IN ('gateway.auth.token', 'gateway.remote.token')) AND valid_from IS NOT NULL ORDER BY valid_from LIMIT 500`);
  const errPts = await store.all<Record<string, string>>(`SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS t, kind || ': ' || left(message, 120) AS label, kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM proxy_errors WHERE kind IN ('reload', 'signal', 'shutdown') ORDER BY ts LIMIT 200`);
  const gwPts = await store.all<Record<string, string>>(`SELECT strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS t, event || ': ' || left(message, 120) AS label, event AS kind, source_id::INTEGER AS s, line_no::INTEGER AS l
      FROM gateway_events WHERE event IN ('signal', 'ready', 'listening', 'reload-detected', 'restart-required', 'fatal-start', 'pairing-approved', 'config-from-newer-version')
      AND ts IS NOT NULL ORDER BY ts LIMIT 300`);
  // Up to 3 evidence lines per bucket of the close and proxy lanes, for the click-through.
  const samples: Record<string, Citation[]> = {};
  const sampleRows = await store.all<{ lane: string; i: number; s: number; l: number; note: string }>(`
      SELECT lane, i, e.s::INTEGER AS s, e.l::INTEGER AS l, e.note AS note FROM (
        SELECT 'closes' AS lane, ${idx} AS i, arg_min({'s': source_id, 'l': line_no, 'note': close_class(code)}, ts, 3) AS ev
        FROM ws_close_classified(5) WHERE code IS NOT NULL AND ts IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT 'proxy', ${idx}, arg_max({'s': source_id, 'l': line_no, 'note': proxy || ' ' || status}, status * 1e12 - epoch(ts), 3)
        FROM proxy_requests WHERE ts IS NOT NULL GROUP BY ALL), unnest(ev) AS t(e)`);
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
      .map((f) => ({ from: f.start!, to: f.end, label: `${f.severity}: ${f.statement.slice(0, 140)}`, kind: f.severity })) },
  ];
  return { from: new Date(start * 1000).toISOString(), bucket_s: bucket, buckets: n, lanes, samples };
}

