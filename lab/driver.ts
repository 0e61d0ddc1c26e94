// The driver: brings up the scenario's deployment inside the sandbox, runs its phases, performs every action (edit,
// commit, reload, recreate, kill, approvals) and appends its own stamped mark for each to driver.log; at the end it
// takes the bundle with `clawtrail collect` (as a user would), verifies it, stops everything it started and
// computes truth.json from its marks and the probes' logs.
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, run, type Started } from './sandbox.js';
import { type Action, type ProbeSpec, type Scenario } from './scenario.js';
import { defaultSettings, writeStack, tokenValue, GATEWAY_IMAGE, PROXY_IMAGE, PROXY_PORT, GATEWAY_PORT, type Settings } from './stack.js';
import { computeTruth } from './truth.js';
import { clawtrailCli } from './root.js';
import { setTimeout as sleep } from 'node:timers/promises';

export const LAB_FINGERPRINT_KEY = 'clawtrail-lab-recordings'; // the recordings' key: eval analyzes with the same
const PROJECT = 'openclaw';
const AUTHORS = ['Sam Rivera <sam@example.org>', 'Alex Kim <alex@example.org>', 'Jo Park <jo@example.org>', 'Robin Lee <robin@example.org>'];

export interface LabEnv { repoRoot: string; cache: string; node24: string; openclawDir: string }

interface Mark { t: string; seq: number; kind: string; [k: string]: unknown }

export class Driver {
  private readonly s: Scenario;
  private readonly env: LabEnv;
  private readonly work: string;
  private readonly repo: string;
  private readonly recording: string;
  private readonly sb: Sandbox;
  private settings: Settings;
  private seq = 0;
  private readonly driverLog: string;
  private probes = new Map<string, Started>();
  private hostProxies = new Map<string, Started>();
  private watch?: Started;
  private phase = 'setup';

  constructor(s: Scenario, env: LabEnv, recordingsDir: string) {
    this.s = s;
    this.env = env;
    this.work = path.join(env.cache, 'run', s.name);
    this.repo = path.join(this.work, PROJECT);
    this.recording = path.join(recordingsDir, s.name);
    this.sb = new Sandbox('clawlab', path.join(env.cache, 'engine'), (m) => this.say(m));
    this.settings = { ...defaultSettings(), ...(s.topology.settings ?? {}) };
    this.driverLog = path.join(this.work, 'driver.log');
  }

  say(msg: string): void { process.stdout.write(`[lab ${new Date().toISOString().slice(11, 19)} ${this.s.name}] ${msg}\n`); }

  private mark(kind: string, fields: Record<string, unknown> = {}): Mark {
    const m: Mark = { t: new Date().toISOString(), seq: ++this.seq, kind, phase: this.phase, ...fields };
    fs.appendFileSync(this.driverLog, JSON.stringify(m) + '\n');
    return m;
  }

  private docker(args: string[], allowFail = false) { return run('docker', args, { env: this.sb.env(), allowFail }); }
  private compose(args: string[], allowFail = false) {
    return run('docker-compose', ['--no-ansi', ...args], { cwd: this.repo, env: this.sb.env({ COMPOSE_PROJECT_NAME: PROJECT }), allowFail });
  }
  private containerOf(service: string): string {
    const id = this.compose(['ps', '-q', service]).stdout.trim().split('\n')[0];
    if (!id) throw new Error(`no container for service ${service}`);
    return id;
  }

  async record(): Promise<void> {
    fs.rmSync(this.work, { recursive: true, force: true });
    for (const d of ['log/nginx', 'log/caddy', 'log/haproxy', 'run', 'probes', 'ids']) fs.mkdirSync(path.join(this.work, d), { recursive: true });
    fs.rmSync(this.recording, { recursive: true, force: true });
    fs.mkdirSync(this.recording, { recursive: true });
    const stopOnSignal = () => { this.say('interrupted: stopping everything the lab started'); void this.teardown().finally(() => process.exit(130)); };
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    try {
      this.sb.createNetns();
      await this.sb.startDockerd();
      this.prepareEngine();
      this.mark('start', { scenario: this.s.name, openclaw: GATEWAY_IMAGE, engine: this.docker(['version', '--format', '{{.Server.Version}}']).stdout.trim() });
      this.deployInitial();
      if (!(await this.waitGatewayReady(90))) throw new Error('the gateway did not become ready within 90 s (see its docker logs)');
      if (this.s.topology.watch) this.startWatch();
      for (const p of this.s.topology.probes) if (!p.startInPhase) this.startProbe(p);
      for (const ph of this.s.phases) await this.runPhase(ph);
      this.phase = 'end';
      this.mark('end');
      for (const st of this.probes.values()) await this.sb.stop(st);
      this.probes.clear();
      if (this.watch) { await this.sb.stop(this.watch, 30000); this.watch = undefined; }
      this.collect();
    } finally {
      await this.teardown();
      process.removeListener('SIGINT', stopOnSignal);
      process.removeListener('SIGTERM', stopOnSignal);
    }
    this.writeRecording();
  }

  private async teardown(): Promise<void> {
    await this.sb.stopAll(() => {
      this.compose(['down', '-v', '--remove-orphans', '-t', '5'], true);
      const left = this.docker(['ps', '-aq'], true).stdout.trim();
      if (left) this.docker(['rm', '-f', ...left.split('\n')], true);
    });
    this.hostProxies.clear();
  }

  /** Images are imported once into the lab engine (its data root is kept in the cache); old containers and volumes go. */
  private prepareEngine(): void {
    const left = this.docker(['ps', '-aq']).stdout.trim();
    if (left) this.docker(['rm', '-f', ...left.split('\n')]);
    const vols = this.docker(['volume', 'ls', '-q']).stdout.trim();
    if (vols) this.docker(['volume', 'rm', '-f', ...vols.split('\n')], true);
    const need = (img: string) => this.docker(['image', 'inspect', img], true).status !== 0;
    const version = GATEWAY_IMAGE.split(':')[1];
    const rootfs = `gateway-rootfs-${version}-v3.tar`;
    const built = this.docker(['image', 'inspect', '-f', '{{ index .Config.Labels "lab.rootfs" }}', GATEWAY_IMAGE], true).stdout.trim();
    if (built !== rootfs) {
      this.say(`importing the gateway image ${GATEWAY_IMAGE} (docker import + build, no registry)`);
      this.docker(['import', path.join(this.env.cache, rootfs), `openclaw-rootfs:${version}`]);
      const ctx = fs.mkdtempSync(path.join(this.env.cache, 'build-'));
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM openclaw-rootfs:${version}\nLABEL lab.rootfs=${rootfs}\nENV PATH=/usr/local/bin:/bin HOME=/home/node\nUSER node\nWORKDIR /home/node\nCMD ["openclaw", "gateway", "run"]\n`);
      run('docker', ['build', '-q', '-t', GATEWAY_IMAGE, ctx], { env: this.sb.env({ DOCKER_BUILDKIT: '0' }) });
      fs.rmSync(ctx, { recursive: true, force: true });
    }
    if (need(PROXY_IMAGE)) {
      this.say(`importing the proxy image ${PROXY_IMAGE}`);
      this.docker(['import', '--change', 'ENV PATH=/usr/sbin:/usr/bin:/bin', path.join(this.env.cache, 'proxy-rootfs-v2.tar'), PROXY_IMAGE]);
    }
  }

  private writeFiles(): void {
    writeStack(this.settings, this.s.topology.proxies, !!this.s.topology.nodeHost, { repo: this.repo, work: this.work });
    for (const d of fs.readdirSync(this.repo)) if (d.startsWith('config')) run('chown', ['-R', '1000:1000', path.join(this.repo, d)]);
  }

  private deployInitial(): void {
    fs.mkdirSync(this.repo, { recursive: true });
    this.writeFiles();
    run('git', ['init', '-q', '-b', 'main'], { cwd: this.repo });
    this.gitCommit('Initial OpenClaw deployment', AUTHORS[3], 'initial');
    this.startHostProxies();
    this.mark('action', { action: 'deploy', do: 'compose-up', args: ['-d'] });
    this.compose(['up', '-d']);
  }

  private gitCommit(message: string, author: string, id: string): string {
    run('git', ['add', '-A'], { cwd: this.repo });
    const [, name, mail] = /^(.*) <(.*)>$/.exec(author) ?? [, 'Lab Operator', 'ops@example.org'];
    run('git', ['-c', `user.name=${name}`, '-c', `user.email=${mail}`, 'commit', '-q', '--allow-empty', '-m', message], { cwd: this.repo });
    const sha = run('git', ['rev-parse', 'HEAD'], { cwd: this.repo }).stdout.trim();
    const files = run('git', ['show', '--name-only', '--format=', 'HEAD'], { cwd: this.repo }).stdout.trim().split('\n').filter(Boolean);
    this.mark('action', { action: id, do: 'commit', commit: sha, message, author, files });
    return sha;
  }

  private startHostProxies(): void {
    for (const px of this.s.topology.proxies.filter((p) => p.where === 'host')) {
      const out = path.join(this.work, 'log', px.kind, px.kind === 'haproxy' ? 'haproxy.log' : `${px.kind}.stdout.log`);
      let st: Started;
      if (px.kind === 'nginx') st = this.sb.startInNetns('nginx', '/usr/sbin/nginx', ['-c', path.join(this.repo, 'nginx/nginx.conf'), '-g', 'daemon off;'], { out });
      else if (px.kind === 'haproxy') st = this.sb.startInNetns('haproxy', 'haproxy', ['-W', '-db', '-f', path.join(this.repo, 'haproxy/haproxy.cfg')], { out, stopSignal: 'SIGUSR1' });
      else st = this.sb.startInNetns('caddy', 'caddy', ['run', '--config', path.join(this.repo, 'caddy/Caddyfile'), '--adapter', 'caddyfile'], { out: path.join(this.work, 'log', 'caddy', 'caddy.log'), env: { ...process.env, XDG_DATA_HOME: path.join(this.work, 'run'), XDG_CONFIG_HOME: path.join(this.work, 'run') } });
      this.hostProxies.set(px.kind, st);
      this.mark('host-proxy-start', { proxy: px.kind, pid: st.pid });
    }
  }

  private async waitGatewayReady(seconds: number): Promise<boolean> {
    for (let i = 0; i < seconds; i++) {
      const check = `require('http').get('http://127.0.0.1:${GATEWAY_PORT}/readyz',{timeout:2000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`;
      const r = run('ip', ['netns', 'exec', this.sb.netns, process.execPath, '-e', check], { allowFail: true });
      if (r.status === 0) { this.mark('gateway-ready'); return true; }
      await sleep(1000);
    }
    this.say('the gateway did not become ready');
    return false;
  }

  private startWatch(): void {
    const out = path.join(this.work, 'watch');
    this.watch = this.sb.startOnHost('watch', process.execPath, [clawtrailCli(this.env.repoRoot), 'collect', '--watch', '--project', PROJECT,
      '--out', out, '--fingerprint-key', LAB_FINGERPRINT_KEY, '--interval', '1', '--max-size', '64'], { out: path.join(this.work, 'watch.log'), env: this.sb.env() });
    this.mark('watch-start', { pid: this.watch.pid });
  }

  private probeConfig(p: ProbeSpec): Record<string, unknown> {
    const port = p.path === 'direct' ? GATEWAY_PORT : PROXY_PORT[p.path];
    const envFile = path.join(this.repo, '.env');
    return {
      name: p.name, path: p.path, url: `ws://127.0.0.1:${port}/`, xff: p.xff,
      token: p.token === 'fixed' ? tokenValue(this.settings['env.token']) ?? undefined : undefined,
      tokenFile: p.token === 'fixed' ? undefined : envFile,
      identityFile: path.join(this.work, 'ids', `${p.name}.json`), log: path.join(this.work, 'probes', `${p.name}.jsonl`),
      openclawDir: this.env.openclawDir, pingEverySec: p.pingEverySec ?? 0, healthEverySec: p.healthEverySec ?? 45,
      deviceTokenFallback: !!p.deviceTokenFallback, backoffMs: [1000, 8000], sessionSec: p.sessionSec, kind: p.kind ?? 'ws', everySec: p.everySec,
    };
  }

  private startProbe(p: ProbeSpec): void {
    const st = this.sb.startInNetns(`probe:${p.name}`, this.env.node24, [path.join(this.env.repoRoot, 'dist', 'lab', 'probe', 'probe.js'), JSON.stringify(this.probeConfig(p))],
      { out: path.join(this.work, 'probes', `${p.name}.stderr`) });
    this.probes.set(p.name, st);
    this.mark('probe-start', { probe: p.name, path: p.path, pid: st.pid, xff: p.xff ?? null });
  }

  private async runPhase(ph: Scenario['phases'][number]): Promise<void> {
    this.phase = ph.name;
    const start = Date.now();
    this.mark('phase', { name: ph.name, duration: ph.duration, quiet: !!ph.quiet });
    this.say(`phase ${ph.name} (${ph.duration}s)`);
    for (const p of this.s.topology.probes) if (p.startInPhase === ph.name) this.startProbe(p);
    const actions = [...(ph.actions ?? [])].sort((a, b) => a.at - b.at);
    for (const a of actions) {
      const wait = start + a.at * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      await this.perform(a);
    }
    const rest = start + ph.duration * 1000 - Date.now();
    if (rest > 0) await sleep(rest);
  }

  private async perform(a: Action): Promise<void> {
    const id = a.id ?? `${this.phase}:${a.do}@${a.at}`;
    this.say(`action ${id}: ${a.do}`);
    switch (a.do) {
      case 'edit': {
        Object.assign(this.settings, a.set ?? {});
        this.writeFiles();
        this.mark('action', { action: id, do: 'edit', set: a.set ?? {} }); // token settings are names (tok-…), never values
        return;
      }
      case 'commit': { this.gitCommit(a.message ?? 'change', a.author ?? AUTHORS[this.seq % 3], id); return; }
      case 'reload': { this.reload(id, a.target!); return; }
      case 'rotate-logs': { this.rotateLogs(id); return; }
      case 'compose-up': {
        const args = ['up', ...(a.args ?? ['-d']), ...(a.services ?? [])];
        this.mark('action', { action: id, do: 'compose-up', args: a.args ?? ['-d'], services: a.services ?? [] });
        const r = this.compose(args, true);
        this.mark('action-done', { action: id, exit: r.status, output: (r.stderr + r.stdout).trim().split('\n').slice(-8) });
        return;
      }
      case 'compose-restart': {
        this.mark('action', { action: id, do: 'compose-restart', services: a.services ?? [] });
        const r = this.compose(['restart', ...(a.services ?? [])], true);
        this.mark('action-done', { action: id, exit: r.status });
        return;
      }
      case 'docker-kill': {
        const service = (a.services ?? ['openclaw-gateway'])[0];
        const ctr = this.containerOf(service);
        this.mark('action', { action: id, do: 'docker-kill', service, container: ctr.slice(0, 12), signal: a.signal ?? 'KILL' });
        this.docker(['kill', '-s', a.signal ?? 'KILL', ctr], true);
        return;
      }
      case 'approve-pending': { await this.approvePending(id, a.seconds ?? 20); return; }
      case 'start-probe': {
        const p = this.s.topology.probes.find((x) => x.name === a.probe);
        if (!p) throw new Error(`no probe ${a.probe}`);
        this.mark('action', { action: id, do: 'start-probe', probe: p.name });
        this.startProbe(p);
        return;
      }
    }
  }

  private reload(id: string, kind: string): void {
    const where = this.s.topology.proxies.find((p) => p.kind === kind)!.where;
    this.mark('action', { action: id, do: 'reload', target: kind, where });
    let r;
    if (where === 'container') {
      const ctr = this.containerOf(kind);
      if (kind === 'nginx') r = this.docker(['exec', ctr, 'nginx', '-s', 'reload'], true);
      else if (kind === 'caddy') r = this.docker(['exec', ctr, 'caddy', 'reload', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'], true);
      else r = this.docker(['kill', '-s', 'USR2', ctr], true);
    } else {
      const st = this.hostProxies.get(kind)!;
      if (kind === 'nginx') r = run('/usr/sbin/nginx', ['-c', path.join(this.repo, 'nginx/nginx.conf'), '-s', 'reload'], { allowFail: true });
      else if (kind === 'caddy') r = run('ip', ['netns', 'exec', this.sb.netns, 'caddy', 'reload', '--config', path.join(this.repo, 'caddy/Caddyfile'), '--adapter', 'caddyfile'], { allowFail: true });
      else { process.kill(st.pid, 'SIGUSR2'); r = { status: 0, stderr: '', stdout: '' }; }
    }
    this.mark('action-done', { action: id, exit: r.status, output: String(r.stderr || '').trim().split('\n').slice(-3) });
  }

  private rotateLogs(id: string): void {
    const dir = path.join(this.work, 'log', 'nginx');
    this.mark('action', { action: id, do: 'rotate-logs', target: 'nginx' });
    for (const f of ['access.log', 'error.log']) if (fs.existsSync(path.join(dir, f))) fs.renameSync(path.join(dir, f), path.join(dir, `${f}.1`));
    const r = run('/usr/sbin/nginx', ['-c', path.join(this.repo, 'nginx/nginx.conf'), '-s', 'reopen'], { allowFail: true });
    this.mark('action-done', { action: id, exit: r.status });
  }

  /** The operator approving every pending device with the real CLI inside the gateway container. */
  private async approvePending(id: string, seconds: number): Promise<void> {
    this.mark('action', { action: id, do: 'approve-pending', seconds });
    const until = Date.now() + seconds * 1000;
    const done = new Set<string>();
    while (Date.now() < until) {
      let ctr = '';
      try { ctr = this.containerOf('openclaw-gateway'); } catch { /* recreating */ }
      const r = ctr ? this.docker(['exec', ctr, 'openclaw', 'devices', 'list', '--json'], true) : undefined;
      if (r && r.status === 0) {
        let pending: Array<{ requestId: string; deviceId: string; displayName?: string }> = [];
        try { pending = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).pending ?? []; } catch { /* not JSON yet */ }
        for (const p of pending) {
          if (done.has(p.requestId)) continue;
          const ok = this.docker(['exec', ctr, 'openclaw', 'devices', 'approve', p.requestId], true).status === 0;
          if (ok) done.add(p.requestId);
          this.mark('approve', { action: id, device: p.deviceId.slice(0, 12), client: p.displayName ?? null, requestId: p.requestId, ok });
        }
      }
      await sleep(2000);
    }
  }

  private collect(): void {
    const bundle = path.join(this.recording, 'bundle');
    const cli = clawtrailCli(this.env.repoRoot);
    const env = this.sb.env();
    if (this.s.topology.collector === 'print-script') {
      const script = run(process.execPath, [cli, 'collect', '--print-script'], { env }).stdout;
      const file = path.join(this.work, 'collect.sh');
      fs.writeFileSync(file, script);
      const r = run('sh', [file, PROJECT, bundle, '2h'], { cwd: this.repo, env, allowFail: true });
      this.say(`collect.sh exited ${r.status}`);
      fs.writeFileSync(path.join(this.work, 'collect.out'), r.stdout + r.stderr);
    } else {
      const args = [cli, 'collect', '--project', PROJECT, '--since', '2h', '--out', bundle, '--fingerprint-key', LAB_FINGERPRINT_KEY];
      const adds: string[] = [];
      for (const px of this.s.topology.proxies.filter((p) => p.where === 'host')) adds.push(path.join(this.repo, px.kind), path.join(this.work, 'log', px.kind));
      if (adds.length) args.push('--add', ...adds);
      if (this.s.topology.watch) args.push('--watch-dir', path.join(this.work, 'watch'));
      const r = run(process.execPath, args, { cwd: this.repo, env, allowFail: true });
      this.say(`collect exited ${r.status}`);
      fs.writeFileSync(path.join(this.work, 'collect.out'), r.stdout + r.stderr);
      if (r.status !== 0 && r.status !== 3) throw new Error(`collect failed: ${(r.stderr || r.stdout).slice(-1500)}`);
    }
    const v = run(process.execPath, [cli, 'verify', bundle], { allowFail: true });
    this.say(`verify exited ${v.status}`);
    fs.writeFileSync(path.join(this.work, 'verify.out'), v.stdout + v.stderr);
    if (v.status !== 0) throw new Error(`verify failed: ${(v.stdout + v.stderr).slice(-1500)}`);
  }

  private writeRecording(): void {
    const probeDir = path.join(this.recording, 'probes');
    fs.mkdirSync(probeDir, { recursive: true });
    for (const f of fs.readdirSync(path.join(this.work, 'probes'))) if (f.endsWith('.jsonl')) fs.copyFileSync(path.join(this.work, 'probes', f), path.join(probeDir, f));
    fs.copyFileSync(this.driverLog, path.join(this.recording, 'driver.log'));
    for (const f of ['collect.out', 'verify.out']) if (fs.existsSync(path.join(this.work, f))) fs.copyFileSync(path.join(this.work, f), path.join(this.recording, f));
    const truth = computeTruth(this.s, this.recording);
    fs.writeFileSync(path.join(this.recording, 'truth.json'), JSON.stringify(truth, null, 2) + '\n');
    this.say(`recorded ${this.recording}: ${truth.incidents.length} incident(s), ${truth.quiet_windows.length} quiet window(s)`);
  }
}
