// Secrets become keyed fingerprints (HMAC-SHA256 with the case key) plus a shape class; the value itself is
// never stored or printed. The same key (--fingerprint-key) makes fingerprints comparable across cases.
import { createHmac, randomBytes, scrypt } from 'node:crypto';
import { SH_WITHHELD, isSecretName } from './secret-rules.js';

export const REDACTED_SENTINEL = '__OPENCLAW_REDACTED__';
/** What the shell-script collector writes instead of a secret it cannot fingerprint. */
export const WITHHELD = SH_WITHHELD;

/** Names of keys whose values are secrets wherever they appear (env, .env, compose, JSON): case/secret-rules.ts. */
export { isSecretName };

export type Shape = 'hex48' | 'hex64' | 'template' | 'secretref' | 'redacted' | 'empty' | string;

export function shapeOf(value: unknown): Shape {
  if (value !== null && typeof value === 'object') return 'secretref';
  const s = value === undefined || value === null ? '' : String(value);
  if (s === '') return 'empty';
  if (s === REDACTED_SENTINEL) return 'redacted';
  if (s === WITHHELD) return 'withheld';
  if (/^\$\{[^}]+\}$/.test(s) || /^\$\{?[A-Z_][A-Z0-9_]*(?::?-[^}]*)?\}?$/.test(s)) return 'template';
  if (/^[0-9a-f]{48}$/i.test(s)) return 'hex48';
  if (/^[0-9a-f]{64}$/i.test(s)) return 'hex64';
  return `other:${s.length}`;
}

export interface SecretRecord {
  fp: string | null;        // null when there is nothing secret to fingerprint (empty, template, sentinel, SecretRef)
  shape: Shape;
  value: string | null;     // kept only when it is not a secret: a ${VAR} template or a SecretRef description
}

/** A value already fingerprinted on the host by `clawtrail collect`: `clawtrail-fp:hmac:<24 hex>:<shape>`. */
const MARKER = /^clawtrail-fp:(hmac:[0-9a-f]{24}):(.+)$/;

export function toMarker(fpr: Fingerprinter, value: string): string {
  const r = fpr.record(value);
  // templates, SecretRefs and empty values hold no secret: they travel as they are
  return r.fp ? `clawtrail-fp:${r.fp}:${r.shape}` : value;
}

/** A case's fingerprints cannot be extended with the key at hand (ingest refuses the whole run, with this message). */
export class FingerprintKeyRefused extends Error {}

export class Fingerprinter {
  private id?: Promise<string>;

  constructor(private readonly key: Buffer) {}

  static fromOption(key?: string): Fingerprinter {
    return new Fingerprinter(key ? Buffer.from(key, 'utf8') : randomBytes(32));
  }

  /** The key's own fingerprint, to tell keys apart without keeping one: scrypt, so that a case holding it is a slow
   *  oracle for guessing the key (a random key cannot be guessed at all). */
  keyId(): Promise<string> {
    // on libuv's thread pool, computed once: asked for early, it runs while the case database opens (~45 ms)
    this.id ??= new Promise((resolve, reject) => scrypt(this.key, 'clawtrail fingerprint key id', 12, (err, hash) => (err ? reject(err) : resolve('scrypt:' + hash.toString('hex')))));
    return this.id;
  }

  fp(value: string): string {
    return 'hmac:' + createHmac('sha256', this.key).update(value, 'utf8').digest('hex').slice(0, 24);
  }

  record(value: unknown): SecretRecord {
    const marked = typeof value === 'string' ? MARKER.exec(value) : null;
    if (marked) return { fp: marked[1], shape: marked[2], value: null };
    const shape = shapeOf(value);
    if (shape === 'secretref') {
      const o = value as Record<string, unknown>;
      return { fp: null, shape, value: `SecretRef(${String(o.source ?? '?')}:${String(o.provider ?? 'default')}:${String(o.id ?? '?')})` };
    }
    if (shape === 'template') return { fp: null, shape, value: String(value) };
    if (shape === 'empty' || shape === 'redacted' || shape === 'withheld') return { fp: null, shape, value: null };
    return { fp: this.fp(String(value)), shape, value: null };
  }
}

/** The fingerprinter of a case whose key was not given: evidence without secrets (and files the case already holds)
 *  still goes in; the first secret to fingerprint refuses the run, since its fingerprint could not be compared. */
export class RefusingFingerprinter extends Fingerprinter {
  constructor(private readonly why: string) {
    super(Buffer.alloc(0));
  }

  override fp(): string {
    throw new FingerprintKeyRefused(this.why);
  }
}
