// A scenario is data (lab/scenarios/<name>.yaml): the topology, the phases with the driver's actions, and the
// expected cause of each incident. This module reads and checks one; the driver executes it; truth.ts turns the
// driver's marks and the probes' logs into truth.json.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot } from './root.js';

/** The fixed vocabulary of mechanism classes (lab/README.md says what each means). */
export const MECHANISMS = [
  'proxy-idle-timeout',   // a proxy timeout below the gateway's 30 s tick kills idle sessions (nginx, HAProxy)
  'release-cut',          // a proxy reload/release cuts every WebSocket at once (Caddy reload)
  'upstream-down',        // the gateway is down for a while (planned restart or crash), the proxy answers 502/503
  'config-crash-loop',    // an invalid openclaw.json: hot reload skipped, then exit 78 at every start
  'token-divergence',     // clients and gateway hold different shared tokens
  'state-loss',           // pairing state lost by a recreate (volume dropped, mount moved, config dir changed)
  'proxy-trust',          // gateway.trustedProxies no longer trusts the proxy: 403 on the upgrade
  'upgrade-dropped',      // the proxy stops forwarding Upgrade/Connection: the gateway answers 200
  'unplanned-kill',       // the gateway killed (exit 137) with no config change
  'benign',               // quiet-week events: nothing a responder should be woken for
] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const PROXY_KINDS = ['nginx', 'caddy', 'haproxy'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];
export type ClientPath = 'direct' | ProxyKind;

export interface ProxySpec { kind: ProxyKind; where: 'host' | 'container' }

export interface ProbeSpec {
  name: string;
  path: ClientPath;
  xff?: string;                  // documentation address; only for proxied paths
  token?: 'env-file' | 'fixed';  // env-file: reads .env at each connect; fixed: keeps the token it started with
  kind?: 'ws' | 'http-health';   // http-health: a load balancer's health check (GET /healthz)
  everySec?: number;             // http-health interval
  sessionSec?: number;           // ws: close (1000) after this long and reconnect, like a CLI run
  pingEverySec?: number;
  healthEverySec?: number;
  deviceTokenFallback?: boolean;
  startInPhase?: string;         // join later (a new device's first pairing)
  count?: number;                // this many alike: name-1…name-N, the last octet of xff counting up
}

export interface Action {
  id?: string;                   // referenced by expect (cause, trigger, benign)
  at: number;                    // seconds after the phase start
  do: 'edit' | 'commit' | 'reload' | 'rotate-logs' | 'compose-up' | 'compose-restart' | 'docker-kill'
    | 'approve-pending' | 'start-probe';
  set?: Record<string, unknown>; // edit: settings to change (see stack.ts)
  message?: string;              // commit
  author?: string;               // commit: "Name <mail>"
  target?: ProxyKind;            // reload, rotate-logs
  args?: string[];               // compose-up flags
  services?: string[];           // compose-up/-restart, docker-kill
  signal?: string;               // docker-kill
  seconds?: number;              // approve-pending: how long to keep approving
  probe?: string;                // start-probe
}

export interface Phase {
  name: string;
  duration: number;              // seconds
  quiet?: boolean;               // a quiet window: nothing in it deserves a high finding
  actions?: Action[];
}

export interface IncidentExpect {
  phase: string;                 // the incident phase
  cause: string;                 // action id: the commit (or action) that is the cause
  trigger?: string;              // action id that made it effective (reload, recreate, restart), if another
  component: string;             // nginx, caddy, haproxy, gateway, compose, engine
  mechanism: Mechanism;
  until?: string;                // last phase the incident may reach (default: the incident phase)
}

export interface Scenario {
  name: string;
  title: string;
  description: string;
  topology: {
    proxies: ProxySpec[];
    nodeHost?: boolean;          // the real `openclaw node run` as a compose service
    watch?: boolean;             // clawtrail collect --watch during the run
    collector?: 'collect' | 'print-script';
    probes: ProbeSpec[];
    settings?: Record<string, unknown>; // initial settings (stack.ts defaults otherwise)
  };
  phases: Phase[];
  expect: { incidents: IncidentExpect[]; benign?: string[] };
}

export const SCENARIO_DIR = path.join(repoRoot(), 'lab', 'scenarios');

export function loadScenario(nameOrFile: string): Scenario {
  const file = nameOrFile.endsWith('.yaml') ? nameOrFile : path.join(SCENARIO_DIR, `${nameOrFile}.yaml`);
  const s = YAML.parse(fs.readFileSync(file, 'utf8')) as Scenario;
  if (s?.topology?.probes) s.topology.probes = expandProbes(s.topology.probes);
  const problems = checkScenario(s);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return s;
}

/** `count: N` stands for N alike clients (a team's dashboards): name-1…name-N, each with its own forwarded address. */
export function expandProbes(probes: ProbeSpec[]): ProbeSpec[] {
  return probes.flatMap((p) => {
    if (!p.count || p.count <= 1) return [p];
    const { count, ...one } = p;
    return Array.from({ length: count }, (_, i) => ({
      ...one,
      name: `${p.name}-${i + 1}`,
      xff: p.xff?.replace(/\.(\d+)$/, (_m, last: string) => `.${Number(last) + i}`),
    }));
  });
}

export function listScenarios(): string[] {
  return fs.readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
}

const DOC_RANGES = [/^192\.0\.2\.\d+$/, /^198\.51\.100\.\d+$/, /^203\.0\.113\.\d+$/];

/** Everything a scenario must get right before the lab spends minutes on it. */
export function checkScenario(s: Scenario): string[] {
  const out: string[] = [];
  if (!s?.name || !s.title || !s.topology || !Array.isArray(s.phases) || !s.expect) return ['needs name, title, topology, phases, expect'];
  const actionIds = new Set<string>();
  const phaseNames = new Set(s.phases.map((p) => p.name));
  const proxyKinds = new Set(s.topology.proxies.map((p) => p.kind));
  for (const p of s.topology.proxies) if (!PROXY_KINDS.includes(p.kind)) out.push(`unknown proxy ${p.kind}`);
  for (const pr of s.topology.probes) {
    if (pr.path !== 'direct' && !proxyKinds.has(pr.path)) out.push(`probe ${pr.name} uses ${pr.path}, not in the topology`);
    if (pr.xff && !pr.xff.split(/,\s*/).every((a) => DOC_RANGES.some((r) => r.test(a)))) out.push(`probe ${pr.name}: X-Forwarded-For must be documentation addresses`);
    if (pr.startInPhase && !phaseNames.has(pr.startInPhase)) out.push(`probe ${pr.name}: no phase ${pr.startInPhase}`);
  }
  for (const ph of s.phases) {
    if (!(ph.duration > 0)) out.push(`phase ${ph.name}: duration`);
    for (const a of ph.actions ?? []) {
      if (a.id) { if (actionIds.has(a.id)) out.push(`duplicate action id ${a.id}`); actionIds.add(a.id); }
      if (a.at < 0 || a.at > ph.duration) out.push(`action ${a.id ?? a.do} at ${a.at}s is outside phase ${ph.name}`);
      if ((a.do === 'reload' || a.do === 'rotate-logs') && (!a.target || !proxyKinds.has(a.target))) out.push(`action ${a.do}: target not in topology`);
      if (a.do === 'commit' && !a.message) out.push('commit without message');
    }
  }
  for (const inc of s.expect.incidents) {
    if (!phaseNames.has(inc.phase)) out.push(`incident phase ${inc.phase} unknown`);
    if (!actionIds.has(inc.cause)) out.push(`incident cause ${inc.cause} is no action id`);
    if (inc.trigger && !actionIds.has(inc.trigger)) out.push(`incident trigger ${inc.trigger} is no action id`);
    if (!MECHANISMS.includes(inc.mechanism)) out.push(`mechanism ${inc.mechanism} not in the vocabulary`);
  }
  for (const b of s.expect.benign ?? []) if (!actionIds.has(b)) out.push(`benign ${b} is no action id`);
  return out;
}
