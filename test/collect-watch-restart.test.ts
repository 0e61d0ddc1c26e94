// The watch survives a daemon restart: a private dockerd of this test's own is stopped and started again on the same
// data root while `clawtrail collect --watch` follows it; the events before and after are kept, none twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, tempDir } from './helpers.js';
import { dockerOn, ensureImage, IMAGE, privateEngine } from './engine.js';
import { setTimeout as sleep } from 'node:timers/promises';

const engine = privateEngine();
if (!engine && process.env.CI === 'true') throw new Error('CI=true but no private dockerd can start here (dockerd missing or not root)');
const d = engine ? describe : describe.skip;
const PROJECT = `crestart${process.pid}`;

d('collect --watch across a daemon restart', () => {
  beforeAll(async () => {
    await engine!.start();
    ensureImage(engine!.host);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('reconnects after the restart and keeps every event once', async () => {
    const host = engine!.host;
    const out = tempDir('clawtrail-watch-restart-');
    const said: string[] = [];
    const w = spawn(process.execPath, [CLI, 'collect', '--watch', '--host', host, '--project', PROJECT, '--out', out, '--fingerprint-key', 'k-test', '--stop-after', '60']);
    w.stderr.on('data', (c: Buffer) => said.push(c.toString()));
    const exited = new Promise<number | null>((r) => w.on('exit', r));
    await sleep(2500);
    const labels = ['--label', `com.docker.compose.project=${PROJECT}`, '--label', 'com.docker.compose.service=openclaw-gateway'];
    const id = dockerOn(host, ['run', '-d', '--network', 'none', '--name', `${PROJECT}_gw_1`, ...labels, IMAGE, 'sleep', '3600']).trim();
    dockerOn(host, ['kill', id]);
    await sleep(1500);
    await engine!.stop(); // the daemon goes away: the watch's event stream ends
    await sleep(1000);
    await engine!.start(); // the same data root: the container is still there, stopped
    await sleep(3500); // the watch reconnects every 2 s
    dockerOn(host, ['start', id]);
    dockerOn(host, ['kill', id]);
    await sleep(2000);
    w.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(said.join('')).toMatch(/reconnecting/);
    const lines = readdirSync(join(out, 'events')).flatMap((f) => readFileSync(join(out, 'events', f), 'utf8').split('\n').filter(Boolean));
    const events = lines.map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string }; timeNano: number });
    const mine = events.filter((e) => e.Actor.ID === id);
    expect(mine.filter((e) => e.Action === 'start').length).toBe(2); // one before the restart, one after
    expect(mine.filter((e) => e.Action === 'die').length).toBeGreaterThanOrEqual(2);
    expect(new Set(lines).size).toBe(lines.length); // nothing kept twice
    // the container's logs were saved at each death, and its inspect snapshotted
    expect(readdirSync(join(out, 'logs')).length).toBeGreaterThan(0);
    expect(readdirSync(join(out, 'inspect')).filter((f) => f.includes(id.slice(0, 12)) && f.endsWith('-die.json')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
