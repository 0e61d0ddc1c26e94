// The sample bundles: ingest with zero rejects, byte-for-byte regeneration, and the query pack on each — the top
// finding is the bundle's true cause, with the evidence its ground truth says a correct analysis must cite.
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateSamples } from '../samples/generate.js';
import { runAll } from '../queries/runner.js';
import type { Store } from '../case/store.js';
import { BUNDLES, SAMPLES, ingestCase, tempDir } from './helpers.js';

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const truth = (b: string): { cause: string; commits: Record<string, string>; key_instants: Record<string, string> } =>
  JSON.parse(readFileSync(join(SAMPLES, 'truth', `${b}.json`), 'utf8'));

const cases = new Map<string, Store>();
beforeAll(async () => {
  for (const b of BUNDLES) {
    const { store } = await ingestCase([join(SAMPLES, b)]);
    await runAll(store);
    cases.set(b, store);
  }
});

type F = { rank: number; query_id: string; severity: string; statement: string; evidence: string; details: string; s: string | null };
const findings = async (b: string): Promise<F[]> =>
  cases.get(b)!.all<F>(`SELECT rank::INTEGER AS rank, query_id, severity, statement, evidence, details, strftime(start_ts, '%Y-%m-%dT%H:%M:%SZ') AS s FROM findings ORDER BY rank`);

describe('sample bundles', () => {
  it('the generator rebuilds every bundle byte for byte', () => {
    const out = tempDir();
    generateSamples(out);
    for (const b of [...BUNDLES, 'truth']) {
      const want = tree(join(SAMPLES, b));
      const got = tree(join(out, b));
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [k, v] of want) expect(got.get(k), `${b}/${k}`).toBe(v);
    }
  });

  it.each(BUNDLES)('%s: every file is read with zero rejected lines', async (b) => {
    const rows = await cases.get(b)!.all<{ path: string; status: string; rejected: number; total: number; parsed: number }>(
      `SELECT path, status, rejected_lines::INTEGER AS rejected, total_lines::INTEGER AS total, parsed_lines::INTEGER AS parsed FROM sources`);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.rejected, r.path).toBe(0);
      expect(['ok', 'duplicate'], `${r.path} ${r.status}`).toContain(r.status);
      if (r.status === 'ok') expect(r.parsed, r.path).toBe(r.total);
    }
  });
});

describe('query pack on the samples', () => {
  it('proxy-release-1006: the top finding is the idle timeout the commit lowered, applied by the reload, with the drain lag, the fix and the runner-up', async () => {
    const t = truth('proxy-release-1006');
    const [top] = await findings('proxy-release-1006');
    expect(top.query_id).toBe('ws1006-after-proxy-release');
    expect(top.severity).toBe('high');
    expect(top.s).toBe(t.key_instants.burst_start.replace(/\.\d+Z$/, 'Z'));
    const d = JSON.parse(top.details);
    expect(d.mechanism).toBe('proxy-idle-timeout');
    expect(d.trigger).toMatchObject({ kind: 'config', commit: t.commits.cause, key: 'proxy_read_timeout', lag_s: 10 });
    expect(d.trigger.applied_by).toMatch(/SIGHUP/);
    expect(d.fix).toMatchObject({ commit: t.commits.fix, key: 'proxy_read_timeout', value: '3600s' });
    expect(d.runner_up).toMatchObject({ mechanism: 'release-cut' });
    expect(d.runner_up.why_lost).toMatch(/^\d+ of \d+ dropped sessions ended at a nginx release/);
    const facts = JSON.parse(d.facts);
    expect(facts).toMatchObject({ old_value: '3600s', new_value: '20s', drain_s: 10 });
    expect(facts.typical_lifetime_s).toBeGreaterThan(19.9);
    expect(d.impact.paths).toEqual(['nginx']);
    expect(top.statement).toMatch(/^WebSockets through nginx were cut every 20 s for 1 h 28 min after commit 2beecaf lowered proxy_read_timeout 3600s → 20s/);
    expect(top.statement).toContain('Fixed by commit 754ecba');
    const ev = JSON.parse(top.evidence) as { path?: string; line?: number; sha?: string; note?: string }[];
    expect(ev.some((e) => e.sha === t.commits.cause && e.path === 'nginx/nginx.conf' && e.note?.startsWith('cause:'))).toBe(true);
    expect(ev.some((e) => e.sha === t.commits.fix && e.note?.startsWith('fix:'))).toBe(true);
    expect(ev.some((e) => e.note?.startsWith('trigger:') && typeof e.line === 'number')).toBe(true);
    expect(ev.some((e) => e.path?.endsWith('logs/nginx/access.log') && typeof e.line === 'number')).toBe(true);
  });

  it('token-divergence: the top finding is the .env change the gateway does not enforce, with the recreate that applied it and the fix', async () => {
    const t = truth('token-divergence');
    const [top] = await findings('token-divergence');
    expect(top.query_id).toBe('token-divergence');
    expect(top.severity).toBe('high');
    const d = JSON.parse(top.details);
    expect(d.mechanism).toBe('token-divergence');
    expect(d.trigger).toMatchObject({ commit: t.commits.cause, key: 'OPENCLAW_GATEWAY_TOKEN' });
    expect(d.fix.commit).toBe(t.commits.fix);
    expect(d.impact.sessions).toBeGreaterThan(10);
    expect(top.statement).toContain('config:gateway.auth.token hex48');
    expect(top.statement).toContain('env-file:OPENCLAW_GATEWAY_TOKEN hex64');
    // one episode, one finding: the CLI's retries every five minutes are not separate incidents
    expect((await findings('token-divergence')).filter((f) => f.query_id === 'token-divergence')).toHaveLength(1);
  });

  it('pairing-loss: the top finding is the state mount the commit moved, with the known devices, the re-approvals and what was concluded without the lost logs', async () => {
    const t = truth('pairing-loss');
    const [top] = await findings('pairing-loss');
    expect(top.query_id).toBe('pairing-loss-after-recreate');
    expect(top.severity).toBe('high');
    const d = JSON.parse(top.details);
    expect(d.mechanism).toBe('state-loss');
    expect(d.trigger).toMatchObject({ commit: t.commits.cause, key: 'OPENCLAW_CONFIG_DIR' });
    expect(JSON.parse(d.facts)).toMatchObject({ known_devices: 4, reapprovals: 4 });
    expect(d.impact.duration_s).toBeGreaterThan(70 * 60);
    expect(top.statement).toContain('/srv/openclaw/state:/home/node/.openclaw → /opt/openclaw/state:/home/node/.openclaw');
    expect(top.statement).toContain(`commit ${t.commits.cause.slice(0, 7)}`);
    expect(top.statement).toContain('Missing evidence: the gateway logs of the removed container are lost; concluded from');
    const ev = JSON.parse(top.evidence) as { path?: string; note?: string }[];
    expect(ev.some((e) => e.path?.endsWith('docker/events.jsonl') && e.note?.startsWith('trigger: create'))).toBe(true);
  });

  it('healthy-week: no finding of severity high or above; the rotation drill is planned work, within budget', async () => {
    const all = await findings('healthy-week');
    expect(all.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    const drill = all.find((f) => f.query_id === 'token-rotation-drills')!;
    expect(drill.statement).toContain('within the 5-minute budget');
    for (const f of all.filter((x) => x.query_id === 'token-divergence')) {
      expect(f.severity).toBe('low');
      expect(f.statement).toMatch(/^Token rotation by commit fa6c230/);
    }
    expect(all.some((f) => f.query_id === 'pairing-loss-after-recreate')).toBe(false);
    const restart = all.filter((f) => f.query_id === 'restart-flaps' && JSON.parse(f.details).mechanism);
    expect(restart.map((f) => [f.severity, JSON.parse(f.details).mechanism])).toEqual(restart.map(() => ['low', 'upstream-down']));
  });

  it('every query ran on every bundle without an error', async () => {
    for (const b of BUNDLES) {
      const errors = await cases.get(b)!.all(`SELECT statement FROM findings WHERE statement LIKE '%the query failed%'`);
      expect(errors, b).toEqual([]);
    }
  });
});

describe('the samples\' docker evidence follows what a real engine wrote (samples/gen/engine, npm run capture:engine)', () => {
  const engineDir = join(SAMPLES, 'gen', 'engine');
  /** Every key path of a JSON document; array items as [], network names and label keys as *. */
  const keyPaths = (v: unknown, path = '', out = new Set<string>()): Set<string> => {
    if (Array.isArray(v)) v.forEach((x) => keyPaths(x, `${path}[]`, out));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const name = /\.(Networks|Labels)$/.test(path) ? '*' : k;
        out.add(`${path}.${name}`);
        keyPaths(x, `${path}.${name}`, out);
      }
    }
    return out;
  };
  // what the scenario decides, not the engine: the healthcheck and its results, the mounts it declares
  const scenarioOwned = (p: string): boolean => /^\.(State\.Health|Config\.Healthcheck|Mounts)/.test(p);

  it('each sample inspect has every key the captured Engine 20.10 inspect has', () => {
    const captured = [...keyPaths((JSON.parse(readFileSync(join(engineDir, 'inspect-gateway.json'), 'utf8')) as unknown[])[0])].filter((p) => !scenarioOwned(p));
    expect(captured.length).toBeGreaterThan(150);
    for (const b of BUNDLES) {
      for (const f of readdirSync(join(SAMPLES, b, 'docker')).filter((x) => x.startsWith('inspect'))) {
        for (const doc of JSON.parse(readFileSync(join(SAMPLES, b, 'docker', f), 'utf8')) as unknown[]) {
          const have = keyPaths(doc);
          expect(captured.filter((p) => !have.has(p)), `${b}/docker/${f}`).toEqual([]);
        }
      }
    }
  });

  it('the pairing-loss recreate is docker-compose 1.29\'s, in the order the engine wrote it', () => {
    const seq = (file: string): string[] => {
      const evs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Type: string; Action: string })
        .filter((e) => !e.Action.startsWith('health_status'));
      return evs.slice(evs.findIndex((e) => e.Action === 'kill')).map((e) => `${e.Type} ${e.Action}`);
    };
    const real = seq(join(engineDir, 'events-up-and-recreate.jsonl'));
    expect(real).toEqual(['container kill', 'container die', 'network disconnect', 'container stop', 'container rename', 'container create', 'network connect', 'container start', 'container destroy']);
    expect(seq(join(SAMPLES, 'pairing-loss', 'docker', 'events.jsonl'))).toEqual(real);
  });
});
