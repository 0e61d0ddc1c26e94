// Logs into a bundle with bounded memory, token= values redacted line by line: a json-file or proxy log is copied as a
// stream; `docker logs -t` writes the container's stdout and stderr to two temporary files (each already in daemon
// order), then a streamed two-way merge by daemon stamp interleaves them. Nothing is held beyond one line per stream.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { redactText } from '../case/secret-rules.js';

/** The daemon stamp of a `docker logs -t` line as a sortable key: RFC 3339 with the fraction padded to 9 digits (docker
 *  writes 9, but a shorter fraction must still sort by value: "….1Z" before "….12Z"). null for a line without one. */
export function stampKey(line: string): string | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /.exec(line);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : null;
}

/** Reads a file line by line, each line with the key of the last stamped line (continuations keep their place). */
async function* keyedLines(path: string): AsyncGenerator<{ key: string; line: string }> {
  let key = '';
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    key = stampKey(line) ?? key;
    yield { key, line };
  }
}

/** A file written line by line through redactText, honouring back-pressure. */
function redactedSink(dest: string, gzip = false): { put: (line: string) => Promise<void>; close: () => Promise<void> } {
  const file = createWriteStream(dest);
  const sink = gzip ? createGzip() : file;
  if (gzip) sink.pipe(file);
  return {
    put: async (line) => {
      if (!sink.write(redactText(line) + '\n')) await new Promise<void>((r) => sink.once('drain', () => r()));
    },
    close: () => new Promise<void>((res, rej) => {
      file.once('error', rej);
      file.once('close', () => res());
      sink.end();
    }),
  };
}

/** Copies a log file line by line through redactText; a .gz file is read and written gzipped. */
export async function copyRedacted(from: string, to: string): Promise<void> {
  const gz = from.endsWith('.gz');
  const { put, close } = redactedSink(to, gz);
  const input = gz ? createReadStream(from).pipe(createGunzip()) : createReadStream(from);
  for await (const line of createInterface({ input, crlfDelay: Infinity })) await put(line);
  await close();
}

/** Merges two stamp-ordered logs into one, stdout first on equal stamps, every line through redactText. */
export async function mergeByStamp(a: string, b: string, dest: string): Promise<void> {
  const { put, close } = redactedSink(dest);
  const ia = keyedLines(a);
  const ib = keyedLines(b);
  let x = await ia.next();
  let y = await ib.next();
  while (!x.done || !y.done) {
    if (!x.done && (y.done || x.value.key <= y.value.key)) {
      await put(x.value.line);
      x = await ia.next();
    } else if (!y.done) {
      await put(y.value.line);
      y = await ib.next();
    }
  }
  await close();
}

function head(path: string, max: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    return buf.subarray(0, readSync(fd, buf, 0, max, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Runs the docker CLI with its stdout and stderr written straight to two files (no output held in memory); resolves
 *  with its exit code (127 when it cannot be run). */
function dockerToFiles(argv: string[], stdoutPath: string, stderrPath: string): Promise<number> {
  const fo = openSync(stdoutPath, 'w');
  const fe = openSync(stderrPath, 'w');
  return new Promise<number>((res) => {
    const p = spawn('docker', argv, { stdio: ['ignore', fo, fe] });
    p.on('error', () => res(127));
    p.on('close', (c) => res(c ?? 1));
  }).finally(() => {
    closeSync(fo);
    closeSync(fe);
  });
}

export interface LogsRun { code: number; stderr: string; started: string; ended: string }

/** Runs `docker [--host H] logs -t [extra] ID` into dest (stdout and stderr interleaved by stamp, redacted). On a
 *  non-zero exit nothing is written and the CLI's own message (the head of its stderr) is returned. */
export async function saveDockerLogs(dockerArgv: string[], dest: string): Promise<LogsRun> {
  const started = new Date().toISOString();
  const out = `${dest}.stdout.part`;
  const err = `${dest}.stderr.part`;
  try {
    const code = await dockerToFiles(dockerArgv, out, err);
    if (code !== 0) return { code, stderr: head(err, 4000) || (code === 127 ? 'the docker CLI could not be run' : ''), started, ended: new Date().toISOString() };
    await mergeByStamp(out, err, dest);
    return { code, stderr: '', started, ended: new Date().toISOString() };
  } finally {
    rmSync(out, { force: true });
    rmSync(err, { force: true });
  }
}

/** Where OpenClaw writes its JSON file log inside the container (reference §1.4): gone with the container. */
export const GATEWAY_LOG_DIR = '/tmp/openclaw';

/** Copies the gateway's file logs (`/tmp/openclaw/openclaw-YYYY-MM-DD.log`) out of a container, running or stopped,
 *  into destDir, redacted: `docker cp` writes a tar stream to a temporary file, tar unpacks it into a temporary
 *  folder, and only regular files named like the gateway's logs are read (a symlink planted in the container is never
 *  followed). Returns the written file names, or the CLI's message when the folder is not there. */
export async function saveGatewayFileLogs(dockerPrefix: string[], id: string, destDir: string, o: { keep?: (day: string) => boolean; rename?: (file: string) => string } = {}): Promise<{ code: number; stderr: string; files: string[] }> {
  const tmp = mkdtempSync(join(tmpdir(), 'clawtrail-cp-'));
  try {
    const tar = join(tmp, 'cp.tar');
    const code = await dockerToFiles([...dockerPrefix, 'cp', `${id}:${GATEWAY_LOG_DIR}`, '-'], tar, join(tmp, 'stderr'));
    if (code !== 0) return { code, stderr: head(join(tmp, 'stderr'), 2000).trim(), files: [] };
    const unpacked = join(tmp, 'x');
    mkdirSync(unpacked);
    const t = spawnSync('tar', ['-xf', tar, '-C', unpacked, '--no-same-owner', '--no-same-permissions'], { encoding: 'utf8' });
    if (t.status !== 0) return { code: 1, stderr: `tar: ${t.stderr.trim().split('\n')[0]}`, files: [] };
    const dir = join(unpacked, basename(GATEWAY_LOG_DIR));
    const files: string[] = [];
    for (const f of existsSync(dir) ? readdirSync(dir).sort() : []) {
      const day = /^openclaw-(\d{4}-\d\d-\d\d)\.log$/.exec(f)?.[1];
      if (!day || !(o.keep?.(day) ?? true) || !lstatSync(join(dir, f)).isFile()) continue;
      const name = o.rename?.(f) ?? f;
      mkdirSync(destDir, { recursive: true });
      await copyRedacted(join(dir, f), join(destDir, name));
      files.push(name);
    }
    return { code: 0, stderr: '', files };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
