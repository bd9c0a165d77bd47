/**
 * Capture lines (frames with their receipt times) recorded into a new recordings folder by the
 * live pipeline: one session's parsers and gap gates (capture-session.ts), metrics and alerts in
 * the writer's transactions, and the segment store closing every period at its UTC boundary, in
 * its worker, as the collector does. The clock is the lines' own receipt time, so hours of
 * lines can be recorded as fast as they come (`simulate --write`); the caller lets the closer
 * catch up with `breathe()` now and then, and `finish()` closes the last period too, leaving
 * only closed segments and the catalog.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Catalog } from '../../core/catalog.ts';
import type { Logger } from '../../core/log.ts';
import { updateCatalog } from '../../replay/adapters/catalog-file.ts';
import type { ArchivedFeed } from '../feed/raw-recorder.ts';
import { createLiveMetrics } from '../live-metrics.ts';
import { saveMarkets } from '../store/markets.ts';
import { openStore } from '../store/open.ts';
import { SegmentStore } from '../store/segments/store.ts';
import { EventWriter } from '../store/writer.ts';
import type { CaptureLine } from './capture-line.ts';
import { CaptureSession } from './capture-session.ts';

export interface FolderRecorderOptions {
  /** A new or empty folder (the caller checks). */
  dir: string;
  /** Segment length as the catalog names it ("5m") and in ms. */
  segment: string;
  periodMs: number;
  /** The session's instruments and streams, as a collector's archive header names them. */
  feeds: ArchivedFeed[];
  /** Metrics settings (the config file's `metrics`); defaults when absent. */
  metrics?: unknown;
  /** The clock until the first line moves it, epoch ms. */
  start: number;
  codeVersion: string;
  logger: Logger;
}

/** Closes queued beyond this many make `breathe()` wait for the closer (bounds the hot database). */
const MAX_CLOSING = 2;

export class FolderRecorder {
  /** Events written, by kind. */
  readonly kinds: Record<string, number> = {};
  /** Alerts raised, by tier. */
  readonly tiers: Record<number, number> = {};
  private clock: number;
  private readonly db: Database.Database;
  private readonly hotPath: string;
  private readonly store: SegmentStore;
  private readonly writer: EventWriter;
  private readonly session: CaptureSession;

  constructor(private readonly opts: FolderRecorderOptions) {
    this.clock = opts.start;
    const now = () => this.clock;
    this.hotPath = join(opts.dir, 'hot.db');
    this.db = openStore(this.hotPath, now);
    this.store = new SegmentStore({
      db: this.db,
      hotPath: this.hotPath,
      dir: opts.dir,
      segment: opts.segment,
      periodMs: opts.periodMs,
      maxAgeMs: null,
      maxBytes: null,
      codeVersion: opts.codeVersion,
      purgeRows: 10_000,
      logger: opts.logger,
      now,
    });
    const metrics = createLiveMetrics(this.db, opts.metrics ?? {}, opts.logger, now);
    this.writer = new EventWriter(this.db, {
      flushMs: 1000,
      flushRows: 5000,
      logger: opts.logger,
      now,
      inTransaction: (batch) => metrics.inTransaction(batch),
      periods: this.store.periods,
      seqFloor: this.store.seqFloor,
    });
    this.writer.onCommit(() => {
      for (const a of metrics.published().alerts) this.tiers[a.tier] = (this.tiers[a.tier] ?? 0) + 1;
    });
    saveMarkets(
      this.db,
      opts.feeds.flatMap((f) => f.instruments),
      opts.start,
    );
    this.session = new CaptureSession(this.db, opts.feeds, (e, stream) => {
      this.kinds[e.kind] = (this.kinds[e.kind] ?? 0) + 1;
      this.writer.push(e, stream);
    });
    this.store.start(this.writer);
  }

  /** Events written so far. */
  get events(): number {
    return Object.values(this.kinds).reduce((n, k) => n + k, 0);
  }

  /** One line, received at its `ts` (lines come in receipt-time order). */
  apply(line: CaptureLine & { ts: number }): void {
    if (line.ts > this.clock) this.clock = line.ts;
    this.session.apply(line);
  }

  /** Lets the closer's replies in; waits for it when it has fallen more than a couple of periods behind. */
  async breathe(): Promise<void> {
    if (this.store.periods.closing.length > MAX_CLOSING) await this.store.settle();
    else await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Commits what is queued, closes the last period (at its end, whether or not the lines reached
   * it) and waits for every close; then the hot database, whose rows the segments now hold, is
   * removed with its catalog entry. Returns the catalog.
   */
  async finish(): Promise<Catalog> {
    this.writer.flush();
    const to = this.store.periods.periodTo;
    if (to !== null && to > this.clock) this.clock = to;
    this.store.periods.advance(this.clock, this.writer.lastSeq);
    await this.store.settle();
    this.writer.close();
    await this.store.stop();
    this.db.close();
    const catalog = updateCatalog(
      this.opts.dir,
      (c) => ({ ...c, segments: c.segments.filter((s) => !s.open) }),
      this.opts.segment,
    );
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.hotPath}${suffix}`, { force: true });
    return catalog;
  }

  /** After a failure: stops the store and releases the database (the folder is left as it is). */
  async abort(): Promise<void> {
    await this.store.stop();
    if (this.db.open) this.db.close();
  }
}
