// What collect takes from the Docker host's own disk, where the containers' labels and mounts point: the compose
// files and .env, what compose itself says (ps, the resolved config), the compose folder's git history (scrubbed),
// OpenClaw's state files, the reverse proxy's configs and logs, the engine's daemon.json, and any --add path.
// Every file passes through a scrubber on its way into the bundle.
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Fingerprinter } from '../case/secrets.js';
import { whyUnreadable, type BundleWriter } from './bundle-writer.js';
import { composeCli, runCommand } from './docker.js';
import type { InspectedContainer } from './engine-evidence.js';
import { scrubbedHistoryBundle, workTreeOf } from './git-history.js';
import { neverTaken, proxyFilesFromMounts, proxyFilesUnder, type ProxyFile } from './mounts.js';
import { scrubDotenv, scrubJsonSecrets, scrubProxyConfig, scrubYaml } from './scrub.js';
import { BUNDLE } from '../case/bundle-layout.js';

export interface HostFileOptions { project: string; since: string; cutoff: number | null; add: string[]; fpr: Fingerprinter }

/** The compose file(s) and .env named by the containers' labels. */
function composeFiles(containers: InspectedContainer[]): { workdir?: string; files: string[] } {
  const labels = containers[0]?.Config?.Labels ?? {};
  const workdir = labels['com.docker.compose.project.working_dir'];
  const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean)
    .map((f) => (f.startsWith('/') || !workdir ? f : join(workdir, f)));
  return { workdir, files };
}

async function takeComposeFiles(w: BundleWriter, workdir: string | undefined, files: string[], fpr: Fingerprinter): Promise<void> {
  for (const f of [...files, ...(workdir ? [join(workdir, '.env')] : [])]) {
    const why = whyUnreadable(f);
    if (why === 'ENOENT' && f.endsWith('/.env')) continue; // a project without .env
    if (why) {
      w.failed(`copy ${f}`, why === 'ENOENT' ? 'not found on this host' : why);
      continue;
    }
    // inside the compose folder: its path there (two files of one name stay apart); elsewhere: its name
    const rel = BUNDLE.composeFile(workdir && f.startsWith(`${workdir}/`) ? relative(workdir, f) : basename(f));
    await w.copyScrubbed(f, rel, (text) => (rel.endsWith('.env') ? scrubDotenv(text, fpr) : scrubYaml(text, fpr)));
  }
}

/** `compose ps -a` and `compose config` (interpolated from .env, so its secret values are fingerprinted too). */
async function takeComposeView(w: BundleWriter, project: string, workdir: string | undefined, files: string[], fpr: Fingerprinter): Promise<void> {
  const cli = await composeCli(w.host);
  if (!cli) {
    w.failed('docker compose / docker-compose', 'neither the compose plugin nor docker-compose is installed: no compose ps or resolved config', 127);
    return;
  }
  const here = workdir && existsSync(workdir) ? workdir : undefined;
  const base = [...cli.argv, '-p', project, ...(files.every((f) => existsSync(f)) ? files.flatMap((f) => ['-f', f]) : []), ...(here ? ['--project-directory', here] : [])];
  const run = async (rel: string, args: string[], transform?: (b: Buffer) => string): Promise<void> => {
    const argv = [...base, ...args];
    w.say(`${cli.bin} ${argv.join(' ')}`);
    await w.keep(rel, `${cli.bin} ${argv.join(' ')}`, await runCommand(cli.bin, argv, { cwd: here, env: cli.env }), transform);
  };
  await run(BUNDLE.composePs, ['ps', '-a']);
  await run(BUNDLE.composeResolved, ['config'], (b) => scrubYaml(b.toString('utf8'), fpr));
}

/** The compose folder's git history, rewritten so that no revision holds a secret in clear. */
async function takeGitHistory(w: BundleWriter, workdir: string | undefined, fpr: Fingerprinter): Promise<void> {
  const tree = workdir ? workTreeOf(workdir) : null;
  if (!tree) return;
  const started = new Date().toISOString();
  const command = `git -C ${tree} fast-export --all | (secret values fingerprinted) | git fast-import; git bundle create --all`;
  w.say(`git history of ${tree}`);
  try {
    const r = await scrubbedHistoryBundle(tree, w.path(BUNDLE.gitBundle), w.path(BUNDLE.commitMap), fpr);
    await w.added(BUNDLE.gitBundle, command + (r.leftOut ? ` (${r.leftOut} file revision(s) over 16 MiB left out)` : ''), started);
    await w.added(BUNDLE.commitMap, `original and rewritten id of each of the ${r.commits} commit(s)`, started);
  } catch (err) {
    w.failed(command, (err as Error).message, 1, started);
  }
}

const STATE_DIR = '/home/node/.openclaw';
const STATE_FILES = ['openclaw.json', 'openclaw.json.last-good', 'openclaw.json.bak', 'devices/paired.json', 'devices/pending.json', 'logs/config-audit.jsonl'];

/** Where each OpenClaw state file of a container lives on the host: through the mount whose destination is the
 *  deepest one holding it (the state dir itself, its devices/ folder, or openclaw.json mounted alone). */
export function stateFileSources(c: InspectedContainer): { rel: string; source: string; mount: string }[] {
  const out: { rel: string; source: string; mount: string }[] = [];
  for (const rel of STATE_FILES) {
    const inContainer = `${STATE_DIR}/${rel}`;
    const m = (c.Mounts ?? []).filter((x) => x.Source && x.Destination && (inContainer === x.Destination || inContainer.startsWith(`${x.Destination}/`)))
      .sort((a, b) => b.Destination!.length - a.Destination!.length)[0];
    if (m) out.push({ rel, source: m.Source! + inContainer.slice(m.Destination!.length), mount: m.Source! });
  }
  return out;
}

/** OpenClaw's config, pairing and config audit, secrets fingerprinted; one state/ folder per distinct set of mounts
 *  (the gateway and the CLI container share theirs). */
async function takeState(w: BundleWriter, containers: InspectedContainer[], fpr: Fingerprinter): Promise<void> {
  const groups = new Map<string, string>();
  const taken = new Set<string>();
  for (const c of containers) {
    const files = stateFileSources(c);
    if (files.length === 0) continue;
    const key = [...new Set(files.map((f) => f.mount))].sort().join('\n');
    if (!groups.has(key)) groups.set(key, BUNDLE.stateDir(groups.size));
    for (const f of files) {
      if (taken.has(f.source)) continue;
      taken.add(f.source);
      const why = whyUnreadable(f.source);
      if (why === 'ENOENT') continue; // not every state file exists
      if (why) w.failed(`copy ${f.source}`, why);
      else await w.copyScrubbed(f.source, `${groups.get(key)}/${f.rel}`, (text) => scrubJsonSecrets(text, fpr));
    }
  }
}

/** The proxy's configs (scrubbed) and logs (streamed, redacted) from its mounts and the --add paths; rotated logs
 *  last written before --since are left out and listed. */
/** One proxy file into the bundle: a config scrubbed, a log streamed and redacted; a rotated log last written before
 *  --since is left out and listed. */
async function takeProxyFile(w: BundleWriter, f: ProxyFile, rel: string, o: HostFileOptions): Promise<void> {
  if (f.kind === 'log' && o.cutoff !== null && f.mtimeMs < o.cutoff) {
    w.noted(`skip ${f.source}`, `last written ${new Date(f.mtimeMs).toISOString()}, before --since ${o.since}`);
    return;
  }
  const why = whyUnreadable(f.source);
  if (why) {
    w.failed(`copy ${f.source}`, why);
    return;
  }
  if (f.kind === 'config') {
    w.say(`copy ${f.source}`);
    await w.copyScrubbed(f.source, rel, (text) => scrubProxyConfig(text, f.source, o.fpr));
    return;
  }
  await w.copyLog(f.source, rel);
}

/** The proxy's configs and logs, through the bind and volume mounts of the proxy containers. */
async function takeProxyFiles(w: BundleWriter, containers: InspectedContainer[], o: HostFileOptions): Promise<void> {
  for (const p of proxyFilesFromMounts(containers)) {
    for (const f of p.files) await takeProxyFile(w, f, BUNDLE.proxyFile(p.container, f.inContainer), o);
  }
}

/** Host paths named with --add (a proxy outside Docker: /etc/nginx, /var/log/nginx): their configs and logs. */
export async function collectAddedPaths(w: BundleWriter, o: HostFileOptions): Promise<void> {
  for (const path of o.add) {
    const abs = resolve(path);
    const files = proxyFilesUnder(abs, abs);
    // a file named explicitly is taken even when its name is not a known config or log (as a log: redacted lines)
    if (files.length === 0 && existsSync(abs) && statSync(abs).isFile() && !neverTaken(abs)) {
      files.push({ source: abs, inContainer: abs, kind: 'log', mtimeMs: Date.now(), size: statSync(abs).size });
    }
    if (files.length === 0) w.failed(`copy ${abs}`, existsSync(abs) ? 'no proxy config or log file there' : 'not found on this host');
    for (const f of files) await takeProxyFile(w, f, BUNDLE.hostFile(f.inContainer), o);
  }
}

/** The engine's daemon.json (default logging driver and its max-size/max-file), when it is on this host. */
async function takeDaemonJson(w: BundleWriter, fpr: Fingerprinter): Promise<void> {
  const path = '/etc/docker/daemon.json';
  const why = whyUnreadable(path);
  if (why === 'ENOENT') return;
  if (why) w.failed(`copy ${path}`, why);
  else await w.copyScrubbed(path, BUNDLE.daemonJson, (text) => scrubJsonSecrets(text, fpr));
}

export async function collectHostFiles(w: BundleWriter, containers: InspectedContainer[], o: HostFileOptions): Promise<void> {
  const { workdir, files } = composeFiles(containers);
  await takeComposeFiles(w, workdir, files, o.fpr);
  await takeComposeView(w, o.project, workdir, files, o.fpr);
  await takeGitHistory(w, workdir, o.fpr);
  await takeState(w, containers, o.fpr);
  await takeProxyFiles(w, containers, o);
  await takeDaemonJson(w, o.fpr);
}
