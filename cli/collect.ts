// CLI: collect (snapshot a compose project into a bundle) and verify (check a bundle against its manifest). The
// collector's modules are loaded when one of these commands runs.
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { EXIT, VERSION } from './common.js';
import { Progress } from './progress.js';
import { safeText } from '../lib/output.js';
import { MANIFEST_FILE } from '../case/bundle-layout.js';
import { isBundleArchive, unpackArchive, writeArchive } from '../lib/archive.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fromRoot } from '../lib/paths.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function registerCollectCommands(program: Command): void {
  program.command('collect')
    .description('snapshot a Docker Compose project into an evidence bundle (inspect, logs, events, engine info, compose files, MANIFEST.json)')
    .option('--project <name>', 'compose project (default: the one whose compose file is in this folder, else the only one the engine runs)')
    .option('--since <duration>', 'how far back logs and events go (docker syntax: 48h, 30m, an RFC 3339 time)', '48h')
    .option('--out <dir>', 'bundle folder (required unless --print-script)')
    .option('--host <docker-host>', 'docker engine (as docker --host; DOCKER_HOST works too)')
    .option('--fingerprint-key <key>', 'key for the secret fingerprints; give the same key to analyze so both agree (default: $CLAWTRAIL_FINGERPRINT_KEY, else a new random key, printed)')
    .option('--archive', 'write BUNDLE.tar.gz instead of a folder')
    .option('--print-script', 'print a POSIX shell script that collects the same with the docker CLI only (hosts without Node), and exit')
    .option('--watch', 'keep a rolling capture in --out: events to daily files, inspect on start/die and every --interval, logs saved when a container dies')
    .option('--interval <minutes>', 'watch: periodic inspect snapshots', '10')
    .option('--max-size <MB>', 'watch: disk bound; the oldest days are pruned first', '512')
    .option('--stop-after <seconds>', 'watch: stop after this long (default: run until killed)')
    .option('--watch-dir <dir>', 'merge what a watch kept into the bundle')
    .option('--sign <private-key.pem>', 'sign MANIFEST.json with this Ed25519 private key (verify --key checks it with the public key)')
    .option('--add <path...>', 'also take proxy configs and logs from these host files or folders (a proxy outside Docker: /etc/nginx /var/log/nginx)')
    .option('-q, --quiet', 'no progress')
    .addHelpText('after', `
Example:
  clawtrail collect --project openclaw --since 48h --out bundle --fingerprint-key "$KEY"
  clawtrail verify bundle && clawtrail analyze bundle --fingerprint-key "$KEY" --out report
  clawtrail collect --project openclaw --out bundle --add /etc/nginx /var/log/nginx   # a proxy outside Docker
  clawtrail collect --watch --project openclaw --out /var/lib/clawtrail/watch          # keep the history
  clawtrail collect --print-script > collect.sh && sh collect.sh openclaw bundle 48h   # a host without Node
What it takes: inspect and logs of every container of the project (running or stopped), events, engine version and
info, compose ps and the resolved compose config, the compose files and .env, OpenClaw's state files from the state
mount, the proxy's configs and log files from its mounts (rotated logs last written before --since are skipped), and
the compose folder's git history (every revision rewritten through the same secret rules; git/commit-map.txt maps
each original commit id to its rewritten one).
Secrets never leave the host in clear: secret-like environment, .env and config values become keyed fingerprints,
Authorization headers in proxy configs too, URLs lose their token= values. Keys and certificates are never taken.
With a remote engine (--host ssh://… or tcp://…) no file is read from this machine's disk.
Exit codes: 0 all collected, 3 something could not be (each listed, and recorded in MANIFEST.json), 1 an error.`)
    .action(async (o: { project?: string; since: string; out?: string; host?: string; fingerprintKey?: string; archive?: boolean; printScript?: boolean; quiet?: boolean;
      watch?: boolean; interval: string; maxSize: string; stopAfter?: string; watchDir?: string; add?: string[]; sign?: string }) => {
      if (o.printScript) {
        process.stdout.write(readFileSync(fromRoot('collect', 'collect.sh'), 'utf8').replace(/@VERSION@/g, VERSION));
        return;
      }
      if (!o.out) throw new Error('collect needs --out BUNDLE (or --print-script)');
      // docker's --since: a duration (48h, 1h30m), an RFC 3339 time or a Unix timestamp
      if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(o.since) && !/^\d+(\.\d+)?$/.test(o.since) && Number.isNaN(Date.parse(o.since))) {
        throw new Error(`--since wants a duration (48h, 30m, 1h30m), an RFC 3339 time or a Unix timestamp, got ${JSON.stringify(o.since)}`);
      }
      for (const [flag, v] of [['--interval', o.interval], ['--max-size', o.maxSize], ['--stop-after', o.stopAfter ?? '1']] as const) {
        if (!(Number(v) > 0)) throw new Error(`${flag} must be a positive number, got ${JSON.stringify(v)}`);
      }
      const givenKey = o.fingerprintKey ?? process.env.CLAWTRAIL_FINGERPRINT_KEY;
      if (o.watch) {
        if (!o.project) throw new Error('collect --watch needs --project');
        if (!givenKey) throw new Error('collect --watch needs --fingerprint-key or CLAWTRAIL_FINGERPRINT_KEY (the same key as the later collect and analyze)');
        const { watch } = await import('../collect/watch.js');
        await watch({ project: o.project, out: o.out, host: o.host, fingerprintKey: givenKey, intervalMinutes: Number(o.interval), maxBytes: Number(o.maxSize) * 1024 * 1024,
          say: (m) => { if (!o.quiet) process.stderr.write(m + '\n'); }, stopAfterMs: o.stopAfter ? Number(o.stopAfter) * 1000 : undefined });
        return;
      }
      const { collect } = await import('../collect/collect.js');
      const { readKey } = await import('../collect/manifest.js');
      const signingKey = o.sign ? readKey(o.sign, 'private') : undefined;
      const key = givenKey ?? randomBytes(24).toString('base64url');
      if (!givenKey) process.stderr.write(`clawtrail: fingerprint key for this bundle: ${key} (pass it to analyze with --fingerprint-key)\n`);
      if (o.archive && existsSync(`${resolve(o.out)}.tar.gz`)) throw new Error(`${resolve(o.out)}.tar.gz exists: give collect a new --out`);
      const shown = new Progress('collect', !!o.quiet);
      const r = await collect({ project: o.project, since: o.since, out: o.out!, watchDir: o.watchDir, add: o.add, host: o.host, fingerprintKey: key, version: VERSION,
        progress: (m) => shown.update(0, 0, m), signingKey });
      shown.done();
      let where = r.out;
      if (o.archive) {
        where = writeArchive(r.out);
        rmSync(r.out, { recursive: true, force: true });
      }
      process.stdout.write(`bundle written to ${where}: ${r.entries.filter((e) => e.path).length} file(s), MANIFEST.json\n`);
      for (const f of r.failures) process.stdout.write(`not collected: ${safeText(f.command)} (exit ${f.exit_code}): ${safeText(f.stderr.split('\n')[0] ?? '')}\n`);
      // what was left out on purpose (rotated files before --since, a remote engine's files, no file log): said once each
      const notes = r.entries.filter((e) => e.path === null && e.exit_code === 0);
      for (const f of notes.slice(0, 10)) process.stdout.write(`left out: ${safeText(f.command)}: ${safeText(f.stderr.split('\n')[0] ?? '')}\n`);
      if (notes.length > 10) process.stdout.write(`left out: ${notes.length - 10} more (see MANIFEST.json)\n`);
      process.exitCode = r.failures.length ? EXIT.partial : EXIT.ok;
    });

  program.command('verify')
    .description('check every file of a bundle against its MANIFEST.json (sha256 and size), and its signature with --key')
    .argument('<bundle>', 'bundle folder or .tar.gz')
    .option('--key <public-key.pem>', "the collector's Ed25519 public key: the manifest must carry a valid signature by it (collect --sign)")
    .addHelpText('after', `
Example:
  clawtrail verify bundle
  clawtrail verify bundle.tar.gz --key collect.pub.pem
What it proves: every file is byte for byte what the collector wrote and nothing was added or removed since
(integrity since collection). Unsigned, it does not prove who wrote the manifest: anyone who can change a file can
rewrite it. With --key it also proves the manifest was signed by the holder of the matching private key
(collect --sign collect.pem; make a pair with: openssl genpkey -algorithm ed25519 -out collect.pem &&
openssl pkey -in collect.pem -pubout -out collect.pub.pem). Nothing proves the evidence was true when collected.
Checked: exactly one MANIFEST.json at the bundle root; every path in it inside the bundle (no .., no absolute path);
only regular files are read (a link, FIFO or device is a problem, never followed or opened); every file on disk is
named. An archive is unpacked into a temporary folder (removed after) and must hold one folder (or the bundle's files
at its top). Exit codes: 0 the bundle matches its manifest (and signature), 1 it does not, or an error.`)
    .action(async (bundle: string, o: { key?: string }) => {
      const { readKey, verifyBundle } = await import('../collect/manifest.js');
      const publicKey = o.key ? readKey(o.key, 'public') : undefined;
      const tmp = isBundleArchive(bundle) ? mkdtempSync(join(tmpdir(), 'clawtrail-verify-')) : undefined;
      try {
        let dir = bundle;
        const problems: string[] = [];
        if (tmp) {
          const u = await unpackArchive(bundle, tmp);
          problems.push(...u.skipped.map((s) => `${s.path}: ${s.reason}`));
          // one bundle per archive: a second folder beside it (a decoy manifest) is outside any chain of custody
          if (u.top.includes(MANIFEST_FILE)) dir = u.dir;
          else if (u.top.length === 1) dir = join(u.dir, u.top[0]);
          else problems.push(`the archive holds ${u.top.length} entries at its top (${u.top.slice(0, 5).join(', ')}): a bundle archive holds one bundle folder`);
        }
        const r = problems.length && dir === bundle ? { ok: false, problems: [], checked: 0, signature: 'unsigned' as const } : await verifyBundle(dir, { publicKey });
        for (const p of [...problems, ...r.problems]) process.stdout.write(`${safeText(p)}\n`);
        const ok = r.ok && problems.length === 0;
        const sig = { valid: 'signature valid', unchecked: 'signed (not checked: give --key)', unsigned: 'unsigned: integrity since collection only, not who wrote it', invalid: 'signature INVALID' }[r.signature];
        process.stdout.write(ok ? `ok: ${r.checked} file(s) match the manifest; ${sig}\n` : `FAILED: ${problems.length + r.problems.length} problem(s); ${sig}\n`);
        process.exitCode = ok ? EXIT.ok : EXIT.error;
      } finally {
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    });
}
