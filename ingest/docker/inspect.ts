// `docker inspect` dumps: one snapshot of one or many containers. Rows for containers, their mounts and their
// environment (secret-like values fingerprinted, never kept), plus the environment's token as a config value.
import { lit } from '../../lib/sql.js';
import { isSecretName, type Fingerprinter } from '../../case/secrets.js';
import { redactText } from '../../case/secret-rules.js';
import { configValue, insertConfigValues, lineCounter } from '../config/values.js';
import type { Store } from '../../case/store.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ZERO_TIME = '0001-01-01T00:00:00Z';
const t = (v: unknown): string => (typeof v === 'string' && v && !v.startsWith('0001-01-01') ? `TRY_CAST(${lit(v)} AS TIMESTAMPTZ)` : 'NULL');
const s = (v: unknown): string => (v === undefined || v === null ? 'NULL' : lit(String(v)));
const i = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : 'NULL');
const b = (v: unknown): string => (typeof v === 'boolean' ? String(v) : 'NULL');
const sec = (ns: unknown): string => (typeof ns === 'number' ? String(ns / 1e9) : 'NULL');

/** The snapshot instant from the dump itself: the latest probe end or state change it records. */
export function snapshotFromContent(containers: J[]): string | null {
  let best: string | null = null;
  const consider = (v: unknown): void => {
    if (typeof v !== 'string' || !v || v.startsWith(ZERO_TIME.slice(0, 10))) return;
    const ms = Date.parse(v);
    if (Number.isFinite(ms) && (!best || ms > Date.parse(best))) best = new Date(ms).toISOString();
  };
  for (const c of containers) {
    for (const p of c?.State?.Health?.Log ?? []) consider(p?.End);
    consider(c?.State?.StartedAt);
    consider(c?.State?.FinishedAt);
  }
  return best;
}

export async function ingestInspect(store: Store, sourceId: number, path: string, text: string, fpr: Fingerprinter,
  snapshot: { at: string; assumed: boolean }): Promise<{ containers: number; notes: string[] }> {
  const notes: string[] = [];
  let doc: unknown = JSON.parse(text);
  if (!Array.isArray(doc)) {
    if (doc && typeof doc === 'object') {
      notes.push('an object instead of the array docker inspect prints: read as one container');
      doc = [doc];
    } else throw new Error('not a docker inspect array');
  }
  const list = (doc as unknown[]).filter((c): c is J => !!c && typeof c === 'object' && typeof (c as J).Id === 'string');
  const skipped = (doc as unknown[]).length - list.length;
  if (skipped) notes.push(`${skipped} entr${skipped === 1 ? 'y' : 'ies'} without an Id skipped`);
  const lineAt = lineCounter(text);
  let from = 0; // containers appear in document order: each Id is searched from the previous one on
  for (const c of list) {
    const labels: J = c.Config?.Labels ?? {};
    const st: J = c.State ?? {};
    const hc: J = c.Config?.Healthcheck ?? {};
    const idPos = text.indexOf(c.Id, from);
    if (idPos >= 0) from = idPos + c.Id.length;
    const gateways = Object.values((c.NetworkSettings?.Networks ?? {}) as J).map((n: J) => n?.Gateway).filter(Boolean).join(',');
    const snap = `TRY_CAST(${lit(snapshot.at)} AS TIMESTAMPTZ)`;
    await store.run(`INSERT INTO containers VALUES (${sourceId}, ${idPos >= 0 ? lineAt(idPos) : 'NULL'}, ${snap}, ${snapshot.assumed},
      ${lit(c.Id)}, ${s(String(c.Name ?? '').replace(/^\//, ''))}, ${s(labels['com.docker.compose.project'])}, ${s(labels['com.docker.compose.service'])},
      ${i(Number(labels['com.docker.compose.container-number']))}, ${labels['com.docker.compose.oneoff'] ? String(labels['com.docker.compose.oneoff'] === 'True') : 'NULL'},
      ${s(labels['com.docker.compose.config-hash'])}, ${s(labels['com.docker.compose.replace'])}, ${s(c.Config?.Image)}, ${s(c.Image)},
      ${t(c.Created)}, ${t(st.StartedAt)}, ${t(st.FinishedAt)}, ${s(st.Status)}, ${i(st.ExitCode)}, ${b(st.OOMKilled)}, ${i(c.RestartCount)},
      ${s(c.HostConfig?.RestartPolicy?.Name)}, ${s(st.Health?.Status)}, ${i(st.Health?.FailingStreak)},
      ${st.Health?.Log ? lit(JSON.stringify(st.Health.Log.map((p: J) => ({ start: p.Start, end: p.End, exit: p.ExitCode, output: redactText(String(p.Output ?? '')).slice(0, 300) })))) : 'NULL'},
      ${b(c.Config?.Tty)}, ${s(c.Config?.User)}, ${sec(hc.Interval)}, ${sec(hc.Timeout)}, ${sec(hc.StartPeriod)}, ${i(hc.Retries)},
      ${s(gateways || null)}, ${s(c.LogPath)})`);
    // a container's mounts and environment: one statement each
    const mounts = ((c.Mounts ?? []) as J[]).map((m) => `(${sourceId}, ${snap}, ${lit(c.Id)}, ${s(m.Type)}, ${s(m.Name)}, ${s(m.Source)}, ${s(m.Destination)}, ${b(m.RW)})`);
    if (mounts.length) await store.run(`INSERT INTO container_mounts VALUES ${mounts.join(', ')}`);
    const cvs = [];
    const env: string[] = [];
    for (const e of (c.Config?.Env ?? []) as string[]) {
      const eq = e.indexOf('=');
      const key = eq < 0 ? e : e.slice(0, eq);
      const value = eq < 0 ? '' : e.slice(eq + 1);
      if (isSecretName(key)) {
        const r = fpr.record(value);
        env.push(`(${sourceId}, ${snap}, ${lit(c.Id)}, ${lit(key)}, ${s(r.value)}, ${s(r.fp)}, ${s(r.shape)})`);
        cvs.push(configValue(fpr, 'container-env', key, value, null, true));
      } else {
        env.push(`(${sourceId}, ${snap}, ${lit(c.Id)}, ${lit(key)}, ${lit(redactText(value))}, NULL, NULL)`);
      }
    }
    for (let k = 0; k < env.length; k += 1000) await store.run(`INSERT INTO container_env VALUES ${env.slice(k, k + 1000).join(', ')}`);
    const svc = labels['com.docker.compose.service'] ?? String(c.Name ?? '').replace(/^\//, '');
    await insertConfigValues(store, { validFrom: c.State?.StartedAt && !String(c.State.StartedAt).startsWith('0001') ? c.State.StartedAt : snapshot.at, validFromAssumed: snapshot.assumed, commitSha: null, path: `${path}#${svc}@${String(c.Id).slice(0, 12)}`, sourceId }, cvs);
  }
  return { containers: list.length, notes };
}
