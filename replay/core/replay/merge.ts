/**
 * K-way merge of streams that are each ordered by `seq` into one stream ordered by `seq`.
 * There are at most eight sources (one per event table), so a linear scan of the heads beats a
 * heap. Every source iterator is closed when the merge ends or is abandoned: an open SQLite
 * iterator keeps its statement busy.
 */
export function* mergeBySeq<T extends { seq: number }>(sources: Iterable<T>[]): Generator<T, void, undefined> {
  const iterators = sources.map((s) => s[Symbol.iterator]());
  try {
    const live: Iterator<T>[] = [];
    const heads: T[] = [];
    for (const it of iterators) {
      const r = it.next();
      if (!r.done) {
        live.push(it);
        heads.push(r.value);
      }
    }
    while (live.length > 1) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) if (heads[i].seq < heads[best].seq) best = i;
      yield heads[best];
      const r = live[best].next();
      if (r.done) {
        live.splice(best, 1);
        heads.splice(best, 1);
      } else heads[best] = r.value;
    }
    if (live.length === 1) {
      yield heads[0];
      for (let r = live[0].next(); !r.done; r = live[0].next()) yield r.value;
    }
  } finally {
    for (const it of iterators) it.return?.();
  }
}
