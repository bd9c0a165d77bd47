/**
 * The store's memory of what it recorded from each collector: per (source, chain), the last
 * collector seq recorded and the seq up to which the chain is complete (core/bus-message.ts).
 * Written in the same transaction as the events, so after a crash a re-delivered message is
 * recognised for exactly what it is: the part already committed is skipped, the rest recorded.
 */
import type Database from 'better-sqlite3';

export interface ChainPosition {
  /** Last collector seq recorded. */
  lastSeq: number;
  /** Every event of the chain up to this collector seq is recorded. */
  covered: number;
}

export interface BusPositions {
  /** Keyed by `positionKey(source, chain)`. */
  load(): Map<string, ChainPosition>;
  /** Moves a position forward (never back); call inside the write transaction. */
  advance(source: string, chain: string, p: ChainPosition): void;
}

export const positionKey = (source: string, chain: string): string => `${source} ${chain}`;

export function openBusPositions(db: Database.Database): BusPositions {
  db.exec(`CREATE TABLE IF NOT EXISTS bus_positions (
    source TEXT NOT NULL, chain TEXT NOT NULL, last_seq INTEGER NOT NULL, covered INTEGER NOT NULL,
    PRIMARY KEY (source, chain)) STRICT`);
  const upsert = db.prepare(`INSERT INTO bus_positions (source, chain, last_seq, covered) VALUES (?, ?, ?, ?)
    ON CONFLICT (source, chain) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), covered = max(covered, excluded.covered)`);
  return {
    load() {
      const rows = db.prepare('SELECT source, chain, last_seq, covered FROM bus_positions').all() as {
        source: string;
        chain: string;
        last_seq: number;
        covered: number;
      }[];
      return new Map(rows.map((r) => [positionKey(r.source, r.chain), { lastSeq: r.last_seq, covered: r.covered }]));
    },
    advance(source, chain, p) {
      upsert.run(source, chain, p.lastSeq, p.covered);
    },
  };
}
