/**
 * What a publishing collector has handed to the bus, kept in its own database so a restart
 * resumes where JetStream's acknowledgements stopped: the source id, the seq publishing began at
 * (`base`), the seq up to which every event is acknowledged (`acked`, with its receipt time) and,
 * per subject chain, the `upto` of its last acknowledged message (core/bus-message.ts).
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface OutboxPosition {
  /** Every event with seq ≤ acked is acknowledged by JetStream. */
  acked: number;
  /** local_ts of the event at `acked` (the start of a gap if later ones are lost to retention). */
  ackedTs: number;
  /** Per chain: every event of it up to this seq is acknowledged. */
  chains: Map<string, number>;
}

export interface OutboxState {
  /** The database's id on the bus (8 hex digits), created once. */
  dbId: string;
  /** Publishing began after this seq: a chain never published starts here. */
  base: number;
  load(): OutboxPosition;
  save(p: OutboxPosition): void;
}

export function openOutboxState(db: Database.Database, lastSeq: number, now: () => number): OutboxState {
  db.exec(`CREATE TABLE IF NOT EXISTS bus_meta (key TEXT PRIMARY KEY, value ANY) STRICT;
    CREATE TABLE IF NOT EXISTS bus_outbox (chain TEXT PRIMARY KEY, upto INTEGER NOT NULL) STRICT`);
  const get = db.prepare('SELECT value FROM bus_meta WHERE key = ?').pluck();
  const put = db.prepare(
    'INSERT INTO bus_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const putChain = db.prepare(
    'INSERT INTO bus_outbox (chain, upto) VALUES (?, ?) ON CONFLICT (chain) DO UPDATE SET upto = excluded.upto',
  );
  // First time on a bus: what was recorded before stays local; publishing starts with the next event.
  db.transaction(() => {
    if (get.get('db_id') !== undefined) return;
    put.run('db_id', randomBytes(4).toString('hex'));
    put.run('base', lastSeq);
    put.run('acked', lastSeq);
    put.run('acked_ts', now());
  })();
  return {
    dbId: String(get.get('db_id')),
    base: Number(get.get('base')),
    load() {
      const rows = db.prepare('SELECT chain, upto FROM bus_outbox').all() as { chain: string; upto: number }[];
      return {
        acked: Number(get.get('acked')),
        ackedTs: Number(get.get('acked_ts')),
        chains: new Map(rows.map((r) => [r.chain, r.upto])),
      };
    },
    save: db.transaction((p: OutboxPosition) => {
      put.run('acked', p.acked);
      put.run('acked_ts', p.ackedTs);
      for (const [chain, upto] of p.chains) putChain.run(chain, upto);
    }),
  };
}
