// Progress on stderr. On a terminal: one line redrawn in place (every second, and on every step) with the
// percentage, the amount done, the rate and the ETA. Otherwise (a pipe, a CI log): a plain line every CLAWTRAIL_PROGRESS_SECONDS
// (default 10) seconds — even while one long step runs — and one at the end, so a long run is never silent.
// Nothing with --quiet.
import { safeText } from '../lib/output.js';

const size = (n: number): string => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`);
const units = {
  bytes: (done: number, total: number, secs: number): string => `${size(done)} of ${size(total)}${secs > 0 && done > 0 ? `, ${size(done / secs)}/s` : ''}`,
  queries: (done: number, total: number): string => `${done} of ${total} queries`,
};

const seconds = (s: number): string => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export class Progress {
  private readonly start = Date.now();
  private lastPlain = -Infinity;
  private printed = false;
  private readonly tty: boolean;
  private readonly every: number;
  private state = { done: 0, total: 0, detail: '' };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly phase: string, private readonly quiet: boolean, private readonly unit: keyof typeof units = 'bytes',
    private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = !!out.isTTY;
    this.every = Math.max(0, Number(process.env.CLAWTRAIL_PROGRESS_SECONDS ?? 10)) * 1000;
    if (!quiet) {
      this.timer = setInterval(() => this.render(), this.tty ? 1000 : Math.max(this.every, 1000));
      this.timer.unref();
    }
  }

  /** `done` of `total` (in the phase's unit; total 0 when unknown), and what is being worked on. */
  update(done: number, total: number, detail = ''): void {
    this.state = { done, total, detail };
    this.render();
  }

  private render(): void {
    if (this.quiet) return;
    const now = Date.now();
    const { done, total, detail } = this.state;
    const elapsed = (now - this.start) / 1000;
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : null;
    const eta = pct !== null && pct >= 1 && pct < 100 ? (elapsed * (100 - pct)) / pct : null;
    const head = `${this.phase}${pct !== null ? ` ${Math.floor(pct)}% (${units[this.unit](done, total, elapsed)})` : ''}, ${seconds(elapsed)}${eta !== null ? `, ETA ${seconds(eta)}` : ''}`;
    if (this.tty) {
      const width = Math.max(20, (this.out.columns ?? 100) - head.length - 4);
      this.out.write(`\r\x1b[K${head} · ${safeText(detail).slice(-width)}`);
      this.printed = true;
    } else if (now - this.lastPlain >= this.every) {
      this.out.write(`clawtrail: ${head}${detail ? ` · ${safeText(detail).slice(-160)}` : ''}\n`);
      this.lastPlain = now;
      this.printed = true;
    }
  }

  done(): void {
    clearInterval(this.timer);
    if (this.quiet || !this.printed) return;
    if (this.tty) this.out.write('\r\x1b[K');
    else this.out.write(`clawtrail: ${this.phase} done in ${seconds((Date.now() - this.start) / 1000)}\n`);
  }
}
