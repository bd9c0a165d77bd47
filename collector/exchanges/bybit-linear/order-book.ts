/**
 * A local L2 book rebuilt from Bybit `orderbook.N` snapshots and deltas. Levels are ordered by
 * the numeric price (ordering only: the price and size text are kept exactly as sent) and the
 * book is cut to the subscribed depth, as the exchange's own window is.
 */
import type { Dec } from '../../../core/events.ts';

interface Level {
  /** Numeric price, used only to order and find levels. */
  px: number;
  price: Dec;
  qty: Dec;
}

/** One side, best level first. */
class BookSide {
  private levels: Level[] = [];
  constructor(
    /** Bids: higher is better; asks: lower is better. */
    private readonly descending: boolean,
  ) {}

  clear(): void {
    this.levels = [];
  }

  /** Insert, update or (size 0) delete the level at `price`. */
  set(price: Dec, qty: Dec): void {
    const px = Number(price);
    const levels = this.levels;
    const i = this.indexOf(px);
    const found = i < levels.length && levels[i].px === px;
    if (Number(qty) === 0) {
      if (found) levels.splice(i, 1);
    } else if (found) {
      levels[i].price = price;
      levels[i].qty = qty;
    } else {
      levels.splice(i, 0, { px, price, qty });
    }
  }

  truncate(depth: number): void {
    if (this.levels.length > depth) this.levels.length = depth;
  }

  top(n: number): [Dec, Dec][] {
    const count = Math.min(n, this.levels.length);
    const out: [Dec, Dec][] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = [this.levels[i].price, this.levels[i].qty];
    return out;
  }

  /** First index whose level is not better than `px` (binary search). */
  private indexOf(px: number): number {
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = this.descending ? levels[mid].px > px : levels[mid].px < px;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class LocalBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  constructor(private readonly depth: number) {}

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Apply validated [price, size] levels of one frame. */
  apply(bids: readonly [Dec, Dec][], asks: readonly [Dec, Dec][]): void {
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i][0], asks[i][1]);
    this.bids.truncate(this.depth);
    this.asks.truncate(this.depth);
  }
}
