// The long table of config values over time: one shape for every surface (files, git revisions, inspect).
import { lit } from '../../lib/sql.js';
import type { Fingerprinter } from '../../case/secrets.js';
import { isSecretName } from '../../case/secrets.js';
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

/** A value as stored: secrets (by key name, or known secret keys) become fingerprints, the rest stays. */
export function configValue(fpr: Fingerprinter, surface: string, key: string, raw: unknown, line: number | null, secret?: boolean): ConfigValue {
  const isSecret = secret ?? isSecretName(key.split('.').pop() ?? key);
  if (isSecret) {
    const r = fpr.record(raw);
    return { surface, key, value: r.value, fp: r.fp, shape: r.shape, line };
  }
  const value = raw === null || raw === undefined ? null : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  return { surface, key, value, fp: null, shape: null, line };
}

export async function insertConfigValues(store: Store, ctx: ConfigContext, values: ConfigValue[]): Promise<void> {
  const n = (v: string | null): string => (v === null ? 'NULL' : lit(v));
  for (let i = 0; i < values.length; i += 500) {
    const rows = values.slice(i, i + 500).map((v) =>
      `(${lit(v.surface)}, ${lit(v.key)}, ${n(v.value)}, ${n(v.fp)}, ${n(v.shape)}, ${ctx.validFrom ? `TRY_CAST(${lit(ctx.validFrom)} AS TIMESTAMPTZ)` : 'NULL'}, ${ctx.validFromAssumed}, ${n(ctx.commitSha)}, ${lit(ctx.path)}, ${ctx.sourceId}, ${v.line ?? 'NULL'})`);
    await store.run(`INSERT INTO config_values VALUES ${rows.join(',\n')}`);
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
