/**
 * `futuresboard import` normalizes the real recorded sessions (../shared/captures) through the
 * live parsers: every exchange's capture lands in SQLite with no malformed frames, the Bybit spot
 * connection in the Bybit capture is not mistaken for linear markets, and the sessions recorded
 * by other tools (Binance `@trade` prints, Bybit 2026 topics) import as well.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../collector/store/open.ts';
import { EVENT_TABLES } from '../../core/tables.ts';
import { needsShared, sharedPath } from '../helpers/shared-data.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const CAPTURES = ['binance-usdm.2021-07-22.jsonl', 'bybit-linear.2025-06-13.jsonl', 'okx.2022-05-13.jsonl'].map((f) =>
  sharedPath(`captures/${f}`),
);

describe.skipIf(needsShared('the import tests of the real recorded sessions in ../shared/captures'))(
  'futuresboard import',
  () => {
    it('imports the three real captures with no malformed frames', () => {
      const db = join(dir, 'captures.db');
      const out = execFileSync(process.execPath, ['bin/futuresboard', 'import', ...CAPTURES, '--db', db], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toMatch(/0 malformed frames skipped/);
      const d = new Database(db, { readonly: true });
      const count = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const ex of ['binance-usdm', 'bybit-linear', 'okx-swap'])
        expect(
          count(`SELECT count(*) AS n FROM book_tops WHERE exchange = '${ex}'`) +
            count(`SELECT count(*) AS n FROM book_tickers WHERE exchange = '${ex}'`),
        ).toBeGreaterThan(0);
      // Binance's capture has 91 aggTrades (consecutive ids, so no sequence gaps).
      expect(count("SELECT count(*) AS n FROM trades WHERE exchange = 'binance-usdm'")).toBe(91);
      expect(count("SELECT count(*) AS n FROM gaps WHERE cause = 'sequence'")).toBe(0);
      // The diff-depth books are seeded by the capture's REST depth snapshots (http lines recorded
      // before the websocket opened): 764 updates, 12 older than their snapshot, 752 book tops.
      expect(count("SELECT count(*) AS n FROM book_tops WHERE exchange = 'binance-usdm'")).toBe(752);
      // The spot connection (/v5/public/spot) is skipped: no USDC spot pairs among the markets.
      expect(
        count("SELECT count(*) AS n FROM book_tickers WHERE exchange = 'bybit-linear' AND market LIKE '%USDC%'"),
      ).toBe(0);
      // OKX's instrument list (REST lines in the capture) was read: contract sizes come from it.
      expect(
        count("SELECT count(*) AS n FROM markets WHERE exchange = 'okx-swap' AND tick_size IS NOT NULL"),
      ).toBeGreaterThan(0);
      d.close();
    });

    /** Imports one capture alone; returns per-table row counts. */
    function importOne(file: string): { out: string; rows: (table: string, where?: string) => number } {
      const db = join(dir, `${file}.db`);
      const out = execFileSync(
        process.execPath,
        ['bin/futuresboard', 'import', sharedPath(`captures/${file}`), '--db', db],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const d = new Database(db, { readonly: true });
      const counts = new Map<string, number>();
      const rows = (table: string, where = '1') => {
        const key = `${table} ${where}`;
        if (!counts.has(key))
          counts.set(key, (d.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n);
        return counts.get(key)!;
      };
      for (const t of EVENT_TABLES) rows(t.table);
      d.close();
      return { out, rows };
    }

    // Expected counts read from the files with Python, not from the parser (see each comment).
    it('imports the 2021-04-05 Binance session: aggTrades, book tickers, diff books seeded by REST', () => {
      const { out, rows } = importOne('binance-usdm.2021-04-05.jsonl');
      expect(out).toMatch(/0 malformed frames skipped/);
      // 574 aggTrade frames, 3424 bookTicker frames; of 4423 depth diffs, 5 precede their symbol's
      // REST snapshot and 23 end before it, the other 4395 chain (pu = previous u) into book tops.
      expect([rows('trades'), rows('book_tickers'), rows('book_tops'), rows('gaps')]).toEqual([574, 3424, 4395, 0]);
    });

    it('imports the 2023-04-04 Binance session recorded by another tool: @trade prints become trades', () => {
      const { out, rows } = importOne('binance-usdm.2023-04-04.jsonl');
      expect(out).toMatch(/0 malformed frames skipped/);
      // 2197 @trade prints (all X = MARKET, ids consecutive), 6765 bookTickers, 99 markPrice@1s.
      // The depth@0ms diffs have no REST snapshot in the file (the tool's was left out): no book.
      expect([
        rows('trades'),
        rows('book_tickers'),
        rows('derivative_tickers'),
        rows('book_tops'),
        rows('gaps'),
      ]).toEqual([2197, 6765, 99, 0, 0]);
    });

    it('imports the 2026-08-09 Bybit session', () => {
      const { out, rows } = importOne('bybit-linear.2026-08-09.jsonl');
      expect(out).toMatch(/0 malformed frames skipped/);
      // 102 publicTrade frames holding 327 trades; tickers merged per Bybit's rules: 192 changes of
      // a normalized field, 20 of open interest. orderbook.200 and kline are not recorded.
      expect([
        rows('trades'),
        rows('derivative_tickers'),
        rows('open_interest'),
        rows('book_tops'),
        rows('gaps'),
      ]).toEqual([327, 192, 20, 0, 0]);
    });

    it('computes metrics and alerts with the given settings, and verify agrees', () => {
      const db = join(dir, 'with-metrics.db');
      const cfg = join(dir, 'short-buckets.json');
      writeFileSync(
        cfg,
        JSON.stringify({ metrics: { bucketMs: 1000, warmupBuckets: 5, zWindowBuckets: 20, zMinSamples: 5 } }),
      );
      execFileSync(process.execPath, ['bin/futuresboard', 'import', ...CAPTURES, '--db', db, '--config', cfg], {
        stdio: 'ignore',
      });
      const d = new Database(db, { readonly: true });
      expect((d.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n).toBeGreaterThan(0);
      expect((d.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n).toBeGreaterThan(0);
      d.close();
      const out = execFileSync(process.execPath, ['bin/futuresboard', 'metrics', 'verify', '--db', db], {
        encoding: 'utf8',
      });
      expect(out).toMatch(/identical/);
    });
  },
);

describe('futuresboard import refusals', () => {
  /** A one-trade session in the capture format (hand-written), so these run without ../shared. */
  const tiny = join(dir, 'tiny.jsonl');
  writeFileSync(
    tiny,
    [
      { t: 'connect', conn: 'b1', ts: 1700000000, addr: 'wss://fstream.binance.com/market/stream' },
      {
        t: 'recv',
        conn: 'b1',
        ts: 1700000000.1,
        data: '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1700000000050,"a":1,"s":"BTCUSDT","p":"65000.10","q":"0.010","f":1,"l":1,"T":1700000000040,"m":false}}',
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n',
  );

  it("refuses to write a database another process is writing, and takes over a dead writer's lock", () => {
    const db = join(dir, 'live.db');
    const store = openStore(db); // this test process is "the collector"
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, ['bin/futuresboard', 'import', tiny, '--db', db], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(1);
    expect(err.stderr).toMatch(/being written by another futuresboard process \(pid \d+\)/);
    store.close();
    // A lock left behind by a process that no longer exists (kill -9) does not block.
    writeFileSync(`${db}.lock`, '999999999');
    execFileSync(process.execPath, ['bin/futuresboard', 'import', tiny, '--db', db], { stdio: 'ignore' });
  });

  it('refuses a missing file with a one-line reason', () => {
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync(
        process.execPath,
        ['bin/futuresboard', 'import', join(dir, 'nope.jsonl'), '--db', join(dir, 'x.db')],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(2);
    expect(err.stderr).toMatch(/capture file not found/);
  });
});
