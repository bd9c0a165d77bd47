/** exportSnapshot against real SQLite files, read back with sql.js as the browser does. */
import { FbError as ExportError } from '../../core/errors.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import initSqlJs, { type Database as SqlJsDatabase } from 'sql.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../core/events.ts';
import { alertRecord, writeEvents, writeMetricsAndAlerts } from '../../test/helpers/write-recording.ts';
import { createDatabase, tempDir } from '../relay/test-support.ts';
import { exportSnapshot } from './snapshot.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';

let tmp: ReturnType<typeof tempDir>;
let db: Database.Database;
let dbPath: string;

beforeEach(() => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'live.db');
  db = createDatabase(dbPath);
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

/** One write batch like the collector's: a trade and a book ticker per event, one transaction. */
function writeBatch(firstSeq: number, count: number, market = BTC, localTs = 1000): void {
  // Plain literals, not spreads of shared fields: the first test builds 400,000 events.
  function* events(): Generator<RecordedEvent> {
    for (let i = 0; i < count; i++) {
      const ts = localTs + i;
      const seq = firstSeq + 2 * i;
      yield {
        seq,
        kind: 'trade',
        exchange: 'binance-usdm',
        symbol: 'S',
        market,
        ts,
        local_ts: ts,
        id: null,
        price: '65000.10',
        qty: '0.001',
        side: 'buy',
      };
      yield {
        seq: seq + 1,
        kind: 'book_ticker',
        exchange: 'binance-usdm',
        symbol: 'S',
        market,
        ts,
        local_ts: ts,
        bid_price: '1',
        bid_qty: '1',
        ask_price: '2',
        ask_qty: '2',
      };
    }
  }
  writeEvents(db, events());
}

async function openCopy(path: string): Promise<SqlJsDatabase> {
  const SQL = await initSqlJs();
  return new SQL.Database(readFileSync(path));
}

const scalar = (copy: SqlJsDatabase, sql: string) => copy.exec(sql)[0].values[0][0];

describe('exportSnapshot', () => {
  it("copies one instant of a database that is being written, off the writer's thread, into a file sql.js opens", async () => {
    writeBatch(1, 200_000);
    // The live writer keeps committing batches every few ms while the export runs.
    let seq = 400_001;
    const commit = () => {
      writeBatch(seq, 50, BTC, 5000 + seq);
      seq += 100;
    };
    const writer = setInterval(commit, 5);
    const outDir = join(tmp.dir, 'out');
    const outPath = join(outDir, 'snapshot.sqlite');
    mkdirSync(outDir);
    let copyingSeen = false;
    const result = await exportSnapshot({
      dbPath,
      outPath,
      onProgress: (stage) => {
        if (stage !== 'copying') return;
        // Block this thread, as a long synchronous copy would, until the copy's temporary file
        // appears: it can only appear if the copy runs on another thread. On this thread it
        // never would; the deadline ends the wait and copyingSeen stays false.
        const deadline = Date.now() + 60_000;
        const parked = new Int32Array(new SharedArrayBuffer(4));
        while (!readdirSync(outDir).some((f) => f.endsWith('.tmp'))) {
          if (Date.now() > deadline) return;
          Atomics.wait(parked, 0, 0, 5);
        }
        copyingSeen = true;
        // The export's read transaction never blocks a writer (WAL): this commit goes through
        // while the copy is being made, and lands in the copy whole or not at all.
        commit();
      },
    });
    clearInterval(writer);
    expect(copyingSeen, "the copy progressed while the writer's thread was blocked").toBe(true);

    const copy = await openCopy(outPath);
    const trades = scalar(copy, 'SELECT count(*) FROM trades') as number;
    const tickers = scalar(copy, 'SELECT count(*) FROM book_tickers') as number;
    // Consistent: every batch is in the copy whole or not at all, and the copy holds exactly the
    // source's rows up to its last committed batch.
    expect(trades).toBe(tickers);
    const maxSeq = scalar(copy, 'SELECT max(seq) FROM book_tickers') as number;
    const source = db.prepare('SELECT count(*) AS n FROM trades WHERE seq <= ?').get(maxSeq) as { n: number };
    expect(trades).toBe(source.n);
    expect(result.tables.trades).toBe(trades);
    expect(scalar(copy, 'PRAGMA journal_mode')).toBe('delete');
    expect(scalar(copy, 'PRAGMA integrity_check')).toBe('ok');
    copy.close();

    // The header says rollback journal (1, 1), not WAL (2, 2): other WASM SQLite builds need that.
    const header = readFileSync(outPath);
    expect([header[18], header[19]]).toEqual([1, 1]);
    expect(result.bytes).toBe(header.length);
    // Only the target is left in its folder: the temporary file was renamed.
    expect(readdirSync(join(tmp.dir, 'out'))).toEqual(['snapshot.sqlite']);
  });

  it('keeps only the requested time range and markets in every event table (and whole-connection gaps)', async () => {
    writeBatch(1, 100, BTC, 1000);
    writeBatch(1001, 100, ETH, 1000);
    writeEvents(db, [
      {
        seq: 5000,
        kind: 'gap',
        exchange: 'okx-swap',
        symbol: '',
        market: '',
        ts: 1050,
        local_ts: 1050,
        stream: 'public',
        start_ts: 1040,
        end_ts: 1050,
        seq_before: null,
        seq_after: null,
        cause: 'disconnect',
      },
    ]);
    db.prepare(
      "INSERT INTO markets VALUES ('binance-usdm', 'BTCUSDT', ?, 'BTC', 'USDT', 'USDT', '1', 0, NULL, 1), ('binance-usdm', 'ETHUSDT', ?, 'ETH', 'USDT', 'USDT', '1', 0, NULL, 1)",
    ).run(BTC, ETH);
    const [alertId] = writeMetricsAndAlerts(db, {
      alerts: [
        alertRecord({
          symbol: 'ETHUSDT',
          market: ETH,
          local_ts: 1050,
          seq: 1,
          bucket_ts: 1000,
          rule: 'r',
          value: 1,
          threshold: 1,
        }),
      ],
    });
    db.prepare(
      "INSERT INTO alert_deliveries (alert_id, target, status, next_attempt_ts, created_ts, updated_ts) VALUES (?, 'webhook-0', 'pending', 0, 0, 0)",
    ).run(alertId);

    const outPath = join(tmp.dir, 'btc.sqlite');
    const result = await exportSnapshot({ dbPath, outPath, from: 1020, to: 1060, markets: [BTC] });
    const copy = await openCopy(outPath);
    expect(
      copy.exec('SELECT count(*), min(local_ts), max(local_ts), min(market), max(market) FROM trades')[0].values[0],
    ).toEqual([40, 1020, 1059, BTC, BTC]);
    expect(scalar(copy, 'SELECT count(*) FROM book_tickers')).toBe(40);
    expect(scalar(copy, "SELECT count(*) FROM gaps WHERE market = ''")).toBe(1);
    expect(copy.exec('SELECT market FROM markets')[0].values).toEqual([[BTC]]);
    // The ETH alert went, and with it its delivery row.
    expect(scalar(copy, 'SELECT count(*) FROM alerts')).toBe(0);
    expect(scalar(copy, 'SELECT count(*) FROM alert_deliveries')).toBe(0);
    expect(copy.exec('PRAGMA foreign_key_check')).toEqual([]);
    copy.close();
    expect(result.removed).toBe(2 * 160 + 1 + 1 + 1);
    // The source is untouched.
    expect((db.prepare('SELECT count(*) AS n FROM trades').get() as { n: number }).n).toBe(200);
  });

  it('replaces an existing target atomically and rejects bad options naming them', async () => {
    writeBatch(1, 10);
    const outPath = join(tmp.dir, 'out.sqlite');
    writeFileSync(outPath, 'old content');
    await exportSnapshot({ dbPath, outPath });
    expect((await openCopy(outPath)).exec('SELECT count(*) FROM trades')[0].values[0][0]).toBe(10);

    const fail = (opts: Parameters<typeof exportSnapshot>[0]) =>
      exportSnapshot(opts).then(
        () => null,
        (e: ExportError) => [e.code, e.option],
      );
    expect(await fail({ dbPath: join(tmp.dir, 'missing.db'), outPath })).toEqual(['E_EXPORT_SOURCE', 'dbPath']);
    expect(await fail({ dbPath, outPath: dbPath })).toEqual(['E_EXPORT_OPTIONS', 'outPath']);
    expect(await fail({ dbPath, outPath: join(tmp.dir, 'no', 'dir.sqlite') })).toEqual(['E_EXPORT_OPTIONS', 'outPath']);
    expect(await fail({ dbPath, outPath, from: 5, to: 5 })).toEqual(['E_EXPORT_OPTIONS', 'from']);
    expect(await fail({ dbPath, outPath, markets: [] })).toEqual(['E_EXPORT_OPTIONS', 'markets']);
  });

  it('reports a source that is not a database, and leaves no temporary file', async () => {
    const bogus = join(tmp.dir, 'notes.db');
    writeFileSync(bogus, 'this is not a database, just some text long enough to have a header'.repeat(20));
    const outPath = join(tmp.dir, 'x.sqlite');
    const err = await exportSnapshot({ dbPath: bogus, outPath }).catch((e: ExportError) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).code).toBe('E_EXPORT_SOURCE');
    expect((err as ExportError).message).toMatch(/not a readable SQLite database \(SQLITE_NOTADB/);
    expect(existsSync(outPath)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stops when aborted, leaving neither target nor temporary file', async () => {
    writeBatch(1, 50_000);
    const outPath = join(tmp.dir, 'aborted.sqlite');
    const controller = new AbortController();
    const running = exportSnapshot({
      dbPath,
      outPath,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(running).rejects.toMatchObject({ code: 'E_EXPORT_ABORTED' });
    expect(readdirSync(tmp.dir).filter((f) => f !== 'live.db' && !f.startsWith('live.db-'))).toEqual([]);
  });
});
