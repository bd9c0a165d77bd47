/** Upserts the `markets` table: what each native symbol means and how big a contract is. */
import type Database from 'better-sqlite3';
import type { Instrument } from '../../core/instruments.ts';

export function saveMarkets(db: Database.Database, instruments: Instrument[], now: number): void {
  const upsert = db.prepare(
    `INSERT INTO markets (exchange, symbol, market, base, quote, settle, contract_size, inverse, tick_size, updated_ts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (exchange, symbol) DO UPDATE SET market = excluded.market, base = excluded.base, quote = excluded.quote,
       settle = excluded.settle, contract_size = excluded.contract_size, inverse = excluded.inverse,
       tick_size = excluded.tick_size, updated_ts = excluded.updated_ts`,
  );
  db.transaction(() => {
    for (const i of instruments)
      upsert.run(
        i.exchange,
        i.symbol,
        i.market,
        i.base,
        i.quote,
        i.settle,
        i.contract_size,
        i.inverse ? 1 : 0,
        i.tick_size,
        now,
      );
  })();
}
