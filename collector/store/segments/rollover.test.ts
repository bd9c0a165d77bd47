import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SegmentEntry } from '../../../core/catalog.ts';
import type { RecordedEvent, TradeEvent } from '../../../core/events.ts';
import { silentLogger } from '../../../core/log.ts';
import { readCatalog } from '../../../replay/adapters/catalog-file.ts';
import { testSegmentStore } from '../../../test/helpers/segment-store.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { openStore } from '../open.ts';
import { EventWriter } from '../writer.ts';
import { readHotState, type CloseRange } from './hot-state.ts';
import { Rollover } from './rollover.ts';

const root = tempDir('fb-rollover-');
/** A whole second, so 1000 ms periods start on it. */
const T0 = 1_700_000_000_000;

function trade(i: number, localTs: number): TradeEvent {
  return {
    kind: 'trade',
    exchange: 'bybit-linear',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    ts: localTs - 3,
    local_ts: localTs,
    id: `t${i}`,
    price: '65114.30',
    qty: '0.004',
    side: i % 2 ? 'buy' : 'sell',
  };
}

function rolloverOn(db: Database.Database, added: CloseRange[][]) {
  return new Rollover(db, {
    periodMs: 1000,
    purgeRows: 100,
    catalogued: 0,
    onChange: (ranges) => added.push(ranges),
    onPurgeError: (err) => {
      throw err;
    },
  });
}

/** (seq, local_ts) of every trade in closed segment `entry`, read from its gzip file. */
function segmentTrades(dir: string, entry: SegmentEntry): { seq: number; local_ts: number }[] {
  const db = new Database(gunzipSync(readFileSync(join(dir, entry.file))));
  try {
    return db.prepare('SELECT seq, local_ts FROM trades ORDER BY seq').all() as { seq: number; local_ts: number }[];
  } finally {
    db.close();
  }
}

describe('rollover in the writer', () => {
  it('commits a batch crossing period boundaries as one transaction per period and queues each ended period', () => {
    const db = openStore(join(root, 'split.db'));
    const added: CloseRange[][] = [];
    const periods = rolloverOn(db, added);
    const writer = new EventWriter(db, { flushMs: 60_000, flushRows: 60_000, logger: silentLogger, periods });
    const batches: number[][] = [];
    writer.onCommit((b) => batches.push(b.map((e) => e.seq)));
    // Two events in [T0, T0+1s), two in the next second, none in the third, one in the fourth.
    for (const [i, ts] of [T0 + 100, T0 + 999, T0 + 1000, T0 + 1500, T0 + 3200].entries())
      writer.push(trade(i, ts), 's');
    expect(writer.flush()).toBe(5);

    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    const first = { from: T0, to: T0 + 1000, seqFrom: 1, seqTo: 2 };
    const second = { from: T0 + 1000, to: T0 + 2000, seqFrom: 3, seqTo: 4 };
    // The empty third second is skipped: no range, the period jumps to the one holding the event.
    expect(added).toEqual([[], [first], [second]]);
    const durable = { periodFrom: T0 + 3000, periodTo: T0 + 4000, closing: [first, second], seqFloor: 0 };
    expect(readHotState(db)).toEqual(durable);
    // A restart reads the same state back: the close of both periods was committed with the rows after them.
    expect(rolloverOn(db, []).closing).toEqual(durable.closing);
    writer.close();
    db.close();
  });

  it('leaves the period and the queue untouched when the transaction that crosses a boundary fails', () => {
    const db = openStore(join(root, 'rollback.db'));
    const added: CloseRange[][] = [];
    const periods = rolloverOn(db, added);
    const writer = new EventWriter(db, {
      flushMs: 60_000,
      flushRows: 60_000,
      logger: silentLogger,
      periods,
      onRollback: () => null,
    });
    writer.push(trade(0, T0 + 10), 's');
    writer.flush();
    db.exec(
      "CREATE TRIGGER full BEFORE INSERT ON trade_rows BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    writer.push(trade(1, T0 + 1010), 's');
    expect(writer.flush()).toBe(0);
    expect(periods.periodEnd()).toBe(T0 + 1000);
    expect(periods.closing).toEqual([]);
    expect(readHotState(db)).toMatchObject({ periodFrom: T0, closing: [] });

    db.exec('DROP TRIGGER full');
    expect(writer.flush()).toBe(1);
    expect(readHotState(db)).toMatchObject({
      periodFrom: T0 + 1000,
      closing: [{ from: T0, to: T0 + 1000, seqFrom: 1, seqTo: 1 }],
    });
    expect(added.flat()).toEqual([{ from: T0, to: T0 + 1000, seqFrom: 1, seqTo: 1 }]);
    writer.close();
    db.close();
  });
});

describe('segment store', () => {
  it('closes each period into a catalogued segment holding exactly the events of that period', async () => {
    const dir = join(root, 'periods');
    // A clock held inside the first period, so only events end periods (no idle close).
    const { db, log, store, writer } = testSegmentStore(dir, T0 + 500);
    store.start(writer);
    const closed = [log.next('segment closed'), log.next('segment closed')];
    const stamps = [T0 + 1, T0 + 400, T0 + 999, T0 + 1000, T0 + 1001, T0 + 2500];
    for (const [i, ts] of stamps.entries()) writer.push(trade(i, ts), 's');
    writer.flush();
    await Promise.all(closed);

    const catalog = readCatalog(dir);
    const segments = catalog.segments.filter((s) => !s.open);
    expect(segments.map((s) => [s.file, s.from, s.to, s.seq_from, s.seq_to, s.events])).toEqual([
      // T0 is not on a whole minute: the names carry seconds.
      ['seg-20231114T221320.000Z.sqlite.gz', T0, T0 + 1000, 1, 3, 3],
      ['seg-20231114T221321.000Z.sqlite.gz', T0 + 1000, T0 + 2000, 4, 5, 2],
    ]);
    expect(segments.map((s) => segmentTrades(dir, s))).toEqual([
      [
        { seq: 1, local_ts: T0 + 1 },
        { seq: 2, local_ts: T0 + 400 },
        { seq: 3, local_ts: T0 + 999 },
      ],
      [
        { seq: 4, local_ts: T0 + 1000 },
        { seq: 5, local_ts: T0 + 1001 },
      ],
    ]);
    expect(catalog.segments.find((s) => s.open)).toMatchObject({
      file: 'hot.db',
      from: T0 + 2000,
      seq_from: 6,
      seq_to: 6,
    });
    expect(readHotState(db)).toMatchObject({ closing: [], seqFloor: 5 });

    // The next write transaction purges what the segments now hold.
    const purged = new Promise<RecordedEvent[]>((resolve) => writer.onCommit(resolve));
    writer.push(trade(9, T0 + 2600), 's');
    writer.flush();
    await purged;
    expect(db.prepare('SELECT seq FROM trades ORDER BY seq').pluck().all()).toEqual([6, 7]);
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    writer.close();
    await store.stop();
    // Stopping leaves the catalog's open entry describing the hot database as the writer left it.
    expect(readCatalog(dir).segments.find((s) => s.open)).toMatchObject({ seq_from: 6, seq_to: 7, events: 2 });
    db.close();
  });
});
