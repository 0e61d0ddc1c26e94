// The long table of config values over time: one shape for every surface (files, git revisions, inspect).
import { lit } from '../../lib/sql.js';
import type { Fingerprinter } from '../../case/secrets.js';
import { isSecretName } from '../../case/secrets.js';
import { redactText } from '../../case/secret-rules.js';
import type { Store } from '../../case/store.js';

export interface ConfigValue {
  surface: string;
  key: string;
  value: string | null;
  fp: string | null;
  shape: string | null;
  line: number | null;
}

export interface ConfigContext {
  validFrom: string | null;        // ISO instant
  validFromAssumed: boolean;
  commitSha: string | null;
  path: string;
  sourceId: number;
}

/** A value as stored: secrets (by key name, or known secret keys) become fingerprints; the rest stays, with any
 *  secret inside it (a --token argument in a command, a {token} in an array, a password in a URL) redacted. */
export function configValue(fpr: Fingerprinter, surface: string, key: string, raw: unknown, line: number | null, secret?: boolean): ConfigValue {
  // a boolean is never a secret, whatever its name (controlUi.allowInsecureAuth: true)
  const isSecret = typeof raw !== 'boolean' && (secret ?? isSecretName(key.split('.').pop() ?? key));
  if (isSecret) {
    const r = fpr.record(raw);
    return { surface, key, value: r.value, fp: r.fp, shape: r.shape, line };
  }
  const value = raw === null || raw === undefined ? null : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  return { surface, key, value: value === null ? null : redactText(value), fp: null, shape: null, line };
}

export async function insertConfigValues(store: Store, ctx: ConfigContext, values: ConfigValue[]): Promise<void> {
  const n = (v: string | null): string => (v === null ? 'NULL' : lit(v));
  // what every row shares is written once; the rows are plain literals (a cast per row made large documents slow)
  const shared = `${ctx.validFrom ? `TRY_CAST(${lit(ctx.validFrom)} AS TIMESTAMPTZ)` : 'NULL::TIMESTAMPTZ'}, ${ctx.validFromAssumed}, ${n(ctx.commitSha)}, ${lit(ctx.path)}, ${ctx.sourceId}`;
  for (let i = 0; i < values.length; i += 2000) {
    const rows = values.slice(i, i + 2000).map((v) => `(${lit(v.surface)}, ${lit(v.key)}, ${n(v.value)}, ${n(v.fp)}, ${n(v.shape)}, ${v.line ?? 'NULL'})`);
    await store.run(`INSERT INTO config_values SELECT surface, key, value, fp, shape, ${shared}, line FROM (VALUES ${rows.join(',\n')}) v(surface, key, value, fp, shape, line)`);
  }
}

/** 1-based line of a character offset, for many offsets into one text: the newlines are found once, each lookup is a
 *  binary search (a per-offset rescan made a 100k-key document quadratic). */
export function lineCounter(text: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines.push(i);
  return (offset: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
