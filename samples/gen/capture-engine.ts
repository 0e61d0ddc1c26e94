// `npm run capture:engine`: records what a real Docker engine and docker-compose write for a gateway-shaped compose
// project — `docker inspect` of the running gateway and `docker events` of an `up` and of the recreate that an
// OPENCLAW_CONFIG_DIR change in .env causes (the state bind mount moves) — into samples/gen/engine/. The sample
// generator builds its inspect documents and its compose-v1 recreate from these captures, so the bundles carry the
// engine's real shapes. Needs an engine (DOCKER_HOST) and docker-compose; the capture is checked in, so generating
// the samples needs neither. The compose folder becomes /srv/openclaw and the engine's data root /var/lib/docker; the
// capture is otherwise verbatim.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../lib/paths.js';
import { IMAGE, dockerOn, ensureImage } from './engine-image.js';
import { setTimeout as sleep } from 'node:timers/promises';

export const CAPTURE_DIR = fromRoot('samples', 'gen', 'engine');
const PROJECT = 'openclaw';

function main(): Promise<void> | void {
  ensureImage();
  const dir = mkdtempSync(join(tmpdir(), 'clawtrail-capture-'));
  const compose = (args: string[]) => execFileSync('docker-compose', ['-p', PROJECT, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const dataRoot = dockerOn(undefined, ['info', '--format', '{{.DockerRootDir}}']).trim();
  const normalise = (text: string): string => text.split(dir).join('/srv/openclaw').split(dataRoot).join('/var/lib/docker')
    .replace(/("SandboxKey": ")[^"]*(\/netns\/)/g, '$1/var/run/docker$2');
  // the stock deployment's gateway service (samples/gen/deployment.ts), on the busybox image; no network (the test
  // engine has no bridge), a shell that answers SIGTERM like node does
  writeFileSync(join(dir, 'docker-compose.yml'), `version: "3"
services:
  openclaw-gateway:
    image: ${IMAGE}
    network_mode: none
    environment:
      HOME: /home/node
      TERM: xterm-256color
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN:-}
      TZ: UTC
    volumes:
      - \${OPENCLAW_CONFIG_DIR}:/home/node/.openclaw
      - \${OPENCLAW_WORKSPACE_DIR}:/home/node/.openclaw/workspace
    restart: unless-stopped
    command: ["sh", "-c", "trap 'exit 0' TERM; echo ready; while true; do sleep 1; done"]
    healthcheck:
      test: ["CMD", "sh", "-c", "true"]
      interval: 30s
      timeout: 5s
      retries: 5
      start_period: 20s
`);
  const env = (stateDir: string) => writeFileSync(join(dir, '.env'),
    `OPENCLAW_CONFIG_DIR=${join(dir, stateDir)}\nOPENCLAW_WORKSPACE_DIR=${join(dir, 'workspace')}\nOPENCLAW_GATEWAY_TOKEN=capture-token-not-a-secret\n`);
  for (const d of ['state', 'state-new', 'workspace']) mkdirSync(join(dir, d));
  return (async () => {
    try {
      const t0 = Math.floor(Date.now() / 1000);
      env('state');
      compose(['up', '-d']);
      await sleep(2000);
      env('state-new');
      compose(['up', '-d']); // the config changed: compose v1 recreates the gateway
      await sleep(2000);
      const events = dockerOn(undefined, ['events', '--since', String(t0), '--until', String(Math.ceil(Date.now() / 1000)), '--format', '{{json .}}']);
      const id = dockerOn(undefined, ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${PROJECT}`]).trim();
      const inspect = dockerOn(undefined, ['inspect', id]);
      mkdirSync(CAPTURE_DIR, { recursive: true });
      writeFileSync(join(CAPTURE_DIR, 'events-up-and-recreate.jsonl'), normalise(events));
      writeFileSync(join(CAPTURE_DIR, 'inspect-gateway.json'), normalise(inspect));
      writeFileSync(join(CAPTURE_DIR, 'capture.json'), JSON.stringify({
        engine: dockerOn(undefined, ['version', '--format', '{{.Server.Version}}']).trim(),
        compose: execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).trim(),
        captured_at: new Date().toISOString(),
        what: 'docker-compose up -d of the gateway service, then an OPENCLAW_CONFIG_DIR change in .env and up -d again (recreate)',
      }, null, 2) + '\n');
      process.stdout.write(`captured into ${CAPTURE_DIR}\n`);
    } finally {
      try {
        compose(['down', '-v']);
      } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    }
  })();
}

await main();
