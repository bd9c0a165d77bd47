/**
 * Golden tests of `metrics.preset: "seed"` (docs/quant-blueprint.md, "Presets: default and seed"):
 * tiny hand-built sessions with every expected figure worked out by hand in the comment next to
 * it. 1 s buckets; z over the 10 buckets before (at least 5 values); 5 buckets of warm-up.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../events.ts';
import type { AlertRecord } from './types.ts';
import { confluenceOf } from './regime.ts';
import { runEngine, Script, type Where } from './test-support.ts';

const SMALL = {
  bucketMs: 1000,
  timeframes: [{ name: '5s', ms: 5000 }],
  rvolTimeframe: '5s',
  timeframeZSeries: [],
  regime: { timeframe: '5s' },
  zWindowBuckets: 10,
  zMinSamples: 5,
  warmupBuckets: 5,
  alerts: { tier3: { timeframe: '5s' }, tier4: { timeframe: '5s' }, tier5: { timeframe: '5s' } },
};
const SEED = { preset: 'seed', ...SMALL };
const DEFAULT = { preset: 'default', ...SMALL };

/** Script.longShort records the global-accounts ratio; the seed model reads top accounts. */
const topAccounts = (events: RecordedEvent[]): RecordedEvent[] =>
  events.map((e) => (e.kind === 'long_short' ? { ...e, ratio_type: 'top_accounts' } : e));

const at = <T extends { bucket_ts: number; symbol: string }>(xs: T[], b: number, w: Where = {}) =>
  xs.find((x) => x.bucket_ts === b * 1000 && x.symbol === (w.symbol ?? 'BTCUSDT'));
const brief = (a: AlertRecord[]) => a.map((x) => [x.symbol, x.bucket_ts / 1000, x.tier, x.rule, x.direction]);

/** What one bucket of a market holds: OI and funding (ticker), top-account L/S, book imbalance (%). */
interface Inputs {
  oi?: string;
  funding?: string;
  ls?: string;
  imbalance?: number;
}

/**
 * Bucket `b` of a market: a buy at 100 (price flat: no price z), a ticker with the OI and
 * funding, the L/S ratio, and a one-level book at 100 whose quantities 1 ± imbalance/100 give
 * exactly that imbalance: ((1 + i) − (1 − i)) / 2 = i.
 */
function put(s: Script, b: number, x: Inputs, w: Where = {}): void {
  const t = b * 1000;
  s.trade(t + 100, '100', '1', 'buy', w);
  if (x.oi !== undefined || x.funding !== undefined)
    s.ticker(t + 200, { mark: '100', oi: x.oi, funding: x.funding }, w);
  if (x.ls !== undefined) s.longShort(t + 300, x.ls, w);
  if (x.imbalance !== undefined)
    s.book(t + 400, ['100', String(1 + x.imbalance / 100)], ['100', String(1 - x.imbalance / 100)], w);
}

/** OI levels from 1000 moving by `pct` % in each bucket after the first. */
function oiPath(pct: number[]): string[] {
  const out = ['1000'];
  for (const p of pct) out.push(String(Number(out.at(-1)) * (1 + p / 100)));
  return out;
}

/** Buckets 0..n of a market from `inputs(b)`, its OI moving by `oiPct[b − 1]` % in bucket b; a trade in bucket n + 1 closes n. */
function market(s: Script, w: Where, oiPct: number[], inputs: (b: number) => Omit<Inputs, 'oi'>): Script {
  const oi = oiPath(oiPct);
  oi.forEach((level, b) => put(s, b, { ...inputs(b), oi: level }, w));
  s.trade(oi.length * 1000 + 100, '100', '1', 'buy', w);
  return s;
}

/** OI Δ % of buckets 1–10: 0 in odd buckets, 2 in even ones, so five of each score bucket 11. */
const OI_STEPS = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 0 : 2));

/**
 * Buckets 0–10 alternate between two values of each composite input, so the window [1, 10] that
 * scores bucket 11 holds five of each: mean halfway, population std half the distance.
 *   OI Δ %  0 (odd) / 2 (even)          mean 1       std 1       z = Δ − 1
 *   funding 0.0001 / 0.0003             mean 0.0002  std 0.0001  z = (f − 0.0002) / 0.0001
 *   L/S     1.0 / 1.2                   mean 1.1     std 0.1     z = (ls − 1.1) / 0.1
 *   imbalance 0 / 20 %                  mean 10      std 10      z = (imb − 10) / 10
 * Bucket 11 then takes `last` (OI as its % change); a trade in bucket 12 closes it.
 */
function alternating(s: Script, last: Omit<Inputs, 'oi'> & { oiPct: number }, w: Where = {}): Script {
  const { oiPct, ...inputs } = last;
  const even = (b: number) => b % 2 === 0;
  return market(s, w, [...OI_STEPS, oiPct], (b) =>
    b === 11
      ? inputs
      : {
          funding: even(b) ? '0.0003' : '0.0001',
          ls: last.ls === undefined ? undefined : even(b) ? '1.2' : '1.0',
          imbalance: even(b) ? 20 : 0,
        },
  );
}

describe('seed preset: z-scores use the population standard deviation', () => {
  // CVD 1, 2, 3, 4, 5 in buckets 0–4 (a buy of n at price 1), then 6 in bucket 5.
  const s = new Script();
  [1, 2, 3, 4, 5, 6, 1].forEach((n, b) => s.trade(b * 1000 + 100, '1', String(n), 'buy'));

  it('scores bucket 5 against the five values before it, dividing by n under seed and n − 1 by default', () => {
    // Window 1..5: mean 3, squared deviations 4 + 1 + 0 + 1 + 4 = 10.
    // seed:    std = √(10 / 5) = √2    → z = (6 − 3) / √2   = 2.12132
    // default: std = √(10 / 4) = √2.5  → z = (6 − 3) / √2.5 = 1.89737
    expect(at(runEngine(SEED, s.events).rows, 5)!.z.cvd).toBeCloseTo(3 / Math.SQRT2, 12);
    expect(at(runEngine(DEFAULT, s.events).rows, 5)!.z.cvd).toBeCloseTo(3 / Math.sqrt(2.5), 12);
  });

  it('gives no z with fewer than zMinSamples values', () => {
    // Bucket 4 is scored against four values (1..4) < 5.
    expect(at(runEngine(SEED, s.events).rows, 4)!.z.cvd).toBeNull();
  });
});

describe('seed preset: composite zsc = 0.4·z(OI Δ) + 0.2·z(top-account L/S) + 0.2·z(imbalance) + 0.2·z(funding)', () => {
  // Bucket 11: OI +4 % → z 3; funding 0.0004 → z 2; L/S 1.0 → z −1; imbalance 30 % → z 2.
  const last = { oiPct: 4, funding: '0.0004', ls: '1.0', imbalance: 30 };

  it('weighs the four z-scores 0.4 / 0.2 / 0.2 / 0.2', () => {
    const row = at(runEngine(SEED, topAccounts(alternating(new Script(), last).events)).rows, 11)!;
    expect(row.z.oi_chg_pct).toBeCloseTo(3, 9);
    expect(row.z.funding_rate).toBeCloseTo(2, 9);
    expect(row.z.ls_top_accounts).toBeCloseTo(-1, 9);
    expect(row.z.imbalance).toBeCloseTo(2, 9);
    // 0.4·3 + 0.2·(−1) + 0.2·2 + 0.2·2 = 1.2 − 0.2 + 0.4 + 0.4 = 1.8
    expect(row.composite).toBeCloseTo(1.8, 9);
  });

  it('renormalises over the z-scores that are known: without L/S data it divides by 0.8', () => {
    const row = at(runEngine(SEED, alternating(new Script(), { ...last, ls: undefined }).events).rows, 11)!;
    expect(row.z.ls_top_accounts).toBeNull();
    // (0.4·3 + 0.2·2 + 0.2·2) / (0.4 + 0.2 + 0.2) = 2.0 / 0.8 = 2.5
    expect(row.composite).toBeCloseTo(2.5, 9);
  });

  it('differs from the default preset on the same events (equal weights, top positions, sample std)', () => {
    const row = at(runEngine(DEFAULT, topAccounts(alternating(new Script(), last).events)).rows, 11)!;
    // Sample std is the population std × √(10/9), so every z shrinks by √0.9: z(OI Δ) = 3·√0.9.
    expect(row.z.oi_chg_pct).toBeCloseTo(3 * Math.sqrt(0.9), 9);
    // The default reads top *positions* L/S, which this session lacks: (3 + 2 + 2)·√0.9 / 3 = 2.21359
    expect(row.composite).toBeCloseTo((7 / 3) * Math.sqrt(0.9), 9);
  });
});

describe('seed preset: the composite alert fires at |zsc| ≥ 1.8 (tier 1, rule `composite`)', () => {
  const up = { symbol: 'UPUSDT', market: 'UP/USDT:USDT' };
  const below = { symbol: 'BELOWUSDT', market: 'BELOW/USDT:USDT' };
  const down = { symbol: 'DOWNUSDT', market: 'DOWN/USDT:USDT' };
  const s = new Script();
  // Every single |z| stays below tier 1's 2.5, so the composite is the only thing that can fire.
  // UP:    OI +3 % (z 2), funding 0.0004 (z 2), L/S 1.3 (z 2), imbalance 25 % (z 1.5)
  //        0.4·2 + 0.2·2 + 0.2·2 + 0.2·1.5 = 0.8 + 0.4 + 0.4 + 0.3 = 1.9 ≥ 1.8 → fires up
  alternating(s, { oiPct: 3, funding: '0.0004', ls: '1.3', imbalance: 25 }, up);
  // BELOW: OI +3 % (z 2), funding 0.00035 (z 1.5), L/S 1.25 (z 1.5), imbalance 25 % (z 1.5)
  //        0.8 + 0.3 + 0.3 + 0.3 = 1.7 < 1.8 → nothing
  alternating(s, { oiPct: 3, funding: '0.00035', ls: '1.25', imbalance: 25 }, below);
  // DOWN:  OI −1 % (z −2), funding 0 (z −2), L/S 0.9 (z −2), imbalance −10 % (z −2) → −2 ≤ −1.8 → fires down
  alternating(s, { oiPct: -1, funding: '0', ls: '0.9', imbalance: -10 }, down);
  const { rows, alerts } = runEngine(SEED, topAccounts(s.events));

  it('fires up at 1.9 and down at −2, not at 1.7', () => {
    expect(at(rows, 11, up)!.composite).toBeCloseTo(1.9, 9);
    expect(at(rows, 11, below)!.composite).toBeCloseTo(1.7, 9);
    expect(at(rows, 11, down)!.composite).toBeCloseTo(-2, 9);
    expect(brief(alerts)).toEqual([
      ['UPUSDT', 11, 1, 'composite', 'up'],
      ['DOWNUSDT', 11, 1, 'composite', 'down'],
    ]);
    const [a, d] = alerts;
    expect(a.threshold).toBe(1.8);
    expect(d.threshold).toBe(-1.8);
    expect(a.value).toBeCloseTo(1.9, 9);
    expect(a.inputs.z_oi_chg_pct).toBeCloseTo(2, 9);
    expect(a.inputs.z_imbalance).toBeCloseTo(1.5, 9);
  });

  it('is off under the default preset', () => {
    expect(runEngine(DEFAULT, topAccounts(s.events)).alerts.filter((x) => x.rule === 'composite')).toEqual([]);
  });
});

/**
 * The confluence regime over the 5 s timeframe at bucket 5: price Δ and OI Δ against bucket 0,
 * realized volatility from the returns of buckets 1–5. Each bucket has a buy and then a sell at
 * its price (so the bucket's price is that price and the taker ratio over the window is exactly
 * buy qty / sell qty), the ticker's OI (1000, then `oiEnd` in bucket 5: 1010 = +1 %), the top-account L/S
 * and the book (always at 100: at other prices the same quantities give imbalances a rounding
 * error apart, which the z-score would take for movement).
 */
function regimeMarket(
  s: Script,
  w: Where,
  m: { prices: number[]; buy: number; sell: number; ls: string; imbalance: number; oi?: boolean; oiEnd?: string },
) {
  m.prices.forEach((p, b) => {
    const t = b * 1000;
    const price = String(p);
    s.trade(t + 100, price, String(m.buy), 'buy', w);
    if (m.sell > 0) s.trade(t + 110, price, String(m.sell), 'sell', w);
    if (m.oi !== false) s.ticker(t + 200, { mark: price, oi: b === 5 ? (m.oiEnd ?? '1010') : '1000' }, w);
    s.longShort(t + 300, m.ls, w);
    s.book(t + 400, ['100', String(1 + m.imbalance / 100)], ['100', String(1 - m.imbalance / 100)], w);
  });
  s.trade(6100, '100', '1', 'buy', w);
}

describe('seed preset: confluence regime', () => {
  // With in-range = 1 − |price|:
  //   accumulation = (up(OI)·in-range + up(L/S) + up(book)) / 3
  //   distribution = (down(OI)·in-range + down(L/S) + down(book)) / 3
  //   momentum     = (up(price) + up(takers) + up(OI)·up(price)) / 3
  //   exhaustion   = (down(price) + down(takers) + down(OI)·|price|) / 3
  //   confluence   = (accumulation + momentum)/2 − (distribution + exhaustion)/2
  // with L/S = (ls − 1)/(ls + 1)·3, book = imbalance/100, takers = (buy − sell)/(buy + sell), price
  // and OI = Δ/rvol, each clamped to [−1, 1].
  const M = {
    // price 100 → 101 in bucket 5: Δ +1 %, one return of 1 % → rvol 1 % (calm); price = 1, OI +1 % → 1.
    // L/S 1.5 → 0.5/2.5·3 = 0.6; book 20 % → 0.2; takers 3:1 → 2/4 = 0.5.
    // accumulation (1·0 + 0.6 + 0.2)/3 = 0.26667, distribution 0, momentum (1 + 0.5 + 1·1)/3 = 0.83333,
    // exhaustion 0 → confluence = (0.26667 + 0.83333)/2 = 0.55 ≥ 0.15, rvol 0.01 < 0.025 → accumulation
    acc: { prices: [100, 100, 100, 100, 100, 101], buy: 3, sell: 1, ls: '1.5', imbalance: 20, c: 0.55 },
    // price 100 → 103: Δ +3 %, rvol 3 % (volatile); price = 1, OI 1/3, L/S 1 → 0, book 0, takers 1:1 → 0.
    // accumulation (1/3·0)/3 = 0, momentum (1 + 0 + 1/3·1)/3 = 0.44444
    // → confluence = 0.44444/2 = 0.22222 ≥ 0.15, rvol 0.03 ≥ 0.025 → expansion
    exp: { prices: [100, 100, 100, 100, 100, 103], buy: 1, sell: 1, ls: '1', imbalance: 0, c: 2 / 9 },
    // price 100 → 101 → 100: Δ 0, returns +1 % and −0.990 % → rvol √(0.01² + (1/101)²) = 1.40715 % (calm);
    // price = 0, OI 1000 → 990 (−1 %) → −1/1.40715 = −0.71066, L/S 0.5 → −0.5/1.5·3 = −1, book −20 % → −0.2,
    // takers 1:1 → 0. distribution (0.71066·1 + 1 + 0.2)/3 = 0.63689, the rest 0
    // → confluence = −0.63689/2 = −0.31844 → distribution
    dist: {
      prices: [100, 100, 100, 100, 101, 100],
      buy: 1,
      sell: 1,
      ls: '0.5',
      imbalance: -20,
      oiEnd: '990',
      c: -(1 / Math.sqrt(0.01 ** 2 + (1 / 101) ** 2) / 100 + 1.2) / 6,
    },
    // price 100 → 96: Δ −4 %, rvol 4 % (volatile); price = −1, OI +1 % → 0.25, takers 1:3 → −2/4 = −0.5,
    // L/S 1, book 0. exhaustion (1 + 0.5 + 0·1)/3 = 0.5, accumulation (0.25·0)/3 = 0
    // → confluence = −0.5/2 = −0.25 → exhaustion
    exh: { prices: [100, 100, 100, 100, 100, 96], buy: 1, sell: 3, ls: '1', imbalance: 0, c: -0.25 },
    // As distribution but OI flat (0), L/S 1.5 (0.6) and a flat book: accumulation 0.6/3 = 0.2,
    // confluence = 0.2/2 = 0.1, inside ±0.15 → neutral
    neu: { prices: [100, 100, 100, 100, 101, 100], buy: 1, sell: 1, ls: '1.5', imbalance: 0, oiEnd: '1000', c: 0.1 },
  };
  const where = (name: string): Where => ({ symbol: `${name.toUpperCase()}USDT`, market: `${name}/USDT:USDT` });
  const s = new Script();
  for (const [name, m] of Object.entries(M)) regimeMarket(s, where(name), m);
  // As accumulation, but no OI was ever received: OI Δ unknown → neutral.
  regimeMarket(s, where('nooi'), { ...M.acc, oi: false });
  const { rows } = runEngine(SEED, topAccounts(s.events));

  it.each([
    ['acc', 'accumulation'],
    ['exp', 'expansion'],
    ['dist', 'distribution'],
    ['exh', 'exhaustion'],
    ['neu', 'neutral'],
  ] as const)('%s: the hand-computed confluence and label', (name, regime) => {
    const row = at(rows, 5, where(name))!;
    const tf = row.timeframes['5s'];
    expect(tf.oi_chg_pct).toBeCloseTo(((Number(M[name].oiEnd ?? '1010') - 1000) / 1000) * 100, 9);
    expect(confluenceOf(tf, { lsTopAccounts: row.ls_top_accounts!, imbalancePct: row.imbalance! })).toBeCloseTo(
      M[name].c,
      5,
    );
    expect(row.regime).toBe(regime);
  });

  it('the figures behind them: rvol over the window, price Δ from the bucket before it', () => {
    const dist = at(rows, 5, where('dist'))!.timeframes['5s'];
    expect(dist.rvol).toBeCloseTo(Math.sqrt(0.01 ** 2 + (1 / 101) ** 2) * 100, 9); // 1.40715 %
    expect(dist.price_chg_pct).toBeCloseTo(0, 12);
    expect(at(rows, 5, where('acc'))!.timeframes['5s'].taker_ratio).toBeCloseTo(3, 12);
  });

  it('reads a window of buyers only as takers leaning fully up: (buy − sell) / (buy + sell) = 1', () => {
    // As neutral but L/S 1, and only buys. The blueprint's takers (buy − sell)/(buy + sell)
    // = (501 − 0) / (501 + 0) = 1 is known without sells: momentum (0 + 1 + 0)/3,
    // confluence = (1/3)/2 = 0.16667 ≥ 0.15, rvol 1.407 % calm → accumulation.
    const t = new Script();
    regimeMarket(t, {}, { ...M.neu, ls: '1', sell: 0 });
    expect(at(runEngine(SEED, topAccounts(t.events)).rows, 5)!.regime).toBe('accumulation');
  });

  it('is neutral when OI Δ is unknown', () => {
    expect(at(rows, 5, where('nooi'))!.regime).toBe('neutral');
  });

  it('the default preset labels the same markets by its OI/price rule instead', () => {
    // OI +1 % ≥ 0.5 % with |price Δ| ≥ 0.3 % → expansion (acc +1 %, exh −4 %); dist: OI −1 % without a
    // move → neutral.
    const def = runEngine(DEFAULT, topAccounts(s.events)).rows;
    expect(['acc', 'exh', 'dist'].map((n) => at(def, 5, where(n))!.regime)).toEqual([
      'expansion',
      'expansion',
      'neutral',
    ]);
  });
});

describe('seed preset: tier 2 needs z(OI Δ) ≥ 2.5, top-account L/S > 2 and imbalance > 3 % at one bucket', () => {
  // OI Δ alternates 0 / 2 % (mean 1, std 1), then +4 % in bucket 11: z = (4 − 1) / 1 = 3 ≥ 2.5.
  // L/S 1 and a flat book otherwise (constant: no z of their own).
  const names = ['all', 'two', 'nols', 'apart'] as const;
  const where = Object.fromEntries(
    names.map((n) => [n, { symbol: `${n.toUpperCase()}USDT`, market: `${n}/USDT:USDT` }]),
  ) as Record<(typeof names)[number], Where>;
  const s = new Script();
  const oi = [...OI_STEPS, 4];
  // All three at bucket 11: L/S 2.5 > 2, imbalance 50 % > 3 % → 3/3 → fires.
  market(s, where.all, oi, (b) => (b === 11 ? { ls: '2.5', imbalance: 50 } : { ls: '1', imbalance: 0 }));
  // Two of three (z and L/S; the book stays flat): 2/3 is not "more than ⅔" → nothing.
  market(s, where.two, oi, (b) => ({ ls: b === 11 ? '2.5' : '1', imbalance: 0 }));
  // z and imbalance, but no L/S data at all: unknown is not "not held" → nothing.
  market(s, where.nols, oi, (b) => ({ imbalance: b === 11 ? 50 : 0 }));
  // L/S and imbalance at bucket 10, z at bucket 11: one bucket apart → nothing.
  market(s, where.apart, oi, (b) => (b === 10 ? { ls: '2.5', imbalance: 50 } : { ls: '1', imbalance: 0 }));
  const confluence = (overrides: object) =>
    runEngine(overrides, topAccounts(s.events)).alerts.filter((a) => a.rule === 'confluence');

  it('fires only where all three hold at the same bucket', () => {
    const alerts = confluence(SEED);
    expect(brief(alerts)).toEqual([['ALLUSDT', 11, 2, 'confluence', 'up']]);
    expect(alerts[0].value).toBe(1); // 3 of 3
    expect(alerts[0].threshold).toBe(1);
    expect(alerts[0].inputs).toMatchObject({
      z_series: 'oi_chg_pct',
      ls_series: 'ls_top_accounts',
      ls: 2.5,
      imbalance: 50,
      z_held: true,
      ls_held: true,
      imbalance_held: true,
      window_buckets: 1,
    });
    expect(alerts[0].inputs.z).toBeCloseTo(3, 9);
  });

  it('the default’s rule (⅔ within 6 buckets) on the same series fires for two of three and for one bucket apart, never without L/S', () => {
    const wide = { ...SEED, alerts: { ...SEED.alerts, tier2: { windowBuckets: 6, minFraction: 2 / 3 } } };
    // APART already has L/S and book at bucket 10: 2/3.
    expect(brief(confluence(wide)).map(([symbol, b]) => [symbol, b])).toEqual([
      ['APARTUSDT', 10],
      ['ALLUSDT', 11],
      ['TWOUSDT', 11],
    ]);
  });
});

describe('seed preset: tier 4 fires on positive funding with OI falling only (no mirror)', () => {
  /** Funding 0.00005 until bucket 11, then `funding`; OI 1000 until bucket 12, then 5 lower each bucket. */
  function session(funding: string) {
    const s = new Script();
    for (let b = 0; b < 16; b++)
      s.ticker(b * 1000 + 10, {
        mark: '100',
        funding: b < 12 ? '0.00005' : funding,
        oi: b < 13 ? '1000' : String(1000 - (b - 12) * 5),
      });
    return s.events;
  }
  const tier4 = (overrides: object, funding: string) =>
    runEngine(overrides, session(funding)).alerts.filter((a) => a.rule === 'funding_oi');

  it('funding +0.02 % > 0.01 % with OI −0.5 % over 5 s (995 vs 1000 at bucket 8) → down at bucket 13', () => {
    const alerts = tier4(SEED, '0.0002');
    expect(brief(alerts)).toEqual([['BTCUSDT', 13, 4, 'funding_oi', 'down']]);
    expect(alerts[0].inputs.funding_rate).toBe(0.0002);
    expect(alerts[0].inputs.oi_chg_pct).toBeCloseTo(-0.5, 9); // (995 / 1000 − 1) × 100
  });

  it('funding −0.02 % with OI falling: nothing under seed, up under the default preset', () => {
    expect(tier4(SEED, '-0.0002')).toEqual([]);
    expect(brief(tier4(DEFAULT, '-0.0002'))).toEqual([['BTCUSDT', 13, 4, 'funding_oi', 'up']]);
  });
});

describe('seed preset: tier 5 compares OI Δ with the OI-weighted global OI Δ of the base asset', () => {
  // Three copies of BTC/USDT:USDT at mark 100 (OI in USD = OI × 100), each closing its bucket in
  // turn (Binance, Bybit, OKX), so OKX's close of bucket 13 sees all three at bucket 13.
  // Buckets 0–12: Binance 600 and Bybit 300 flat; OKX 100 in even buckets, 101 in odd ones, so
  // its 5 s OI Δ swings ±1 % and its spread from the global figure varies (a z-score exists).
  // Bucket 13 (OI Δ over 5 s, against bucket 8):
  //   Binance 600 → 606 (+1 %),  OI 60 600 USD
  //   Bybit   300 → 294 (−2 %),  OI 29 400 USD
  //   OKX     100 → 110 (+10 %), OI 11 000 USD
  //   Σ OI_usd = 101 000;  Σ OI_usd·ΔOI = 60 600 − 58 800 + 110 000 = 111 800
  //   global = 111 800 / 101 000 = 1.106931 %;  OKX spread = 10 − 1.106931 = 8.893069, far
  //   beyond its earlier spreads (within about ±1) → z ≥ 2 → fires up.
  // An ETH market with 100× the OI moves +5 % too: another base asset, so not in BTC's sums.
  const binance: Where = { exchange: 'binance-usdm', symbol: 'BTCUSDT' };
  const bybit: Where = { exchange: 'bybit-linear', symbol: 'BTCUSDT' };
  const okx: Where = { exchange: 'okx-swap', symbol: 'BTC-USDT-SWAP' };
  const eth: Where = { exchange: 'binance-usdm', symbol: 'ETHUSDT', market: 'ETH/USDT:USDT' };
  const s = new Script();
  for (let b = 0; b <= 14; b++) {
    const t = b * 1000;
    const after = b >= 13;
    s.ticker(t + 10, { mark: '100', oi: after ? '606' : '600' }, binance)
      .ticker(t + 20, { mark: '100', oi: after ? '294' : '300' }, bybit)
      .ticker(t + 30, { mark: '100', oi: after ? '110' : b % 2 ? '101' : '100' }, okx)
      .ticker(t + 40, { mark: '100', oi: after ? '105000' : '100000' }, eth);
  }
  const { alerts, rows } = runEngine(SEED, s.events);
  const xex = alerts.filter((a) => a.tier === 5);

  it('fires for the exchange that diverges, with the global figures it was compared with', () => {
    const okx13 = xex.find((a) => a.exchange === 'okx-swap')!;
    expect([okx13.bucket_ts / 1000, okx13.rule, okx13.direction]).toEqual([13, 'xex:oi', 'up']);
    expect(okx13.inputs.own).toBeCloseTo(10, 9);
    expect(okx13.inputs.global_oi_chg_pct).toBeCloseTo(111_800 / 101_000, 9);
    expect(okx13.inputs.global_oi_usd).toBeCloseTo(101_000, 6);
    expect(okx13.inputs.others).toBe(2);
    expect(okx13.inputs.spread).toBeCloseTo(10 - 111_800 / 101_000, 9);
    expect(okx13.inputs).not.toHaveProperty('others_mean');
    expect(at(rows, 13, okx)!.oi_usd).toBeCloseTo(11_000, 9);
  });

  it('flags each exchange against the others’ latest closed buckets; a lone base asset has nothing to diverge from', () => {
    // Binance closes 13 first and sees Bybit and OKX at 12: global (60 600·1 + 30 000·0
    // + 10 000·(100/101 − 1)·100) / 100 600 = 0.50397 % < its own +1 % → up. Bybit sees Binance at
    // 13 and OKX at 12: (60 600 − 58 800 − 9 900.99) / 100 000 = −0.08101 % > its −2 % → down.
    expect(xex.map((a) => [a.exchange, a.bucket_ts / 1000, a.rule, a.direction])).toEqual([
      ['binance-usdm', 13, 'xex:oi', 'up'],
      ['bybit-linear', 13, 'xex:oi', 'down'],
      ['okx-swap', 13, 'xex:oi', 'up'],
    ]);
    expect(xex[0].inputs.global_oi_chg_pct).toBeCloseTo((60_600 - 1_000_000 / 101) / 100_600, 9);
    expect(xex[1].inputs.global_oi_chg_pct).toBeCloseTo((60_600 - 58_800 - 1_000_000 / 101) / 100_000, 9);
    // ETH is alone: its +5 % is its own global figure, so no spread, no z, no alert.
    expect(at(rows, 13, eth)!.z.xex_oi).toBeNull();
    expect(alerts.filter((a) => a.symbol === 'ETHUSDT')).toEqual([]);
  });

  it('has no funding divergence rule', () => {
    expect(xex.map((a) => a.rule)).not.toContain('xex:funding');
  });
});

describe('seed preset: tier 6, a cluster of 3 tier ≤ 2 alerts in one direction within windowMs', () => {
  // Tier 1 on CVD only, z over the 5 buckets before (at least 4), no cooldown, 15 s cluster window:
  // CVD alternates ±100 and jumps to ±1000 in the listed buckets. Spikes are 6 buckets apart,
  // so none is in the next one's window: that holds −100, 100, −100, 100, −100 (mean −20,
  // population std √(100² − 20²) = √9600 = 97.98), z = 1020 / 97.98 = 10.41 ≥ 2.5; the ±100 after
  // each spike re-arms the rule.
  const CLUSTER = {
    ...SEED,
    zWindowBuckets: 5,
    zMinSamples: 4,
    alerts: { ...SEED.alerts, cooldownMs: 0, tier1: { series: ['cvd'] }, tier6: { windowMs: 15_000 } },
  };
  function cvd(s: Script, w: Where, spikes: Record<number, number>, last: number) {
    for (let b = 0; b <= last; b++) {
      const v = spikes[b] ?? (b % 2 ? -100 : 100);
      s.trade(b * 1000 + 100, '100', String(Math.abs(v) / 100), v < 0 ? 'sell' : 'buy', w);
    }
  }
  const up = { symbol: 'UPUSDT', market: 'UP/USDT:USDT' };
  const apart = { symbol: 'APARTUSDT', market: 'APART/USDT:USDT' };
  const mixed = { symbol: 'MIXEDUSDT', market: 'MIXED/USDT:USDT' };
  const s = new Script();
  // UP: up alerts at 12, 18, 24 → cluster at 24; the count starts again, so 30 and 36 are only
  // two (without the restart 24, 30, 36 would be a cluster at 36); 42 makes three → cluster at 42.
  cvd(s, up, { 12: 1000, 18: 1000, 24: 1000, 30: 1000, 36: 1000, 42: 1000 }, 43);
  // APART: 12, 18, 30: at 30 the window (15 s, 15 000 < ts ≤ 30 000) holds 18 and 30 → two → none.
  cvd(s, apart, { 12: 1000, 18: 1000, 30: 1000 }, 31);
  // MIXED: up, down, up → never three in one direction.
  cvd(s, mixed, { 12: 1000, 18: -1000, 24: 1000 }, 25);
  const { alerts } = runEngine(CLUSTER, s.events);
  const clusters = alerts.filter((a) => a.tier === 6);

  it('fires one cluster per three alerts, and counts afresh after each', () => {
    const ups = alerts.filter((a) => a.symbol === 'UPUSDT');
    expect(brief(ups)).toEqual([
      ['UPUSDT', 12, 1, 'z:cvd', 'up'],
      ['UPUSDT', 18, 1, 'z:cvd', 'up'],
      ['UPUSDT', 24, 1, 'z:cvd', 'up'],
      ['UPUSDT', 24, 6, 'cluster', 'up'],
      ['UPUSDT', 30, 1, 'z:cvd', 'up'],
      ['UPUSDT', 36, 1, 'z:cvd', 'up'],
      ['UPUSDT', 42, 1, 'z:cvd', 'up'],
      ['UPUSDT', 42, 6, 'cluster', 'up'],
    ]);
    expect(ups[0].value).toBeCloseTo(1020 / Math.sqrt(9600), 9);
    expect(clusters[0].inputs).toEqual({
      alerts: 3,
      max_tier: 2,
      window_ms: 15_000,
      first_bucket_ts: 12_000,
      rules: 'z:cvd,z:cvd,z:cvd',
    });
    expect(clusters[1].inputs).toMatchObject({ alerts: 3, first_bucket_ts: 30_000 });
  });

  it('does not fire for two alerts in the window, nor for three in mixed directions', () => {
    expect(clusters.map((a) => a.symbol)).toEqual(['UPUSDT', 'UPUSDT']);
    expect(alerts.filter((a) => a.symbol === 'APARTUSDT').map((a) => a.bucket_ts / 1000)).toEqual([12, 18, 30]);
    expect(alerts.filter((a) => a.symbol === 'MIXEDUSDT').map((a) => a.direction)).toEqual(['up', 'down', 'up']);
  });

  it('is off under the default preset', () => {
    expect(runEngine({ ...CLUSTER, preset: 'default' }, s.events).alerts.filter((a) => a.tier === 6)).toEqual([]);
  });
});
