// One streaming pass over a file: sha256 of the bytes on disk, decompressed size and line count, the bytes DuckDB's
// reader would trip on (NUL, CR, BOM), and the first lines for format detection. Memory stays bounded whatever the file size.
import { createHash } from 'node:crypto';
import { closeSync, constants, createReadStream, fstatSync, openSync } from 'node:fs';
import { GZIP_BOMB_FLOOR, GZIP_BOMB_RATIO, isGzip } from '../lib/gzip.js';
import { createGunzip } from 'node:zlib';

export interface ScanResult {
  sha256: string;
  bytes: number;
  gzip: boolean;
  decompressedBytes: number;
  lines: number;
  blankLines: number;          // empty (or CR-only) lines
  sample: string[];           // first lines (at most SAMPLE_LINES, each cut to SAMPLE_LINE_BYTES)
  hasNul: boolean;
  hasCR: boolean;              // DuckDB's reader treats CR as a line break: such files are read through a cleaned copy
  hasBom: boolean;
  longestLine: number;
  binary: boolean;             // control bytes make up more than BINARY_SHARE of the first SNIFF_BYTES: not a text log
  gzipError?: string;         // truncated / corrupt / bomb
}

const SAMPLE_LINES = 64;
const SNIFF_BYTES = 64 * 1024;
const BINARY_SHARE = 0.05;
const SAMPLE_LINE_BYTES = 64 * 1024;

export async function scanFile(path: string, maxDecompressed = Number.MAX_SAFE_INTEGER): Promise<ScanResult> {
  const gzip = await isGzip(path);
  const hash = createHash('sha256');
  let bytes = 0;
  let decompressed = 0;
  let newlines = 0;
  let blank = 0;
  let lastByte = -1;
  let lineLen = 0;
  let longest = 0;
  let hasNul = false;
  let hasCR = false;
  let firstChunk = true;
  let hasBom = false;
  const sample: string[] = [];
  let sampleBuf: Buffer[] = [];
  let sampleLen = 0;
  let gzipError: string | undefined;
  let sniffed = 0;
  let control = 0;

  const onData = (chunk: Buffer): void => {
    // NUL and other control bytes (tab, newlines, form feed and ESC aside): a few are damage in a log, many are a binary
    for (let i = 0; i < chunk.length && sniffed < SNIFF_BYTES; i++, sniffed++) {
      const b = chunk[i];
      if ((b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 0x1b) || b === 0x7f) control++;
    }
    decompressed += chunk.length;
    if (!hasNul && chunk.includes(0)) hasNul = true;
    if (!hasCR && chunk.includes(13)) hasCR = true;
    if (firstChunk && chunk.length) {
      hasBom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      firstChunk = false;
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      newlines++;
      lineLen += nl - start;
      if (lineLen === 0 || (lineLen === 1 && chunk[nl - 1] === 13)) blank++;
      if (lineLen > longest) longest = lineLen;
      if (sample.length < SAMPLE_LINES) {
        if (sampleLen < SAMPLE_LINE_BYTES) sampleBuf.push(chunk.subarray(start, Math.min(nl, start + SAMPLE_LINE_BYTES - sampleLen)));
        sample.push(Buffer.concat(sampleBuf).toString('utf8').replace(/\r$/, ''));
        sampleBuf = [];
        sampleLen = 0;
      }
      lineLen = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      lineLen += chunk.length - start;
      if (sample.length < SAMPLE_LINES && sampleLen < SAMPLE_LINE_BYTES) {
        const piece = chunk.subarray(start, Math.min(chunk.length, start + SAMPLE_LINE_BYTES - sampleLen));
        sampleBuf.push(Buffer.from(piece));
        sampleLen += piece.length;
      }
    }
    if (chunk.length > 0) lastByte = chunk[chunk.length - 1];
  };

  await new Promise<void>((resolve, reject) => {
    // opened without blocking and checked through the descriptor: a FIFO put in the file's place cannot hang the scan
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      reject(Object.assign(new Error('not a regular file'), { code: 'ENOTREG' }));
      return;
    }
    const input = createReadStream(path, { fd, highWaterMark: 1 << 20 });
    input.on('data', (c: Buffer | string) => {
      const b = c as Buffer;
      bytes += b.length;
      hash.update(b);
    });
    input.on('error', reject);
    if (!gzip) {
      input.on('data', (c) => onData(c as Buffer));
      input.on('end', () => resolve());
      return;
    }
    // The raw bytes are always hashed to the end; decompression may stop early (damage, bomb).
    let inputDone = false;
    let gunzipDone = false;
    const settle = (): void => {
      if (inputDone && gunzipDone) resolve();
    };
    input.on('end', () => {
      inputDone = true;
      settle();
    });
    const gunzip = createGunzip();
    const stopGunzip = (why: string): void => {
      if (gunzipDone) return;
      gzipError = why;
      gunzipDone = true;
      input.unpipe(gunzip);
      gunzip.removeAllListeners('data');
      gunzip.destroy();
      input.resume();
      settle();
    };
    gunzip.on('data', (c: Buffer) => {
      onData(c);
      if (decompressed > Math.min(maxDecompressed, Math.max(GZIP_BOMB_FLOOR, bytes * GZIP_BOMB_RATIO)) || decompressed > maxDecompressed) {
        stopGunzip(`decompressed size passed ${decompressed} bytes from ${bytes} compressed (guard against gzip bombs); read stopped there`);
      }
    });
    gunzip.on('error', (e) => stopGunzip(`corrupt or truncated gzip: ${e.message}`));
    gunzip.on('end', () => {
      gunzipDone = true;
      settle();
    });
    input.pipe(gunzip);
  });

  if (lastByte !== 10 && lastByte !== -1) {
    newlines++; // a last line without a trailing newline is still a line
    if (lineLen > longest) longest = lineLen;
    if (sample.length < SAMPLE_LINES && sampleBuf.length) sample.push(Buffer.concat(sampleBuf).toString('utf8').replace(/\r$/, ''));
  }
  return {
    sha256: hash.digest('hex'),
    bytes,
    gzip,
    decompressedBytes: decompressed,
    lines: newlines,
    blankLines: blank,
    sample,
    hasNul,
    hasCR,
    hasBom,
    longestLine: longest,
    binary: sniffed > 0 && control / sniffed > BINARY_SHARE,
    gzipError,
  };
}
