/**
 * Raw frame archive in cryptofeed's capture format 2 (docs/developer_guide.md, Raw archive and
 * import): one JSON object a line, `t` = header | connect | send | recv | http, receipt `ts` in
 * Unix seconds. `futuresboard import` reads it back through the same parsers, so a session can be
 * re-normalized after a parser fix. Two additions carry what the frames alone cannot tell, so
 * that the import reproduces the live rows: the header names each exchange's instruments and
 * streams (`feeds`), and a `gap` line records each loss of data the collector detected (its
 * cause and start; the gap row itself is written before the connection's next event).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { ExchangeId, GapCause } from '../../core/events.ts';
import type { Instrument } from '../../core/instruments.ts';

const MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** What a session records of one exchange (header `feeds`): the import parses with exactly these. */
export interface ArchivedFeed {
  exchange: ExchangeId;
  /** Streams of the session's connections and polls (`rest`): the streams its restart gaps cover. */
  streams: string[];
  instruments: Instrument[];
}

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
  /** Data of `conn` is missing from `startMs` on (noticed at `ms`). */
  gap(conn: string, startMs: number, cause: GapCause, ms: number): void {
    this.line({ t: 'gap', conn, ts: ms / 1000, start: startMs / 1000, cause });
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
      if (this.dropped++ === 0)
        this.onProblem('raw archive falling behind the feed; dropping frames until it catches up');
      return;
    }
    this.out.write(JSON.stringify(obj) + '\n');
  }
}
