/**
 * A local order book rebuilt from OKX incremental channels (`books`: a 400-level snapshot, then
 * updates), in contracts as sent, so that OKX's CRC-32 checksum over the top 25 levels can be
 * verified after every message. Prices are compared as numbers only to sort levels; the text that
 * is kept and emitted is the exchange's own.
 */
import { OrderBook } from '../shared/order-book.ts';
import { CRC32_START, crc32Feed, crc32Final } from './crc32.ts';

export interface Level {
  px: string;
  sz: string;
  /**
   * The size in base units, filled in by the parser the first time the level is emitted. A
   * changed level is a new object, so the memo never goes stale.
   */
  base: string | null;
}

/** [price, size] as sent. */
export type RawLevel = readonly [string, string];

const CHECKSUM_DEPTH = 25;

function newLevel(px: string, sz: string): Level {
  return { px, sz, base: null };
}

export class IncrementalBook {
  private readonly book = new OrderBook<Level>({ makeLevel: newLevel });
  /** Best (highest) first. */
  readonly bids: readonly Level[] = this.book.bids.levels;
  /** Best (lowest) first. */
  readonly asks: readonly Level[] = this.book.asks.levels;

  apply(bids: readonly RawLevel[], asks: readonly RawLevel[]): void {
    this.book.apply(bids, asks);
  }

  /**
   * OKX checksum: "bidPx:bidSz:askPx:askSz:..." over the first 25 levels of each side,
   * interleaved, a side that runs out simply omitted; CRC-32 as a signed integer.
   */
  checksum(): number {
    let crc = CRC32_START;
    let first = true;
    for (let i = 0; i < CHECKSUM_DEPTH; i++) {
      const bid = this.bids[i];
      if (bid) {
        crc = feedLevel(crc, bid, first);
        first = false;
      }
      const ask = this.asks[i];
      if (ask) {
        crc = feedLevel(crc, ask, first);
        first = false;
      }
    }
    return crc32Final(crc);
  }
}

function feedLevel(crc: number, level: Level, first: boolean): number {
  if (!first) crc = crc32Feed(crc, ':');
  crc = crc32Feed(crc, level.px);
  crc = crc32Feed(crc, ':');
  return crc32Feed(crc, level.sz);
}

/** True when the first `depth` levels of `a` and `b` carry the same text. */
export function sameTop(a: readonly Level[], b: readonly Level[], depth: number): boolean {
  const len = Math.min(depth, a.length);
  if (len !== Math.min(depth, b.length)) return false;
  for (let i = 0; i < len; i++) {
    if (a[i].px !== b[i].px || a[i].sz !== b[i].sz) return false;
  }
  return true;
}
