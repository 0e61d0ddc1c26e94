// `clawtrail collect`: snapshots a Docker Compose project into an evidence bundle with the docker CLI — inspect,
// logs with daemon stamps, events, engine version and info, the compose files — with a MANIFEST.json chain of custody.
// Secrets never leave the host in clear: environment and .env values whose names hold secrets become the same keyed
// fingerprints that ingest computes (as `clawtrail-fp:` markers), and log lines lose their token= values.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Fingerprinter } from '../lib/secrets.js';
import { composeCli, docker, dockerArgs, runCommand, sinceCutoff, type Run } from './docker.js';
import { copyRedacted, saveDockerLogs } from './logs.js';
import { scrubbedHistoryBundle, workTreeOf } from './git-history.js';
import { proxyFilesFromMounts, proxyFilesUnder, type ProxyFile } from './mounts.js';
import { scrubProxyConfig, scrubDotenv, scrubInspect, scrubJsonSecrets, scrubYaml } from './scrub.js';
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
  add?: string[];
  progress?: (m: string) => void;
}

/** The actor of a `docker events` JSON line: its id and, for a volume event, the container it names. */
function eventActor(line: string): { id: string; container?: string } {
  try {
    const j = JSON.parse(line) as { Actor?: { ID?: string; Attributes?: Record<string, string> } };
    return { id: j.Actor?.ID ?? '', container: j.Actor?.Attributes?.container };
  } catch {
    return { id: '' };
  }
}

/** The volume events (JSON lines) that concern the given containers: their mounts and unmounts, and the create and
 *  destroy of the volumes those name. */
export function projectVolumeEvents(text: string, containerIds: Set<string>): string {
  const lines = text.split('\n').filter(Boolean);
  const volumes = new Set(lines.map(eventActor).filter((a) => a.container && containerIds.has(a.container)).map((a) => a.id));
  const kept = lines.filter((l) => {
    const a = eventActor(l);
    return a.container ? containerIds.has(a.container) : volumes.has(a.id);
  });
  return kept.length ? kept.join('\n') + '\n' : '';
}

/** The parts of `docker inspect` that collect follows. */
interface InspectedContainer {
  Id: string;
  Name: string;
  LogPath?: string;
  Config?: { Image?: string; Labels?: Record<string, string> };
  Mounts?: { Type?: string; Source?: string; Destination?: string }[];
}

function canRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export async function collect(o: CollectOptions): Promise<{ entries: ManifestEntry[]; failures: ManifestEntry[]; out: string }> {
  const fpr = Fingerprinter.fromOption(o.fingerprintKey);
  const out = resolve(o.out);
  mkdirSync(out, { recursive: true });
  const entries: ManifestEntry[] = [];
  const say = o.progress ?? (() => {});
  /** Keeps a command's output as a bundle file (when it succeeded) and its manifest entry (always). */
  const keep = async (rel: string | null, command: string, r: Run, transform?: (b: Buffer) => string | Buffer): Promise<Run> => {
    const entry: ManifestEntry = { path: rel, command, exit_code: r.code, stderr: r.stderr, started: r.started, ended: r.ended };
    if (rel && r.code === 0) {
      const p = join(out, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, transform ? transform(r.stdout) : r.stdout);
      Object.assign(entry, await sha256File(p));
    } else if (rel) entry.path = null;
    entries.push(entry);
    return r;
  };
  const record = async (rel: string | null, args: string[], transform?: (b: Buffer) => string | Buffer): Promise<Run> => {
    say(`docker ${args.join(' ')}`);
    return keep(rel, ['docker', ...dockerArgs(o.host, args)].join(' '), await docker(args, o.host), transform);
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
  const containers = inspect.code === 0 ? (JSON.parse(inspect.stdout.toString()) as InspectedContainer[]) : [];
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
      const rel = `logs/${name}.log`;
      const argv = dockerArgs(o.host, ['logs', '-t', '--since', o.since, c.Id]);
      say(`docker ${argv.join(' ')}`);
      mkdirSync(join(out, 'logs'), { recursive: true });
      const r = await saveDockerLogs(argv, join(out, rel));
      const entry: ManifestEntry = { path: r.code === 0 ? rel : null, command: ['docker', ...argv].join(' ') + ' (stdout and stderr merged by stamp, token= values redacted)', exit_code: r.code, stderr: r.stderr, started: r.started, ended: r.ended };
      if (r.code === 0) Object.assign(entry, await sha256File(join(out, rel)));
      entries.push(entry);
    }
  }
  const until = new Date().toISOString();
  const events = await record('docker/events.jsonl', ['events', '--since', o.since, '--until', until, '--format', '{{json .}}', '--filter', `label=com.docker.compose.project=${project}`]);
  // volumes carry no project label: their events are kept when they name a container of the project (mount, unmount)
  // or a volume such an event named (create, destroy) — this is how a renewed anonymous state volume shows
  const projectIds = new Set([...ids, ...events.stdout.toString('utf8').split('\n').map((l) => eventActor(l).id)]);
  await record('docker/volume-events.jsonl', ['events', '--since', o.since, '--until', until, '--format', '{{json .}}', '--filter', 'type=volume'], (b) => projectVolumeEvents(b.toString('utf8'), projectIds));
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
  // the compose folder's git history, scrubbed: its old revisions hold the tokens of their day in clear
  const tree = workdir ? await workTreeOf(workdir) : null;
  if (tree) {
    const started = new Date().toISOString();
    const command = `git -C ${tree} fast-export --all | (secret values fingerprinted) | git fast-import; git bundle create --all`;
    say(`git history of ${tree}`);
    mkdirSync(join(out, 'git'), { recursive: true });
    try {
      const r = await scrubbedHistoryBundle(tree, join(out, 'git', 'config-repo.bundle'), join(out, 'git', 'commit-map.txt'), fpr);
      await recordCopy('git/config-repo.bundle', command + (r.leftOut ? ` (${r.leftOut} file revision(s) over 16 MiB left out)` : ''), started);
      await recordCopy('git/commit-map.txt', `original and rewritten id of each of the ${r.commits} commit(s)`, started);
    } catch (err) {
      entries.push({ path: null, command, exit_code: 1, stderr: (err as Error).message, started, ended: new Date().toISOString() });
    }
  }
  // what compose itself says: the project's containers (ps) and the configuration it would run now, interpolated
  // from .env (so its secret values are fingerprinted like the rest)
  const cli = await composeCli(o.host);
  if (cli) {
    const base = [...cli.argv, '-p', project, ...(files.every((f) => existsSync(f)) ? files.flatMap((f) => ['-f', f]) : []), ...(workdir && existsSync(workdir) ? ['--project-directory', workdir] : [])];
    const run = async (rel: string, args: string[], transform?: (b: Buffer) => string): Promise<void> => {
      const argv = [...base, ...args];
      say(`${cli.bin} ${argv.join(' ')}`);
      await keep(rel, `${cli.bin} ${argv.join(' ')}`, await runCommand(cli.bin, argv, { cwd: workdir && existsSync(workdir) ? workdir : undefined, env: cli.env }), transform);
    };
    await run('compose/compose-ps.txt', ['ps', '-a']);
    await run('compose/resolved-config.yaml', ['config'], (b) => scrubYaml(b.toString('utf8'), fpr));
  } else {
    const at = new Date().toISOString();
    entries.push({ path: null, command: 'docker compose / docker-compose', exit_code: 127, stderr: 'neither the compose plugin nor docker-compose is installed: no compose ps or resolved config', started: at, ended: at });
  }
  // OpenClaw's state from the state mount (config, pairing, config audit), secrets made markers
  const seen = new Set<string>();
  for (const c of containers) {
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
  // the reverse proxy's configs and log files, through the proxy containers' mounts and any --add path on this host
  const cutoff = sinceCutoff(o.since);
  const takeProxyFile = async (f: ProxyFile, rel: string): Promise<void> => {
    const started = new Date().toISOString();
    if (f.kind === 'log' && cutoff !== null && f.mtimeMs < cutoff) {
      entries.push({ path: null, command: `skip ${f.source}`, exit_code: 0, stderr: `last written ${new Date(f.mtimeMs).toISOString()}, before --since ${o.since}`, started, ended: started });
      return;
    }
    mkdirSync(join(out, rel, '..'), { recursive: true });
    try {
      if (f.kind === 'log') await copyRedacted(f.source, join(out, rel));
      else writeFileSync(join(out, rel), scrubProxyConfig(readFileSync(f.source, 'utf8'), f.source, fpr));
    } catch (err) {
      entries.push({ path: null, command: `copy ${f.source}`, exit_code: 1, stderr: (err as Error).message, started, ended: new Date().toISOString() });
      return;
    }
    await recordCopy(rel, `copy ${f.source} (${f.kind === 'log' ? 'token= values redacted' : 'secret values fingerprinted'})`, started);
  };
  for (const p of proxyFilesFromMounts(containers)) {
    for (const f of p.files) await takeProxyFile(f, `proxy/${p.container}${f.inContainer}`);
  }
  for (const path of o.add ?? []) {
    const abs = resolve(path);
    const files = proxyFilesUnder(abs, abs);
    // a file named explicitly is taken even when its name is not a known config or log (as a log: redacted lines)
    if (files.length === 0 && existsSync(abs) && statSync(abs).isFile() && !/\.(key|pem|crt|p12|pfx)$/i.test(abs)) {
      const st = statSync(abs);
      files.push({ source: abs, inContainer: abs, kind: 'log', mtimeMs: Date.now(), size: st.size });
    }
    if (files.length === 0) {
      const at = new Date().toISOString();
      entries.push({ path: null, command: `copy ${abs}`, exit_code: 1, stderr: existsSync(abs) ? 'no proxy config or log file there' : 'not found on this host', started: at, ended: at });
    }
    for (const f of files) await takeProxyFile(f, `host${f.inContainer}`);
  }
  if (o.watchDir) {
    const started = new Date().toISOString();
    for (const rel of mergeWatch(o.watchDir, out)) await recordCopy(rel, `copy from the watch capture ${o.watchDir}`, started);
  }
  writeManifest(out, { collector: `clawtrail ${o.version}`, host: hostname(), project, since: o.since, collected_at: new Date().toISOString(), files: entries });
  return { entries, failures: entries.filter((e) => e.exit_code !== 0), out };
}
