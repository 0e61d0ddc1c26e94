// `clawtrail collect --watch`: a rolling capture that keeps the history the next incident will need — docker events
// streamed to daily files, an inspect snapshot of a project container on each start and die and every N minutes,
// and a container's logs (docker logs, and the gateway's file log from inside it) and OpenClaw state files saved when
// it dies (before a recreate destroys them with the container, or drops its state volume). Reconnects when the
// daemon restarts and resumes after the last event it kept (no duplicates); bounded disk (oldest days pruned first).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Fingerprinter } from '../case/secrets.js';
import { dockerArgs } from './docker.js';
import { saveDockerLogs, saveGatewayFileLogs } from './logs.js';
import { isOpenclawContainer, type InspectedContainer } from './engine-evidence.js';
import { whyUnreadable } from './bundle-writer.js';
import { stateFileSources } from './host-files.js';
import { isRemoteEngine, projectContainers } from './project.js';
import { scrubInspect, scrubJsonSecrets } from './scrub.js';
import { redactText } from '../case/secret-rules.js';
import { BUNDLE, WATCH, WATCH_DIRS } from '../case/bundle-layout.js';

export interface WatchOptions { project: string; out: string; host?: string; fingerprintKey: string; intervalMinutes: number; maxBytes: number; say: (m: string) => void; stopAfterMs?: number }

/** The last timeNano in a file, read backwards from its end in 64 KiB steps (a day of events is never read whole). */
function lastNanoIn(path: string): bigint {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const step = 64 * 1024;
    let tail = '';
    for (let end = size; end > 0; end -= step) {
      const start = Math.max(0, end - step);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      tail = buf.toString('latin1') + tail; // timeNano is ASCII; latin1 never splits a multi-byte character
      const all = [...tail.matchAll(/"timeNano":(\d+)/g)];
      if (all.length) return BigInt(all[all.length - 1][1]);
      tail = tail.slice(0, 64); // keep a fragment that may continue a match across the step
    }
    return 0n;
  } finally {
    closeSync(fd);
  }
}

/** The last event kept (its timeNano), to resume after it. */
export function lastEventNano(dir: string): bigint {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^events-\d{4}-\d\d-\d\d\.jsonl$/.test(f)).sort() : [];
  for (const f of files.reverse()) {
    const n = lastNanoIn(join(dir, f));
    if (n > 0n) return n;
  }
  return 0n;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of existsSync(dir) ? readdirSync(dir) : []) {
    const p = join(dir, e);
    const st = statSync(p);
    n += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return n;
}

// state/ holds a folder per dying container: its OpenClaw state files (pairing!) before a dropped volume loses them


/** Removes the oldest day's files (events, inspect snapshots, saved logs, saved state folders) while the capture is
 *  over maxBytes; today's are never removed. Returns the bytes it freed. */
export function prune(out: string, used: number, maxBytes: number, say: (m: string) => void, today = new Date().toISOString().slice(0, 10)): number {
  const filesOf = (sub: string): string[] => (existsSync(join(out, sub)) ? readdirSync(join(out, sub)) : []);
  const days = [...new Set(WATCH_DIRS.flatMap(filesOf).map((f) => /(\d{4}-\d\d-\d\d)/.exec(f)?.[1]).filter((d): d is string => !!d && d < today))].sort();
  let freed = 0;
  for (const day of days) {
    if (used - freed <= maxBytes) break;
    say(`watch: pruning ${day}`);
    for (const sub of WATCH_DIRS) {
      for (const f of filesOf(sub).filter((x) => x.includes(day))) {
        const p = join(out, sub, f);
        freed += statSync(p).isDirectory() ? dirBytes(p) : statSync(p).size;
        rmSync(p, { recursive: true, force: true });
      }
    }
  }
  return freed;
}

export async function watch(o: WatchOptions): Promise<void> {
  const fpr = Fingerprinter.fromOption(o.fingerprintKey);
  for (const sub of WATCH_DIRS) mkdirSync(join(o.out, sub), { recursive: true });
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, '');
  // the capture's size, walked once at start and then kept by adding what is written and subtracting what is pruned
  let used = dirBytes(o.out);
  const grew = (bytes: number): void => {
    used += bytes;
    if (used > o.maxBytes) used -= prune(o.out, used, o.maxBytes, o.say);
  };
  const local = !isRemoteEngine(o.host ?? process.env.DOCKER_HOST);
  /** The container's OpenClaw state files (config, pairing), fingerprinted, into state/<day>-<name>-<id12>/. */
  const saveState = (c: InspectedContainer): void => {
    const folder = WATCH.state(day(Date.now()), c.Name.replace(/^\//, ''), c.Id);
    for (const f of stateFileSources(c)) {
      if (whyUnreadable(f.source)) continue;
      let text: string;
      try {
        text = scrubJsonSecrets(readFileSync(f.source, 'utf8'), fpr);
      } catch {
        continue; // gone between the check and the read: the next death's snapshot may have it
      }
      const dest = join(o.out, folder, f.rel);
      mkdirSync(dirname(dest), { recursive: true });
      const before = existsSync(dest) ? statSync(dest).size : 0;
      writeFileSync(dest, text);
      grew(Buffer.byteLength(text) - before);
    }
  };
  const snapshot = (id: string, why: string): void => {
    const r = spawnSync('docker', dockerArgs(o.host, ['inspect', id]), { encoding: 'utf8' });
    if (r.status !== 0) return;
    const text = scrubInspect(r.stdout, fpr);
    writeFileSync(join(o.out, WATCH.inspect(stamp(Date.now()), id, why)), text);
    grew(Buffer.byteLength(text));
    // at a death, the state on this host's disk as that container saw it: a recreate may drop its volume next
    if (why === 'die' && local) for (const c of JSON.parse(r.stdout) as InspectedContainer[]) saveState(c);
  };
  // a container that dies again the same day (a restart in place, a crash loop) has its saved logs replaced by the
  // newer, longer copy: the size count takes the difference
  const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);
  const saveLogs = async (id: string, name: string, attrs: Record<string, string>): Promise<void> => {
    const prefix = WATCH.logsPrefix(day(Date.now()), name, id);
    const dest = join(o.out, 'logs', `${prefix}.log`);
    const before = sizeOf(dest);
    const r = await saveDockerLogs(dockerArgs(o.host, ['logs', '-t', id]), dest);
    if (r.code === 0) grew(sizeOf(dest) - before);
    else o.say(`watch: could not save the logs of ${name}: ${r.stderr.split('\n')[0]}`);
    // an OpenClaw container's own file log lives inside it: the recreate would take it along
    if (!isOpenclawContainer({ Name: name, Config: { Image: attrs.image, Labels: attrs } })) return;
    const logsDir = join(o.out, 'logs');
    const earlier = new Map(readdirSync(logsDir).filter((f) => f.startsWith(`${prefix}-openclaw-`)).map((f) => [f, sizeOf(join(logsDir, f))]));
    try {
      const f = await saveGatewayFileLogs(dockerArgs(o.host, []), id, logsDir, { rename: (file) => `${prefix}-${file}` });
      for (const file of f.files) grew(sizeOf(join(logsDir, file)) - (earlier.get(file) ?? 0));
    } catch (err) {
      o.say(`watch: could not copy the file log of ${name}: ${(err as Error).message}`);
    }
  };
  // the engine may be away (a restart): no containers this time, the next snapshot tries again
  const projectIds = (): Promise<string[]> => projectContainers(o.project, o.host).catch(() => []);
  let last = lastEventNano(join(o.out, 'events'));
  let deadline = o.stopAfterMs ? Date.now() + o.stopAfterMs : Infinity;
  // SIGINT/SIGTERM end the watch between events: the event being handled is finished (its logs saved) first
  let current: ReturnType<typeof spawn> | undefined;
  const stop = (): void => { deadline = 0; current?.kill(); o.say('watch: stopping'); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const periodic = setInterval(() => void projectIds().then((ids) => ids.forEach((id) => snapshot(id, 'periodic')))
    .catch((err: Error) => o.say(`watch: periodic snapshot: ${err.message}`)), o.intervalMinutes * 60_000);
  try {
    const ours = new Set(await projectIds()); // containers of the project, known and seen since
    for (const id of ours) snapshot(id, 'start-of-watch');
    const ourVolumes = new Set<string>(); // volumes their mount events named
    while (Date.now() < deadline) {
      // resume after the last kept event; the daemon replays from its ring (and nothing after a restart)
      const since = last > 0n ? `${last / 1_000_000_000n}.${String(last % 1_000_000_000n).padStart(9, '0')}` : `${Math.floor(Date.now() / 1000)}`;
      // containers of the project (by label) and the volume events that name them: volumes carry no project label
      const args = ['events', '--format', '{{json .}}', '--since', since, '--filter', 'type=container', '--filter', 'type=volume'];
      const p = spawn('docker', dockerArgs(o.host, args), { stdio: ['ignore', 'pipe', 'pipe'] });
      current = p;
      const stopTimer = Number.isFinite(deadline) ? setTimeout(() => p.kill(), Math.max(0, deadline - Date.now())) : undefined;
      const rl = createInterface({ input: p.stdout });
      for await (const line of rl) {
        const m = /"timeNano":(\d+)/.exec(line);
        const nano = m ? BigInt(m[1]) : 0n;
        if (nano && nano <= last) continue; // already kept before a reconnect
        if (nano) last = nano;
        let ev: { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
        try {
          ev = JSON.parse(line);
        } catch {
          o.say(`watch: not a JSON event, skipped: ${line.slice(0, 120)}`);
          continue;
        }
        const attrs = ev.Actor?.Attributes ?? {};
        if (ev.Type === 'volume') {
          if (attrs.container ? !ours.has(attrs.container) : !ourVolumes.has(ev.Actor?.ID ?? '')) continue;
          if (attrs.container) ourVolumes.add(ev.Actor?.ID ?? '');
        } else if (attrs['com.docker.compose.project'] !== o.project) continue;
        else if (ev.Actor?.ID) ours.add(ev.Actor.ID);
        const kept = redactText(line) + '\n';
        appendFileSync(join(o.out, WATCH.events(day(Number(nano / 1_000_000n) || Date.now()))), kept);
        grew(Buffer.byteLength(kept));
        const id = ev.Actor?.ID ?? '';
        const action = (ev.Action ?? '').split(':')[0];
        try {
          if (id && ['start', 'die'].includes(action)) snapshot(id, action);
          if (id && action === 'die') await saveLogs(id, attrs.name ?? id.slice(0, 12), attrs);
        } catch (err) {
          // one container's snapshot going wrong (a disk error, a vanished file) must not end the watch
          o.say(`watch: ${action} of ${id.slice(0, 12)}: ${(err as Error).message}`);
        }
      }
      if (stopTimer) clearTimeout(stopTimer);
      if (Date.now() < deadline) {
        o.say('watch: the event stream ended (daemon restart?); reconnecting');
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  } finally {
    clearInterval(periodic);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** What a watch kept, merged into a bundle folder (the saved state folders with their insides). */
export function mergeWatch(watchDir: string, bundle: string): string[] {
  const copied: string[] = [];
  const copy = (rel: string): void => {
    const from = join(watchDir, rel);
    if (statSync(from).isDirectory()) {
      for (const e of readdirSync(from)) copy(join(rel, e));
      return;
    }
    mkdirSync(dirname(join(bundle, BUNDLE.watch, rel)), { recursive: true });
    copyFileSync(from, join(bundle, BUNDLE.watch, rel));
    copied.push(`${BUNDLE.watch}/${rel}`);
  };
  for (const sub of WATCH_DIRS) if (existsSync(join(watchDir, sub))) copy(sub);
  return copied;
}
