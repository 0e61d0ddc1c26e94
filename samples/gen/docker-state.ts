// docker inspect snapshots in the moby API shape (reference §9.4).
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

export function inspectContainer(s: InspectSpec): Record<string, unknown> {
  const ns = (sec: number): number => sec * 1e9;
  return {
    Id: s.ref.id,
    Created: s.created,
    Path: s.cmd[0],
    Args: s.cmd.slice(1),
    State: {
      Status: s.status, Running: s.status === 'running', Paused: false, Restarting: s.status === 'restarting', OOMKilled: false, Dead: false,
      Pid: s.status === 'running' ? 2381 : 0, ExitCode: s.exitCode ?? 0, Error: '',
      StartedAt: s.startedAt, FinishedAt: s.finishedAt ?? '0001-01-01T00:00:00Z',
      ...(s.health ? { Health: { Status: s.health.status, FailingStreak: s.health.failingStreak, Log: s.health.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exit, Output: l.output })) } } : {}),
    },
    Image: `sha256:${s.ref.image.startsWith('nginx') ? 'a'.repeat(64) : 'b'.repeat(64)}`,
    LogPath: `/var/lib/docker/containers/${s.ref.id}/${s.ref.id}-json.log`,
    Name: `/${s.ref.name}`,
    RestartCount: s.restartCount ?? 0,
    HostConfig: {
      Binds: s.mounts.filter((m) => m.type === 'bind').map((m) => `${m.source}:${m.destination}:rw`),
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Init: true,
      NetworkMode: `${s.ref.project}_default`,
    },
    Mounts: s.mounts.map((m) => ({
      Type: m.type, ...(m.name ? { Name: m.name } : {}), Source: m.source, Destination: m.destination,
      Driver: m.type === 'volume' ? 'local' : undefined, Mode: m.type === 'volume' ? 'z' : '', RW: m.rw ?? true, Propagation: m.type === 'bind' ? 'rprivate' : '',
    })),
    Config: {
      Hostname: s.ref.id.slice(0, 12), User: s.user ?? 'node', Tty: s.tty ?? false,
      Env: s.env, Cmd: s.cmd, Image: s.ref.image,
      ...(s.healthcheck ? { Healthcheck: { Test: s.healthcheck.test, Interval: ns(s.healthcheck.intervalS), Timeout: ns(s.healthcheck.timeoutS), StartPeriod: ns(s.healthcheck.startPeriodS), Retries: s.healthcheck.retries } } : {}),
      Labels: { ...composeLabels(s.ref, s.workdir), 'org.opencontainers.image.source': 'https://github.com/openclaw/openclaw', 'org.opencontainers.image.title': 'OpenClaw' },
    },
    NetworkSettings: { Networks: { [`${s.ref.project}_default`]: { IPAddress: s.ip, Gateway: s.networkGateway, IPPrefixLen: 16 } } },
  };
}
