// Makes a readable copy of a file whose bytes DuckDB's CSV reader refuses or splits differently from us: invalid
// UTF-8 and NULs become U+FFFD, CRLF becomes LF and a lone CR becomes U+240D (DuckDB would count a CR as a line
// break), a BOM is dropped, a truncated gzip keeps what came before the damage. Newlines stay where they were, so
// line numbers in the copy are the original's.
import { createReadStream, createWriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export async function sanitizedCopy(path: string, gzip: boolean, out: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<{ path: string; replaced: number; longestLine: number }> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const sink = createWriteStream(out);
  let replaced = 0;
  let longest = 0;
  let cur = 0;
  let pendingCR = false;
  let first = true;
  const write = (text: string, final = false): void => {
    let t = (pendingCR ? '\r' : '') + text;
    pendingCR = !final && t.endsWith('\r');
    if (pendingCR) t = t.slice(0, -1);
    if (first && t.length) {
      t = t.replace(/^\uFEFF/, '');
      first = false;
    }
    const clean = t.replace(/\u0000/g, '\uFFFD').replace(/\r\n/g, '\n').replace(/\r/g, '\u240D');
    replaced += (clean.match(/\uFFFD/g) ?? []).length;
    for (const part of clean.split('\n').slice(0, -1)) {
      cur += part.length;
      longest = Math.max(longest, cur);
      cur = 0;
    }
    cur += clean.length - clean.lastIndexOf('\n') - 1;
    longest = Math.max(longest, cur);
    sink.write(clean);
  };
  await new Promise<void>((resolve) => {
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    const stream = gzip ? input.pipe(createGunzip()) : input;
    let seen = 0;
    stream.on('data', (c: Buffer | string) => {
      seen += (c as Buffer).length;
      if (seen > maxBytes) {
        // the same bound the scan applied (a gzip bomb): keep what came before it
        input.destroy();
        stream.destroy();
        resolve();
        return;
      }
      write(decoder.decode(c as Buffer, { stream: true }));
    });
    // a truncated gzip keeps what was decompressed before the damage
    stream.on('error', () => resolve());
    stream.on('end', () => resolve());
  });
  write(decoder.decode(), true);
  await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { path: out, replaced, longestLine: longest * 3 };
}
