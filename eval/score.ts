// Scoring of one analysis (findings.json, as `clawtrail analyze` writes it) against one truth (a lab recording's
// computed truth.json, or a synthetic sample's truth). Pure functions: eval.ts runs the CLI and prints; the tests
// call these directly.

export interface Finding {
  rank: number;
  query_id: string;
  severity: string;
  confidence: number | null;
  start: string | null;
  end: string | null;
  statement: string;
  evidence: Array<{ path: string | null; line: number | null; commit: string | null; original_commit?: string; note: string | null }>;
  details: Record<string, unknown>;
  mechanism?: string;
}

export interface TruthIncident {
  phase: string;
  window: { start: string; end: string };
  mechanism: string;
  component: string;
  cause: { action: string; do: string; at: string; commit?: string; message?: string };
  trigger: { action: string; do: string; at: string } | null;
  first_symptom: string | null;
  last_symptom: string | null;
  /** Lab truth: whether the clients saw the mechanism at work; an incident that never manifested is not scored. */
  manifested?: { ok: boolean; evidence: string };
}
export interface TruthLike {
  scenario?: string;
  bundle?: string;
  synthetic: boolean;
  incidents: TruthIncident[];
  quiet_windows: Array<{ phase: string; start: string; end: string }>;
}

/**
 * Until findings carry a mechanism of their own (the attribution issue), a query id stands for the mechanism
 * classes it can explain. `null`: a symptom or a description (bursts, coverage, cost), never a cause.
 */
export const QUERY_MECHANISMS: Record<string, string[] | null> = {
  'ws1006-after-proxy-release': ['proxy-idle-timeout', 'release-cut', 'upgrade-dropped'],
  'token-divergence': ['token-divergence'],
  'pairing-loss-after-recreate': ['state-loss'],
  'restart-flaps': ['config-crash-loop', 'unplanned-kill', 'upstream-down'],
  'health-and-timeouts': ['proxy-idle-timeout', 'upstream-down'],
  'security-shortcuts': ['proxy-trust'],
  'split-brain-versions': ['token-divergence'],
  'token-rotation-drills': ['benign'],
  'ws-close-bursts': null,
  'incidents-and-hours': null,
  'evidence-coverage': null,
  'handshake-latency': null,
};

/** ws1006-after-proxy-release says what explains its burst (details.explanation); an unexplained burst is a symptom. */
const WS1006_EXPLANATIONS: Record<string, string[] | null> = {
  'proxy-release': ['proxy-idle-timeout', 'release-cut', 'upgrade-dropped'],
  'gateway-restart': ['upstream-down'],
  'container-kill': ['unplanned-kill', 'upstream-down'],
  unexplained: null,
};

/** The mechanism class a finding's query gave (details.mechanism: the class, or a struct with its class and words). */
export function mechanismClass(f: Finding): string | undefined {
  const v = f.details?.mechanism;
  if (typeof v === 'string') return v;
  const c = v && typeof v === 'object' ? (v as { class?: unknown }).class : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** What a finding says the mechanism is: the class its query gave, else its own field, then the table. The finding's
 *  own `mechanism` field says in words how it broke when the query gave a class. */
export function mechanismsOf(f: Finding): string[] | null {
  const own = mechanismClass(f) ?? f.mechanism;
  if (own) return [own];
  const explanation = f.details?.explanation;
  if (f.query_id === 'ws1006-after-proxy-release' && typeof explanation === 'string' && explanation in WS1006_EXPLANATIONS) return WS1006_EXPLANATIONS[explanation];
  return QUERY_MECHANISMS[f.query_id] ?? null;
}

const HIGH = new Set(['high', 'critical']);
const ms = (iso: string) => Date.parse(iso);

/** Whether a finding's window (its start, to its end when it has one) overlaps a truth window. */
export function overlaps(f: Finding, w: { start: string; end: string }): boolean {
  if (!f.start) return false;
  const fs = ms(f.start);
  const fe = f.end ? ms(f.end) : fs;
  return fs <= ms(w.end) && fe >= ms(w.start);
}

/** Words that show a finding points at the action (when the cause is an action, not a commit). */
const ACTION_WORDS: Record<string, RegExp> = {
  'docker-kill': /\bkill|137|SIGKILL|OOM/i,
  'compose-up': /recreat|destroy|renew|anonymous volume|volume/i,
  'compose-restart': /restart/i,
  reload: /reload|SIGHUP|USR2|signal|exec_start/i,
  edit: /edit|changed/i,
};

export function citesCommit(f: Finding, sha: string, commitMap: Map<string, string>): boolean {
  const want = new Set([sha, commitMap.get(sha)].filter(Boolean).map((s) => s!.toLowerCase()));
  const matches = (c: unknown) => typeof c === 'string' && c.length >= 7 && [...want].some((w) => w.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(w));
  if (f.evidence.some((e) => matches(e.commit) || matches(e.original_commit))) return true;
  return Object.values(f.details ?? {}).some(matches);
}

export function citesAction(f: Finding, action: { do: string }): boolean {
  const re = ACTION_WORDS[action.do];
  if (!re) return false;
  return re.test(f.statement) || f.evidence.some((e) => re.test(e.note ?? ''));
}

export interface IncidentScore {
  phase: string;
  mechanism: string;
  top: { query_id: string; severity: string; start: string | null; rank: number } | null;
  mechanism_ok: boolean;
  cites_cause: boolean;
  starts_in_window: boolean;
  rated_high: boolean;
  found: boolean;            // mechanism right and the cause (commit or action) cited
  time_error_s: number | null; // |top finding's start − first client-visible symptom|
  /** false: the recording never showed the expected mechanism (truth.manifested); listed, not counted */
  scored: boolean;
  /** what the cause was judged by: the commit, the action, or the trigger when the bundle holds no git history */
  cause_basis: 'commit' | 'action' | 'trigger (no git history in the bundle)';
}
export interface QuietScore { phase: string; highs: string[]; mediums: string[]; clean: boolean }
export interface BundleScore {
  name: string;
  kind: 'lab' | 'synthetic';
  incidents: IncidentScore[];
  quiet: QuietScore[];
  highs: number;
  true_highs: number;
  false_highs: string[];
  /** highs inside the window of an incident that never manifested: neither true nor false (not counted) */
  unjudged_highs: string[];
}

/** Scores one bundle's findings against its truth. `hasGit`: whether the bundle holds the config repository's history
 *  (without it no analyzer can cite a commit, so the cause is judged by its trigger). */
export function scoreBundle(name: string, truth: TruthLike, findings: Finding[], commitMap: Map<string, string>, hasGit = true): BundleScore {
  const causal = findings.filter((f) => mechanismsOf(f) !== null).sort((a, b) => a.rank - b.rank);
  const incidents: IncidentScore[] = truth.incidents.map((inc) => {
    const top = causal.find((f) => overlaps(f, inc.window)) ?? null;
    const mechs = top ? mechanismsOf(top) ?? [] : [];
    const mechanismOk = !!top && mechs.includes(inc.mechanism);
    const basis: IncidentScore['cause_basis'] = !inc.cause.commit ? 'action' : hasGit || !inc.trigger ? 'commit' : 'trigger (no git history in the bundle)';
    const cites = !!top && (basis === 'commit' ? citesCommit(top, inc.cause.commit!, commitMap) : citesAction(top, basis === 'action' ? inc.cause : inc.trigger!));
    const startsIn = !!top?.start && ms(top.start) >= ms(inc.window.start) && ms(top.start) <= ms(inc.window.end);
    return {
      phase: inc.phase,
      mechanism: inc.mechanism,
      top: top ? { query_id: top.query_id, severity: top.severity, start: top.start, rank: top.rank } : null,
      mechanism_ok: mechanismOk,
      cites_cause: cites,
      starts_in_window: startsIn,
      rated_high: !!top && HIGH.has(top.severity),
      found: mechanismOk && cites,
      time_error_s: top?.start && inc.first_symptom ? Math.abs(ms(top.start) - ms(inc.first_symptom)) / 1000 : null,
      scored: inc.manifested?.ok !== false,
      cause_basis: basis,
    };
  });
  // A high finding is true when it overlaps an incident whose mechanism it can stand for.
  // A high inside the window of an incident that never manifested is not judged: what happened there has no truth.
  const isTrue = (f: Finding) => truth.incidents.some((inc) => inc.manifested?.ok !== false && overlaps(f, inc.window) && (mechanismsOf(f) ?? []).includes(inc.mechanism));
  const unjudged = (f: Finding) => !isTrue(f) && truth.incidents.some((inc) => inc.manifested?.ok === false && overlaps(f, inc.window));
  const allHighs = findings.filter((f) => HIGH.has(f.severity));
  const highs = allHighs.filter((f) => !unjudged(f));
  const falseHighs = highs.filter((f) => !isTrue(f));
  const startsIn = (f: Finding, w: { start: string; end: string }) => !!f.start && ms(f.start) >= ms(w.start) && ms(f.start) <= ms(w.end);
  const quiet = truth.quiet_windows.map((w) => {
    const inside = findings.filter((f) => startsIn(f, w));
    const hi = inside.filter((f) => HIGH.has(f.severity)).map((f) => f.query_id);
    return { phase: w.phase, highs: hi, mediums: inside.filter((f) => f.severity === 'medium').map((f) => f.query_id), clean: hi.length === 0 };
  });
  return {
    name,
    kind: truth.synthetic ? 'synthetic' : 'lab',
    incidents,
    quiet,
    highs: highs.length,
    true_highs: highs.length - falseHighs.length,
    false_highs: falseHighs.map((f) => `${f.query_id}@${f.start ?? 'no time'}`),
    unjudged_highs: allHighs.filter(unjudged).map((f) => `${f.query_id}@${f.start ?? 'no time'}`),
  };
}

export interface Totals {
  bundles: number;
  incidents: number;
  /** incidents a recording never showed (listed in the table, left out of every other count) */
  not_manifested: number;
  found: number;
  mechanism_ok: number;
  cites_cause: number;
  starts_in_window: number;
  rated_high: number;
  recall: number;
  precision: number | null;
  highs: number;
  false_highs: number;
  quiet_windows: number;
  quiet_clean: number;
  median_time_error_s: number | null;
}

export function totals(scores: BundleScore[]): Totals {
  const all = scores.flatMap((s) => s.incidents);
  const inc = all.filter((i) => i.scored);
  const count = (k: keyof IncidentScore) => inc.filter((i) => i[k] === true).length;
  const highs = scores.reduce((a, s) => a + s.highs, 0);
  const trueHighs = scores.reduce((a, s) => a + s.true_highs, 0);
  const errs = inc.filter((i) => i.mechanism_ok && i.time_error_s !== null).map((i) => i.time_error_s!).sort((a, b) => a - b);
  const median = errs.length ? (errs.length % 2 ? errs[(errs.length - 1) / 2] : (errs[errs.length / 2 - 1] + errs[errs.length / 2]) / 2) : null;
  const quiet = scores.flatMap((s) => s.quiet);
  return {
    bundles: scores.length,
    incidents: inc.length,
    not_manifested: all.length - inc.length,
    found: count('found'),
    mechanism_ok: count('mechanism_ok'),
    cites_cause: count('cites_cause'),
    starts_in_window: count('starts_in_window'),
    rated_high: count('rated_high'),
    recall: inc.length ? count('found') / inc.length : 0,
    precision: highs ? trueHighs / highs : null,
    highs,
    false_highs: highs - trueHighs,
    quiet_windows: quiet.length,
    quiet_clean: quiet.filter((q) => q.clean).length,
    median_time_error_s: median,
  };
}
