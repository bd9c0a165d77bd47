/**
 * A local order book rebuilt from OKX incremental channels (`books`: a 400-level snapshot, then
 * updates), in contracts as sent, so that OKX's CRC-32 checksum over the top 25 levels can be
 * verified after every message. Prices are compared as numbers only to sort levels; the text that
 * is kept and emitted is the exchange's own.
 */
import { CRC32_START, crc32Feed, crc32Final } from './crc32.ts';

export interface Level {
  px: string;
  sz: string;
  /** Numeric price, for ordering only. */
  n: number;
  /**
   * The size in base units, filled in by the parser the first time the level is emitted. A
   * changed level is a new object, so the memo never goes stale.
   */
  base: string | null;
}

/** [price, size] as sent. */
export type RawLevel = readonly [string, string];

const CHECKSUM_DEPTH = 25;

export class IncrementalBook {
  /** Best (highest) first. */
  readonly bids: Level[] = [];
  /** Best (lowest) first. */
  readonly asks: Level[] = [];

  apply(bids: readonly RawLevel[], asks: readonly RawLevel[]): void {
    for (const [px, sz] of bids) upsert(this.bids, px, sz, true);
    for (const [px, sz] of asks) upsert(this.asks, px, sz, false);
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

/** Insert, replace or (size 0) delete the level at `px`, keeping the side sorted best first. */
function upsert(side: Level[], px: string, sz: string, descending: boolean): void {
  const n = Number(px);
  let lo = 0;
  let hi = side.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = side[mid].n;
    if (descending ? m > n : m < n) lo = mid + 1;
    else hi = mid;
  }
  const remove = Number(sz) === 0;
  if (lo < side.length && side[lo].n === n) {
    if (remove) side.splice(lo, 1);
    else side[lo] = { px, sz, n, base: null };
  } else if (!remove) {
    side.splice(lo, 0, { px, sz, n, base: null });
  }
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
