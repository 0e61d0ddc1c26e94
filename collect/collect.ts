// `clawtrail collect`: snapshots a Docker Compose project into an evidence bundle with the docker CLI — inspect,
// logs with daemon stamps, events, engine version and info, the compose files — with a MANIFEST.json chain of custody.
// Secrets never leave the host in clear: environment and .env values whose names hold secrets become the same keyed
// fingerprints that ingest computes (as `clawtrail-fp:` markers), and log lines lose their token= values.
import { spawn } from 'node:child_process';
import { accessSync, constants, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Fingerprinter, isSecretName, toMarker } from '../lib/secrets.js';
import { sha256File, type ManifestEntry, writeManifest } from './manifest.js';
import { mergeWatch } from './watch.js';

export interface CollectOptions {
  project?: string;
  since: string;
  out: string;
  host?: string;
  fingerprintKey: string;
  version: string;
  watchDir?: string;
  progress?: (m: string) => void;
}

interface Run { code: number; stdout: Buffer; stderr: string; started: string; ended: string }

/** The docker CLI's arguments, aimed at --host when one was given. */
export const dockerArgs = (host: string | undefined, args: string[]): string[] => (host ? ['--host', host, ...args] : args);

/** `docker logs -t` output (stdout and stderr merged) put back in order by its daemon stamp, token= values redacted. */
export const orderedRedactedLogs = (text: string): string => text.split('\n').filter(Boolean).sort().map(redactLine).join('\n') + '\n';

/** Runs the docker CLI; with mergeStderr, the command's stderr is part of its output (docker logs: the container's stderr). */
function docker(args: string[], host?: string, mergeStderr = false): Promise<Run> {
  const started = new Date().toISOString();
  return new Promise((res) => {
    const p = spawn('docker', dockerArgs(host, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => (mergeStderr ? out : err).push(c));
    p.on('error', (e) => res({ code: 127, stdout: Buffer.alloc(0), stderr: String(e.message), started, ended: new Date().toISOString() }));
    p.on('close', (code) => res({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').slice(0, 4000), started, ended: new Date().toISOString() }));
  });
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Streams a log file line by line through redactLine (memory stays bounded). */
async function copyRedacted(from: string, to: string): Promise<void> {
  const rl = createInterface({ input: createReadStream(from), crlfDelay: Infinity });
  const sink = createWriteStream(to);
  for await (const line of rl) if (!sink.write(redactLine(line) + '\n')) await new Promise<void>((r) => sink.once('drain', () => r()));
  await new Promise<void>((res, rej) => sink.end((e?: Error | null) => (e ? rej(e) : res())));
}

/** token= values in URLs and echoed tokens, as ingest's redact() would remove them. */
export function redactLine(line: string): string {
  return line
    // a backslash ends the value too: inside a json-file record it starts an escape (\n) that must survive
    .replace(/((?:^|[?#&;/\s])(?:token|access_token|auth_token|gateway_token)=)[^&\s"#;\\]+/gi, '$1[REDACTED]')
    .replace(/((?:gateway token|token)\s*[:=]\s*["']?)[A-Za-z0-9_\-.]{16,}/gi, '$1[REDACTED]');
}

/** Command-line arguments: the value after --token/--password becomes a marker; token= in URLs is redacted. */
export function scrubArgs(args: unknown, fpr: Fingerprinter): unknown {
  if (!Array.isArray(args)) return typeof args === 'string' ? redactLine(args) : args;
  return args.map((a, i) => (typeof a !== 'string' ? a
    : /^--?(token|password|secret)$/i.test(String(args[i - 1] ?? '')) ? toMarker(fpr, a)
    : redactLine(a.replace(/^(--?(?:token|password)=)(.+)$/i, (_m, k: string, v: string) => k + toMarker(fpr, v)))));
}

/** docker inspect with every secret-like environment value replaced by its fingerprint marker, and the command lines scrubbed. */
export function scrubInspect(json: string, fpr: Fingerprinter): string {
  const doc = JSON.parse(json) as Record<string, unknown>[];
  for (const c of doc) {
    c.Path = scrubArgs(c.Path, fpr);
    c.Args = scrubArgs(c.Args, fpr);
    const cfg = c.Config as { Env?: string[]; Cmd?: unknown; Entrypoint?: unknown } | undefined;
    if (cfg) {
      cfg.Cmd = scrubArgs(cfg.Cmd, fpr);
      cfg.Entrypoint = scrubArgs(cfg.Entrypoint, fpr);
    }
    if (cfg?.Env) {
      cfg.Env = cfg.Env.map((e) => {
        const eq = e.indexOf('=');
        const key = eq < 0 ? e : e.slice(0, eq);
        return eq >= 0 && isSecretName(key) ? `${key}=${toMarker(fpr, e.slice(eq + 1))}` : e;
      });
    }
  }
  return JSON.stringify(doc, null, 2) + '\n';
}

export function scrubDotenv(text: string, fpr: Fingerprinter): string {
  return text.split('\n').map((l) => {
    const m = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*)(.*)$/.exec(l);
    if (!m || !isSecretName(m[2])) return l;
    const v = m[3].trim().replace(/^(["'])(.*)\1$/, '$2');
    return m[1] + toMarker(fpr, v);
  }).join('\n');
}

/** JSON/JSON5 text: the values of token/password/secret keys become markers (templates stay); `--token` arguments too. */
export function scrubJsonSecrets(text: string, fpr: Fingerprinter): string {
  return text
    .replace(/(["']?[A-Za-z_]*(?:token|password|secret|privateKey)[A-Za-z_]*["']?\s*:\s*)(["'])((?:(?!\2).)*)\2/gi,
      (all, k: string, q: string, v: string) => (v.startsWith('${') || v === '' ? all : `${k}${q}${toMarker(fpr, v)}${q}`))
    .replace(/("--(?:token|password)",\s*")([^"]+)(")/g, (_a, k: string, v: string, q: string) => `${k}${toMarker(fpr, v)}${q}`);
}

/** Literal secret values in a compose file (`KEY: value` / `- KEY=value`); `${VAR}` templates stay. */
export function scrubYaml(text: string, fpr: Fingerprinter): string {
  return text.split('\n').map((l) => {
    const m = /^(\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*)(["']?)([^"'\s][^"']*)\3\s*$/.exec(l);
    return m && isSecretName(m[2]) && !m[4].startsWith('${') ? m[1] + toMarker(fpr, m[4]) : l;
  }).join('\n');
}

export async function collect(o: CollectOptions): Promise<{ entries: ManifestEntry[]; failures: ManifestEntry[]; out: string }> {
  const fpr = Fingerprinter.fromOption(o.fingerprintKey);
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const entries: ManifestEntry[] = [];
  const say = o.progress ?? (() => {});
  const record = async (rel: string | null, args: string[], transform?: (b: Buffer) => string | Buffer, mergeStderr = false): Promise<Run> => {
    say(`docker ${args.join(' ')}`);
    const r = await docker(args, o.host, mergeStderr);
    const entry: ManifestEntry = { path: rel, command: ['docker', ...dockerArgs(o.host, args)].join(' '), exit_code: r.code, stderr: r.stderr, started: r.started, ended: r.ended };
    if (rel && r.code === 0) {
      const p = join(out, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, transform ? transform(r.stdout) : r.stdout);
      Object.assign(entry, await sha256File(p));
    }
    entries.push(entry);
    return r;
  };
  /** A file written into the bundle by a copy, not a docker command: its manifest entry. */
  const recordCopy = async (rel: string, command: string, started: string): Promise<void> => {
    entries.push({ path: rel, command, exit_code: 0, stderr: '', started, ended: new Date().toISOString(), ...(await sha256File(join(out, rel))) });
  };

  // the project: given, or the only one the engine knows
  let project = o.project;
  if (!project) {
    const r = await docker(['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}'], o.host);
    const names = [...new Set(r.stdout.toString().split('\n').map((s) => s.trim()).filter(Boolean))];
    if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr.trim().split('\n')[0]}`);
    if (names.length !== 1) throw new Error(names.length ? `several compose projects: ${names.join(', ')} (choose one with --project)` : 'no compose project found (is the engine reachable? --host)');
    project = names[0];
  }
  const ids = (await docker(['ps', '-a', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${project}`], o.host)).stdout.toString().split('\n').filter(Boolean);
  if (ids.length === 0) throw new Error(`no container of compose project ${project}`);

  const snap = new Date().toISOString().replace(/[:.]/g, '').slice(0, 15) + 'Z';
  const inspect = await record(`docker/inspect-${snap}.json`, ['inspect', ...ids], (b) => scrubInspect(b.toString('utf8'), fpr));
  const containers = inspect.code === 0 ? (JSON.parse(inspect.stdout.toString()) as { Id: string; Name: string; LogPath?: string; Config?: { Labels?: Record<string, string> } }[]) : [];
  for (const c of containers) {
    const name = c.Name.replace(/^\//, '');
    // The json-file itself when this host can read it (stream, daemon time, the >16 KiB pieces); else docker logs -t.
    if (c.LogPath && canRead(c.LogPath)) {
      const rel = `containers/${c.Id}/${c.Id}-json.log`;
      const started = new Date().toISOString();
      mkdirSync(join(out, 'containers', c.Id), { recursive: true });
      await copyRedacted(c.LogPath, join(out, rel));
      await recordCopy(rel, `copy ${c.LogPath} (token= values redacted)`, started);
    } else {
      await record(`logs/${name}.log`, ['logs', '-t', '--since', o.since, c.Id], (b) => orderedRedactedLogs(b.toString('utf8')), true);
    }
  }
  await record('docker/events.jsonl', ['events', '--since', o.since, '--until', new Date().toISOString(), '--format', '{{json .}}', '--filter', `label=com.docker.compose.project=${project}`]);
  await record('docker/version.json', ['version', '--format', '{{json .}}']);
  await record('docker/info.json', ['info', '--format', '{{json .}}']);

  // the compose folder's files, from the labels of the containers
  const labels = containers[0]?.Config?.Labels ?? {};
  const workdir = labels['com.docker.compose.project.working_dir'];
  const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean)
    .map((f) => (f.startsWith('/') || !workdir ? f : join(workdir, f)));
  for (const f of [...files, workdir ? join(workdir, '.env') : '']) {
    if (!f) continue;
    const rel = `compose/${f.split('/').pop()}`;
    const started = new Date().toISOString();
    if (!existsSync(f)) {
      entries.push({ path: null, command: `copy ${f}`, exit_code: 1, stderr: 'not found on this host', started, ended: started });
      continue;
    }
    const text = readFileSync(f, 'utf8');
    mkdirSync(join(out, 'compose'), { recursive: true });
    writeFileSync(join(out, rel), rel.endsWith('.env') ? scrubDotenv(text, fpr) : scrubYaml(text, fpr));
    await recordCopy(rel, `copy ${f}`, started);
  }
  // OpenClaw's state from the state mount (config, pairing, config audit), secrets made markers
  const seen = new Set<string>();
  for (const c of containers as { Mounts?: { Source?: string; Destination?: string }[] }[]) {
    for (const m of c.Mounts ?? []) {
      if (m.Destination !== '/home/node/.openclaw' || !m.Source || seen.has(m.Source)) continue;
      seen.add(m.Source);
      const n = seen.size;
      for (const rel of ['openclaw.json', 'openclaw.json.last-good', 'openclaw.json.bak', 'devices/paired.json', 'devices/pending.json', 'logs/config-audit.jsonl']) {
        const src = join(m.Source, rel);
        if (!existsSync(src) || !canRead(src)) continue;
        const dest = `state${n > 1 ? n : ''}/${rel}`;
        const started = new Date().toISOString();
        mkdirSync(join(out, dest, '..'), { recursive: true });
        writeFileSync(join(out, dest), scrubJsonSecrets(readFileSync(src, 'utf8'), fpr));
        await recordCopy(dest, `copy ${src} (secret values fingerprinted)`, started);
      }
    }
  }
  if (o.watchDir) {
    const started = new Date().toISOString();
    for (const rel of mergeWatch(o.watchDir, out)) await recordCopy(rel, `copy from the watch capture ${o.watchDir}`, started);
  }
  writeManifest(out, { collector: `clawtrail ${o.version}`, host: hostname(), project, since: o.since, collected_at: new Date().toISOString(), files: entries });
  return { entries, failures: entries.filter((e) => e.exit_code !== 0), out };
}
