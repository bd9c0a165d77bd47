import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MarketEvent, RecordedEvent, TradeEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { openStore } from './open.ts';
import { EventWriter } from './writer.ts';

const dir = tempDir();

function trade(i: number, price = '65114.30'): TradeEvent {
  return {
    kind: 'trade',
    exchange: 'bybit-linear',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    ts: 1_700_000_000_000 + i,
    local_ts: 1_700_000_000_005 + i,
    id: `t${i}`,
    price,
    qty: '0.004',
    side: i % 2 ? 'buy' : 'sell',
  };
}

describe('EventWriter', () => {
  it('commits a batch when flushRows is reached and notifies only after commit', () => {
    const db = openStore(join(dir, 'rows.db'));
    const seen: number[] = [];
    const writer = new EventWriter(db, { flushMs: 10_000, flushRows: 3, logger: silentLogger });
    writer.onCommit((_batch) => {
      // The listener runs after COMMIT: a second connection already sees the rows.
      const other = new Database(join(dir, 'rows.db'), { readonly: true });
      seen.push((other.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n);
      other.close();
    });
    writer.push(trade(1), 's');
    writer.push(trade(2), 's');
    expect(seen).toEqual([]);
    writer.push(trade(3), 's');
    expect(seen).toEqual([3]);
    writer.close();
    db.close();
  });

  it('flushes on the timer', async () => {
    const db = openStore(join(dir, 'timer.db'));
    const writer = new EventWriter(db, { flushMs: 5, flushRows: 1000, logger: silentLogger });
    const committed = new Promise<RecordedEvent[]>((resolve) => writer.onCommit(resolve));
    writer.push(trade(1), 's');
    expect((await committed).map((e) => e.seq)).toEqual([1]);
    writer.close();
    db.close();
  });

  it('keeps decimals exactly as sent and assigns a global seq across tables', () => {
    const path = join(dir, 'exact.db');
    const db = openStore(path);
    const writer = new EventWriter(db, { flushMs: 1000, flushRows: 1000, logger: silentLogger });
    const ticker: MarketEvent = {
      kind: 'book_ticker',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: 1,
      local_ts: 2,
      bid_price: '65114.20',
      bid_qty: '5.954',
      ask_price: '65114.30',
      ask_qty: '10.470',
    };
    writer.push(trade(1, '0.000012345678901234567'), 's');
    writer.push(ticker, 's');
    writer.push(trade(2, '65114.30'), 's');
    writer.close();
    const rows = db.prepare('SELECT seq, price FROM trades ORDER BY seq').all();
    expect(rows).toEqual([
      { seq: 1, price: '0.000012345678901234567' },
      { seq: 3, price: '65114.30' },
    ]);
    expect(db.prepare('SELECT seq, bid_price, ask_qty FROM book_tickers').get()).toEqual({
      seq: 2,
      bid_price: '65114.20',
      ask_qty: '10.470',
    });
    db.close();
    // Reopening continues the sequence after the highest recorded seq.
    const again = openStore(path);
    const w2 = new EventWriter(again, { flushMs: 1000, flushRows: 1000, logger: silentLogger });
    w2.push(trade(3), 's');
    w2.close();
    expect((again.prepare('SELECT max(seq) AS m FROM trades').get() as { m: number }).m).toBe(4);
    again.close();
  });

  it('records the last receipt time per stream for restart gaps', () => {
    const db = openStore(join(dir, 'feed.db'));
    const writer = new EventWriter(db, { flushMs: 1000, flushRows: 1000, logger: silentLogger });
    writer.push(trade(1), 'market');
    writer.push(trade(5), 'market');
    writer.push(trade(3), 'public');
    writer.close();
    expect(db.prepare('SELECT exchange, stream, last_local_ts FROM feed_state ORDER BY stream').all()).toEqual([
      { exchange: 'bybit-linear', stream: 'market', last_local_ts: trade(5).local_ts },
      { exchange: 'bybit-linear', stream: 'public', last_local_ts: trade(3).local_ts },
    ]);
    db.close();
  });

  it('retries a batch the database refused and records dropped events as a gap', () => {
    const db = openStore(join(dir, 'full.db'));
    const errors: string[] = [];
    const writer = new EventWriter(db, {
      flushMs: 100_000,
      flushRows: 100_000,
      maxPendingRows: 2,
      logger: silentLogger,
      onRollback: (err) => {
        errors.push((err as { code?: string }).code ?? err.message);
        return null;
      },
    });
    // A trigger makes every insert fail, as a full disk would.
    db.exec(
      "CREATE TRIGGER full BEFORE INSERT ON trade_rows BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    writer.push(trade(1), 's');
    writer.push(trade(2), 's');
    writer.push(trade(3), 's'); // beyond maxPendingRows: dropped, remembered as a gap
    expect(writer.flush()).toBe(0);
    expect(errors.length).toBe(1);
    expect(writer.lastError?.message).toMatch(/disk is full/);
    db.exec('DROP TRIGGER full');
    expect(writer.flush()).toBe(3);
    expect((db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n).toBe(2);
    const gap = db.prepare('SELECT cause, start_ts, end_ts FROM gaps').get();
    expect(gap).toEqual({ cause: 'error', start_ts: trade(3).local_ts, end_ts: trade(3).local_ts });
    writer.close();
    db.close();
  });
});
