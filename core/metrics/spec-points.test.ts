/**
 * The two bugs issue 16 fixed and the open points it settled in docs/quant-blueprint.md
 * (sections "Time", "Figures", "Z-scores", "Alert tiers"), one test each, written from the
 * document: the comment above each test quotes the sentence it checks. Small hand-checkable
 * sessions: 1 s buckets, a 5 s timeframe, z over 20 buckets.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent, Side } from '../events.ts';
import type { AlertRecord } from './types.ts';
import { QUIET, runEngine, Script, type Where } from './test-support.ts';

/** Every tier off and no cooldown, so a test sees exactly the arming of the rule it turns on. */
const BASE = { ...QUIET, alerts: { ...QUIET.alerts, cooldownMs: 0 } };
type TierKey = 'tier1' | 'tier2' | 'tier3' | 'tier4';
/** BASE with one tier turned on (and given `settings`), plus top-level `overrides`. */
const withTier = (tier: TierKey, settings: object = {}, overrides: object = {}) => ({
  ...BASE,
  ...overrides,
  alerts: { ...BASE.alerts, [tier]: { ...BASE.alerts[tier], enabled: true, ...settings } },
});
/** BASE with the single timeframe `name` in place of 5 s, wherever a timeframe is named. */
function oneTimeframe(name: string, ms: number, overrides: object = {}) {
  const tf = { timeframe: name };
  return {
    ...BASE,
    ...overrides,
    timeframes: [{ name, ms }],
    rvolTimeframe: name,
    regime: tf,
    alerts: { ...BASE.alerts, tier3: tf, tier4: tf, tier5: tf },
  };
}

const brief = (a: AlertRecord[]) => a.map((x) => [x.symbol, x.bucket_ts / 1000, x.rule, x.direction]);
const at = (b: number, ms = 0) => b * 1000 + ms;
/** One trade per bucket at price 100 whose signed notional is the bucket's CVD. */
function cvdBuckets(s: Script, from: number, cvds: number[]): Script {
  cvds.forEach((cvd, i) => s.trade(at(from + i, 100), '100', String(Math.abs(cvd) / 100), cvd < 0 ? 'sell' : 'buy'));
  return s;
}
const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 100 : -100));
const ETH: Where = { symbol: 'ETHUSDT', market: 'ETH/USDT:USDT' };
const SOL: Where = { symbol: 'SOLUSDT', market: 'SOL/USDT:USDT' };

describe('alert tiers: re-arming (the two fixed bugs)', () => {
  // Tier 3 re-arms when |OI Δ| ≤ 0.5 % (both sides): a swing through to the other side is not a
  // quiet market. Before the fix the up side re-armed on any OI Δ ≤ 0.5, −3 % included.
  it.each([
    ['up', 'buy'],
    ['down', 'sell'],
  ] as const)('tier 3 %s side: a swing to the other side does not re-arm; back within ±0.5 %% does', (dir, taker) => {
    // OI per bucket, drawn for the up side and mirrored about 1000 for the down side.
    const up = [
      ...Array<number>(12).fill(1000), // b0–b11: flat, Δ 0 → armed
      1020, // b12: +2 % vs b7 → fires
      ...Array<number>(5).fill(970), // b13–b17: −3 %, −4.9 %: the other side of zero, not quiet
      ...Array<number>(5).fill(1000), // b18–b22: +3.1 % vs 970: a crossing, but not re-armed
      996, // b23: −0.4 % vs b18: within ±0.5 % → re-armed
      1020, // b24: +2 % vs b19 → fires
      1020, // b25: closes b24
    ];
    const s = new Script();
    up.forEach((oi, b) => {
      s.openInterest(at(b, 10), String(dir === 'up' ? oi : 2000 - oi));
      s.trade(at(b, 100), '100', '1', taker); // CVD on the alert's side throughout
    });
    const { alerts, rows } = runEngine(withTier('tier3', { oiChgPct: 1, rearmOiChgPct: 0.5 }), s.events);
    expect(rows[13].timeframes['5s'].oi_chg_pct).toBeCloseTo(dir === 'up' ? -3 : 3, 9);
    expect(brief(alerts)).toEqual([
      ['BTCUSDT', 12, 'cvd_oi', dir],
      ['BTCUSDT', 24, 'cvd_oi', dir],
    ]);
  });

  // Tier 4 re-arms when |funding| ≤ 0.005 % or OI is no longer falling (both sides). Before the
  // fix the down side re-armed on any funding ≤ 0.005 %, so a swing to −0.02 % re-armed it.
  it('tier 4: funding swinging through zero while OI falls re-arms neither side; quiet funding or OI no longer falling does', () => {
    const funding = [
      ...Array<string>(12).fill('0'), // b0–b11: quiet → both sides armed
      '0.0002', // b12: longs pay, OI falls → down fires
      '-0.0002', // b13: shorts pay, OI falls → up fires (mirror); the down side stays used up
      '0.0002', // b14: down crossing again, not re-armed
      '-0.0002', // b15: up crossing again, not re-armed
      '0.00004', // b16: |funding| ≤ 0.005 % → both re-armed
      ...Array<string>(8).fill('0.0002'), // b17: down fires; b18–b24 (OI flat from b18): still held
    ];
    // OI falls one unit per bucket until b17, is flat b18–b23 (b22: Δ 0 vs b17 → OI no longer
    // falling → re-armed) and falls again at b24 → down fires.
    const oi = (b: number) => (b <= 17 ? 10_000 - b : b <= 23 ? 9983 : 9980);
    const s = new Script();
    for (let b = 0; b <= 25; b++)
      s.ticker(at(b, 10), { mark: '100', funding: funding[b] ?? '0.0002', oi: String(oi(b)) });
    const { alerts, rows } = runEngine(withTier('tier4'), s.events);
    expect(rows[22].timeframes['5s'].oi_chg_pct).toBe(0);
    expect(brief(alerts)).toEqual([
      ['BTCUSDT', 12, 'funding_oi', 'down'],
      ['BTCUSDT', 13, 'funding_oi', 'up'],
      ['BTCUSDT', 17, 'funding_oi', 'down'],
      ['BTCUSDT', 24, 'funding_oi', 'down'],
    ]);
  });
});

describe('figures', () => {
  // "OI USD: the USD value the exchange sent with its last OI poll, kept when a later ticker
  // carries OI in base units only; when the last poll sent none, OI × mark, or OI × price before
  // any mark is known." (the second fixed bug)
  it('oi_usd keeps the exchange’s own USD value, else OI × mark, else OI × last price', () => {
    const s = new Script()
      .ticker(at(0, 10), { mark: '65000' })
      .openInterest(at(0, 20), '10') // the exchange values it at 650,500 (below), not 10 × 65,000
      .ticker(at(1, 10), { mark: '65000', oi: '11' }) // OI in base units only
      .openInterest(at(2, 10), '12') // a poll without a USD value
      .ticker(at(3, 10), { mark: '65000' })
      .trade(at(0, 10), '2000', '1', 'buy', ETH)
      .openInterest(at(0, 20), '5', ETH) // no mark yet: OI × last price
      .ticker(at(1, 10), { mark: '2010' }, ETH) // a mark now: OI × mark
      .ticker(at(2, 10), { mark: '2010' }, ETH);
    const events = s.events.map(
      (e): RecordedEvent =>
        e.kind === 'open_interest' && e.symbol === 'BTCUSDT' && e.local_ts === at(0, 20)
          ? { ...e, value: '650500' }
          : e,
    );
    const { rows } = runEngine(BASE, events);
    const oi = (symbol: string) => rows.filter((r) => r.symbol === symbol).map((r) => [r.bucket_ts / 1000, r.oi_usd]);
    expect(oi('BTCUSDT')).toEqual([
      [0, 650_500],
      [1, 650_500], // the ticker's 11 in base units does not replace the exchange's valuation
      [2, 12 * 65_000],
    ]);
    expect(rows.find((r) => r.symbol === 'BTCUSDT' && r.bucket_ts === 1000)?.oi_chg_pct).toBeCloseTo(10, 9); // Δ in base units
    expect(oi('ETHUSDT')).toEqual([
      [0, 5 * 2000],
      [1, 5 * 2010],
    ]);
  });

  // "RSI(14): only neighbouring buckets make a change: across a gap the closes on either side are
  // not compared (as price Δ is unknown there) ... unknown until the first bucket after the gap has closed."
  it('rsi14 is NULL in the first row after a gap, like price_chg_pct, and known again after', () => {
    const s = new Script();
    for (let b = 0; b <= 15; b++) s.trade(at(b, 100), String(100 + b), '1', 'buy'); // a steady rise: RSI 100
    s.gap(at(20), at(15, 500)); // buckets 16–19 missing
    s.trade(at(20, 100), '50', '1', 'buy') // far below the last close before the gap
      .trade(at(21, 100), '51', '1', 'buy')
      .trade(at(22, 100), '52', '1', 'buy');
    const { rows } = runEngine(BASE, s.events);
    const view = rows.filter((r) => r.bucket_ts >= at(14)).map((r) => [r.bucket_ts / 1000, r.rsi14, r.price_chg_pct]);
    expect(view).toEqual([
      [14, 100, (114 / 113 - 1) * 100],
      [15, 100, (115 / 114 - 1) * 100],
      [20, null, null],
      // 115 → 50 across the gap is not a loss: every change counted is a gain, so RSI stays 100.
      [21, 100, (51 / 50 - 1) * 100],
    ]);
  });
});

describe('time: buckets, closing, gaps, silence and warm-up', () => {
  // "A condition that crosses during warm-up uses its crossing up: it does not fire then, nor when
  // warm-up ends; it fires only after it has been seen clear again and crosses anew."
  it('a crossing during warm-up is used up: no alert at it nor when warm-up ends, only after clear and a new crossing', () => {
    const cvds = [
      ...alternating(12), // b0–b11: z at b10, b11 ≈ ±0.95 arms both sides
      1000, // b12: z 9.6, during warm-up (14 buckets)
      2000, // b13: still beyond 2.5, still warming up
      3000, // b14: warm-up over, still beyond 2.5 → no alert: not a new crossing
      -100, // b15: seen clear → re-armed
      5000, // b16: a new crossing → fires
      100, // b17: closes b16
    ];
    const tier1 = withTier('tier1', { series: ['cvd'] });
    const { rows, alerts } = runEngine({ ...tier1, warmupBuckets: 14 }, cvdBuckets(new Script(), 0, cvds).events);
    expect(rows.slice(12, 17).map((r) => [r.bucket_ts / 1000, r.warmup, (r.z.cvd ?? 0) >= 2.5])).toEqual([
      [12, true, true],
      [13, true, true],
      [14, false, true],
      [15, false, false],
      [16, false, true],
    ]);
    expect(brief(alerts)).toEqual([['BTCUSDT', 16, 'z:cvd', 'up']]);
    // Control: with warm-up over by b12, the same session fires at that first crossing (and at b16).
    expect(brief(runEngine(tier1, cvdBuckets(new Script(), 0, cvds).events).alerts)).toEqual([
      ['BTCUSDT', 12, 'z:cvd', 'up'],
      ['BTCUSDT', 16, 'z:cvd', 'up'],
    ]);
  });

  // "A gap that ends inside the open bucket leaves that bucket open: it holds data from before
  // and after the loss and closes normally. The market still warms up again."
  it('a gap ending inside the open bucket leaves it open (one row, flows from both sides) and warms up again', () => {
    const s = cvdBuckets(new Script(), 0, alternating(12));
    s.trade(at(12, 100), '100', '6', 'buy') // b12 before the loss: CVD 600
      .gap(at(12, 500), at(12, 200)) // the feed is back within the same bucket
      .trade(at(12, 800), '100', '4', 'buy'); // b12 after the loss: CVD 400 → 1000 in all, z ≈ 9.6
    cvdBuckets(s, 13, [...alternating(10), 5000, 100]); // b13–b22 quiet, b23 spike, b24 closes it
    const { rows, alerts } = runEngine(withTier('tier1', { series: ['cvd'] }), s.events);
    const b12 = rows.find((r) => r.bucket_ts === at(12));
    expect(b12).toMatchObject({ volume: 10, cvd: 1000, local_ts: at(13, 100), warmup: true }); // closed by b13's trade
    expect(rows.map((r) => r.bucket_ts / 1000)).toEqual(Array.from({ length: 24 }, (_, b) => b)); // nothing missing
    expect(rows.filter((r) => r.warmup).map((r) => r.bucket_ts / 1000)).toEqual([
      ...Array.from({ length: 10 }, (_, b) => b), // start
      ...Array.from({ length: 10 }, (_, i) => 12 + i), // again after the gap: b12–b21
    ]);
    expect(brief(alerts)).toEqual([['BTCUSDT', 23, 'z:cvd', 'up']]);
  });

  // "Silence is measured in buckets, from the start of the open bucket to the start of the bucket
  // of the market's next event: (b − open) × bucketMs > maxSilenceMs."
  it('silence: (b − open) × bucketMs > maxSilenceMs leaves the silent buckets missing and restarts warm-up; exactly maxSilenceMs does not', () => {
    const cfg = { ...BASE, maxSilenceMs: 5000, warmupBuckets: 1 };
    const session = (next: number) =>
      new Script()
        .trade(at(0, 100), '100', '1', 'buy')
        .trade(at(1, 100), '100', '1', 'buy') // b1 open
        .trade(at(next, 900), '100', '1', 'buy') // late in its bucket: only bucket starts count
        .trade(at(next + 1, 100), '100', '1', 'buy').events;
    const view = (next: number) =>
      runEngine(cfg, session(next)).rows.map((r) => [r.bucket_ts / 1000, r.volume, r.warmup]);
    // Next event in b7: (7 − 1) × 1000 = 6000 > 5000 → silence: b2–b6 missing, warm-up again at b7.
    expect(view(7)).toEqual([
      [0, 1, true],
      [1, 1, false],
      [7, 1, true],
    ]);
    // Next event in b6: (6 − 1) × 1000 = 5000, not more (though 5.8 s passed between the events)
    // → b2–b5 close as empty rows, no restart.
    expect(view(6)).toEqual([
      [0, 1, true],
      [1, 1, false],
      [2, 0, false],
      [3, 0, false],
      [4, 0, false],
      [5, 0, false],
      [6, 1, false],
    ]);
  });

  // "At slot resolution the base of a change (price Δ, OI Δ, L/S Δ) is the level at the last
  // bucket of the slot before the window." 12 buckets with at most 3 slots: slots of 4 buckets.
  it('at slot resolution the base of a change is the level at the last bucket of the slot before the window', () => {
    const s = new Script();
    for (let b = 0; b <= 17; b++) {
      s.trade(at(b, 100), String(100 + b), '1', 'buy');
      s.openInterest(at(b, 200), String(1000 + 10 * b));
      s.longShort(at(b, 300), String(1 + b / 100));
    }
    const { rows } = runEngine(oneTimeframe('12s', 12_000, { maxSlotsPerTimeframe: 3 }), s.events);
    // Bucket → (the bucket whose levels are the base, buckets in the window): the window is the
    // current 4-bucket slot so far plus the two before it.
    const expected: [number, number, number][] = [
      [12, 3, 9], // slots 1–3 (b4–b12); base: b3, the last bucket of slot 0 (not b0, 12 buckets back)
      [13, 3, 10],
      [15, 3, 12],
      [16, 7, 9], // slots 2–4 (b8–b16); base: b7
    ];
    for (const [b, base, buckets] of expected) {
      const tf = rows[b].timeframes['12s'];
      expect(tf.buckets).toBe(buckets);
      expect(tf.price_chg_pct).toBeCloseTo(((100 + b) / (100 + base) - 1) * 100, 12);
      expect(tf.oi_chg_pct).toBeCloseTo(((1000 + 10 * b) / (1000 + 10 * base) - 1) * 100, 12);
      expect(tf.ls_global_chg).toBeCloseTo((b - base) / 100, 12);
    }
  });

  // "The slot is the smallest number of buckets at least window / maxSlotsPerTimeframe that
  // divides the window exactly (a window of 7 buckets with at most 3 slots has one slot of 7)."
  it('a slot size that does not divide the window grows to the next divisor: 7 buckets, at most 3 slots → one slot of 7', () => {
    const s = new Script();
    for (let b = 0; b <= 15; b++) s.trade(at(b, 100), String(100 + b), '1', 'buy');
    const { rows } = runEngine(oneTimeframe('7s', 7000, { maxSlotsPerTimeframe: 3 }), s.events);
    const tf = rows.map((r) => r.timeframes['7s']);
    // The window is the current 7-bucket slot so far: 1..7 buckets, then back to 1 at b7 and b14.
    const slotSoFar = [1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1];
    expect(tf.map((f) => f.buckets)).toEqual(slotSoFar);
    expect(tf.map((f) => f.volume)).toEqual(slotSoFar);
    // Its base is the last bucket of the previous slot: b6 for b7–b13, b13 for b14.
    expect(tf[0].price_chg_pct).toBeNull();
    expect(tf[10].price_chg_pct).toBeCloseTo((110 / 106 - 1) * 100, 12);
    expect(tf[14].price_chg_pct).toBeCloseTo((114 / 113 - 1) * 100, 12);
  });
});

describe('z-scores: "no spread"', () => {
  // "No z (NULL) ... when the window has no spread (a constant series is not unusual whatever
  // comes next: its z would be infinite)". "No spread" is exact: a tiny but real spread is
  // movement and gives a z. Tier 1 on funding shows what the NULL means to a trader: no alert.
  it('a window of one constant value gives no z (and no alert) whatever comes next; a tiny but real spread (relative 1e-3) gives one', () => {
    const session = (stretch: (b: number) => string) => {
      const s = new Script();
      const funding = (b: number) =>
        b < 12 ? (b % 2 ? '0.00011' : '0.0001') : b < 32 ? stretch(b) : b === 32 ? '0.0005' : '0.0001';
      // b0–b11 vary (z known and small at b10, b11: tier 1 armed); b12–b31 fill the whole
      // 20-bucket window with `stretch`; b32 jumps far outside it; b33 closes it.
      for (let b = 0; b <= 33; b++) s.ticker(at(b, 10), { mark: '100', funding: funding(b) });
      const { rows, alerts } = runEngine(withTier('tier1', { series: ['funding_rate'] }), s.events);
      return { z: rows.map((r) => r.z.funding_rate), alerts: brief(alerts) };
    };
    const constant = session(() => '0.0001');
    expect(constant.z[11]).not.toBeNull();
    expect(constant.z[32]).toBeNull();
    expect(constant.alerts).toEqual([]);
    const tiny = session((b) => (b % 2 ? '0.0001001' : '0.0001'));
    expect(tiny.z[31]).not.toBeNull();
    expect(tiny.z[32]).toBeGreaterThan(1000); // 0.0005 is thousands of these tiny std away
    expect(tiny.alerts).toEqual([['BTCUSDT', 32, 'z:funding_rate', 'up']]);
  });
});

describe('alert tiers: directions of spikes and unknown figures', () => {
  /** The spike's legs per market: sell-only on BTC, buy-only on ETH, balanced on SOL (quantities at 100). */
  const SPIKES: [Where, [Side, string][]][] = [
    [{}, [['sell', '20']]],
    [ETH, [['buy', '20']]],
    [
      SOL,
      [
        ['buy', '10'],
        ['sell', '10'],
      ],
    ],
  ];
  /**
   * b0–b11: `base` (varying flow, trades at 100); b12: only `spike`, so its price is the carried
   * 100 (price Δ exactly 0) and its flow is the spike's alone; a trade in b13 closes it.
   */
  function flatSession(s: Script, w: Where, base: (b: number) => void, spike: (t: number) => void) {
    for (let b = 0; b < 12; b++) base(b);
    spike(at(12, 200));
    s.trade(at(13, 100), '100', '1', 'buy', w);
  }

  // "When price did not move (or is unknown), the direction of the flow itself — a volume spike
  // whose CVD is negative (takers selling) is down ...; flat and balanced, no alert."
  it('a volume spike at a flat price takes the direction of its CVD: sell-only down, buy-only up, balanced none', () => {
    const s = new Script();
    for (const [w, legs] of SPIKES)
      flatSession(
        s,
        w,
        (b) => s.trade(at(b, 100), '100', b % 2 ? '1' : '2', b % 2 ? 'sell' : 'buy', w),
        (t) => legs.forEach(([side, qty]) => s.trade(t, '100', qty, side, w)),
      );
    const { alerts, rows } = runEngine(withTier('tier1', { series: ['quote_volume'] }), s.events);
    expect(rows.filter((r) => r.bucket_ts === at(12)).every((r) => r.price_chg_pct === 0)).toBe(true);
    expect(rows.find((r) => r.symbol === 'SOLUSDT' && r.bucket_ts === at(12))?.z.quote_volume).toBeGreaterThan(2.5);
    expect(brief(alerts)).toEqual([
      ['BTCUSDT', 12, 'z:quote_volume', 'down'],
      ['ETHUSDT', 12, 'z:quote_volume', 'up'],
    ]);
  });

  // "... a liquidation spike with more longs than shorts liquidated (forced sells) is down; flat
  // and balanced, no alert." A sell-side liquidation order closes a long.
  it('a liquidation spike at a flat price: more longs liquidated down, more shorts up, balanced none', () => {
    const s = new Script();
    for (const [w, legs] of SPIKES)
      flatSession(
        s,
        w,
        (b) =>
          s
            .trade(at(b, 100), '100', '1', 'buy', w)
            .liquidation(at(b, 50), '100', b % 2 ? '1' : '2', b % 2 ? 'sell' : 'buy', w),
        (t) => legs.forEach(([side, qty]) => s.liquidation(t, '100', qty, side, w)),
      );
    const { alerts, rows } = runEngine(withTier('tier1', { series: ['liq_usd'] }), s.events);
    expect(rows.find((r) => r.symbol === 'SOLUSDT' && r.bucket_ts === at(12))?.z.liq_usd).toBeGreaterThan(2.5);
    expect(brief(alerts)).toEqual([
      ['BTCUSDT', 12, 'z:liq_usd', 'down'],
      ['ETHUSDT', 12, 'z:liq_usd', 'up'],
    ]);
  });

  // Tier 2: "All three figures must be known at the bucket: an unknown one is not 'not held', so a
  // venue without long/short data never alerts here." Two of three known conditions used to fire.
  it('tier 2 never fires without long/short data, even when the z and imbalance conditions hold', () => {
    const session = (withLs: boolean) => {
      const s = new Script();
      for (let b = 0; b < 16; b++) {
        if (withLs) s.longShort(at(b, 10), '1'); // known, but not beyond 2
        s.book(at(b, 50), ['99.99', b === 14 ? '3' : '1'], ['100.01', '1']); // b14: +50 % imbalance
        s.trade(at(b, 100), '100', b === 14 ? '10' : '1', b % 2 ? 'sell' : 'buy'); // b14: CVD 1000, z ≈ 9.6
      }
      return runEngine(withTier('tier2', { zSeries: 'cvd', lsSeries: 'ls_global' }), s.events);
    };
    const without = session(false);
    const b14 = without.rows[14];
    expect(b14.ls_global).toBeNull();
    expect(b14.z.cvd).toBeGreaterThan(2.5);
    expect(b14.imbalance).toBeGreaterThan(3);
    expect(without.alerts).toEqual([]);
    // Control: the same session with a known (neutral) L/S fires on two of three conditions.
    expect(brief(session(true).alerts)).toEqual([['BTCUSDT', 14, 'confluence', 'up']]);
  });
});
