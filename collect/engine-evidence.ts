// What the Docker engine says about the project: inspect of every container, their logs (the json-file and its
// rotated files when this host can read them, else `docker logs -t`), the project's events and the volume events that
// name its containers, engine version and info.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Fingerprinter } from '../case/secrets.js';
import { whyUnreadable, type BundleWriter } from './bundle-writer.js';
import { docker, dockerArgs } from './docker.js';
import { GATEWAY_LOG_DIR, saveDockerLogs, saveGatewayFileLogs } from './logs.js';
import { scrubInspect } from './scrub.js';
import { BUNDLE } from '../case/bundle-layout.js';

/** The parts of `docker inspect` that collect follows. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  LogPath?: string;
  Config?: { Image?: string; Labels?: Record<string, string> };
  Mounts?: { Type?: string; Source?: string; Destination?: string }[];
}

/** `docker inspect` of every container, secrets fingerprinted; the parsed documents for the steps that follow. */
export async function collectInspect(w: BundleWriter, ids: string[], fpr: Fingerprinter): Promise<InspectedContainer[]> {
  const snap = new Date().toISOString().replace(/[:.]/g, '').slice(0, 15) + 'Z';
  const rel = BUNDLE.inspect(snap);
  const args = ['inspect', ...ids];
  w.say(`docker ${args.join(' ')}`);
  const r = await docker(args, w.host);
  let found: InspectedContainer[] = [];
  try {
    found = JSON.parse(r.stdout.toString('utf8') || '[]') as InspectedContainer[];
  } catch {
    found = [];
  }
  // a container removed between ps and inspect (a recreate in progress) fails the command but not the others: the
  // ones found are kept, and the manifest keeps the exit code and the message
  if (found.length > 0) {
    const started = r.started;
    writeFileSync(w.path(rel), scrubInspect(r.stdout.toString('utf8'), fpr));
    await w.added(rel, w.commandLine(args), started, { exit_code: r.code, stderr: r.stderr });
  } else w.failed(w.commandLine(args), r.stderr, r.code || 1, r.started);
  return found;
}

/** A file's mtime, or null when it is gone (a rotation between listing and reading). */
const mtimeOf = (path: string): number | null => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
};

/** The json-file's rotated files beside it (`-json.log.1`, `.2.gz`, …), oldest last as docker numbers them. */
function rotatedFiles(logPath: string): string[] {
  const out: string[] = [];
  for (let n = 1; n < 1000; n++) {
    const f = [`${logPath}.${n}`, `${logPath}.${n}.gz`].find((p) => existsSync(p));
    if (!f) break;
    out.push(f);
  }
  return out;
}

/** Each container's logs: the json-file itself (daemon time, the >16 KiB pieces, its rotated files last written
 *  after --since) when this host may read it, else `docker logs -t --since` with stdout and stderr merged by stamp. */
export async function collectLogs(w: BundleWriter, containers: InspectedContainer[], o: { since: string; cutoff: number | null; localFiles: boolean }): Promise<void> {
  for (const c of containers) {
    if (o.localFiles && c.LogPath && whyUnreadable(c.LogPath) === null) {
      for (const f of [c.LogPath, ...rotatedFiles(c.LogPath)]) {
        const mtime = f === c.LogPath ? null : mtimeOf(f);
        if (mtime !== null && o.cutoff !== null && mtime < o.cutoff) {
          w.noted(`skip ${f}`, `last written ${new Date(mtime).toISOString()}, before --since ${o.since}`);
          continue;
        }
        await w.copyLog(f, BUNDLE.jsonFileLog(c.Id, basename(f)));
      }
      continue;
    }
    const rel = BUNDLE.dockerLogs(c.Name.replace(/^\//, ''), c.Id); // the id: ingest ties the lines to it
    const args = ['logs', '-t', '--since', o.since, c.Id];
    w.say(`docker ${args.join(' ')}`);
    const r = await saveDockerLogs(dockerArgs(w.host, args), w.path(rel));
    const command = `${w.commandLine(args)} (stdout and stderr merged by stamp, token= values redacted)`;
    if (r.code === 0) await w.added(rel, command, r.started);
    else w.failed(command, r.stderr, r.code, r.started);
  }
}

/** A container of OpenClaw's (the gateway, or the CLI on the same image): it has a file log inside. */
export const isOpenclawContainer = (c: { Config?: { Image?: string; Labels?: Record<string, string> }; Name?: string }): boolean =>
  /openclaw/i.test(c.Config?.Image ?? '') || /gateway/i.test(c.Config?.Labels?.['com.docker.compose.service'] ?? c.Name ?? '');

/** The gateway's JSON file logs from inside each OpenClaw container (a recreate loses them with the container): the
 *  days from the --since cutoff on (a day early, since the file is named by the gateway's local date). */
export async function collectGatewayFileLogs(w: BundleWriter, containers: InspectedContainer[], cutoff: number | null): Promise<void> {
  const firstDay = cutoff === null ? '' : new Date(cutoff - 86_400_000).toISOString().slice(0, 10);
  for (const c of containers.filter(isOpenclawContainer)) {
    const name = c.Name.replace(/^\//, '');
    const started = new Date().toISOString();
    const command = `docker cp ${c.Id}:${GATEWAY_LOG_DIR} - (the gateway's file logs, token= values redacted)`;
    w.say(`docker cp ${name}:${GATEWAY_LOG_DIR}`);
    // under the container's id, as json-files are: ingest ties the file log's lines to that container
    let r: Awaited<ReturnType<typeof saveGatewayFileLogs>>;
    try {
      r = await saveGatewayFileLogs(dockerArgs(w.host, []), c.Id, join(w.out, BUNDLE.gatewayFiles(c.Id)), { keep: (day) => day >= firstDay });
    } catch (err) {
      w.failed(command, `cannot copy: ${(err as Error).message}`, 1, started);
      continue;
    }
    if (r.code !== 0) w.noted(command, `no file log taken: ${r.stderr || `exit ${r.code}`}`);
    for (const f of r.files) await w.added(`${BUNDLE.gatewayFiles(c.Id)}/${f}`, command, started);
  }
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

/** The project's events, the volume events of its containers (volumes carry no project label; a renewed anonymous
 *  state volume shows there), engine version and info. */
export async function collectEngine(w: BundleWriter, project: string, ids: string[], since: string): Promise<void> {
  const until = new Date().toISOString();
  const events = await w.docker(BUNDLE.events, ['events', '--since', since, '--until', until, '--format', '{{json .}}', '--filter', `label=com.docker.compose.project=${project}`]);
  const projectIds = new Set([...ids, ...events.stdout.toString('utf8').split('\n').map((l) => eventActor(l).id)]);
  await w.docker(BUNDLE.volumeEvents, ['events', '--since', since, '--until', until, '--format', '{{json .}}', '--filter', 'type=volume'], (b) => projectVolumeEvents(b.toString('utf8'), projectIds));
  await w.docker(BUNDLE.engineVersion, ['version', '--format', '{{json .}}']);
  await w.docker(BUNDLE.engineInfo, ['info', '--format', '{{json .}}']);
}
