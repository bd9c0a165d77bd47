/**
 * What the hot database remembers about its segments, in `store_meta`, so that a restart (or a
 * kill -9) continues exactly where the last committed transaction left off:
 * - `period_from`, `period_to`: the open period, whose rows the hot database is collecting;
 * - `closing`: JSON list of ranges whose period has ended and whose segment file is not yet
 *   catalogued (the closer works through them in order);
 * - `seq_floor`: rows up to this seq are in catalogued segments (readers skip them; the writer
 *   purges them).
 */
import type Database from 'better-sqlite3';

/** One period to close: its time bounds and the seqs written in it, [seqFrom, seqTo]. */
export interface CloseRange {
  from: number;
  to: number;
  seqFrom: number;
  seqTo: number;
}

export interface HotState {
  periodFrom: number | null;
  periodTo: number | null;
  closing: CloseRange[];
  seqFloor: number;
}

export function readHotState(db: Database.Database): HotState {
  const rows = db
    .prepare("SELECT key, value FROM store_meta WHERE key IN ('period_from', 'period_to', 'closing', 'seq_floor')")
    .all() as {
    key: string;
    value: unknown;
  }[];
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const num = (key: string) => (meta.get(key) == null ? null : Number(meta.get(key)));
  return {
    periodFrom: num('period_from'),
    periodTo: num('period_to'),
    closing: meta.has('closing') ? (JSON.parse(String(meta.get('closing'))) as CloseRange[]) : [],
    seqFloor: num('seq_floor') ?? 0,
  };
}

/** Writes a hot state into store_meta; call it inside the transaction that makes the state true. */
export function hotStateWriter(db: Database.Database): (s: HotState) => void {
  const put = db.prepare('INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)');
  // JS numbers bind as REAL: stored as integers, the shell and other readers see 1796189580800, not 1796189580800.0.
  const putInt = db.prepare('INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, CAST(? AS INTEGER))');
  return (s) => {
    putInt.run('period_from', s.periodFrom);
    putInt.run('period_to', s.periodTo);
    put.run('closing', JSON.stringify(s.closing));
    putInt.run('seq_floor', s.seqFloor);
  };
}
