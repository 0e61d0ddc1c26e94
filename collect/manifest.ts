// MANIFEST.json: the bundle's chain of custody — for every file its sha256, size, the command that produced it, its
// exit code and stderr, start and end (UTC); commands that failed are listed too. `clawtrail verify` checks it.
//
// What a manifest proves: that every file is byte for byte what the collector wrote, and that nothing was added or
// removed since (integrity since collection). What it does not prove on its own: who wrote it — anyone who can change
// a file can rewrite the manifest to match. A manifest signed at collection (`collect --sign KEY.pem`, Ed25519) and
// checked with the public key (`verify --key PUB.pem`) proves that too, as far as the private key stayed with the
// collector. Nothing proves that the collected evidence was true when it was collected.
import { createHash, createPublicKey, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { closeSync, constants, createReadStream, fstatSync, lstatSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../case/bundle-layout.js';

export interface ManifestEntry {
  path: string | null;        // null when the command produced no file (it failed)
  command: string;
  exit_code: number;
  stderr: string;
  started: string;
  ended: string;
  sha256?: string;
  size?: number;
}

export interface ManifestSignature { alg: 'ed25519'; public_key_sha256: string; value: string }

export interface Manifest { collector: string; host: string; project: string; since: string; collected_at: string; files: ManifestEntry[]; signature?: ManifestSignature }

const MAX_MANIFEST = 64 * 1024 * 1024;

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  await new Promise<void>((res, rej) => createReadStream(path).on('data', (c) => h.update(c)).on('end', () => res()).on('error', rej));
  return { sha256: h.digest('hex'), size: statSync(path).size };
}

/** The bytes a signature covers: the manifest as writeManifest writes it, without its signature. */
const signedBytes = (m: Manifest): Buffer => {
  const { signature: _, ...rest } = m;
  return Buffer.from(JSON.stringify(rest, null, 2) + '\n');
};

const keyId = (pub: KeyObject): string => createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');

/** A PEM key file (private for collect --sign, public or private for verify --key), with a clear error. */
export function readKey(path: string, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    const pem = readFileSync(path);
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (err) {
    throw new Error(`${path}: not a PEM ${kind} key (${(err as Error).message.split('\n')[0]}); make one with: openssl genpkey -algorithm ed25519 -out collect.pem; openssl pkey -in collect.pem -pubout -out collect.pub.pem`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: an ${key.asymmetricKeyType} key; manifests are signed with Ed25519 keys`);
  return key;
}

/** Writes MANIFEST.json, signed with the Ed25519 private key when one is given. */
export function writeManifest(dir: string, m: Manifest, signingKey?: KeyObject): void {
  const doc: Manifest = { ...m };
  delete doc.signature;
  if (signingKey) {
    doc.signature = { alg: 'ed25519', public_key_sha256: keyId(createPublicKey(signingKey)), value: sign(null, signedBytes(doc), signingKey).toString('base64') };
  }
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(doc, null, 2) + '\n');
}

export interface VerifyResult {
  ok: boolean;
  problems: string[];
  checked: number;
  /** valid: checked with the given key; unchecked: signed, no key given; unsigned. */
  signature: 'valid' | 'unchecked' | 'unsigned' | 'invalid';
}

/** Why a manifest path is not a plain relative path inside the bundle, or null when it is one. */
function unsafePath(p: string): string | null {
  if (p.includes('\0')) return 'a NUL byte in the path';
  if (p.startsWith('/')) return 'an absolute path';
  const parts = p.split('/');
  if (parts.includes('..')) return 'a path that leads out of the bundle (..)';
  if (parts.some((x) => x === '' || x === '.')) return 'not a plain relative path (empty or . segments)';
  return null;
}

/** Every entry under `dir` by its path relative to it, from lstat: no link is followed. */
function entriesOf(dir: string): Map<string, Stats> {
  const out = new Map<string, Stats>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const r = rel ? `${rel}/${e}` : e;
      const st = lstatSync(join(dir, r));
      out.set(r, st);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

const kindOf = (st: Stats): string =>
  st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isFile() ? 'a file' : 'a device';

/** sha256 and size of a regular file, read through a descriptor opened without following a link or blocking. */
async function hashRegular(path: string): Promise<{ sha256: string; size: number } | string> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return `cannot open (${(err as NodeJS.ErrnoException).code})`;
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return `${kindOf(st)}, not a file: not read`;
  }
  const h = createHash('sha256');
  let size = 0;
  await new Promise<void>((res, rej) => createReadStream('', { fd }).on('data', (c) => {
    size += c.length;
    h.update(c);
  }).on('end', () => res()).on('error', rej));
  return { sha256: h.digest('hex'), size };
}

/**
 * The bundle folder against its manifest: exactly one MANIFEST.json at the root (a regular file), every path in it a
 * plain relative path inside the bundle, every named file present, a regular file (never a link, FIFO or device) with
 * its size and sha256, and every file on disk named by the manifest. No link is followed and nothing can block.
 * With `publicKey` the manifest must carry a valid Ed25519 signature by that key.
 */
export async function verifyBundle(dir: string, opts: { publicKey?: KeyObject } = {}): Promise<VerifyResult> {
  const fail = (problem: string): VerifyResult => ({ ok: false, problems: [problem], checked: 0, signature: 'unsigned' });
  let root: Stats;
  try {
    root = statSync(dir);
  } catch {
    return fail(`${dir}: no such bundle folder`);
  }
  if (!root.isDirectory()) return fail(`${dir}: not a bundle folder`);
  const disk = entriesOf(dir);
  const manifestStat = disk.get(MANIFEST_FILE);
  if (!manifestStat) return fail(`no ${MANIFEST_FILE} at the bundle root (${dir})`);
  if (!manifestStat.isFile()) return fail(`${MANIFEST_FILE} is ${kindOf(manifestStat)}, not a file: not read`);
  if (manifestStat.size > MAX_MANIFEST) return fail(`${MANIFEST_FILE} is larger than ${MAX_MANIFEST} bytes: not read`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    if (!m || typeof m !== 'object' || !Array.isArray(m.files)) throw new Error('no "files" list');
  } catch (err) {
    return fail(`${MANIFEST_FILE} is not a manifest: ${(err as Error).message.split('\n')[0]}`);
  }

  const problems: string[] = [];
  let signature: VerifyResult['signature'] = m.signature ? 'unchecked' : 'unsigned';
  if (opts.publicKey) {
    const s = m.signature;
    let good = false;
    try {
      good = !!s && s.alg === 'ed25519' && verify(null, signedBytes(m), opts.publicKey, Buffer.from(String(s.value), 'base64'));
    } catch {
      good = false;
    }
    signature = good ? 'valid' : 'invalid';
    if (!s) problems.push(`${MANIFEST_FILE} is not signed, and a key was given: its origin cannot be checked`);
    else if (!good) problems.push(`${MANIFEST_FILE}: the signature does not match the given key (key ${keyId(opts.publicKey).slice(0, 16)}…, signed by ${String(s.public_key_sha256).slice(0, 16)}…) or the manifest was changed`);
  }

  const named = new Set<string>();
  let checked = 0;
  for (const [i, f] of m.files.entries()) {
    if (!f || typeof f !== 'object') {
      problems.push(`manifest entry ${i + 1}: not an object`);
      continue;
    }
    if (f.path === null || f.path === undefined) continue; // a command that produced no file
    if (typeof f.path !== 'string') {
      problems.push(`manifest entry ${i + 1}: its path is not a string`);
      continue;
    }
    const bad = unsafePath(f.path);
    if (bad) {
      problems.push(`${f.path}: ${bad}: not followed`);
      continue;
    }
    if (named.has(f.path)) problems.push(`${f.path}: named twice in the manifest`);
    named.add(f.path);
    if (f.path === MANIFEST_FILE) {
      problems.push(`${f.path}: the manifest names itself`);
      continue;
    }
    checked++;
    const st = disk.get(f.path);
    if (!st) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    if (!st.isFile()) {
      problems.push(`${f.path}: ${kindOf(st)}, not a file: not read`);
      continue;
    }
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isSafeInteger(f.size)) {
      problems.push(`${f.path}: the manifest gives no sha256 and size for it`);
      continue;
    }
    const got = await hashRegular(join(dir, f.path));
    if (typeof got === 'string') problems.push(`${f.path}: ${got}`);
    else if (got.sha256 !== f.sha256 || got.size !== f.size) problems.push(`${f.path}: sha256 ${got.sha256.slice(0, 12)}… differs from the manifest's ${f.sha256.slice(0, 12)}…`);
  }
  // anything on disk the manifest does not name was added after the collection: outside the chain of custody
  for (const [rel, st] of disk) {
    if (st.isDirectory() || rel === MANIFEST_FILE || named.has(rel)) continue;
    problems.push(st.isFile() ? `${rel}: not in the manifest (added after the collection?)` : `${rel}: ${kindOf(st)} not in the manifest (not followed)`);
  }
  return { ok: problems.length === 0, problems, checked, signature };
}
