/**
 * OKX order-book channels → book_top / book_ticker, with their sequence checks. State per
 * connection: the last push of each snapshot channel and the local books of incremental ones.
 */
import { gapEvent, type GapCause, type GapEvent, type MarketEvent } from '../../../core/events.ts';
import type { Instrument } from '../../../core/instruments.ts';
import { IncrementalBook, sameTop, type Level, type RawLevel } from './book.ts';
import { contractsToBase } from './contracts.ts';
import { arr, asArray, asRecord, dec, instIdOf, ms, optInt, type Rec } from './fields.ts';
import { isSwap } from './instruments.ts';

const EXCHANGE = 'okx-swap' as const;
const TOP_DEPTH = 5;
/** What OKX sends in `checksum` since it deprecated the field (2026-06-23). */
const NO_CHECKSUM = 0;

/** Where the contract size of an instrument comes from (the parser's InstrumentBook). */
export interface SizeSource {
  known(symbol: string, ctx: string): Instrument;
}

/** Last accepted message of a sequenced stream for one instrument. */
interface SeqMark {
  seq: number | null;
  ts: number;
  localTs: number;
}

/** A level as sent plus its size in base units. */
interface SizedLevel {
  px: string;
  sz: string;
  base: string;
}

/**
 * Last push of a snapshot channel (books5, bbo-tbt). Its levels are kept because most levels of
 * a push repeat the previous one, and re-using their base sizes spares the inverse divisions.
 */
interface SnapshotState extends SeqMark {
  bids: SizedLevel[];
  asks: SizedLevel[];
}

/** A locally rebuilt incremental book; `book` is null while waiting for a snapshot. */
interface BookState extends SeqMark {
  book: IncrementalBook | null;
  lastBids: Level[];
  lastAsks: Level[];
}

export class BookChannels {
  private readonly snapshots = new Map<string, SnapshotState>();
  private readonly books = new Map<string, BookState>();

  constructor(private readonly instruments: SizeSource) {}

  reset(): void {
    this.snapshots.clear();
    this.books.clear();
  }

  /**
   * books5 (5 levels) and bbo-tbt (1 level) push whole snapshots, so nothing needs re-syncing.
   * A push that is not newer than the last one (seqId and ts both not above it) is a duplicate
   * and dropped. books5 carries no prevSeqId per the docs; when one is present and does not
   * follow the last seqId, the loss is reported as a gap.
   */
  snapshotPush(channel: string, arg: Rec, data: unknown[], localTs: number, out: MarketEvent[]): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const b = asRecord(data[i], `${channel}: data item`);
      const symbol = instIdOf(b, arg, channel);
      if (!isSwap(symbol)) continue;
      const inst = this.instruments.known(symbol, channel);
      const ts = ms(b, 'ts', channel);
      const seq = optInt(b, 'seqId', channel) ?? null;
      const prevSeq = optInt(b, 'prevSeqId', channel) ?? null;
      const key = `${channel}|${symbol}`;
      const last = this.snapshots.get(key);
      if (last && seq !== null && last.seq !== null) {
        if (seq <= last.seq && ts <= last.ts) continue;
        if (prevSeq !== null && prevSeq !== -1 && prevSeq !== last.seq) {
          out.push(sequenceGap(channel, symbol, inst.market, last, seq, localTs, 'sequence'));
        }
      }
      const bids = sizedLevels(b, 'bids', inst, channel, last ? last.bids : NO_LEVELS);
      const asks = sizedLevels(b, 'asks', inst, channel, last ? last.asks : NO_LEVELS);
      if (last) {
        last.seq = seq;
        last.ts = ts;
        last.localTs = localTs;
        last.bids = bids;
        last.asks = asks;
      } else {
        this.snapshots.set(key, { seq, ts, localTs, bids, asks });
      }
      relevant = true;
      if (channel === 'books5') {
        out.push({
          kind: 'book_top',
          exchange: EXCHANGE,
          symbol,
          market: inst.market,
          ts,
          local_ts: localTs,
          bids: pairs(bids),
          asks: pairs(asks),
        });
      } else if (bids.length > 0 && asks.length > 0) {
        out.push({
          kind: 'book_ticker',
          exchange: EXCHANGE,
          symbol,
          market: inst.market,
          ts,
          local_ts: localTs,
          bid_price: bids[0].px,
          bid_qty: bids[0].base,
          ask_price: asks[0].px,
          ask_qty: asks[0].base,
        });
      }
    }
    return relevant;
  }

  /**
   * Incremental books: snapshot (action "snapshot" / prevSeqId -1), then updates whose prevSeqId
   * must equal the last seqId. An older, already applied update is dropped. A jump is a gap:
   * the book is discarded and book_top stops until the next snapshot, which OKX sends only on
   * (re)subscribe, so the book stays silent until the connection is renewed. A checksum
   * mismatch is handled the same way. 2022 frames have no seqId: only the checksum guards them.
   * Since 2026-06-23 OKX sends `checksum: 0` on these channels and tells clients to rely on
   * seqId/prevSeqId, so 0 means "no checksum" (a real CRC-32 of 0 is one in 2^32: the sequence
   * check still guards that book).
   * (The plan records books5; this channel serves recorded sessions such as the 2022 capture.)
   */
  incrementalPush(
    channel: string,
    action: unknown,
    arg: Rec,
    data: unknown[],
    localTs: number,
    out: MarketEvent[],
  ): boolean {
    let relevant = false;
    for (let i = 0; i < data.length; i++) {
      const b = asRecord(data[i], `${channel}: data item`);
      const symbol = instIdOf(b, arg, channel);
      if (!isSwap(symbol)) continue;
      const inst = this.instruments.known(symbol, channel);
      const ts = ms(b, 'ts', channel);
      const seq = optInt(b, 'seqId', channel) ?? null;
      const prevSeq = optInt(b, 'prevSeqId', channel) ?? null;
      const checksum = optInt(b, 'checksum', channel) ?? null;
      const bids = rawLevels(b, 'bids', channel);
      const asks = rawLevels(b, 'asks', channel);
      const key = `${channel}|${symbol}`;
      let state = this.books.get(key);
      if (action === 'snapshot' || prevSeq === -1) {
        state = { seq, ts, localTs, book: new IncrementalBook(), lastBids: [], lastAsks: [] };
        this.books.set(key, state);
      } else {
        if (!state?.book) continue; // waiting for a snapshot
        if (seq !== null && state.seq !== null && prevSeq !== state.seq) {
          if (seq <= state.seq && ts <= state.ts) continue; // already applied
          out.push(sequenceGap(channel, symbol, inst.market, state, seq, localTs, 'sequence'));
          state.book = null;
          relevant = true;
          continue;
        }
      }
      const book = state.book as IncrementalBook;
      book.apply(bids, asks);
      relevant = true;
      if (checksum !== null && checksum !== NO_CHECKSUM && book.checksum() !== checksum) {
        out.push(sequenceGap(channel, symbol, inst.market, state, seq, localTs, 'error'));
        state.book = null;
        continue;
      }
      state.seq = seq;
      state.ts = ts;
      state.localTs = localTs;
      if (sameTop(book.bids, state.lastBids, TOP_DEPTH) && sameTop(book.asks, state.lastAsks, TOP_DEPTH)) continue;
      state.lastBids = book.bids.slice(0, TOP_DEPTH);
      state.lastAsks = book.asks.slice(0, TOP_DEPTH);
      out.push({
        kind: 'book_top',
        exchange: EXCHANGE,
        symbol,
        market: inst.market,
        ts,
        local_ts: localTs,
        bids: toBase(state.lastBids, inst, channel),
        asks: toBase(state.lastAsks, inst, channel),
      });
    }
    return relevant;
  }
}

/** [px, sz, liqOrd, numOrders] levels as validated [px, sz] text, sizes still in contracts. */
function rawLevels(o: Rec, key: 'bids' | 'asks', ctx: string): RawLevel[] {
  const levels = arr(o, key, ctx);
  const out: RawLevel[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const level = asArray(levels[i], `${ctx}: ${key} level`);
    out[i] = [dec(level, 0, `${ctx}: ${key} level`), dec(level, 1, `${ctx}: ${key} level`)];
  }
  return out;
}

const NO_LEVELS: readonly SizedLevel[] = [];

/**
 * Levels of a snapshot push with sizes in base units; a level identical to one of the previous
 * push (`prev`, a handful of levels) re-uses its converted size.
 */
function sizedLevels(
  o: Rec,
  key: 'bids' | 'asks',
  inst: Instrument,
  ctx: string,
  prev: readonly SizedLevel[],
): SizedLevel[] {
  const levels = arr(o, key, ctx);
  const out: SizedLevel[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const level = asArray(levels[i], `${ctx}: ${key} level`);
    const px = dec(level, 0, `${ctx}: ${key} level`);
    const sz = dec(level, 1, `${ctx}: ${key} level`);
    out[i] = sameLevel(prev, i, px, sz) ?? { px, sz, base: contractsToBase(inst, sz, px, ctx) };
  }
  return out;
}

/** The level of `prev` with this price and size, looked for first at the same depth. */
function sameLevel(prev: readonly SizedLevel[], at: number, px: string, sz: string): SizedLevel | undefined {
  const p = prev[at];
  if (p !== undefined && p.px === px) return p.sz === sz ? p : undefined;
  for (let i = 0; i < prev.length; i++) {
    if (prev[i].px === px) return prev[i].sz === sz ? prev[i] : undefined;
  }
  return undefined;
}

function pairs(levels: readonly SizedLevel[]): [string, string][] {
  const out: [string, string][] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = [levels[i].px, levels[i].base];
  return out;
}

function toBase(levels: readonly Level[], inst: Instrument, ctx: string): [string, string][] {
  const out: [string, string][] = new Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    l.base ??= contractsToBase(inst, l.sz, l.px, ctx);
    out[i] = [l.px, l.base];
  }
  return out;
}

function sequenceGap(
  stream: string,
  symbol: string,
  market: string,
  last: SeqMark,
  seqAfter: number | null,
  localTs: number,
  cause: GapCause,
): GapEvent {
  return gapEvent({
    exchange: EXCHANGE,
    symbol,
    market,
    stream,
    start_ts: last.localTs,
    end_ts: localTs,
    seq_before: last.seq,
    seq_after: seqAfter,
    cause,
  });
}
