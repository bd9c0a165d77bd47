/**
 * Raw frame archive in cryptofeed's capture format 2 (docs/developer_guide.md, Raw archive and
 * import): one JSON object a line, `t` = header | connect | send | recv | http, receipt `ts` in
 * Unix seconds. `futuresboard import` reads it back through the same parsers, so a session can be
 * re-normalized after a parser fix. Two additions carry what the frames alone cannot tell, so
 * that the import reproduces the live rows: the header names each exchange's instruments and
 * streams (`feeds`), and a `gap` line records each loss of data the collector detected (its
 * cause and start; the gap row itself is written before the connection's next event).
 *
 * The archive is gzip-compressed and rotated: one file per UTC period (raw-files.ts), each
 * starting with its own header, so that any file imports alone and old ones can be deleted.
 * Every header of a session carries the same `session` id and its file's `part`: the import
 * carries parsers and pending gaps on from part to part instead of starting a new session.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { constants, createGzip, type Gzip } from 'node:zlib';
import type { ExchangeId, GapCause } from '../../core/events.ts';
import type { Instrument } from '../../core/instruments.ts';
import type { FeedPlan } from '../exchanges/types.ts';
import { periodStart } from '../store/segments/period.ts';
import { archiveBase, pointLinkAt, rotatedPath } from './raw-files.ts';

const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/**
 * A kill -9 loses what zlib still holds: a sync flush this often bounds that to about a second
 * of frames, and leaves everything before it decodable (the import reads up to the cut).
 */
const FLUSH_MS = 1000;
const HOUR_MS = 3_600_000;

/** What a session records of one exchange (header `feeds`): the import parses with exactly these. */
export interface ArchivedFeed {
  exchange: ExchangeId;
  /** Streams of the session's connections and polls (`rest`): the streams its restart gaps cover. */
  streams: string[];
  instruments: Instrument[];
}

/** The feed of `exchange` a session with this plan records. */
export function archivedFeed(exchange: ExchangeId, instruments: Instrument[], plan: FeedPlan): ArchivedFeed {
  const streams = [...plan.connections.map((c) => c.stream), ...(plan.polls.length ? ['rest'] : [])];
  return { exchange, streams: [...new Set(streams)], instruments };
}

export interface RawRecorderOptions {
  /** Rotation period (the store's segment length): a new file on every UTC multiple of it. */
  periodMs?: number;
  onProblem?: (what: string, err?: Error) => void;
  now?: () => number;
}

interface OpenFile {
  gzip: Gzip;
  periodEnd: number;
}

export class RawRecorder {
  private readonly base: string;
  /** The path given to `--raw`: kept as a link to the file being written (scripts that look for it still find the archive). */
  private readonly link: string;
  private readonly periodMs: number;
  private readonly onProblem: (what: string, err?: Error) => void;
  private readonly now: () => number;
  private readonly session = randomUUID();
  private part = 0;
  private file: OpenFile | null = null;
  /** Files not yet complete on disk: each promise resolves once its file is closed (or failed). */
  private readonly closing = new Set<Promise<void>>();
  private unflushed = false;
  private readonly flushTimer: NodeJS.Timeout;
  private failed: Error | null = null;

  /** Frames not archived because the disk could not keep up (the archive is best effort). */
  dropped = 0;

  /** `path` names the archive: its files are `<path without .jsonl>.<period>.jsonl.gz`. */
  constructor(
    path: string,
    private readonly header: Record<string, unknown> = {},
    opts: RawRecorderOptions = {},
  ) {
    this.base = archiveBase(path);
    this.link = path;
    this.periodMs = opts.periodMs ?? HOUR_MS;
    this.onProblem = opts.onProblem ?? (() => {});
    this.now = opts.now ?? Date.now;
    mkdirSync(dirname(this.base), { recursive: true });
    this.open(this.now());
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  connect(conn: string, addr: string, ms: number): void {
    this.line(ms, { t: 'connect', conn, ts: ms / 1000, addr });
  }
  send(conn: string, addr: string, data: string, ms: number): void {
    this.line(ms, { t: 'send', conn, ts: ms / 1000, addr, data });
  }
  recv(conn: string, data: string, ms: number): void {
    this.line(ms, { t: 'recv', conn, ts: ms / 1000, data });
  }
  http(conn: string, url: string, data: string, ms: number): void {
    this.line(ms, { t: 'http', conn, ts: ms / 1000, url, data });
  }
  /** Data of `conn` is missing from `startMs` on (noticed at `ms`). */
  gap(conn: string, startMs: number, cause: GapCause, ms: number): void {
    this.line(ms, { t: 'gap', conn, ts: ms / 1000, start: startMs / 1000, cause });
  }

  /** The first write error, if the archive stopped working (surfaced in logs by the daemon). */
  get error(): Error | null {
    return this.failed;
  }

  /** Ends the current file (gzip trailer written) and waits until every file is on disk. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    this.file?.gzip.end();
    this.file = null;
    await Promise.all(this.closing);
  }

  /** Opens the file of the period holding `ms` and writes its header. */
  private open(ms: number): void {
    const start = periodStart(ms, this.periodMs);
    const path = rotatedPath(this.base, start);
    const gzip = createGzip();
    const out = createWriteStream(path);
    pointLinkAt(this.link, path);
    const fail = (err: Error) => {
      if (this.failed) return;
      this.failed = err;
      this.onProblem(`raw archive stopped: write to ${path} failed`, err);
    };
    gzip.on('error', fail);
    out.on('error', fail);
    const closed = new Promise<void>((resolve) => {
      out.on('close', resolve);
      out.on('error', () => resolve());
    });
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
    gzip.pipe(out);
    this.file = { gzip, periodEnd: start + this.periodMs };
    this.part++;
    this.write({
      t: 'header',
      format: 2,
      exchange: 'futuresboard',
      recorded: this.now() / 1000,
      ...this.header,
      session: this.session,
      part: this.part,
    });
  }

  /** Rotates past the period's end; the old file is finished by zlib's thread pool, not here. */
  private line(ms: number, obj: object): void {
    if (this.failed || !this.file) return;
    if (ms >= this.file.periodEnd) {
      this.file.gzip.end();
      this.open(ms);
    }
    // A disk slower than the feed must not grow memory without bound: past 64 MiB queued, drop.
    if (this.file.gzip.writableLength > MAX_QUEUED_BYTES) {
      if (this.dropped++ === 0)
        this.onProblem('raw archive falling behind the feed; dropping frames until it catches up');
      return;
    }
    this.write(obj);
  }

  private write(obj: object): void {
    this.file?.gzip.write(JSON.stringify(obj) + '\n');
    this.unflushed = true;
  }

  private flush(): void {
    if (!this.unflushed || !this.file || this.failed) return;
    this.unflushed = false;
    this.file.gzip.flush(constants.Z_SYNC_FLUSH);
  }
}
