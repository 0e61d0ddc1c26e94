// The layout of an evidence bundle: the names `clawtrail collect` (and its watch, and collect.sh) writes and ingest
// reads back. One place for both sides, so that a file collect names is a file ingest recognises.
//
//   MANIFEST.json                         the chain of custody (verify)
//   docker/inspect-<time>.json            docker inspect of the project's containers
//   docker/events.jsonl, volume-events.jsonl, version.json, info.json, daemon.json
//   containers/<id>/<id>-json.log[.N]     the engine's json-files
//   logs/<name>-<id12>.log                `docker logs -t` when the json-file cannot be read
//   gateway-files/<id>/openclaw-<day>.log the gateway's own file log, copied out of the container
//   compose/<file>, compose/compose-ps.txt, compose/resolved-config.yaml
//   state[N]/<path in the state dir>      OpenClaw's config and pairing files
//   proxy/<container>/<path in it>        the proxy's configs and logs, through its mounts
//   host/<absolute path>                  files named with --add
//   git/config-repo.bundle, git/commit-map.txt
//   watch/{events,inspect,logs,state}/…   what a watch kept (--watch-dir), same names with a day in front

export const MANIFEST_FILE = 'MANIFEST.json';

/** The short container id collect writes into file names (and ingest ties lines to). */
export const shortId = (id: string): string => id.slice(0, 12);

export const BUNDLE = {
  inspect: (stamp: string): string => `docker/inspect-${stamp}.json`,
  events: 'docker/events.jsonl',
  volumeEvents: 'docker/volume-events.jsonl',
  engineVersion: 'docker/version.json',
  engineInfo: 'docker/info.json',
  daemonJson: 'docker/daemon.json',
  jsonFileLog: (id: string, file: string): string => `containers/${id}/${file}`,
  dockerLogs: (name: string, id: string): string => `logs/${name}-${shortId(id)}.log`,
  gatewayFiles: (id: string): string => `gateway-files/${id}`,
  composeFile: (rel: string): string => `compose/${rel}`,
  composePs: 'compose/compose-ps.txt',
  composeResolved: 'compose/resolved-config.yaml',
  stateDir: (n: number): string => (n === 0 ? 'state' : `state${n + 1}`),
  proxyFile: (container: string, inContainer: string): string => `proxy/${container}${inContainer}`,
  hostFile: (absolute: string): string => `host${absolute}`,
  gitBundle: 'git/config-repo.bundle',
  commitMap: 'git/commit-map.txt',
  watch: 'watch',
} as const;

/** The folders of a watch directory (and of watch/ in a bundle). */
export const WATCH_DIRS = ['events', 'inspect', 'logs', 'state'] as const;
export const WATCH = {
  events: (day: string): string => `events/events-${day}.jsonl`,
  inspect: (stamp: string, id: string, why: string): string => `inspect/${stamp}-${shortId(id)}-${why}.json`,
  /** docker logs of a dead container, and (with `-openclaw-<date>.log`) its gateway file logs */
  logsPrefix: (day: string, name: string, id: string): string => `${day}-${name}-${shortId(id)}`,
  state: (day: string, name: string, id: string): string => `state/${day}-${name}-${shortId(id)}`,
} as const;

/** The container a log file belongs to, when its bundle path says so: a json-file (`<id>-json.log`), a gateway file
 *  log collect copied out of a container (`gateway-files/<id>/`), or `docker logs` output collect or its watch saved
 *  (`logs/[<day>-]<name>-<id12>.log`, `…-<id12>-openclaw-<date>.log`). Returns the short id. */
export function containerOfLogPath(path: string): string | undefined {
  const m = /([0-9a-f]{64})-json\.log/.exec(path) ?? /gateway-files\/([0-9a-f]{64})\//.exec(path)
    ?? /\/logs\/(?:\d{4}-\d\d-\d\d-)?.+-([0-9a-f]{12})(?:-openclaw-\d{4}-\d\d-\d\d)?\.log$/.exec(path);
  return m ? shortId(m[1]) : undefined;
}
