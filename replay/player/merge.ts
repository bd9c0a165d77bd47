/**
 * K-way merge of event tables into one stream ordered by `seq`. Each source yields raw rows
 * (Db.iterateRaw) in `seq` order with `seq` in column 0; a row becomes an event only when it is
 * the next one out, so the hot loop holds no per-table generator and compares plain numbers.
 * There are at most eight sources (one per event table), so a linear scan of the heads beats a
 * heap. Every source iterator is closed when the merge ends or is abandoned: an open SQLite
 * iterator keeps its statement busy.
 */
export interface RowSource<T> {
  /** Opened only when the merge starts, inside its try/finally, so nothing is left busy. */
  open(): Iterator<readonly unknown[]>;
  toEvent(row: readonly unknown[]): T;
}

export function* mergeBySeq<T>(sources: readonly RowSource<T>[]): Generator<T, void, undefined> {
  const opened: Iterator<readonly unknown[]>[] = [];
  try {
    const live: Iterator<readonly unknown[]>[] = [];
    const heads: (readonly unknown[])[] = [];
    const seqs: number[] = [];
    const toEvent: ((row: readonly unknown[]) => T)[] = [];
    for (const s of sources) {
      const it = s.open();
      opened.push(it);
      const r = it.next();
      if (!r.done) {
        live.push(it);
        heads.push(r.value);
        seqs.push(r.value[0] as number);
        toEvent.push(s.toEvent);
      }
    }
    while (live.length > 1) {
      let best = 0;
      for (let i = 1; i < seqs.length; i++) if (seqs[i] < seqs[best]) best = i;
      yield toEvent[best](heads[best]);
      const r = live[best].next();
      if (r.done) {
        for (const list of [live, heads, seqs, toEvent] as unknown[][]) list.splice(best, 1);
      } else {
        heads[best] = r.value;
        seqs[best] = r.value[0] as number;
      }
    }
    if (live.length === 1) {
      // One source left: no more comparing.
      const it = live[0];
      const make = toEvent[0];
      yield make(heads[0]);
      for (let r = it.next(); !r.done; r = it.next()) yield make(r.value);
    }
  } finally {
    for (const it of opened) it.return?.();
  }
}
