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
  it('proxy-release-1006: the top finding is the proxy release, with the lag, the commit and the config change', async () => {
    const t = truth('proxy-release-1006');
    const [top] = await findings('proxy-release-1006');
    expect(top.query_id).toBe('ws1006-after-proxy-release');
    expect(top.severity).toBe('high');
    expect(top.s).toBe(t.key_instants.burst_start.replace(/\.\d+Z$/, 'Z'));
    const d = JSON.parse(top.details);
    expect(d).toMatchObject({ explanation: 'proxy-release', lag_s: 10, commit_sha: t.commits.cause, worker_shutdown_timeout: '10s' });
    expect(d.what_changed).toContain('proxy_read_timeout 3600s → 20s');
    expect(d.typical_lifetime_s).toBeGreaterThan(19.9);
    const ev = JSON.parse(top.evidence) as { path?: string; line?: number; sha?: string; note?: string }[];
    expect(ev.some((e) => e.path?.endsWith('logs/nginx/error.log') && e.note?.includes('SIGHUP'))).toBe(true);
    expect(ev.some((e) => e.sha === t.commits.cause && e.path === 'nginx/nginx.conf')).toBe(true);
    expect(ev.some((e) => e.path?.endsWith('logs/nginx/access.log') && typeof e.line === 'number')).toBe(true);
  });

  it('token-divergence: the top finding is the divergence opened and closed by the right commits, with the rejections', async () => {
    const t = truth('token-divergence');
    const [top] = await findings('token-divergence');
    expect(top.query_id).toBe('token-divergence');
    const d = JSON.parse(top.details);
    expect(d.opened_by_commit).toBe(t.commits.cause);
    expect(d.closed_by_commit).toBe(t.commits.fix);
    expect(Number(d.rejections)).toBeGreaterThan(10);
    expect(d.clients_hit).toContain('cli');
    expect(top.statement).toContain('hex48');
    expect(top.statement).toContain('hex64');
  });

  it('pairing-loss: the top finding is the recreate that moved the state mount, with the known devices and the recovery time', async () => {
    const t = truth('pairing-loss');
    const [top] = await findings('pairing-loss');
    expect(top.query_id).toBe('pairing-loss-after-recreate');
    const d = JSON.parse(top.details);
    expect(d.old_state_mount).toBe('/srv/openclaw/state');
    expect(d.new_state_mount).toBe('/opt/openclaw/state');
    expect(d.devices_known_before).toHaveLength(4);
    expect(Number(d.reapprovals)).toBe(4);
    expect(d.minutes_to_recover).toBeGreaterThan(70);
    expect(top.statement).toContain(t.commits.cause.slice(0, 12));
    const ev = JSON.parse(top.evidence) as { path?: string; note?: string }[];
    expect(ev.some((e) => e.path?.endsWith('docker/events.jsonl') && e.note?.includes('destroyed'))).toBe(true);
  });

  it('healthy-week: no finding of severity high or above; the rotation drill is within budget', async () => {
    const all = await findings('healthy-week');
    expect(all.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    const drill = all.find((f) => f.query_id === 'token-rotation-drills')!;
    expect(drill.statement).toContain('within the 5-minute budget');
    expect(all.some((f) => f.query_id === 'token-divergence')).toBe(false);
    expect(all.some((f) => f.query_id === 'pairing-loss-after-recreate')).toBe(false);
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
