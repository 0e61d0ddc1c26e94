// Ground truth, computed — never typed: from the driver's stamped marks (driver.log) and the probes' own logs
// (probes/*.jsonl) of one recording, plus the scenario's expectation of which action is the cause. Neither log is in
// the bundle; an analyzer never sees them.
import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from './scenario.js';

export interface Mark { t: string; seq: number; kind: string; phase: string; action?: string; do?: string; [k: string]: unknown }
export interface ProbeEvent { t: string; probe: string; path: string; ev: string; code?: number; reason?: string; status?: number; error?: string; detail?: string; session_ms?: number | null }

export interface TruthAction { action: string; do: string; at: string; commit?: string; message?: string; detail?: Record<string, unknown> }
export interface TruthIncident {
  phase: string;
  window: { start: string; end: string };
  mechanism: string;
  component: string;
  cause: TruthAction;
  trigger: TruthAction | null;
  first_symptom: string | null;
  last_symptom: string | null;
  affected_clients: Record<string, string[]>;
  symptoms: Record<string, number>;
  /** Whether the clients saw the expected mechanism at work (a scenario states an intent; the programs decide). */
  manifested: { ok: boolean; evidence: string };
}
export interface Truth {
  scenario: string;
  title: string;
  description: string;
  synthetic: false;
  computed_from: string[];
  recorded: { start: string; end: string; openclaw: string | null; engine: string | null };
  topology: { proxies: Scenario['topology']['proxies']; clients: Array<{ name: string; path: string }>; node_host: boolean; watch: boolean; collector: string };
  phases: Array<{ name: string; start: string; end: string; quiet: boolean }>;
  incidents: TruthIncident[];
  quiet_windows: Array<{ phase: string; start: string; end: string }>;
  benign: TruthAction[];
  actions: TruthAction[];
}

export function readJsonLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

/** A client-visible symptom: anything but a clean session end the client asked for. */
export function symptomOf(e: ProbeEvent): string | null {
  if (e.ev === 'close') {
    if (e.code === 1000) return null;
    return `close ${e.code}`;
  }
  if (e.ev === 'refused') return `refused ${e.status}`;
  if (e.ev === 'error' && /ECONNREFUSED|socket hang up|ECONNRESET/.test(e.error ?? '')) return `error ${(/ECONN\w+|socket hang up/.exec(e.error ?? '') ?? ['error'])[0]}`;
  if (e.ev === 'check' && (e.status === 0 || (e.status ?? 0) >= 500)) return `health ${e.status}`;
  return null;
}

/** Seconds in nginx's / HAProxy's duration syntax ("20s", "1h", "500ms", "60"); null when it is not one. */
function durationSeconds(v: unknown): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(String(v ?? '').trim());
  if (!m) return null;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
}

/**
 * Did the clients see the expected mechanism? Checked where the probes can tell it apart from its look-alikes:
 * a proxy idle timeout shows as sessions through that proxy that fail about the configured timeout after they opened
 * (hello is the last frame until the next tick or `health` event). A recording where no session did (a frame in
 * either direction — tick, `health` event or answer — landing inside every window; lab/README.md) recorded something
 * else, and its expectation cannot be scored. Other mechanisms: a symptom in the window suffices.
 */
function manifestation(inc: Scenario['expect']['incidents'][number], phaseEdits: Mark[], inWindow: ProbeEvent[], symptoms: number): TruthIncident['manifested'] {
  if (inc.mechanism !== 'proxy-idle-timeout') {
    return symptoms ? { ok: true, evidence: `${symptoms} client-visible symptom(s) in the window` } : { ok: false, evidence: 'no client saw a symptom in the window' };
  }
  const timeouts = [...new Set(phaseEdits.flatMap((m) => Object.entries((m.set ?? {}) as Record<string, unknown>))
    .filter(([k]) => /timeout/i.test(k)).map(([, v]) => durationSeconds(v)).filter((x): x is number => x !== null && x < 600))];
  if (!timeouts.length) return { ok: false, evidence: 'the phase sets no timeout below 600 s' };
  const near = inWindow.filter((e) => e.ev === 'close' && e.code !== 1000 && e.path === inc.component && typeof e.session_ms === 'number'
    && timeouts.some((t) => e.session_ms! >= (t - 1) * 1000 && e.session_ms! <= (t + 3) * 1000));
  const want = timeouts.map((t) => `${t} s`).join(', ');
  return near.length
    ? { ok: true, evidence: `${near.length} session(s) through ${inc.component} failed ${want} (−1/+3 s) after they opened` }
    : { ok: false, evidence: `no session through ${inc.component} failed about ${want} after it opened: the timeout never fired as a client sees it` };
}

function toAction(m: Mark): TruthAction {
  const { t, action, do: verb, commit, message, seq: _s, kind: _k, phase: _p, ...rest } = m;
  const detail = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
  return { action: String(action), do: String(verb), at: t, ...(commit ? { commit: String(commit) } : {}), ...(message ? { message: String(message) } : {}), ...(Object.keys(detail).length ? { detail } : {}) };
}

export function computeTruth(s: Scenario, recordingDir: string): Truth {
  const marks = readJsonLines<Mark>(path.join(recordingDir, 'driver.log'));
  const probeDir = path.join(recordingDir, 'probes');
  const events: ProbeEvent[] = fs.existsSync(probeDir)
    ? fs.readdirSync(probeDir).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => readJsonLines<ProbeEvent>(path.join(probeDir, f)))
    : [];
  events.sort((a, b) => a.t.localeCompare(b.t));
  const start = marks.find((m) => m.kind === 'start');
  const end = marks.find((m) => m.kind === 'end');
  if (!start || !end) throw new Error(`${recordingDir}: driver.log has no start/end mark (an unfinished run)`);

  const phaseMarks = marks.filter((m) => m.kind === 'phase');
  const phases = phaseMarks.map((m, i) => ({ name: String(m.name), start: m.t, end: (phaseMarks[i + 1] ?? end).t, quiet: !!m.quiet }));
  const actionMarks = marks.filter((m) => m.kind === 'action');
  const byId = new Map(actionMarks.map((m) => [String(m.action), m]));
  const phaseOf = (name: string) => {
    const p = phases.find((x) => x.name === name);
    if (!p) throw new Error(`phase ${name} was not run`);
    return p;
  };

  const incidents: TruthIncident[] = s.expect.incidents.map((inc) => {
    const cause = byId.get(inc.cause);
    if (!cause) throw new Error(`the cause action ${inc.cause} has no mark`);
    const trigger = inc.trigger ? byId.get(inc.trigger) ?? null : null;
    const from = phaseOf(inc.phase);
    const to = phaseOf(inc.until ?? inc.phase);
    const effective = (trigger ?? cause).t;
    const inWindow = events.filter((e) => e.t >= effective && e.t <= to.end);
    const symptomatic = inWindow.map((e) => ({ e, s: symptomOf(e) })).filter((x) => x.s !== null);
    const affected: Record<string, Set<string>> = {};
    const counts: Record<string, number> = {};
    for (const { e, s: kind } of symptomatic) {
      (affected[e.path] ??= new Set()).add(e.probe);
      counts[kind!] = (counts[kind!] ?? 0) + 1;
    }
    return {
      phase: inc.phase,
      window: { start: from.start, end: to.end },
      mechanism: inc.mechanism,
      component: inc.component,
      cause: toAction(cause),
      trigger: trigger ? toAction(trigger) : null,
      first_symptom: symptomatic[0]?.e.t ?? null,
      last_symptom: symptomatic.at(-1)?.e.t ?? null,
      affected_clients: Object.fromEntries(Object.entries(affected).map(([k, v]) => [k, [...v].sort()])),
      symptoms: counts,
      manifested: manifestation(inc, actionMarks.filter((m) => m.do === 'edit' && m.phase === inc.phase), inWindow, symptomatic.length),
    };
  });

  const benignIds = new Set(s.expect.benign ?? []);
  const clients = s.topology.probes.map((p) => ({ name: p.name, path: p.path }));
  if (s.topology.nodeHost) clients.push({ name: 'openclaw-node (node host)', path: 'direct' });
  return {
    scenario: s.name,
    title: s.title,
    description: s.description.trim(),
    synthetic: false,
    computed_from: ['driver.log', 'probes/*.jsonl', `lab/scenarios/${s.name}.yaml (expect)`],
    recorded: { start: start.t, end: end.t, openclaw: (start.openclaw as string) ?? null, engine: (start.engine as string) ?? null },
    topology: { proxies: s.topology.proxies, clients, node_host: !!s.topology.nodeHost, watch: !!s.topology.watch, collector: s.topology.collector ?? 'collect' },
    phases,
    incidents,
    quiet_windows: phases.filter((p) => p.quiet).map((p) => ({ phase: p.name, start: p.start, end: p.end })),
    benign: actionMarks.filter((m) => benignIds.has(String(m.action))).map(toAction),
    actions: actionMarks.map(toAction),
  };
}
