/**
 * A progress bar on stderr for long commands: redrawn in place on a terminal, one line per
 * 10 % otherwise (CI logs, pipes), so progress is visible without flooding a log.
 */
export class Progress {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    /** Units of work in all; may be set once it is known. */
    public total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(done: number, detail = ''): void {
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && frac < 1) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(frac * width);
      this.out.write(
        `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${detail}   `,
      );
    } else {
      const decile = Math.floor(frac * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.out.write(`${this.label} ${decile * 10}% ${detail}\n`);
    }
  }

  done(detail = ''): void {
    this.update(this.total, detail);
    if (this.tty) this.out.write('\n');
  }
}
