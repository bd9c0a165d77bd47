/**
 * The writer's side of the segment lifecycle (PeriodHooks of ../writer.ts): which period the
 * hot database is collecting, the ranges waiting to be closed, and the purge of rows that closed
 * segments now hold. Every change is staged inside a write transaction and becomes the state here
 * only when that transaction commits, so memory never runs ahead of the disk (hot-state.ts).
 */
import type Database from 'better-sqlite3';
import { purgeThrough } from '../extract.ts';
import type { PeriodHooks } from '../writer.ts';
import { hotStateWriter, readHotState, type CloseRange, type HotState } from './hot-state.ts';
import { periodStart } from './period.ts';

interface State {
  hot: HotState;
  /** Highest seq in a closing range or below the floor: the open period's rows come after it. */
  closedThrough: number;
  /** Rows up to this seq are gone from the hot database. */
  purgedThrough: number;
}

const copy = (s: State): State => ({ ...s, hot: { ...s.hot, closing: [...s.hot.closing] } });

export interface RolloverOptions {
  periodMs: number;
  /** Most closed rows deleted per write transaction (keeps each transaction short). */
  purgeRows: number;
  /** Seqs up to this one are already in catalogued segments (the catalog may know more than the hot database). */
  catalogued: number;
  /** After a commit that changed the period or queued ranges: `added` are the ranges newly queued. */
  onChange: (added: CloseRange[]) => void;
  /** Purging closed rows failed (the hot database keeps them; readers skip them anyway). */
  onPurgeError: (err: Error) => void;
}

export class Rollover implements PeriodHooks {
  private state: State;
  private staged: State | null = null;
  private readonly save: (s: HotState) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: RolloverOptions,
  ) {
    const hot = readHotState(db);
    const closedThrough = Math.max(hot.seqFloor, opts.catalogued, ...hot.closing.map((r) => r.seqTo));
    this.state = { hot, closedThrough, purgedThrough: 0 };
    this.save = hotStateWriter(db);
  }

  get periodFrom(): number | null {
    return this.state.hot.periodFrom;
  }

  get periodTo(): number | null {
    return this.state.hot.periodTo;
  }

  /** Ranges whose period ended, oldest first, not yet catalogued. */
  get closing(): readonly CloseRange[] {
    return this.state.hot.closing;
  }

  get seqFloor(): number {
    return this.state.hot.seqFloor;
  }

  /** Highest seq already closed or queued for closing. */
  get closedThrough(): number {
    return this.state.closedThrough;
  }

  periodEnd(): number {
    return (this.staged ?? this.state).hot.periodTo ?? Number.NEGATIVE_INFINITY;
  }

  begin(localTs: number, lastSeq: number): void {
    const s = this.stage();
    if (s.hot.periodFrom !== null && s.hot.periodTo !== null && lastSeq > s.closedThrough) {
      s.hot.closing.push({ from: s.hot.periodFrom, to: s.hot.periodTo, seqFrom: s.closedThrough + 1, seqTo: lastSeq });
      s.closedThrough = lastSeq;
    }
    // A period without rows is skipped: the next period is the one holding `localTs`.
    s.hot.periodFrom = periodStart(localTs, this.opts.periodMs);
    s.hot.periodTo = s.hot.periodFrom + this.opts.periodMs;
    this.save(s.hot);
  }

  inTransaction(): void {
    const current = this.staged ?? this.state;
    if (current.hot.seqFloor <= current.purgedThrough) return;
    const floor = current.hot.seqFloor;
    let deleted: number;
    try {
      // In a savepoint: a failing purge is undone alone and must never fail the events' transaction.
      deleted = this.db.transaction(() => purgeThrough(this.db, floor, this.opts.purgeRows))();
    } catch (err) {
      this.opts.onPurgeError(err as Error);
      deleted = 0; // given up until the floor moves again
    }
    if (deleted < this.opts.purgeRows) this.stage().purgedThrough = floor;
  }

  committed(): void {
    const next = this.staged;
    if (!next) return;
    this.staged = null;
    const added = next.hot.closing.slice(this.state.hot.closing.length);
    const moved = next.hot.periodFrom !== this.state.hot.periodFrom;
    this.state = next;
    if (moved || added.length) this.opts.onChange(added);
  }

  rolledBack(): void {
    this.staged = null;
  }

  /**
   * Closes the open period once `now` has passed its end although no row of a later period came
   * (an idle feed, or a restart after the period ended). `lastSeq` is the writer's last committed
   * seq; nothing is written when the period has no rows, as the next row opens its own period.
   */
  advance(now: number, lastSeq: number): void {
    const { periodTo } = this.state.hot;
    if (periodTo === null || now < periodTo || lastSeq <= this.state.closedThrough) return;
    this.transaction(() => this.begin(now, lastSeq));
  }

  /**
   * Rows above the closed ones that no period claims (imported into the hot database, or written
   * before store.dir was set) become one period spanning their receipt times.
   */
  claim(from: number, to: number): void {
    this.transaction(() => {
      const s = this.stage();
      s.hot.periodFrom = periodStart(from, this.opts.periodMs);
      s.hot.periodTo = periodStart(to, this.opts.periodMs) + this.opts.periodMs;
      this.save(s.hot);
    });
  }

  /** `range` is catalogued: it leaves the closing list and its rows fall below the floor (to be purged). */
  finish(range: CloseRange): void {
    this.transaction(() => {
      const s = this.stage();
      s.hot.closing = s.hot.closing.filter((r) => r.seqFrom !== range.seqFrom || r.seqTo !== range.seqTo);
      s.hot.seqFloor = Math.max(s.hot.seqFloor, range.seqTo);
      this.save(s.hot);
    });
  }

  private stage(): State {
    this.staged ??= copy(this.state);
    return this.staged;
  }

  /** A change of our own, outside the writer's transactions (which never overlap it: both run on this thread). */
  private transaction(fn: () => void): void {
    try {
      this.db.transaction(fn)();
    } catch (err) {
      this.rolledBack();
      throw err;
    }
    this.committed();
  }
}
