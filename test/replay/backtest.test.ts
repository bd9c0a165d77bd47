/**
 * Backtests over the fixture recording: no look-ahead, golden reports of the built-in
 * strategies, warm-up after a gap, the report's statistics by hand, and parameter errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestEvents, createBacktest } from '../../replay/backtest/engine.ts';
import { reportFiles } from '../../replay/backtest/report/files.ts';
import { maxDrawdown, periodReturns, sharpe, sortino, tradeStats } from '../../replay/backtest/stats.ts';
import { STRATEGIES, getStrategy } from '../../replay/backtest/strategies/index.ts';
import type { StrategyDefinition, TradeRecord } from '../../replay/backtest/types.ts';
import type { Db } from '../../core/db.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { defaultMetricsConfig } from '../../core/metrics/config.ts';
import type { MetricRow } from '../../core/metrics/types.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { expectGolden, openFixture } from './support.ts';

let db: Db;
let all: RecordedEvent[];
beforeAll(async () => {
  db = await openFixture('better-sqlite3');
  all = [...readEvents(db)];
});
afterAll(() => db.close());

const GAP_END = Date.UTC(2025, 5, 13, 7, 52, 30);

describe('no look-ahead', () => {
  it.each(STRATEGIES.map((s) => s.name))(
    '%s decides the same up to any moment whether or not later data exists',
    (name) => {
      const strategy = getStrategy(name);
      const params = { close_at_end: false };
      const full = backtestEvents(all, { strategy, params });
      expect(full.fill_list.length).toBeGreaterThan(0);
      for (const cut of [0.25, 0.5, 0.75].map((f) => Math.floor(all.length * f))) {
        const prefix = backtestEvents(all.slice(0, cut), { strategy, params });
        const lastSeq = all[cut - 1].seq;
        expect(prefix.fill_list).toEqual(full.fill_list.filter((f) => f.seq <= lastSeq));
        expect(prefix.funding_list).toEqual(full.funding_list.filter((f) => f.ts <= all[cut - 1].local_ts));
      }
    },
  );

  it('a strategy sees each event at its receipt time, quotes only from earlier events, and fills at those quotes', () => {
    const lastAsk = new Map<string, number>();
    const problems: string[] = [];
    let trades = 0;
    const spy: StrategyDefinition = {
      name: 'spy',
      description: 'checks what it is shown',
      params: [],
      usesMetrics: true,
      create: () => ({
        onMetric(row, ctx) {
          if (row.local_ts > ctx.now()) problems.push(`metric row from the future at ${ctx.now()}`);
        },
        onEvent(e, ctx) {
          if (ctx.now() !== e.local_ts) problems.push(`now ${ctx.now()} != local_ts ${e.local_ts}`);
          if (e.kind === 'book_ticker') lastAsk.set(e.market, Number(e.ask_price));
          const q = ctx.quote(e);
          if (q && q.ask !== lastAsk.get(e.market))
            problems.push(`quote ${q.ask} is not the last seen ask at seq ${e.seq}`);
          if (e.kind === 'trade' && ++trades % 100 === 0 && q) {
            const r = ctx.marketOrder({ exchange: e.exchange, market: e.market, side: 'buy', qty: 0.001 });
            if (!r.ok || r.status !== 'filled' || r.fill.price !== q.ask * 1.0001)
              problems.push(`fill ${JSON.stringify(r)} is not at the current ask`);
          }
        },
      }),
    };
    const r = backtestEvents(all, { strategy: spy, params: { close_at_end: false } });
    expect(problems).toEqual([]);
    expect(r.fill_list.length).toBeGreaterThan(20);
  });

  it('refuses events out of order', () => {
    const bt = createBacktest({ strategy: getStrategy('funding-carry') });
    bt.onEvent(all[1]);
    expect(() => bt.onEvent(all[0])).toThrow(expect.objectContaining({ code: 'E_BACKTEST_STATE' }));
  });
});

describe('golden reports on the fixture recording', () => {
  it.each(STRATEGIES.map((s) => s.name))('%s', (name) => {
    const report = backtestEvents(readEvents(db), { strategy: getStrategy(name) });
    // The books balance: with every position closed at the end (close_at_end), the change in
    // equity is exactly realised PnL minus fees plus funding (received positive, paid negative:
    // amount = −position_qty × mark × rate, docs/replay-backtest.md), to float rounding.
    const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
    const realised = sum(report.fill_list.map((f) => f.realized_pnl));
    const funding = sum(report.funding_list.map((f) => f.amount));
    expect(report.fees_paid).toBeCloseTo(sum(report.fill_list.map((f) => f.fee)), 9);
    expect(report.funding_received - report.funding_paid).toBeCloseTo(funding, 9);
    const change = report.final_equity - report.initial_balance;
    const books = realised - report.fees_paid + funding;
    expect(
      Math.abs(change - books),
      `equity change ${change} vs realised − fees + funding ${books}`,
    ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(change)));
    const files = reportFiles(report);
    expectGolden(`${name}.report.json`, files['report.json']);
    if (name === 'zscore-revert') {
      expectGolden(`${name}.report.md`, files['report.md']);
      expectGolden(`${name}.trades.csv`, files['trades.csv']);
    }
  });

  it('funding-carry collects funding on both markets at 08:00 (BTC short at +0.012 %, ETH long at −0.015 %)', () => {
    const r = backtestEvents(all, { strategy: getStrategy('funding-carry') });
    expect(r.funding_list.map((f) => [f.market, f.ts, Math.sign(f.position_qty), f.amount > 0])).toEqual([
      ['ETH/USDT:USDT', Date.UTC(2025, 5, 13, 8), 1, true],
      ['BTC/USDT:USDT', Date.UTC(2025, 5, 13, 8), -1, true],
    ]);
    expect(r.funding_paid).toBe(0);
    expect(r.funding_received).toBeCloseTo(
      r.funding_list.reduce((a, f) => a + f.amount, 0),
      12,
    );
  });
});

describe('gaps', () => {
  it('a gap resets warm-up: no z-score trade on the gapped market until the metrics have warmed up again', () => {
    const rows: MetricRow[] = [];
    const inner = getStrategy('zscore-revert');
    const watch: StrategyDefinition = {
      ...inner,
      create(params, deps) {
        const s = inner.create(params, deps);
        return { ...s, onMetric: (row, ctx) => (rows.push(row), s.onMetric?.(row, ctx)) };
      },
    };
    const r = backtestEvents(all, { strategy: watch, params: { entry_z: 1 } });
    const { bucketMs, warmupBuckets } = defaultMetricsConfig;
    const btcRows = rows.filter((row) => row.market === 'BTC/USDT:USDT');
    const before = btcRows.filter((row) => row.bucket_ts < GAP_END);
    const after = btcRows.filter((row) => row.bucket_ts >= GAP_END);
    expect(before.at(-1)!.warmup).toBe(false);
    expect(after.slice(0, warmupBuckets).every((row) => row.warmup)).toBe(true);
    expect(after[warmupBuckets].warmup).toBe(false);
    const warmAgain = GAP_END + warmupBuckets * bucketMs;
    const btcOpens = r.trade_list.filter((t) => t.market === 'BTC/USDT:USDT').map((t) => t.open_ts);
    expect(btcOpens.some((ts) => ts >= warmAgain)).toBe(true);
    expect(btcOpens.filter((ts) => ts >= GAP_END && ts < warmAgain)).toEqual([]);
  });
});

describe('report statistics by hand', () => {
  const curve = [100, 110, 99, 104.5, 121].map((equity, i) => ({ ts: i * 60_000, equity }));

  it('returns, Sharpe and Sortino per interval', () => {
    const r = periodReturns(curve);
    expect(r).toEqual([0.1, -0.1, 0.05555555555555558, 0.15789473684210531].map((x) => expect.closeTo(x, 12)));
    const mean = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    expect(sharpe(r)).toBeCloseTo(mean / sd, 12);
    expect(sortino(r)).toBeCloseTo(mean / Math.sqrt(0.01 / 4), 12);
    expect(sharpe([0.01])).toBeNull();
    expect(sharpe([0.01, 0.01])).toBeNull();
  });

  it('max drawdown with its duration from peak to recovery', () => {
    expect(maxDrawdown(curve)).toEqual({
      value: expect.closeTo(0.1, 12),
      peak_ts: 60_000,
      trough_ts: 120_000,
      duration_ms: 180_000,
      recovered: true,
    });
    expect(maxDrawdown(curve.slice(0, 4))).toMatchObject({ duration_ms: 120_000, recovered: false });
  });

  it('win rate, profit factor and expectancy over closed trades', () => {
    const t = (net_pnl: number) => ({ net_pnl }) as TradeRecord;
    expect(tradeStats([t(30), t(-10), t(-5), t(5)])).toEqual({ win_rate: 0.5, profit_factor: 35 / 15, expectancy: 5 });
    expect(tradeStats([t(3)])).toEqual({ win_rate: 1, profit_factor: null, expectancy: 3 });
    expect(tradeStats([])).toEqual({ win_rate: null, profit_factor: null, expectancy: null });
  });

  it('states its intervals and does not annualise a short session', () => {
    const r = backtestEvents(all, { strategy: getStrategy('zscore-revert'), params: { interval: '5m' } });
    expect(r).toMatchObject({
      return_interval: '5m',
      total_return_annualised: null,
      total_return_interval: 'session (29m 59s)',
    });
    expect(r.annualised_note).toMatch(/not annualised/);
    expect(r.equity_curve.slice(1, -1).every((p) => p.ts % 300_000 === 0)).toBe(true);
  });
});

describe('parameters', () => {
  it('unknown names, bad values and contradictions are refused with the parameter named', () => {
    const z = getStrategy('zscore-revert');
    expect(() => createBacktest({ strategy: z, params: { entry: '2' } })).toThrow(
      /unknown parameter entry; known parameters: timeframe, entry_z/,
    );
    expect(() => createBacktest({ strategy: z, params: { entry_z: 'high' } })).toThrow(
      /parameter entry_z must be a number/,
    );
    expect(() => createBacktest({ strategy: z, params: { exit_z: '3' } })).toThrow(
      /exit_z \(3\) must be below entry_z/,
    );
    expect(() => createBacktest({ strategy: z, params: { timeframe: '2m' } })).toThrow(
      /timeframe must be bucket or one of the metrics timeframes 1m, 5m/,
    );
    expect(() => createBacktest({ strategy: z, params: { interval: 'soon' } })).toThrow(
      /parameter interval must be a duration/,
    );
    expect(() => getStrategy('momo')).toThrow(
      expect.objectContaining({
        code: 'E_BACKTEST_STRATEGY',
        message: expect.stringContaining('zscore-revert, funding-carry, follow-tier2'),
      }),
    );
  });
});
