/**
 * A local order book rebuilt from a snapshot plus absolute-quantity updates, kept as the
 * exchange's decimal text. Levels are ordered by the numeric value of the price: Binance prices
 * have at most 8 fraction digits and fewer than 16 significant digits, so two different prices
 * never map to the same double. The number is used only for ordering, never stored.
 */
import type { Dec } from '../../../core/events.ts';
import { isZeroDecimal } from './fields.ts';

export type Level = [Dec, Dec];

/** One side, best level first. Sorted arrays: ~1000 levels, a binary search and a splice per update. */
class BookSide {
  /** Ascending sort keys: the price for asks, minus the price for bids (so the best is first). */
  private readonly keys: number[] = [];
  private readonly levels: Level[] = [];

  constructor(private readonly bestIsHighest: boolean) {}

  /** Set a level's absolute quantity; zero removes it (removing an absent level is normal). */
  set(price: Dec, qty: Dec): void {
    const key = this.bestIsHighest ? -Number(price) : Number(price);
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const found = lo < keys.length && keys[lo] === key;
    if (isZeroDecimal(qty)) {
      if (found) {
        keys.splice(lo, 1);
        this.levels.splice(lo, 1);
      }
    } else if (found) {
      // A fresh pair rather than a mutation: emitted book_top arrays share these pairs.
      this.levels[lo] = [price, qty];
    } else {
      keys.splice(lo, 0, key);
      this.levels.splice(lo, 0, [price, qty]);
    }
  }

  top(n: number): Level[] {
    return this.levels.slice(0, n);
  }

  clear(): void {
    this.keys.length = 0;
    this.levels.length = 0;
  }
}

export class LocalBook {
  private readonly bids = new BookSide(true);
  private readonly asks = new BookSide(false);

  apply(bids: readonly Level[], asks: readonly Level[]): void {
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i][0], asks[i][1]);
  }

  replace(bids: readonly Level[], asks: readonly Level[]): void {
    this.bids.clear();
    this.asks.clear();
    this.apply(bids, asks);
  }

  topBids(n: number): Level[] {
    return this.bids.top(n);
  }

  topAsks(n: number): Level[] {
    return this.asks.top(n);
  }
}
