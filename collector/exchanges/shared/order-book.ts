/**
 * The mechanics every exchange's local order book shares: two sides kept sorted best first,
 * levels found by the numeric value of their price, an absolute size per level that replaces the
 * old one and a zero size that deletes it (deleting an absent level is normal). The price and
 * size text are kept exactly as sent; the number is used only to order and find levels (prices
 * of these exchanges have fewer than 16 significant digits, so two prices never share a double).
 *
 * What differs per exchange is a parameter: the level type the exchange keeps (`makeLevel`, a
 * new object for every change so that a level already emitted or memoized never changes under
 * its holder) and an optional depth the book is cut to, as the exchange's own window is.
 * Sequencing, checksums and what is emitted stay in the exchange's folder.
 */
import type { Dec } from '../../../core/events.ts';

/** One side, best level first: sorted arrays, a binary search and a splice per update. */
export class BookSide<L> {
  /** Ascending sort keys: the price for asks, minus the price for bids (so the best is first). */
  private readonly keys: number[] = [];
  /** The levels in key order; read-only for callers (checksums, top-N copies). */
  readonly levels: L[] = [];

  constructor(
    private readonly bestIsHighest: boolean,
    private readonly makeLevel: (price: Dec, size: Dec) => L,
  ) {}

  /** Set a level's absolute size; zero removes it. */
  set(price: Dec, size: Dec): void {
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
    if (Number(size) === 0) {
      if (found) {
        keys.splice(lo, 1);
        this.levels.splice(lo, 1);
      }
    } else if (found) {
      this.levels[lo] = this.makeLevel(price, size);
    } else {
      keys.splice(lo, 0, key);
      this.levels.splice(lo, 0, this.makeLevel(price, size));
    }
  }

  /** The best `n` levels (a new array sharing the level objects, which are never mutated). */
  top(n: number): L[] {
    return this.levels.slice(0, n);
  }

  truncate(depth: number): void {
    if (this.levels.length > depth) {
      this.keys.length = depth;
      this.levels.length = depth;
    }
  }

  clear(): void {
    this.keys.length = 0;
    this.levels.length = 0;
  }
}

export interface OrderBookOptions<L> {
  makeLevel: (price: Dec, size: Dec) => L;
  /** Levels kept per side after each update; unlimited when absent. */
  depth?: number;
}

export class OrderBook<L> {
  readonly bids: BookSide<L>;
  readonly asks: BookSide<L>;
  private readonly depth: number;

  constructor(options: OrderBookOptions<L>) {
    this.bids = new BookSide(true, options.makeLevel);
    this.asks = new BookSide(false, options.makeLevel);
    this.depth = options.depth ?? Infinity;
  }

  /** Apply the validated [price, size] levels of one update. */
  apply(bids: readonly (readonly [Dec, Dec])[], asks: readonly (readonly [Dec, Dec])[]): void {
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i][0], asks[i][1]);
    if (this.depth !== Infinity) {
      this.bids.truncate(this.depth);
      this.asks.truncate(this.depth);
    }
  }

  /** Start again from a snapshot. */
  replace(bids: readonly (readonly [Dec, Dec])[], asks: readonly (readonly [Dec, Dec])[]): void {
    this.clear();
    this.apply(bids, asks);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}

/** Levels kept as the [price, size] pair they are emitted as. */
export function pairLevel(price: Dec, size: Dec): [Dec, Dec] {
  return [price, size];
}
