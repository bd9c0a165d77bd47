/**
 * Per-symbol sequence continuity for one stream (aggTrade ids, depth `pu`/`u`). Binance numbers
 * its messages so a client can tell a lost message from a quiet market: a jump means data was
 * lost and must be recorded as a gap, an id at or below the last one is a duplicate or a late
 * copy and must not be counted twice.
 */

/** first: nothing to compare with; next: continuous; gap: messages were lost; old: seen already. */
export type SeqVerdict = 'first' | 'next' | 'gap' | 'old';

interface Mark {
  seq: number;
  localTs: number;
}

export class SequenceTracker {
  private readonly bySymbol = new Map<string, Mark>();
  /** After a `gap` verdict: the last good sequence number and its receipt time. */
  gapSeqBefore = 0;
  gapStartTs = 0;

  /**
   * Check a message whose predecessor should be `prev` (aggTrade: a - 1; depth: pu) and whose
   * own last id is `seq`, received at `localTs`. Records it unless the verdict is `old`.
   */
  observe(symbol: string, prev: number, seq: number, localTs: number): SeqVerdict {
    const mark = this.bySymbol.get(symbol);
    if (mark === undefined) {
      this.bySymbol.set(symbol, { seq, localTs });
      return 'first';
    }
    if (seq <= mark.seq) return 'old';
    const verdict: SeqVerdict = prev === mark.seq ? 'next' : 'gap';
    if (verdict === 'gap') {
      this.gapSeqBefore = mark.seq;
      this.gapStartTs = mark.localTs;
    }
    mark.seq = seq;
    mark.localTs = localTs;
    return verdict;
  }

  clear(): void {
    this.bySymbol.clear();
  }
}
