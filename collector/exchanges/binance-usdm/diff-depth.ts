/**
 * Order books rebuilt from diff-depth streams (`<sym>@depth@100ms`, as in the 2021 capture)
 * with Binance's documented procedure ("How to manage a local order book correctly"):
 *   1. seed the book from the REST snapshot `/fapi/v1/depth` (its `lastUpdateId` = L);
 *   2. drop events with u < L (already in the snapshot);
 *   3. the first applied event must have U <= L <= u;
 *   4. after that every event's `pu` must equal the previous event's `u`.
 * A break in 3 or 4 means updates were lost: the book cannot be repaired without a new snapshot,
 * so it is discarded and the symbol stays silent (no book_top) until a snapshot arrives.
 * The collector's live plan uses the self-contained `depth5` stream instead; this path serves
 * recorded sessions (import, re-normalisation) that carry a REST snapshot.
 */
import type { Dec } from '../../../core/events.ts';
import { OrderBook, pairLevel } from '../shared/order-book.ts';

type Level = [Dec, Dec];
/** Levels are the emitted pairs themselves: book_top shares them, no copy per frame. */
export type DiffBook = OrderBook<Level>;

/** applied: the book changed; old: before the snapshot or a duplicate; unsynced: no book; gap: book lost. */
export type DiffVerdict = 'applied' | 'old' | 'unsynced' | 'gap';

interface SyncedBook {
  book: DiffBook;
  /** The snapshot's lastUpdateId until the first event is applied, then the last applied `u`. */
  lastId: number;
  /** False until the first event bridging the snapshot has been applied. */
  bridged: boolean;
  localTs: number;
}

export class DiffDepthBooks {
  private readonly books = new Map<string, SyncedBook>();
  /** After a `gap` verdict: the last good update id and its receipt time. */
  gapSeqBefore = 0;
  gapStartTs = 0;

  seed(symbol: string, lastUpdateId: number, bids: readonly Level[], asks: readonly Level[], localTs: number): void {
    const book: DiffBook = new OrderBook({ makeLevel: pairLevel });
    book.replace(bids, asks);
    this.books.set(symbol, { book, lastId: lastUpdateId, bridged: false, localTs });
  }

  apply(
    symbol: string,
    U: number,
    u: number,
    pu: number,
    bids: readonly Level[],
    asks: readonly Level[],
    localTs: number,
  ): DiffVerdict {
    const s = this.books.get(symbol);
    if (s === undefined) return 'unsynced';
    if (s.bridged ? u <= s.lastId : u < s.lastId) return 'old';
    if (s.bridged ? pu !== s.lastId : U > s.lastId) {
      this.gapSeqBefore = s.lastId;
      this.gapStartTs = s.localTs;
      this.books.delete(symbol);
      return 'gap';
    }
    s.book.apply(bids, asks);
    s.lastId = u;
    s.bridged = true;
    s.localTs = localTs;
    return 'applied';
  }

  book(symbol: string): DiffBook | undefined {
    return this.books.get(symbol)?.book;
  }

  clear(): void {
    this.books.clear();
  }
}
