/**
 * The simulated exchange against hand-computed cases: slippage, maker/taker fees per exchange,
 * limit orders that need a trade through their price, the funding sign, leverage and position
 * limits, flips and round trips.
 */
import { describe, expect, it } from 'vitest';
import type { Fill, OrderResult } from '../../replay/backtest/types.ts';
import { runScript, T0, Tape } from './scripted.ts';

const BTC = { exchange: 'binance-usdm' as const, market: 'BTC/USDT:USDT' };

function filled(r: OrderResult): Fill {
  if (!r.ok || r.status !== 'filled') throw new Error(`expected a fill, got ${JSON.stringify(r)}`);
  return r.fill;
}

describe('market orders', () => {
  it('fill at the best ask/bid plus slippage and pay the taker fee: a round trip by hand', () => {
    const tape = new Tape();
    const q1 = tape.quote('99.9', '100');
    const q2 = tape.quote('101', '101.1');
    const fills: Fill[] = [];
    const { report } = runScript(
      tape,
      {
        [q1]: (ctx) => fills.push(filled(ctx.marketOrder({ ...BTC, side: 'buy', qty: 2 }))),
        [q2]: (ctx) => fills.push(filled(ctx.marketOrder({ ...BTC, side: 'sell', qty: 2 }))),
      },
      { slippage_bps: 10 },
    );
    // buy: 100 × 1.001 = 100.1; fee 2 × 100.1 × 0.0005 = 0.1001
    expect(fills[0]).toMatchObject({ side: 'buy', liquidity: 'taker' });
    expect(fills[0].price).toBeCloseTo(100.1, 10);
    expect(fills[0].fee).toBeCloseTo(0.1001, 10);
    // sell: 101 × 0.999 = 100.899; realised 2 × (100.899 − 100.1) = 1.598; fee 2 × 100.899 × 0.0005
    expect(fills[1].price).toBeCloseTo(100.899, 10);
    expect(fills[1].realized_pnl).toBeCloseTo(1.598, 10);
    expect(fills[1].fee).toBeCloseTo(0.100899, 10);
    expect(report.final_equity).toBeCloseTo(10_000 + 1.598 - 0.1001 - 0.100899, 9);
    expect(report.fees_paid).toBeCloseTo(0.200999, 10);
    expect(report.trades).toBe(1);
    expect(report.trade_list[0]).toMatchObject({ direction: 'long', qty: 2 });
    expect(report.trade_list[0].net_pnl).toBeCloseTo(1.397001, 9);
    expect(report.win_rate).toBe(1);
  });

  it('use each exchange’s fee schedule (Bybit taker 0.055 %) and the fee parameters override it', () => {
    const tape = new Tape('bybit-linear');
    const q = tape.quote('1999', '2000');
    const bybit = { exchange: 'bybit-linear' as const, market: 'BTC/USDT:USDT' };
    let fee = 0;
    runScript(
      tape,
      { [q]: (ctx) => (fee = filled(ctx.marketOrder({ ...bybit, side: 'buy', qty: 1 })).fee) },
      { slippage_bps: 0 },
    );
    expect(fee).toBeCloseTo(2000 * 0.00055, 10);
    runScript(
      tape,
      { [q]: (ctx) => (fee = filled(ctx.marketOrder({ ...bybit, side: 'buy', qty: 1 })).fee) },
      { slippage_bps: 0, fee_bybit_taker_bps: 3 },
    );
    expect(fee).toBeCloseTo(2000 * 0.0003, 10);
  });

  it('are rejected without a quote, or with a bad quantity, and counted', () => {
    const tape = new Tape();
    const t = tape.trade('100');
    const results: OrderResult[] = [];
    const { report } = runScript(tape, {
      [t]: (ctx) =>
        results.push(
          ctx.marketOrder({ ...BTC, side: 'buy', qty: 1 }),
          ctx.marketOrder({ ...BTC, side: 'buy', qty: -1 }),
        ),
    });
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['no_quote', 'bad_order']);
    expect(report.orders.rejected).toMatchObject({ no_quote: 1, bad_order: 1 });
  });
});

describe('limit orders', () => {
  it('fill at their price as maker only when a later trade trades through it', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    tape.trade('99.5', 'sell'); // at the price: not through
    tape.trade('99.45', 'sell'); // through
    let order: OrderResult | undefined;
    const { report, limitFills } = runScript(tape, {
      [q]: (ctx) => (order = ctx.limitOrder({ ...BTC, side: 'buy', qty: 1, price: 99.5 })),
    });
    expect(order).toMatchObject({ ok: true, status: 'open' });
    expect(limitFills).toHaveLength(1);
    expect(limitFills[0]).toMatchObject({ price: 99.5, liquidity: 'maker', seq: 3 });
    expect(limitFills[0].fee).toBeCloseTo(99.5 * 0.0002, 10);
    expect(report.orders).toMatchObject({ placed: 1, filled: 1 });
  });

  it('do not fill on trades before they were placed, nor on the event they were placed at', () => {
    const tape = new Tape();
    tape.quote('99.9', '100');
    const t = tape.trade('98', 'sell');
    tape.quote('99.9', '100');
    const { limitFills } = runScript(tape, {
      [t]: (ctx) => ctx.limitOrder({ ...BTC, side: 'buy', qty: 1, price: 99 }),
    });
    expect(limitFills).toEqual([]);
  });

  it('that are marketable fill at once as taker, never worse than their price', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    const prices: number[] = [];
    runScript(
      tape,
      {
        [q]: (ctx) => {
          prices.push(filled(ctx.limitOrder({ ...BTC, side: 'buy', qty: 1, price: 101 })).price);
          prices.push(filled(ctx.limitOrder({ ...BTC, side: 'buy', qty: 1, price: 100.05 })).price);
        },
      },
      { slippage_bps: 10 },
    );
    expect(prices[0]).toBeCloseTo(100.1, 10);
    expect(prices[1]).toBe(100.05);
  });

  it('can be cancelled', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    tape.trade('90', 'sell');
    const { report, limitFills } = runScript(tape, {
      [q]: (ctx) => {
        const r = ctx.limitOrder({ ...BTC, side: 'buy', qty: 1, price: 95 });
        expect(ctx.openOrders()).toHaveLength(1);
        expect(r.ok && ctx.cancel(r.id)).toBe(true);
      },
    });
    expect(limitFills).toEqual([]);
    expect(report.orders.cancelled).toBe(1);
  });
});

describe('funding', () => {
  const FUNDING = T0 + 10_000;

  function fundingRun(side: 'buy' | 'sell', rate: string) {
    const tape = new Tape();
    const q = tape.quote('99.9', '100.1');
    tape.ticker('100', rate, FUNDING);
    tape.quote('99.9', '100.1', 5000); // T0 + 7 s: before the funding time
    tape.ticker('120', rate, FUNDING, 2999); // mark moves to 120 just before funding time
    tape.quote('99.9', '100.1', 1); // T0 + 10 s: the funding time: settles with mark 120
    tape.ticker('130', '0.0009', FUNDING, 1000); // a late ticker repeating the settled time
    tape.quote('99.9', '100.1', 1000);
    return runScript(tape, { [q]: (ctx) => ctx.marketOrder({ ...BTC, side, qty: 2 }) }, { slippage_bps: 0 }).report;
  }

  it('positive rate: a long pays qty × mark × rate, once, at the mark known at the funding time', () => {
    const r = fundingRun('buy', '0.0001');
    expect(r.funding_list).toEqual([
      { ...BTC, ts: FUNDING, rate: 0.0001, mark_price: 120, position_qty: 2, amount: expect.closeTo(-0.024, 12) },
    ]);
    expect(r.funding_paid).toBeCloseTo(0.024, 12);
    expect(r.funding_received).toBe(0);
  });

  it('positive rate: a short receives', () => {
    const r = fundingRun('sell', '0.0001');
    expect(r.funding_list[0].amount).toBeCloseTo(0.024, 12);
    expect(r.funding_received).toBeCloseTo(0.024, 12);
  });

  it('negative rate: a long receives and a short pays', () => {
    expect(fundingRun('buy', '-0.0002').funding_received).toBeCloseTo(0.048, 12);
    expect(fundingRun('sell', '-0.0002').funding_paid).toBeCloseTo(0.048, 12);
  });

  it('settles when the exchange announces the next funding time before the receipt clock reached the old one', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100.1');
    tape.ticker('100', '0.0001', FUNDING);
    tape.ticker('101', '0.0003', FUNDING + 8 * 3_600_000, 1000); // rolled over at T0 + 2 s
    const r = runScript(
      tape,
      { [q]: (ctx) => ctx.marketOrder({ ...BTC, side: 'buy', qty: 1 }) },
      { slippage_bps: 0 },
    ).report;
    expect(r.funding_list).toEqual([
      expect.objectContaining({ ts: FUNDING, rate: 0.0001, mark_price: 100, amount: expect.closeTo(-0.01, 12) }),
    ]);
  });

  it('is neither paid nor received while flat', () => {
    const tape = new Tape();
    tape.quote('99.9', '100.1');
    tape.ticker('100', '0.01', FUNDING);
    tape.quote('99.9', '100.1', 20_000);
    const r = runScript(tape, {}).report;
    expect(r.funding_list).toEqual([]);
  });
});

describe('risk limits', () => {
  it('reject orders beyond equity × leverage, but never an order that reduces the position', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    const outcomes: string[] = [];
    const note = (r: OrderResult) => outcomes.push(r.ok ? 'filled' : r.reason);
    runScript(
      tape,
      {
        [q]: (ctx) => {
          note(ctx.marketOrder({ ...BTC, side: 'buy', qty: 25 })); // 2500 > 1000 × 2
          note(ctx.marketOrder({ ...BTC, side: 'buy', qty: 15 })); // 1500
          note(ctx.marketOrder({ ...BTC, side: 'buy', qty: 6 })); // 2100 in all
          note(ctx.marketOrder({ ...BTC, side: 'sell', qty: 15 })); // reduces to flat
        },
      },
      { balance: 1000, leverage: 2, slippage_bps: 0 },
    );
    expect(outcomes).toEqual(['leverage', 'filled', 'leverage', 'filled']);
  });

  it('reject orders beyond max_position per market', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    const outcomes: string[] = [];
    const { report } = runScript(
      tape,
      {
        [q]: (ctx) => {
          for (const qty of [12, 8, 3]) {
            const r = ctx.marketOrder({ ...BTC, side: 'sell', qty });
            outcomes.push(r.ok ? 'filled' : r.reason);
          }
        },
      },
      { max_position: 1000, slippage_bps: 0 },
    );
    expect(outcomes).toEqual(['position_limit', 'filled', 'position_limit']);
    expect(report.orders.rejected.position_limit).toBe(2);
  });
});

describe('positions and round trips', () => {
  it('a fill that flips the position closes one trade and opens the next at the fill price', () => {
    const tape = new Tape();
    const q1 = tape.quote('99.9', '100');
    const q2 = tape.quote('109.9', '110');
    const q3 = tape.quote('104.9', '105');
    const positions: { qty: number; entry_price: number }[] = [];
    const { report } = runScript(
      tape,
      {
        [q1]: (ctx) => ctx.marketOrder({ ...BTC, side: 'buy', qty: 1 }),
        [q2]: (ctx) => {
          ctx.marketOrder({ ...BTC, side: 'sell', qty: 3 });
          positions.push(ctx.position(BTC));
        },
        [q3]: (ctx) => ctx.marketOrder({ ...BTC, side: 'buy', qty: 2 }),
      },
      { slippage_bps: 0, fee_binance_taker_bps: 0 },
    );
    expect(positions[0]).toMatchObject({ qty: -2, entry_price: 109.9 });
    expect(report.trade_list.map((t) => [t.direction, t.qty, t.entry_price, t.exit_price, t.net_pnl])).toEqual([
      ['long', 1, 100, 109.9, expect.closeTo(9.9, 10)],
      ['short', 2, 109.9, 105, expect.closeTo(9.8, 10)],
    ]);
    expect(report.final_equity).toBeCloseTo(10_019.7, 9);
  });

  it('closing in parts leaves no float residue: the position is flat and the trade closed', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    let after = NaN;
    const { report } = runScript(tape, {
      [q]: (ctx) => {
        ctx.marketOrder({ ...BTC, side: 'buy', qty: 0.3 });
        ctx.marketOrder({ ...BTC, side: 'sell', qty: 0.1 });
        ctx.marketOrder({ ...BTC, side: 'sell', qty: 0.2 });
        after = ctx.position(BTC).qty;
      },
    });
    expect(after).toBe(0);
    expect(report.trades).toBe(1);
  });

  it('close_at_end closes what is open at the last quote, as taker', () => {
    const tape = new Tape();
    const q = tape.quote('99.9', '100');
    tape.quote('119.9', '120');
    const { report } = runScript(
      tape,
      { [q]: (ctx) => ctx.marketOrder({ ...BTC, side: 'buy', qty: 1 }) },
      { close_at_end: true, slippage_bps: 0 },
    );
    expect(report.trade_list).toEqual([expect.objectContaining({ direction: 'long', exit_price: 119.9, tag: '' })]);
    expect(report.fill_list.at(-1)).toMatchObject({ tag: 'close_at_end', liquidity: 'taker' });
    expect(report.final_equity).toBeCloseTo(10_000 + 19.9 - 100 * 0.0005 - 119.9 * 0.0005, 9);
  });
});

describe('equity curve interval', () => {
  it('closes a long silence with one point instead of sampling every interval of it', () => {
    const tape = new Tape();
    tape.quote('100', '101');
    tape.quote('100', '101', 3 * 365 * 86_400_000); // three years of silence
    tape.quote('100', '101', 60_000);
    const curve = runScript(tape, {}, { interval: 60_000 }).report.equity_curve;
    expect(curve.length).toBeLessThan(10);
  });

  it('refuses an interval that would split the session into too many periods, naming the parameter', () => {
    const tape = new Tape();
    for (let i = 0; i < 250; i++) tape.quote('100', '101', 5000);
    expect(() => runScript(tape, {}, { interval: 1 })).toThrow(/interval: 1 ms splits this session.*--param interval/);
    expect(runScript(tape, {}, { interval: 1000 }).report.equity_curve.length).toBeGreaterThan(1000);
  });
});
