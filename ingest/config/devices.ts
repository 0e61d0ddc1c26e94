// Pairing state: devices/paired.json (Record<deviceId, PairedDevice>) and devices/pending.json
// (Record<requestId, PendingRequest>) of gateways before 2026.9; device tokens are fingerprinted.
import { lit } from '../../lib/sql.js';
import type { Fingerprinter } from '../../case/secrets.js';
import type { Store } from '../../case/store.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ms = (v: unknown): string => (typeof v === 'number' ? `make_timestamptz(${Math.trunc(v * 1000)})` : 'NULL');
const s = (v: unknown): string => (v === undefined || v === null ? 'NULL' : lit(String(v)));

export async function ingestDevices(store: Store, sourceId: number, path: string, text: string, fpr: Fingerprinter): Promise<number> {
  const doc = JSON.parse(text) as J;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('devices file is not a JSON object');
  const pending = /pending/i.test(path) || Object.values(doc).some((v: J) => v && typeof v === 'object' && 'requestId' in v && !('approvedAtMs' in v));
  let n = 0;
  for (const [k, d] of Object.entries(doc) as [string, J][]) {
    if (!d || typeof d !== 'object') continue;
    const tok = Object.values((d.tokens ?? {}) as J).find((x: J) => x && typeof x.token === 'string') as J | undefined;
    const fp = tok ? fpr.fp(tok.token) : null;
    await store.run(`INSERT INTO devices VALUES (${sourceId}, ${lit(pending ? 'pending' : 'paired')}, ${s(d.deviceId ?? (pending ? null : k))},
      ${s(pending ? (d.requestId ?? k) : null)}, ${s(d.role ?? (Array.isArray(d.roles) ? d.roles.join(',') : null))}, ${s(d.clientId)}, ${s(d.remoteIp)},
      ${ms(d.createdAtMs ?? d.ts)}, ${ms(d.approvedAtMs)}, ${s(fp)}, ${s(d.displayName ?? d.platform ?? null)})`);
    n++;
  }
  return n;
}
