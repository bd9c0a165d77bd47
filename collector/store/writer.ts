/**
 * The single writer: events are queued as they are parsed and committed in short batched
 * transactions (every `flushMs` or `flushRows` events, whichever comes first). Subscribers are
 * notified only after commit, so the relay never sends data that a crash could take back.
 *
 * A failed transaction (disk full, I/O error) is rolled back and retried on the next tick
 * with the same events; while it keeps failing, events beyond `maxPendingRows` are dropped
 * and the dropped interval is written as a gap (cause `error`) once writing works again.
 *
 * With a recordings folder, no transaction holds rows of two segment periods: a batch that
 * crosses a period boundary is committed as one transaction per period, and the first of the new
 * period records the close of the old one (segments/rollover.ts), so a crash leaves every row
 * either in a period still collecting or in a range durably queued for closing.
 */
import type Database from 'better-sqlite3';
import { gapEvent, type GapEvent, type MarketEvent, type RecordedEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import { maxSeq, prepareInserter } from './insert.ts';
import { FbError } from '../../core/errors.ts';

export interface WriterOptions {
  flushMs: number;
  flushRows: number;
  /** Most events held in memory while the database refuses writes. */
  maxPendingRows?: number;
  now?: () => number;
  logger: Logger;
  /** Runs inside the write transaction after the batch's rows (metrics and alerts rows). */
  inTransaction?: (batch: RecordedEvent[]) => void;
  /**
   * A transaction failed and was rolled back: derived state built inside it must be reset.
   * The event returned (a `restart` gap) is written first in the retried batch, so a replay
   * resets its derived state at the same point.
   */
  onRollback?: (err: Error, firstPending: MarketEvent | undefined) => MarketEvent | null;
  /** Observes each gap the writer itself recorded (events dropped while writes failed), after commit. */
  onDropGap?: (gap: GapEvent) => void;
  /** Observes each committed transaction's duration. */
  onBatchTimed?: (seconds: number, rows: number) => void;
  /** The segment lifecycle (with a recordings folder): period boundaries and the purge of closed rows. */
  periods?: PeriodHooks;
  /** Seqs up to this one exist elsewhere (closed segments): the first seq written is above it. */
  seqFloor?: number;
}

/**
 * The segment lifecycle's part in the write transactions (implemented by segments/rollover.ts).
 * Every call but `committed` and `rolledBack` runs inside the transaction.
 */
export interface PeriodHooks {
  /** Exclusive end of the open period: a row with local_ts at or past it opens the next one (-Infinity before the first row). */
  periodEnd(): number;
  /** Opens the period holding `localTs`, closing the one before; `lastSeq` is the last seq written before. */
  begin(localTs: number, lastSeq: number): void;
  /** After the transaction's rows: deletes a bounded chunk of the rows that closed segments now hold. */
  inTransaction(): void;
  committed(): void;
  rolledBack(): void;
}

interface Pending {
  event: MarketEvent;
  stream: string;
}

export type CommitListener = (batch: RecordedEvent[]) => void;

export class EventWriter {
  private pending: Pending[] = [];
  private seq: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<CommitListener>();
  private readonly insert: ReturnType<typeof prepareInserter>;
  private readonly upsertFeed: Database.Statement;
  private readonly now: () => number;
  private readonly maxPending: number;
  /** Interval of events dropped while writes failed, per exchange. */
  private dropped = new Map<string, { exchange: MarketEvent['exchange']; start: number; end: number; rows: number }>();
  private closed = false;
  private resetMarker: MarketEvent | null = null;
  lastError: Error | null = null;
  committedRows = 0;
  committedBatches = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: WriterOptions,
  ) {
    this.insert = prepareInserter(db);
    this.upsertFeed = db.prepare(
      'INSERT INTO feed_state (exchange, stream, last_local_ts) VALUES (?, ?, ?) ON CONFLICT (exchange, stream) DO UPDATE SET last_local_ts = max(last_local_ts, excluded.last_local_ts)',
    );
    this.seq = this.seqOnDisk();
    this.now = opts.now ?? Date.now;
    this.maxPending = opts.maxPendingRows ?? 500_000;
  }

  /** Receives committed batches in commit order. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queue one event; `stream` names the connection stream it came from (for restart gaps). */
  push(event: MarketEvent, stream: string): void {
    if (this.closed) throw new Error('writer is closed');
    if (this.pending.length >= this.maxPending) {
      this.recordDrop(event);
      return;
    }
    this.pending.push({ event, stream });
    // While the database is refusing writes, retries run on their own timer only: retrying the
    // whole queue on every new event would freeze the event loop.
    if (this.pending.length >= this.opts.flushRows && this.lastError === null) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.flushMs);
  }

  /** Milliseconds the oldest queued event has waited (0 when nothing is queued). */
  lagMs(): number {
    return this.pending.length ? Math.max(0, this.now() - this.pending[0].event.local_ts) : 0;
  }

  get pendingRows(): number {
    return this.pending.length;
  }

  /** The last seq written (and committed, outside a transaction). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Commit everything queued now. Returns the number of rows committed (0 when the first transaction failed). */
  flush(): number {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let rows = 0;
    // One transaction per segment period the queue reaches into (usually one).
    while (this.pending.length > 0 || this.dropped.size > 0 || this.resetMarker) {
      const n = this.commitPart();
      if (n === null) break;
      rows += n;
    }
    return rows;
  }

  /** Commits the queue up to the next period boundary; null when the transaction failed. */
  private commitPart(): number | null {
    const items = this.pending;
    const periods = this.opts.periods;
    const started = performance.now();
    const firstSeq = this.seq;
    let cut = items.length;
    let batch: RecordedEvent[] = [];
    const gaps = [...this.dropGaps()];
    try {
      batch = this.db.transaction(() => {
        const out: RecordedEvent[] = [];
        if (periods) {
          const firstTs = (this.resetMarker ?? items[0]?.event ?? gaps[0]).local_ts;
          if (firstTs >= periods.periodEnd()) periods.begin(firstTs, this.seq);
          const end = periods.periodEnd();
          const next = items.findIndex((i) => i.event.local_ts >= end);
          if (next >= 0) cut = next;
        }
        const feeds = new Map<string, [string, string, number]>();
        if (this.resetMarker) out.push(this.write(this.resetMarker));
        for (let i = 0; i < cut; i++) {
          const { event, stream } = items[i];
          out.push(this.write(event));
          feeds.set(`${event.exchange} ${stream}`, [event.exchange, stream, event.local_ts]);
        }
        // The dropped interval is written once, after the last queued event.
        if (cut === items.length) for (const gap of gaps) out.push(this.write(gap));
        for (const [exchange, stream, ts] of feeds.values()) this.upsertFeed.run(exchange, stream, ts);
        this.opts.inTransaction?.(out);
        periods?.inTransaction();
        return out;
      })();
    } catch (err) {
      this.insert.forget();
      periods?.rolledBack();
      // A key clash means another writer moved the sequence on (it should have been refused by
      // the store's lock): continue after the highest seq on disk rather than clash forever.
      this.seq = String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT') ? this.seqOnDisk() : firstSeq;
      this.lastError = err as Error;
      this.opts.logger.error(
        { err, rows: items.length, code: (err as { code?: string }).code },
        'write transaction failed; will retry',
      );
      this.resetMarker = this.opts.onRollback?.(err as Error, items[0]?.event) ?? this.resetMarker;
      this.scheduleRetry();
      return null;
    }
    periods?.committed();
    const last = cut === items.length;
    this.pending = last ? [] : items.slice(cut);
    if (last) this.dropped.clear();
    this.resetMarker = null;
    this.lastError = null;
    this.committedRows += batch.length;
    this.committedBatches++;
    this.opts.onBatchTimed?.((performance.now() - started) / 1000, batch.length);
    if (last) for (const gap of gaps) this.opts.onDropGap?.(gap);
    for (const l of this.listeners) {
      // A failing subscriber must neither lose the batch for the others nor crash the writer.
      try {
        l(batch);
      } catch (err) {
        this.opts.logger.error({ err }, 'commit listener failed');
      }
    }
    return batch.length;
  }

  /**
   * Commit what is queued and stop accepting events. Throws (code E_WRITE_FAILED) when the
   * final batch could not be written, so no caller reports rows as saved that are not.
   */
  close(): void {
    this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pending.length > 0)
      throw new FbError(
        'E_WRITE_FAILED',
        `${this.pending.length} events could not be written: ${this.lastError?.message ?? 'unknown error'}`,
      );
  }

  private seqOnDisk(): number {
    return Math.max(maxSeq(this.db), this.opts.seqFloor ?? 0);
  }

  private write(event: MarketEvent): RecordedEvent {
    const seq = ++this.seq;
    this.insert(seq, event);
    return Object.assign(event, { seq }) as RecordedEvent;
  }

  private scheduleRetry(): void {
    if (!this.timer && !this.closed) this.timer = setTimeout(() => this.flush(), Math.max(this.opts.flushMs, 250));
  }

  private recordDrop(event: MarketEvent): void {
    const d = this.dropped.get(event.exchange);
    if (d) {
      d.end = Math.max(d.end, event.local_ts);
      d.rows++;
    } else {
      this.dropped.set(event.exchange, {
        exchange: event.exchange,
        start: event.local_ts,
        end: event.local_ts,
        rows: 1,
      });
    }
  }

  private *dropGaps(): Iterable<GapEvent> {
    for (const d of this.dropped.values()) {
      yield gapEvent({ exchange: d.exchange, stream: '*', start_ts: d.start, end_ts: d.end, cause: 'error' });
    }
  }
}
