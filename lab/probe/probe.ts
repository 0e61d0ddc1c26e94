// A probe client for the lab: speaks the real OpenClaw gateway protocol (as the openclaw package's own client does:
// wait for `connect.challenge`, sign the v3 device payload with an Ed25519 identity, send `connect` with the shared
// token, expect `hello-ok`, then keep the session with WebSocket pings and periodic `health` requests, reconnecting
// with backoff) and logs every open, hello, close, refused upgrade and error as one JSON line. These lines are the
// client's view that truth.ts reads; they never go into a bundle.
//
// Runs under Node 24 (the openclaw install's `ws` is loaded from OPENCLAW_DIR, so the probe uses the same WebSocket
// library as the real client). Configuration comes as one JSON argument (ProbeConfig).
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';

export interface ProbeConfig {
  name: string;              // the probe's name in logs and truth (e.g. "via-nginx-1")
  path: string;              // how it reaches the gateway: "direct", "nginx", "caddy", "haproxy"
  url: string;               // ws://127.0.0.1:PORT/
  token?: string;            // the shared gateway token this client holds (like a user's env token)
  tokenFile?: string;        // or: read the token from this .env-style file at each connect (KEY=value)
  tokenKey?: string;         // the key in tokenFile (default OPENCLAW_GATEWAY_TOKEN)
  xff?: string;              // X-Forwarded-For value (documentation addresses only)
  identityFile: string;      // the device identity (and device token) kept across reconnects
  log: string;               // JSON-lines log
  openclawDir: string;       // the openclaw install (for `ws`)
  pingEverySec?: number;     // WebSocket ping interval (0: none)
  healthEverySec?: number;   // `health` RPC interval (0: none)
  deviceTokenFallback?: boolean; // after a shared-token mismatch, retry with the paired device token
  backoffMs?: [number, number];  // first and largest reconnect delay
  sessionSec?: number;       // close (1000) after this long and reconnect, like a CLI run
  kind?: 'ws' | 'http-health'; // http-health: a load balancer's health check, GET /healthz every everySec
  everySec?: number;
}

interface Identity { deviceId: string; publicKeyPem: string; privateKeyPem: string; deviceToken?: string }

interface WsLike {
  on(ev: string, fn: (...a: any[]) => void): void;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  readyState: number;
}

const cfg: ProbeConfig = JSON.parse(process.argv[2] ?? '{}');
const requireFromOpenclaw = createRequire(path.join(cfg.openclawDir, 'node_modules', 'openclaw', 'package.json'));
const WebSocket = requireFromOpenclaw('ws') as new (url: string, opts: object) => WsLike;

const logFd = fs.openSync(cfg.log, 'a');
function log(ev: string, fields: Record<string, unknown> = {}): void {
  fs.writeSync(logFd, JSON.stringify({ t: new Date().toISOString(), probe: cfg.name, path: cfg.path, ev, ...fields }) + '\n');
}

const ED25519_SPKI_PREFIX_LEN = 12; // raw key = the last 32 bytes of the SPKI DER
function rawPublicKey(pem: string): Buffer {
  const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return der.subarray(ED25519_SPKI_PREFIX_LEN);
}
function loadIdentity(): Identity {
  if (fs.existsSync(cfg.identityFile)) return JSON.parse(fs.readFileSync(cfg.identityFile, 'utf8'));
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const id: Identity = { deviceId: crypto.createHash('sha256').update(rawPublicKey(publicKeyPem)).digest('hex'), publicKeyPem, privateKeyPem };
  saveIdentity(id);
  return id;
}
function saveIdentity(id: Identity): void {
  fs.mkdirSync(path.dirname(cfg.identityFile), { recursive: true });
  fs.writeFileSync(cfg.identityFile, JSON.stringify(id), { mode: 0o600 });
}
function currentToken(): string | undefined {
  if (!cfg.tokenFile) return cfg.token;
  const key = cfg.tokenKey ?? 'OPENCLAW_GATEWAY_TOKEN';
  try {
    for (const line of fs.readFileSync(cfg.tokenFile, 'utf8').split('\n')) {
      const m = /^\s*([A-Z0-9_]+)\s*=\s*"?([^"\n]*)"?\s*$/.exec(line);
      if (m && m[1] === key) return m[2];
    }
  } catch { /* no file: no token */ }
  return undefined;
}

const identity = loadIdentity();
const role = 'operator';
const scopes = ['operator.read'];
const clientId = 'gateway-client';
const clientMode = 'backend';
const platform = 'linux';
const [backoffFirst, backoffMax] = cfg.backoffMs ?? [1000, 15000];
let delay = backoffFirst;
let useDeviceToken = false;
let stopping = false;
let attempt = 0;
let current: WsLike | null = null;

function connect(): void {
  if (stopping) return;
  attempt += 1;
  const conn = attempt;
  const headers: Record<string, string> = {};
  if (cfg.xff) headers['X-Forwarded-For'] = cfg.xff;
  const ws = new WebSocket(cfg.url, { headers, handshakeTimeout: 10_000 });
  current = ws;
  let helloAt = 0;
  let lastError: Record<string, unknown> | undefined;
  const timers: NodeJS.Timeout[] = [];
  let reqId = 0;
  const pending = new Map<string, string>();
  const request = (method: string, params: unknown): string => {
    const id = `${conn}-${++reqId}`;
    pending.set(id, method);
    ws.send(JSON.stringify({ type: 'req', id, method, params }));
    return id;
  };

  ws.on('upgrade', (res: { statusCode: number }) => log('open', { conn, status: res.statusCode }));
  ws.on('unexpected-response', (_req: unknown, res: { statusCode: number; on: (e: string, f: (c: Buffer) => void) => void }) => {
    let body = '';
    res.on('data', (c: Buffer) => { if (body.length < 400) body += c.toString('utf8'); });
    res.on('end', () => {
      log('refused', { conn, status: res.statusCode, body: body.slice(0, 200) });
      ws.terminate();
    });
  });
  ws.on('message', (raw: Buffer) => {
    let frame: any;
    try { frame = JSON.parse(raw.toString('utf8')); } catch { return; }
    if (frame.type === 'event' && frame.event === 'connect.challenge') {
      const nonce = String(frame.payload?.nonce ?? '');
      const shared = currentToken();
      const auth: Record<string, string> = {};
      if (shared) auth.token = shared;
      if (useDeviceToken && identity.deviceToken) auth.deviceToken = identity.deviceToken;
      const signatureToken = shared ?? identity.deviceToken ?? '';
      const signedAt = Date.now();
      const payload = ['v3', identity.deviceId, clientId, clientMode, role, scopes.join(','), String(signedAt), signatureToken, nonce, platform, ''].join('|');
      const signature = crypto.sign(null, Buffer.from(payload, 'utf8'), crypto.createPrivateKey(identity.privateKeyPem)).toString('base64url');
      request('connect', {
        minProtocol: 3, maxProtocol: 4,
        client: { id: clientId, displayName: cfg.name, version: 'lab-probe/1', platform, mode: clientMode, instanceId: cfg.name },
        caps: [], role, scopes,
        auth: Object.keys(auth).length ? auth : undefined,
        device: { id: identity.deviceId, publicKey: rawPublicKey(identity.publicKeyPem).toString('base64url'), signature, signedAt, nonce },
      });
      return;
    }
    if (frame.type === 'res') {
      const method = pending.get(frame.id);
      pending.delete(frame.id);
      if (method === 'connect') {
        if (frame.ok) {
          helloAt = Date.now();
          if (cfg.sessionSec) timers.push(setTimeout(() => { try { ws.close(1000, 'session done'); } catch { /* closing */ } }, cfg.sessionSec * 1000));
          delay = backoffFirst;
          const deviceToken = frame.payload?.auth?.deviceToken;
          if (typeof deviceToken === 'string' && deviceToken !== identity.deviceToken) { identity.deviceToken = deviceToken; saveIdentity(identity); }
          log('hello', { conn, device: identity.deviceId.slice(0, 12), auth: useDeviceToken ? 'device-token' : 'token' });
          if (cfg.pingEverySec) timers.push(setInterval(() => { try { ws.ping(); } catch { /* closing */ } }, cfg.pingEverySec * 1000));
          if (cfg.healthEverySec) timers.push(setInterval(() => { try { request('health', {}); } catch { /* closing */ } }, cfg.healthEverySec * 1000));
        } else {
          const details = frame.error?.details ?? {};
          lastError = { error: frame.error?.message, detail: details.code, requestId: details.requestId };
          log('connect-error', { conn, ...lastError });
          if (cfg.deviceTokenFallback && details.code === 'AUTH_TOKEN_MISMATCH' && identity.deviceToken) useDeviceToken = true;
        }
      } else if (method === 'health' && !frame.ok) {
        log('rpc-error', { conn, method, error: frame.error?.message });
      }
    }
  });
  ws.on('error', (err: Error) => log('error', { conn, error: err.message }));
  ws.on('close', (code: number, reason: Buffer) => {
    for (const t of timers) { clearInterval(t); clearTimeout(t); }
    const reasonText = reason.toString('utf8');
    const sessionMs = helloAt ? Date.now() - helloAt : null;
    log('close', { conn, code, reason: reasonText, hello: helloAt > 0, session_ms: sessionMs });
    if (current === ws) current = null;
    if (stopping) return;
    const planned = code === 1000 && reasonText === 'session done';
    const wait = planned ? 1000 : delay;
    if (!planned) delay = Math.min(delay * 2, backoffMax);
    setTimeout(connect, wait);
  });
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  log('stop');
  if (current) { try { current.close(1000, 'probe stopped'); } catch { /* gone */ } }
  setTimeout(() => process.exit(0), 500);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A load balancer's health check: GET /healthz, one line per check (status 0: no answer).
function healthCheck(): void {
  if (stopping) return;
  const started = Date.now();
  const req = http.get(cfg.url.replace(/^ws/, 'http').replace(/\/?$/, '/healthz'), { headers: cfg.xff ? { 'X-Forwarded-For': cfg.xff } : {}, timeout: 3000 }, (res) => {
    res.resume();
    res.on('end', () => log('check', { status: res.statusCode, ms: Date.now() - started }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err: Error) => log('check', { status: 0, error: err.message, ms: Date.now() - started }));
  setTimeout(healthCheck, (cfg.everySec ?? 2) * 1000);
}

log('start', { url: cfg.url, xff: cfg.xff ?? null, device: identity.deviceId.slice(0, 12), fallback: !!cfg.deviceTokenFallback, kind: cfg.kind ?? 'ws' });
if (cfg.kind === 'http-health') healthCheck(); else connect();
