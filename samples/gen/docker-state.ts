// docker inspect snapshots in the engine's real shape: a document captured from Docker Engine 20.10 with
// docker-compose 1.29 (samples/gen/engine/inspect-gateway.json, `npm run capture:engine`) with the scenario's
// facts put in — ids, times, state, restart count, env, mounts, healthcheck, labels, network. Every other key keeps
// the value the engine wrote.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../lib/paths.js';
import { composeLabels, type ContainerRef } from './evidence.js';

export interface InspectSpec {
  ref: ContainerRef;
  workdir: string;
  created: string;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'exited' | 'restarting';
  exitCode?: number;
  restartCount?: number;
  env: string[];
  mounts: { type: 'bind' | 'volume'; source: string; destination: string; name?: string; rw?: boolean }[];
  health?: { status: string; failingStreak: number; log: { start: string; end: string; exit: number; output: string }[] };
  healthcheck?: { test: string[]; intervalS: number; timeoutS: number; startPeriodS: number; retries: number };
  tty?: boolean;
  user?: string;
  cmd: string[];
  networkGateway: string;
  ip: string;
}

type Doc = Record<string, any>;
const CAPTURED = (JSON.parse(readFileSync(fromRoot('samples', 'gen', 'engine', 'inspect-gateway.json'), 'utf8')) as Doc[])[0];
const DATA_ROOT = '/var/lib/docker';

/** A 64-hex id derived from the container's, for the engine's own ids (sandbox, network endpoint): deterministic. */
const derivedId = (id: string, what: string): string => createHash('sha256').update(`${what}:${id}`).digest('hex');

export function inspectContainer(s: InspectSpec): Doc {
  const ns = (sec: number): number => sec * 1e9;
  const id = s.ref.id;
  const t = structuredClone(CAPTURED);
  const network = `${s.ref.project}_default`;
  const { Health: _captured, ...state } = t.State;
  Object.assign(t, {
    Id: id,
    Created: s.created,
    Path: s.cmd[0],
    Args: s.cmd.slice(1),
    State: {
      ...state,
      Status: s.status, Running: s.status === 'running', Restarting: s.status === 'restarting',
      Pid: s.status === 'running' ? 2381 : 0, ExitCode: s.exitCode ?? 0,
      StartedAt: s.startedAt, FinishedAt: s.finishedAt ?? '0001-01-01T00:00:00Z',
      ...(s.health ? { Health: { Status: s.health.status, FailingStreak: s.health.failingStreak, Log: s.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exit, Output: l.output })) } } : {}),
    },
    Image: `sha256:${s.ref.image.startsWith('nginx') ? 'a'.repeat(64) : 'b'.repeat(64)}`,
    ResolvConfPath: `${DATA_ROOT}/containers/${id}/resolv.conf`,
    HostnamePath: `${DATA_ROOT}/containers/${id}/hostname`,
    HostsPath: `${DATA_ROOT}/containers/${id}/hosts`,
    LogPath: `${DATA_ROOT}/containers/${id}/${id}-json.log`,
    Name: `/${s.ref.name}`,
    RestartCount: s.restartCount ?? 0,
  });
  Object.assign(t.HostConfig, {
    Binds: s.mounts.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.destination}:${m.rw === false ? 'ro' : 'rw'}`),
    RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
    Init: true,
    NetworkMode: network,
  });
  t.Mounts = s.mounts.map((m) => (m.type === 'bind'
    ? { Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.rw === false ? 'ro' : 'rw', RW: m.rw ?? true, Propagation: 'rprivate' }
    : { Type: 'volume', Name: m.name, Source: m.source, Destination: m.destination, Driver: 'local', Mode: 'rw', RW: m.rw ?? true, Propagation: '' }));
  const { Healthcheck: _hc, ...config } = t.Config;
  t.Config = {
    ...config,
    Hostname: id.slice(0, 12), User: s.user ?? 'node', Tty: s.tty ?? false, Env: s.env, Cmd: s.cmd, Image: s.ref.image,
    ...(s.healthcheck ? { Healthcheck: { Test: s.healthcheck.test, Interval: ns(s.healthcheck.intervalS), Timeout: ns(s.healthcheck.timeoutS), StartPeriod: ns(s.healthcheck.startPeriodS), Retries: s.healthcheck.retries } } : {}),
    Labels: { ...composeLabels(s.ref, s.workdir), 'org.opencontainers.image.source': 'https://github.com/openclaw/openclaw', 'org.opencontainers.image.title': 'OpenClaw' },
  };
  const sandbox = derivedId(id, 'sandbox');
  const [capturedNet] = Object.values(t.NetworkSettings.Networks as Record<string, Doc>);
  Object.assign(t.NetworkSettings, {
    SandboxID: sandbox,
    SandboxKey: `/var/run/docker/netns/${sandbox.slice(0, 12)}`,
    Networks: {
      [network]: {
        ...capturedNet,
        Aliases: [s.ref.service, id.slice(0, 12)],
        NetworkID: derivedId(network, 'network'), EndpointID: derivedId(id, 'endpoint'),
        Gateway: s.networkGateway, IPAddress: s.ip, IPPrefixLen: 16,
        MacAddress: `02:42:${s.ip.split('.').map((n) => Number(n).toString(16).padStart(2, '0')).join(':')}`,
      },
    },
  });
  return t;
}
