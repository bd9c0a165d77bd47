/**
 * The segment lifecycle of a recordings folder (`store.dir`), wired around the single writer:
 * - the writer closes periods at their UTC boundary (rollover.ts, as its PeriodHooks), and a
 *   timer closes a period that ends while no event comes;
 * - each queued range is copied out, checked, compressed and renamed in the closer's worker
 *   (closer.ts), then catalogued here, and only then removed from the queue and put below the
 *   floor, after which the writer purges its rows from the hot database;
 * - retention runs in the same catalog update as each close, and at start.
 * The catalog is the truth: a segment is closed once it is listed, and the hot database keeps its
 * rows until then. A start first finishes what a crash interrupted (recovery.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type Database from 'better-sqlite3';
import { catalogMaxSeq, type Catalog, type SegmentEntry } from '../../../core/catalog.ts';
import { FbError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/log.ts';
import { readCatalog, updateCatalog } from '../../../replay/adapters/catalog-file.ts';
import { maxSeq } from '../insert.ts';
import type { EventWriter } from '../writer.ts';
import { SegmentCloser } from './closer.ts';
import { fileBytes } from './disk.ts';
import type { CloseRange } from './hot-state.ts';
import { periodStart, segmentName } from './period.ts';
import { withClosedSegment } from './publish.ts';
import { catalogued, removeStrays, unclosedSpan } from './recovery.ts';
import { planRetention } from './retention.ts';
import { Rollover } from './rollover.ts';

export interface SegmentStoreOptions {
  /** The writer's connection to the hot database. */
  db: Database.Database;
  hotPath: string;
  dir: string;
  /** Segment length as configured ("1m", "5m", "15m", "1h", "1d"), recorded in the catalog. */
  segment: string;
  periodMs: number;
  maxAgeMs: number | null;
  maxBytes: number | null;
  codeVersion: string;
  /** Most closed rows purged from the hot database per write transaction. */
  purgeRows: number;
  logger: Logger;
  now?: () => number;
}

/** What /health shows of the store. */
export interface StoreStatus {
  dir: string;
  /** Closed segments in the catalog. */
  segments: number;
  closedBytes: number;
  hotBytes: number;
  /** Ranges whose period ended and whose segment is not yet catalogued. */
  closing: number;
  lastCloseError: string | null;
}

/** A failed close is retried after this long, doubling up to the cap. */
const RETRY_MS = 2000;
const RETRY_CAP_MS = 60_000;
/** stop() waits this long for a close in flight; an unfinished one is redone at the next start. */
const STOP_WAIT_MS = 10_000;

export class SegmentStore {
  /** Hand to the writer as `periods`. */
  readonly periods: Rollover;
  /** Hand to the writer as `seqFloor`: seqs up to here are already taken. */
  readonly seqFloor: number;
  private catalog: Catalog;
  private writer: EventWriter | null = null;
  private readonly closer = new SegmentCloser();
  private readonly now: () => number;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_MS;
  private draining: Promise<void> | null = null;
  private stopping = false;
  /** After stop(): the database may be closed, so nothing touches it any more. */
  private released = false;
  private lastCloseError: string | null = null;

  /** Recovers the folder and the hot database's period state; call before the writer starts. */
  constructor(private readonly opts: SegmentStoreOptions) {
    this.now = opts.now ?? Date.now;
    mkdirSync(opts.dir, { recursive: true });
    this.catalog = readCatalog(opts.dir, opts.segment);
    for (const f of removeStrays(opts.dir, this.catalog))
      opts.logger.warn({ file: f, dir: opts.dir }, 'removed an unfinished or uncatalogued segment file');
    this.periods = new Rollover(opts.db, {
      periodMs: opts.periodMs,
      purgeRows: opts.purgeRows,
      // Closed entries only: the open entry's seq_to is the hot database's own last seq.
      catalogued: catalogMaxSeq(this.catalog),
      onChange: () => this.changed(),
      onPurgeError: (err) => opts.logger.error({ err }, 'cannot purge closed rows from the hot database'),
    });
    if (this.periods.periodFrom === null) {
      const span = unclosedSpan(opts.db, this.periods.closedThrough);
      if (span) this.periods.claim(span.from, span.to);
    }
    // A period that ended while the collector was down is closed before any new row comes.
    this.periods.advance(this.now(), maxSeq(opts.db));
    this.seqFloor = this.periods.closedThrough;
  }

  /** Starts closing with `writer` (built with `periods` and `seqFloor`): queued ranges first. */
  start(writer: EventWriter): void {
    this.writer = writer;
    this.update((c) => this.withOpen(c, null));
    this.armIdle();
    this.kick();
  }

  status(): StoreStatus {
    const closed = this.catalog.segments.filter((s) => !s.open);
    return {
      dir: this.opts.dir,
      segments: closed.length,
      closedBytes: closed.reduce((n, s) => n + s.bytes, 0),
      hotBytes: fileBytes(this.opts.hotPath),
      closing: this.periods.closing.length,
      lastCloseError: this.lastCloseError,
    };
  }

  /**
   * Resolves once every queued range is catalogued (a writer that outruns the closer, such as
   * `simulate --write`, waits here); a failed close rejects with its error instead of retrying.
   */
  async settle(): Promise<void> {
    for (;;) {
      if (this.draining) await this.draining;
      if (this.periods.closing.length === 0) return;
      if (this.lastCloseError !== null) throw new FbError('E_SEGMENT_CLOSE', this.lastCloseError);
      if (this.stopping) throw new FbError('E_SEGMENT_CLOSE', 'the segment store stopped with ranges left to close');
      this.kick();
    }
  }

  /**
   * Stops the timers, waits (bounded) for a close in flight and refreshes the catalog's open entry;
   * call after the writer's last flush, before the database closes.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of [this.idleTimer, this.retryTimer]) if (t) clearTimeout(t);
    if (this.draining) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      });
      await Promise.race([this.draining, waited]);
      clearTimeout(timer);
    }
    // The open entry as the writer left it, for whoever lists the folder while the collector is down.
    try {
      this.update((c) => this.withOpen(c, null));
    } catch (err) {
      this.opts.logger.error({ err }, 'cannot update the recordings catalog');
    }
    this.released = true;
    await this.closer.terminate();
  }

  /** The writer committed a new period or queued ranges. */
  private changed(): void {
    this.armIdle();
    this.kick();
  }

  /** A timer at the open period's end: closes it if no event of the next period has done so. */
  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const end = this.periods.periodTo;
    if (end === null || this.stopping) return;
    this.idleTimer = setTimeout(() => this.onIdle(), Math.max(0, end - this.now()) + 1);
    this.idleTimer.unref();
  }

  private onIdle(): void {
    this.idleTimer = null;
    const writer = this.writer;
    if (!writer || this.stopping) return;
    // Rows queued before the boundary belong to the period being closed.
    writer.flush();
    if (writer.pendingRows === 0) {
      try {
        // Commits the close (which re-arms this timer), or nothing when the period had no rows.
        this.periods.advance(this.now(), writer.lastSeq);
        return;
      } catch (err) {
        this.opts.logger.error({ err }, 'cannot record the end of a segment period; retrying');
      }
    }
    // The database refuses writes (the writer logs why): the period ends once they are committed.
    this.idleTimer = setTimeout(() => this.onIdle(), RETRY_MS);
    this.idleTimer.unref();
  }

  private kick(): void {
    if (this.draining || this.stopping || this.retryTimer) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // A range queued after the loop's last look (while this promise settled) is not left waiting.
      if (this.periods.closing.length && !this.released) this.kick();
    });
  }

  private async drain(): Promise<void> {
    try {
      for (let r = this.periods.closing[0]; r && !this.stopping; r = this.periods.closing[0]) await this.closeOne(r);
      this.retryMs = RETRY_MS;
    } catch (err) {
      if (this.released) return;
      this.lastCloseError = (err as Error).message;
      this.opts.logger.error({ err, retryMs: this.retryMs }, 'closing a segment failed; retrying');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.kick();
      }, this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_CAP_MS);
    }
  }

  private async closeOne(range: CloseRange): Promise<void> {
    const { dir, segment, logger } = this.opts;
    const name = segmentName(range.from);
    const started = performance.now();
    // After a crash the segment may already be catalogued intact: then only the last steps are left.
    let entry = await catalogued(dir, readCatalog(dir, segment), range);
    if (!entry) {
      logger.info({ segment: name, seqFrom: range.seqFrom, seqTo: range.seqTo }, 'closing segment');
      entry = await this.closer.close({
        hotPath: this.opts.hotPath,
        dir,
        name,
        range,
        codeVersion: this.opts.codeVersion,
      });
      if (this.released) return;
      logger.debug({ segment: entry.file }, 'segment written; cataloguing');
    }
    const closed = entry;
    const hotBytes = this.update((c) => this.withOpen(withClosedSegment(c, closed), range));
    this.periods.finish(range);
    this.lastCloseError = null;
    logger.info(
      {
        segment: closed.file,
        events: closed.events,
        bytes: closed.bytes,
        ms: Math.round(performance.now() - started),
        // The store's size as retention judged it: the closed segments now listed, and the hot database.
        closedBytes: this.status().closedBytes,
        hotBytes,
      },
      'segment closed',
    );
  }

  /**
   * Rewrites the catalog with `change` and retention applied, then deletes the files retention
   * dropped: listed before the unlink, a segment is never catalogued without its file. Returns the
   * hot database's size retention counted.
   */
  private update(change: (c: Catalog) => Catalog): number {
    const { dir, segment, maxAgeMs, maxBytes, hotPath, logger } = this.opts;
    const hotBytes = fileBytes(hotPath);
    let doomed: SegmentEntry[] = [];
    this.catalog = updateCatalog(
      dir,
      (c) => {
        const next = change(c);
        if (maxAgeMs === null && maxBytes === null) return next;
        doomed = planRetention(next, { now: this.now(), maxAgeMs, maxBytes, hotBytes });
        return { ...next, segments: next.segments.filter((s) => !doomed.includes(s)) };
      },
      segment,
    );
    for (const s of doomed) {
      rmSync(join(dir, s.file), { force: true });
      logger.info({ segment: s.file, bytes: s.bytes, from: s.from, to: s.to }, 'segment deleted by retention');
    }
    return hotBytes;
  }

  /** `c` with its single open entry describing the hot database as it is once `closed` (if any) is catalogued. */
  private withOpen(c: Catalog, closed: CloseRange | null): Catalog {
    const { dir, hotPath, periodMs } = this.opts;
    const waiting = this.periods.closing.filter((r) => r !== closed);
    const seqFrom = Math.max(this.periods.seqFloor, closed?.seqTo ?? 0) + 1;
    const seqTo = this.writer?.lastSeq ?? maxSeq(this.opts.db);
    const from = waiting[0]?.from ?? this.periods.periodFrom ?? periodStart(this.now(), periodMs);
    const events = Math.max(0, seqTo - seqFrom + 1);
    const open: SegmentEntry = {
      file: relative(dir, hotPath),
      from,
      to: Math.max(this.periods.periodTo ?? from + periodMs, from),
      events,
      bytes: fileBytes(hotPath),
      sha256: null,
      markets: [],
      open: true,
      seq_from: events ? seqFrom : null,
      seq_to: events ? seqTo : null,
      kinds: {},
    };
    return { ...c, segment: this.opts.segment, segments: [...c.segments.filter((s) => !s.open), open] };
  }
}
