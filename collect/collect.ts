// `clawtrail collect`: snapshots a Docker Compose project into an evidence bundle — what the engine says
// (engine-evidence.ts: inspect, logs, the gateway's file logs, events, version, info) and what the host's disk holds where the labels and
// mounts point (host-files.ts: compose files, compose ps/config, git history, state, proxy files) — with a
// MANIFEST.json chain of custody (bundle-writer.ts). Secrets never leave the host in clear (scrub.ts).
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Fingerprinter } from '../case/secrets.js';
import { BundleWriter } from './bundle-writer.js';
import { sinceCutoff } from './docker.js';
import { collectEngine, collectGatewayFileLogs, collectInspect, collectLogs } from './engine-evidence.js';
import { collectAddedPaths, collectHostFiles } from './host-files.js';
import { type ManifestEntry, writeManifest } from './manifest.js';
import { findProject, isRemoteEngine, projectContainers } from './project.js';
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
  signingKey?: KeyObject;       // Ed25519: MANIFEST.json is signed with it
}

export async function collect(o: CollectOptions): Promise<{ entries: ManifestEntry[]; failures: ManifestEntry[]; out: string }> {
  const fpr = Fingerprinter.fromOption(o.fingerprintKey);
  const project = await findProject(o.project, o.host);
  const ids = await projectContainers(project, o.host);
  if (ids.length === 0) throw new Error(`no container of compose project ${project} on this engine`);
  const out = resolve(o.out);
  // a bundle is one collection: files left from another would sit outside its manifest
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} exists and is not empty: give collect a new --out folder`);
  mkdirSync(out, { recursive: true });
  const w = new BundleWriter(out, o.progress ?? (() => {}), o.host);
  const cutoff = sinceCutoff(o.since);
  // the paths in a remote engine's labels and mounts are on that machine: none of them is read here
  const remote = isRemoteEngine(o.host ?? process.env.DOCKER_HOST);

  const containers = await collectInspect(w, ids, fpr);
  await collectLogs(w, containers, { since: o.since, cutoff, localFiles: !remote });
  await collectGatewayFileLogs(w, containers, cutoff);
  await collectEngine(w, project, ids, o.since);
  if (remote) {
    w.noted('files of the engine\'s host (compose files, json-files, state, proxy files, git history)',
      `the engine is remote (${o.host ?? process.env.DOCKER_HOST}): its files are on that machine; run clawtrail collect (or collect --print-script) there`);
  } else {
    await collectHostFiles(w, containers, { project, since: o.since, cutoff, add: o.add ?? [], fpr });
  }
  await collectAddedPaths(w, { project, since: o.since, cutoff, add: o.add ?? [], fpr });
  if (o.watchDir) {
    const started = new Date().toISOString();
    for (const rel of mergeWatch(o.watchDir, out)) await w.added(rel, `copy from the watch capture ${o.watchDir}`, started);
  }
  writeManifest(out, { collector: `clawtrail ${o.version}`, host: hostname(), project, since: o.since, collected_at: new Date().toISOString(), files: w.entries }, o.signingKey);
  return { entries: w.entries, failures: w.failures, out };
}
