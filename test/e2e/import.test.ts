/**
 * `futuresboard import` normalizes the real recorded sessions through the live parsers:
 * every exchange's capture lands in SQLite with no malformed frames, and the Bybit spot
 * connection in the Bybit capture is not mistaken for linear markets.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../collector/store/open.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const CAPTURES = ['binance-usdm.2021-07-22.jsonl', 'bybit-linear.2025-06-13.jsonl', 'okx.2022-05-13.jsonl'].map((f) => join('fixtures/captures', f));

describe('futuresboard import', () => {
  it('imports the three real captures with no malformed frames', () => {
    const db = join(dir, 'captures.db');
    const out = execFileSync(process.execPath, ['bin/futuresboard', 'import', ...CAPTURES, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/0 malformed frames skipped/);
    const d = new Database(db, { readonly: true });
    const count = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const ex of ['binance-usdm', 'bybit-linear', 'okx-swap']) expect(count(`SELECT count(*) AS n FROM book_tops WHERE exchange = '${ex}'`) + count(`SELECT count(*) AS n FROM book_tickers WHERE exchange = '${ex}'`)).toBeGreaterThan(0);
    // Binance's capture has 91 aggTrades (fixtures/captures; consecutive ids, so no sequence gaps).
    expect(count("SELECT count(*) AS n FROM trades WHERE exchange = 'binance-usdm'")).toBe(91);
    expect(count("SELECT count(*) AS n FROM gaps WHERE cause = 'sequence'")).toBe(0);
    // The diff-depth books are seeded by the capture's REST depth snapshots (http lines recorded
    // before the websocket opened): 764 updates, 12 older than their snapshot, 752 book tops.
    expect(count("SELECT count(*) AS n FROM book_tops WHERE exchange = 'binance-usdm'")).toBe(752);
    // The spot connection (/v5/public/spot) is skipped: no USDC spot pairs among the markets.
    expect(count("SELECT count(*) AS n FROM book_tickers WHERE exchange = 'bybit-linear' AND market LIKE '%USDC%'")).toBe(0);
    // OKX's instrument list (REST lines in the capture) was read: contract sizes come from it.
    expect(count("SELECT count(*) AS n FROM markets WHERE exchange = 'okx-swap' AND tick_size IS NOT NULL")).toBeGreaterThan(0);
    d.close();
  });

  it('computes metrics and alerts with the given settings, and verify agrees', () => {
    const db = join(dir, 'with-metrics.db');
    const cfg = join(dir, 'short-buckets.json');
    writeFileSync(cfg, JSON.stringify({ metrics: { bucketMs: 1000, warmupBuckets: 5, zWindowBuckets: 20, zMinSamples: 5 } }));
    execFileSync(process.execPath, ['bin/futuresboard', 'import', ...CAPTURES, '--db', db, '--config', cfg], { stdio: 'ignore' });
    const d = new Database(db, { readonly: true });
    expect((d.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n).toBeGreaterThan(0);
    expect((d.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n).toBeGreaterThan(0);
    d.close();
    const out = execFileSync(process.execPath, ['bin/futuresboard', 'metrics', 'verify', '--db', db], { encoding: 'utf8' });
    expect(out).toMatch(/identical/);
  });

  it('refuses to write a database another process is writing, and takes over a dead writer\'s lock', () => {
    const db = join(dir, 'live.db');
    const store = openStore(db); // this test process is "the collector"
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, ['bin/futuresboard', 'import', CAPTURES[0], '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(1);
    expect(err.stderr).toMatch(/being written by another futuresboard process \(pid \d+\)/);
    store.close();
    // A lock left behind by a process that no longer exists (kill -9) does not block.
    writeFileSync(`${db}.lock`, '999999999');
    execFileSync(process.execPath, ['bin/futuresboard', 'import', CAPTURES[0], '--db', db], { stdio: 'ignore' });
  });

  it('refuses a missing file with a one-line reason', () => {
    let err: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, ['bin/futuresboard', 'import', join(dir, 'nope.jsonl'), '--db', join(dir, 'x.db')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(2);
    expect(err.stderr).toMatch(/capture file not found/);
  });
});
