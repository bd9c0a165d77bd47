/**
 * Raw frame archive in the capture format of fixtures/captures/README.md (cryptofeed format 2):
 * one JSON object a line, `t` = header | connect | send | recv | http, receipt `ts` in Unix
 * seconds. `futuresboard import` reads it back through the same parsers, so a session can be
 * re-normalized after a parser fix.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

export class RawRecorder {
  private readonly out: WriteStream;
  private failed: Error | null = null;

  /** Frames not archived because the disk could not keep up (the archive is best effort). */
  dropped = 0;

  constructor(
    path: string,
    header: Record<string, unknown> = {},
    private readonly onProblem: (what: string, err?: Error) => void = () => {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (err) => {
      this.failed = err;
      onProblem('raw archive stopped: write failed', err);
    });
    this.line({ t: 'header', format: 2, exchange: 'futuresboard', recorded: Date.now() / 1000, ...header });
  }

  connect(conn: string, addr: string, ms: number): void {
    this.line({ t: 'connect', conn, ts: ms / 1000, addr });
  }
  send(conn: string, addr: string, data: string, ms: number): void {
    this.line({ t: 'send', conn, ts: ms / 1000, addr, data });
  }
  recv(conn: string, data: string, ms: number): void {
    this.line({ t: 'recv', conn, ts: ms / 1000, data });
  }
  http(conn: string, url: string, data: string, ms: number): void {
    this.line({ t: 'http', conn, ts: ms / 1000, url, data });
  }

  /** The first write error, if the archive stopped working (surfaced in logs by the daemon). */
  get error(): Error | null {
    return this.failed;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }

  private line(obj: object): void {
    if (this.failed) return;
    // A disk slower than the feed must not grow memory without bound: past 64 MiB queued, drop.
    if (this.out.writableLength > MAX_QUEUED_BYTES) {
      if (this.dropped++ === 0) this.onProblem('raw archive falling behind the feed; dropping frames until it catches up');
      return;
    }
    this.out.write(JSON.stringify(obj) + '\n');
  }
}
