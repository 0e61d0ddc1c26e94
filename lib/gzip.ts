// Whether a file is gzip-compressed, from its first two bytes (never from its name: evidence is renamed freely).
import { open } from 'node:fs/promises';

export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A .gz (or .tar.gz) that expands more than this many times (real logs: 5–50×) past GZIP_BOMB_FLOOR bytes is a bomb. */
export const GZIP_BOMB_RATIO = 200;
export const GZIP_BOMB_FLOOR = 256 * 1024 * 1024;
