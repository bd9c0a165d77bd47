/**
 * Hand-built sessions for each alert tier, with the z-scores worked out in the comments
 * (sample std over the window of earlier buckets; "score, then update").
 */
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from './types.ts';
import { QUIET, runEngine, Script, type Where } from './test-support.ts';

const BASE = QUIET;
const only = (tier: 1 | 2 | 3 | 4 | 5, extra: object = {}) => ({
  ...BASE,
  alerts: { ...BASE.alerts, [`tier${tier}`]: { ...BASE.alerts[`tier${tier}`], enabled: true, ...extra } },
});

/** One trade per bucket at price 100 whose signed notional is the bucket's CVD. */
function cvdBuckets(s: Script, from: number, cvds: number[], w: Where = {}): Script {
  cvds.forEach((cvd, i) =>
    s.trade((from + i) * 1000 + 100, '100', String(Math.abs(cvd) / 100), cvd < 0 ? 'sell' : 'buy', w),
  );
  return s;
}
const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 100 : -100));
const brief = (a: AlertRecord[]) => a.map((x) => [x.bucket_ts / 1000, x.tier, x.rule, x.direction]);

describe('tier 1: a single |z| beyond 2.5', () => {
  it('fires on the crossing, re-arms only below 1.5, and honours the per-direction cooldown', () => {
    const s = cvdBuckets(new Script(), 0, [
      ...alternating(12), // b0–b11: warm-up; z at b10, b11 is ±0.95, which arms both sides
      1000, // b12: z = 1000 / 104.45 = 9.57 → fires up
      1000, // b13: z = 3.13, still beyond, but not re-armed → nothing
      -100, // b14: z < 1.5 → re-armed
      3000, // b15: z = 7.8, a crossing inside the cooldown (until 22 s) → swallowed
      -100, // b16: re-armed
      100,
      -100, // b17, b18
      -3000, // b19: z = −4.4, crossing down: the cooldown is per direction → fires down
      100,
      -100, // b20, b21
      6000, // b22: z = 5.8, cooldown over (22 s ≥ 22 s) → fires up
      100, // b23: closes b22
    ]);
    const { alerts } = runEngine(only(1), s.events);
    expect(brief(alerts)).toEqual([
      [12, 1, 'z:cvd', 'up'],
      [19, 1, 'z:cvd', 'down'],
      [22, 1, 'z:cvd', 'up'],
    ]);
    const first = alerts[0];
    expect(first.value).toBeCloseTo(1000 / Math.sqrt((12 * 100 ** 2) / 11), 9);
    expect(first).toMatchObject({
      threshold: 2.5,
      price: 100,
      local_ts: 13_100,
      inputs: { series: 'cvd', value: 1000, mean: 0 },
    });
    expect(first.inputs.std).toBeCloseTo(104.4465, 3);
  });

  it('never fires during warm-up', () => {
    const s = cvdBuckets(new Script(), 0, [...alternating(12), 1000, ...alternating(6)]);
    // b12 is extreme (z 9.6) but with 14 buckets of warm-up it is still warming up.
    expect(runEngine({ ...only(1), warmupBuckets: 14 }, s.events).alerts).toEqual([]);
    // The same session with 10 buckets of warm-up alerts at b12: it was warm-up that held it back.
    expect(brief(runEngine(only(1), s.events).alerts)).toEqual([[12, 1, 'z:cvd', 'up']]);
  });

  it('warms up again after a gap: no alert until warmupBuckets buckets have closed after it', () => {
    const s = cvdBuckets(new Script(), 0, alternating(14));
    s.gap(20_000, 13_500);
    cvdBuckets(s, 20, [...alternating(4), 1000, ...alternating(5), 100, -100, 1000, 100]);
    // b24: spike 4 buckets after the gap (warming up) → nothing; b32: 12 buckets after → fires.
    expect(brief(runEngine(only(1), s.events).alerts)).toEqual([[32, 1, 'z:cvd', 'up']]);
  });

  it('takes the direction of the price move for a series without a sign (volume)', () => {
    const s = new Script();
    for (let b = 0; b < 12; b++) s.trade(b * 1000 + 100, '100', '1', 'buy');
    s.trade(12_100, '99', '20', 'buy'); // volume spike while price falls
    s.trade(13_100, '99', '1', 'buy');
    const { alerts } = runEngine({ ...only(1, { series: ['quote_volume'] }), zMinSamples: 3 }, s.events);
    // The window of constant volumes has no spread, so the first z is known only once it varies:
    // here it never does before the spike, so nothing can be scored → no alert.
    expect(alerts).toEqual([]);
    const v = new Script();
    for (let b = 0; b < 12; b++) v.trade(b * 1000 + 100, '100', b % 2 ? '1' : '2', 'buy');
    v.trade(12_100, '99', '20', 'buy').trade(13_100, '99', '1', 'buy');
    expect(brief(runEngine(only(1, { series: ['quote_volume'] }), v.events).alerts)).toEqual([
      [12, 1, 'z:quote_volume', 'down'],
    ]);
  });
});

describe('tier 2: confluence of z, long/short ratio and order-book imbalance', () => {
  const TIER2 = only(2, { zSeries: 'cvd', lsSeries: 'ls_global', ls: 2, imbalancePct: 3, windowBuckets: 6 });
  const balanced = (s: Script, b: number, w: Where = {}) => s.book(b * 1000 + 50, ['99.99', '1'], ['100.01', '1'], w); // imbalance ≈ 0
  const bidHeavy = (s: Script, b: number, w: Where = {}) => s.book(b * 1000 + 50, ['99.99', '3'], ['100.01', '1'], w); // +50 %

  /** A market with balanced book, L/S 1 and alternating CVD; `tweak` adds events per bucket. */
  function market(s: Script, w: Where, buckets: number, tweak: (b: number) => void) {
    for (let b = 0; b < buckets; b++) {
      s.longShort(b * 1000 + 10, '1', w);
      balanced(s, b, w);
      tweak(b);
      s.trade(b * 1000 + 100, '100', '1', b % 2 ? 'sell' : 'buy', w);
    }
  }

  it('fires when two of three conditions hold within the window, listing which held', () => {
    const s = new Script();
    const btc = {};
    market(s, btc, 16, (b) => {
      if (b >= 12) s.longShort(b * 1000 + 20, '2.5', btc); // b12: 1 of 3 → still clear
      if (b === 14) bidHeavy(s, b, btc); // b14: 2 of 3 → fires
    });
    const { alerts } = runEngine(TIER2, s.events);
    expect(brief(alerts)).toEqual([[14, 2, 'confluence', 'up']]);
    expect(alerts[0].value).toBeCloseTo(2 / 3, 12);
    expect(alerts[0].inputs).toMatchObject({ ls: 2.5, ls_held: true, imbalance_held: true, z_held: false });
  });

  it('counts a condition that held earlier in the window, not one that held before it', () => {
    const s = new Script();
    const eth = { symbol: 'ETHUSDT', market: 'ETH/USDT:USDT' };
    const sol = { symbol: 'SOLUSDT', market: 'SOL/USDT:USDT' };
    market(s, eth, 20, (b) => {
      if (b === 12) s.longShort(b * 1000 + 20, '2.5', eth); // held at b12 only
      if (b === 16) bidHeavy(s, b, eth); // b16: window b11–b16 still has b12 → fires
    });
    market(s, sol, 22, (b) => {
      if (b === 12) s.longShort(b * 1000 + 20, '2.5', sol);
      if (b === 19) bidHeavy(s, b, sol); // b19: window b14–b19 → only 1 of 3 → nothing
    });
    const { alerts } = runEngine(TIER2, s.events);
    expect(alerts.map((a) => [a.symbol, a.bucket_ts / 1000])).toEqual([['ETHUSDT', 16]]);
  });

  it('fires short when the mirrored conditions hold (L/S below 1/2, ask-heavy book)', () => {
    const s = new Script();
    market(s, {}, 16, (b) => {
      if (b >= 12) s.longShort(b * 1000 + 20, '0.4');
      if (b === 13) s.book(b * 1000 + 60, ['99.99', '1'], ['100.01', '3']);
    });
    expect(brief(runEngine(TIER2, s.events).alerts)).toEqual([[13, 2, 'confluence', 'down']]);
  });
});

describe('tier 3: CVD aligned with an open-interest change beyond 1 %', () => {
  it('fires on OI +2 % with buying, and overrides a lower tier’s cooldown', () => {
    const s = new Script();
    for (let b = 0; b < 16; b++) s.openInterest(b * 1000 + 10, b < 13 ? '1000' : '1020');
    cvdBuckets(s, 0, [...alternating(12), 1000, -100, 1000, 100]);
    // b12: tier 1 up (cooldown tier 1 until 22 s). b13: OI 1020 vs 1000 at b8 = +2 %, CVD over
    // b9–b13 = +800 → tier 3 up fires through the tier-1 cooldown and takes it over.
    // b14: tier 1 crosses again (re-armed at b13) but the cooldown now belongs to tier 3 → swallowed.
    const cfg = { ...only(3, { oiChgPct: 1, rearmOiChgPct: 0.5 }) };
    cfg.alerts = { ...cfg.alerts, tier1: { enabled: true, series: ['cvd'] } };
    const { alerts } = runEngine(cfg, s.events);
    expect(brief(alerts)).toEqual([
      [12, 1, 'z:cvd', 'up'],
      [13, 3, 'cvd_oi', 'up'],
    ]);
    expect(alerts[1].value).toBeCloseTo(2, 9);
    expect(alerts[1].inputs).toMatchObject({ timeframe: '5s', cvd: 800 });
  });

  it('does not fire when CVD points the other way', () => {
    const s = new Script();
    for (let b = 0; b < 16; b++) s.openInterest(b * 1000 + 10, b < 13 ? '1000' : '1020');
    cvdBuckets(s, 0, [...alternating(12), -1000, -100, -100, 100]);
    expect(runEngine(only(3), s.events).alerts).toEqual([]);
  });
});

describe('tier 4: funding beyond 0.01 % while open interest falls', () => {
  function session(funding: string) {
    const s = new Script();
    const oi = (b: number) => (b < 13 ? '1000' : String(1000 - (b - 12) * 5)); // falls from b13 on
    for (let b = 0; b < 20; b++)
      s.ticker(b * 1000 + 10, { mark: '100', funding: b < 12 ? '0.00005' : funding, oi: oi(b) });
    return s;
  }

  it('fires down once when longs pay and leave; no repeat while it stays true', () => {
    const { alerts } = runEngine(only(4), session('0.0002').events);
    expect(brief(alerts)).toEqual([[13, 4, 'funding_oi', 'down']]);
    expect(alerts[0].inputs.funding_rate).toBe(0.0002);
    expect(alerts[0].inputs.oi_chg_pct).toBeCloseTo(-0.5, 9); // 995 vs 1000 five buckets earlier
  });

  it('fires up in the mirror case: shorts pay and leave', () => {
    expect(brief(runEngine(only(4), session('-0.0002').events).alerts)).toEqual([[13, 4, 'funding_oi', 'up']]);
  });
});

describe('tier 5: cross-exchange divergence beyond 2 σ', () => {
  it('flags the exchange whose funding departs from the others, each against the others’ latest closed bucket', () => {
    const binance = {};
    const bybit = { exchange: 'bybit-linear' as const };
    const s = new Script();
    for (let b = 0; b < 17; b++) {
      s.ticker(b * 1000 + 10, { mark: '100', funding: '0.0001' }, binance);
      const f = b === 14 || b === 15 ? '0.0005' : b % 2 ? '0.00011' : '0.0001';
      s.ticker(b * 1000 + 20, { mark: '100', funding: f }, bybit);
    }
    const { alerts } = runEngine(only(5), s.events);
    // Bybit closes b14 after Binance closed b14 → sees the divergence at b14. Binance closes
    // b14 before Bybit has → compares with Bybit's b13 → sees it at b15.
    expect(alerts.map((a) => [a.exchange, a.bucket_ts / 1000, a.rule, a.direction])).toEqual([
      ['bybit-linear', 14, 'xex:funding', 'up'],
      ['binance-usdm', 15, 'xex:funding', 'down'],
    ]);
    expect(alerts[0].inputs).toMatchObject({ own: 0.0005, others_mean: 0.0001, others: 1 });
  });
});

describe('forward returns', () => {
  it('records the return 5, 15 and 60 minutes after the alert’s bucket, once those buckets close', () => {
    const MIN = 60_000;
    const s = new Script();
    const at = (b: number, price: string, cvd = 0) =>
      s.trade(b * MIN + 100, price, String(Math.abs(cvd) / 100), cvd < 0 ? 'sell' : 'buy');
    for (let b = 0; b < 12; b++) at(b, '100', b % 2 ? -100 : 100);
    at(12, '100', 1000); // tier 1 up at bucket 12, price 100
    for (let b = 13; b <= 73; b++) at(b, b >= 72 ? '110' : b >= 27 ? '99' : b >= 17 ? '101' : '100');
    const tf = { timeframe: '5m' };
    const cfg = {
      ...only(1),
      bucketMs: MIN,
      timeframes: [{ name: '5m', ms: 5 * MIN }],
      rvolTimeframe: '5m',
      regime: tf,
      alerts: { ...only(1).alerts, tier3: tf, tier4: tf, tier5: tf },
    };
    const { alerts, forward } = runEngine(cfg, s.events);
    expect(brief(alerts)[0]).toEqual([12 * 60, 1, 'z:cvd', 'up']);
    const key = { exchange: 'binance-usdm', symbol: 'BTCUSDT', bucket_ts: 12 * MIN, rule: 'z:cvd', direction: 'up' };
    const mine = forward.filter((f) => f.alert.bucket_ts === 12 * MIN);
    expect(mine.map((f) => f.column)).toEqual(['fwd_ret_5m', 'fwd_ret_15m', 'fwd_ret_60m']);
    expect(mine[0].alert).toEqual(key);
    expect(mine[0].value).toBeCloseTo(1, 9); // 101 at bucket 17
    expect(mine[1].value).toBeCloseTo(-1, 9); // 99 at bucket 27
    expect(mine[2].value).toBeCloseTo(10, 9); // 110 at bucket 72
  });
});
