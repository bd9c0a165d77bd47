/**
 * User-defined alert rules (`metrics.alerts.rules`), written from docs/quant-blueprint.md,
 * "User-defined rules" and "Alert tiers": what the loader accepts and how it words what it
 * refuses, then hand-built sessions through the real engine for each documented behaviour.
 */
import { describe, expect, it } from 'vitest';
import { FbError } from '../errors.ts';
import { mergeMetricsConfig, resolveMetricsConfig, validateMetricsConfig } from './config.ts';
import { QUIET, runEngine, Script, type Where } from './test-support.ts';
import type { AlertRecord } from './types.ts';

/** The quiet test settings with 3 buckets of warm-up. */
const BASE = { ...QUIET, warmupBuckets: 3 };
const withRules = (rules: unknown, alerts: object = {}) => ({ ...BASE, alerts: { ...BASE.alerts, ...alerts, rules } });

/** One buy of 1 per bucket at each price from bucket `from` on, and one more trade to close the last bucket. */
function prices(s: Script, from: number, list: number[], w: Where = {}): Script {
  list.forEach((p, i) => s.trade((from + i) * 1000 + 100, String(p), '1', 'buy', w));
  s.trade((from + list.length) * 1000 + 100, String(list.at(-1)), '1', 'buy', w);
  return s;
}

/** One trade per bucket at price 100 whose signed notional is the bucket's CVD. */
function cvdBuckets(s: Script, from: number, cvds: number[], price = '100'): Script {
  cvds.forEach((cvd, i) =>
    s.trade((from + i) * 1000 + 100, price, String(Math.abs(cvd) / Number(price)), cvd < 0 ? 'sell' : 'buy'),
  );
  return s;
}
const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 100 : -100));
const brief = (a: AlertRecord[]) => a.map((x) => [x.bucket_ts / 1000, x.rule, x.direction]);

/** The problems resolveMetricsConfig reports for `rules` on `base` (none when it accepts them). */
function problemsOf(rules: unknown, base: { alerts?: object } = {}): readonly string[] {
  try {
    resolveMetricsConfig({ ...base, alerts: { ...base.alerts, rules } });
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(FbError);
    expect(err).toMatchObject({ code: 'E_METRICS_CONFIG' });
    return (err as FbError).problems ?? [];
  }
}

describe('user rules: validation at load', () => {
  /** The documented example, plus the other series and market forms the doc lists. */
  const DOC_RULES = [
    { name: 'big-liq', series: 'liquidation.notional', op: '>=', threshold: 250000, tier: 3, direction: 'down' },
    { name: 'btc-70k', series: 'price', op: 'crosses', threshold: 70000, markets: ['BTC/USDT:USDT'], hysteresis: 50 },
    { name: 'hot-funding', series: 'funding_rate', op: '>=', threshold: 0.0005, tier: 2, cooldownMs: 3600000 },
    { name: 'oi-z', series: 'z:oi_chg_pct', op: '>=', threshold: 3 },
    { name: 'oi_15m', series: '15m.oi_chg_pct', op: '<=', threshold: -2, markets: ['binance-usdm:BTCUSDT'] },
    { name: 'cvd-1h-z', series: 'z:1h.cvd', op: '>=', threshold: 3, tier: 6 },
    { name: 'Whale_2', series: 'trade.notional', op: '>=', threshold: 1e6, cooldownMs: 0 },
    { name: 'xex', series: 'z:xex_funding', op: 'crosses', threshold: 2, direction: 'up' },
  ];

  it('accepts the documented rules and fills what they leave out', () => {
    expect(problemsOf(DOC_RULES)).toEqual([]);
    const { rules } = resolveMetricsConfig({ alerts: { rules: DOC_RULES } }).alerts;
    expect(rules[0]).toEqual({ ...DOC_RULES[0], hysteresis: 0, markets: [], cooldownMs: null });
    expect(rules[1]).toEqual({ ...DOC_RULES[1], tier: 1, direction: 'auto', cooldownMs: null });
    // Left out entirely: hysteresis 0, tier 1, direction auto, every market, the shared cooldown.
    expect(rules[3]).toEqual({
      ...DOC_RULES[3],
      hysteresis: 0,
      tier: 1,
      direction: 'auto',
      markets: [],
      cooldownMs: null,
    });
    expect(rules[6].cooldownMs).toBe(0);
    expect(resolveMetricsConfig({}).alerts.rules).toEqual([]);
  });

  const VALID = { name: 'ok', series: 'price', op: '>=', threshold: 1 };
  const bad = (patch: object) => ({ ...VALID, name: 'r', ...patch });
  // Each case: the second rule, and the one problem it must give (it names index, rule and field).
  const CASES: [string, unknown, string | RegExp][] = [
    [
      'a name with a space',
      bad({ name: 'big liq' }),
      'alerts.rules[1] "big liq".name: must be 1–64 letters, digits, _ or -, got "big liq"',
    ],
    [
      'no name',
      { series: 'price', op: '>=', threshold: 1 },
      'alerts.rules[1].name: must be 1–64 letters, digits, _ or -, got undefined',
    ],
    ['a name used twice', { ...VALID }, /^alerts\.rules\[1\] "ok"\.name: is used by an earlier rule/],
    [
      'a series typo',
      bad({ name: 'btc70k', series: 'prise' }),
      /^alerts\.rules\[1\] "btc70k"\.series: "prise" is not a series: .*; did you mean price\?$/,
    ],
    [
      'a series nothing is close to',
      bad({ series: 'open_interest' }),
      /^alerts\.rules\[1\] "r"\.series: "open_interest" is not a series: .*docs\/quant-blueprint\.md/,
    ],
    [
      'a timeframe that is not configured',
      bad({ series: '2h.cvd' }),
      /^alerts\.rules\[1\] "r"\.series: "2h\.cvd" is not a series/,
    ],
    [
      'a figure the timeframe lacks',
      bad({ series: '15m.funding_rate' }),
      /^alerts\.rules\[1\] "r"\.series: "15m\.funding_rate" is not a series/,
    ],
    ['an unknown op', bad({ op: '>' }), 'alerts.rules[1] "r".op: must be ">=", "<=" or "crosses", got ">"'],
    [
      'a threshold as text',
      bad({ threshold: '70000' }),
      'alerts.rules[1] "r".threshold: must be a finite number, got "70000"',
    ],
    [
      'a negative hysteresis',
      bad({ hysteresis: -1 }),
      'alerts.rules[1] "r".hysteresis: must be a finite number >= 0, got -1',
    ],
    ['tier 0', bad({ tier: 0 }), 'alerts.rules[1] "r".tier: must be an integer 1–6, got 0'],
    ['tier 7', bad({ tier: 7 }), 'alerts.rules[1] "r".tier: must be an integer 1–6, got 7'],
    [
      'a direction that is not up, down or auto',
      bad({ direction: 'long' }),
      'alerts.rules[1] "r".direction: must be "up", "down" or "auto", got "long"',
    ],
    [
      'one market as a string',
      bad({ markets: 'BTC/USDT:USDT' }),
      /^alerts\.rules\[1\] "r"\.markets: must be a list of markets .*, got "BTC\/USDT:USDT"$/,
    ],
    [
      'markets that are not strings',
      bad({ markets: [1] }),
      /^alerts\.rules\[1\] "r"\.markets: must be a list of markets .*, got \[1\]$/,
    ],
    [
      'a negative cooldown',
      bad({ cooldownMs: -1 }),
      'alerts.rules[1] "r".cooldownMs: must be an integer >= 0, or null for alerts.cooldownMs, got -1',
    ],
    [
      'an unknown field',
      bad({ cooldown: 60000 }),
      'alerts.rules[1] "r".cooldown: unknown field; did you mean cooldownMs?',
    ],
    ['a rule that is not an object', 'big-liq', /^alerts\.rules\[1\]: must be an object like \{ "name": /],
  ];

  it.each(CASES)('refuses %s with one problem naming the rule and the field', (_what, rule, message) => {
    const problems = problemsOf([VALID, rule]);
    expect(problems).toHaveLength(1);
    if (typeof message === 'string') expect(problems[0]).toBe(message);
    else expect(problems[0]).toMatch(message);
  });

  it('refuses rules that are not a list', () => {
    expect(problemsOf({ ...VALID })).toEqual(['alerts.rules: must be an array of rules (see docs/quant-blueprint.md)']);
  });

  it('throws one E_METRICS_CONFIG listing the problems of every rule, in the message and as problems', () => {
    let err: unknown;
    try {
      resolveMetricsConfig({ alerts: { rules: [bad({ name: 'a', op: '=' }), bad({ name: 'b', tier: 9 })] } });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_METRICS_CONFIG' });
    const problems = (err as FbError).problems;
    expect(problems).toEqual([
      'alerts.rules[0] "a".op: must be ">=", "<=" or "crosses", got "="',
      'alerts.rules[1] "b".tier: must be an integer 1–6, got 9',
    ]);
    expect((err as Error).message).toBe(`invalid metrics config: ${problems?.join('; ')}`);
  });

  it('checks <timeframe>.<figure> against the configured timeframes', () => {
    const rule = { name: 'r', series: '5s.cvd', op: '>=', threshold: 1 };
    expect(problemsOf([rule], BASE)).toEqual([]);
    expect(problemsOf([rule])).toEqual([
      expect.stringMatching(/^alerts\.rules\[0\] "r"\.series: "5s\.cvd" is not a series/),
    ]);
  });
});

describe('user rules: firing on crossings', () => {
  it('>= fires once on the crossing and again only after going below threshold − hysteresis', () => {
    const rule = { name: 'btc-100', series: 'price', op: '>=', threshold: 100, hysteresis: 2, tier: 4, cooldownMs: 0 };
    // b0–b2 warm-up at 95 (clear: below 98); b3 101 fires; b4 99 and b5 100 are between the
    // levels (no re-arm); b6 97 re-arms; b7 100 fires again (at the threshold counts).
    const s = prices(new Script(), 0, [95, 95, 95, 101, 99, 100, 97, 100]);
    const { alerts } = runEngine(withRules([rule]), s.events);
    expect(brief(alerts)).toEqual([
      [3, 'user:btc-100', 'up'],
      [7, 'user:btc-100', 'up'],
    ]);
    expect(alerts[0]).toMatchObject({
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      bucket_ts: 3000,
      local_ts: 4100, // the event that closed the bucket
      tier: 4,
      rule: 'user:btc-100',
      direction: 'up',
      value: 101,
      threshold: 100,
      price: 101,
      inputs: { series: 'price', op: '>=', value: 101, threshold: 100 },
    });
  });

  it('<= is the mirror: fires at or below, re-arms only above threshold + hysteresis', () => {
    const rule = { name: 'dip', series: 'price', op: '<=', threshold: 100, hysteresis: 2, cooldownMs: 0 };
    const s = prices(new Script(), 0, [105, 105, 105, 99, 101, 100, 103, 100]);
    const { alerts } = runEngine(withRules([rule]), s.events);
    expect(brief(alerts)).toEqual([
      [3, 'user:dip', 'down'],
      [7, 'user:dip', 'down'],
    ]);
    expect(alerts[0]).toMatchObject({ tier: 1, value: 99, threshold: 100 });
  });

  it('crosses fires up when it reaches the threshold from below and down when it falls below it', () => {
    const rule = { name: 'x100', series: 'price', op: 'crosses', threshold: 100, hysteresis: 1, cooldownMs: 0 };
    // b3 100: up. b4 101: at threshold + hysteresis, arms the way down. b5 99.5: down. b6 100:
    // up not re-armed (99.5 is not below 99). b7 98.9 re-arms up; b8 100: up.
    const s = prices(new Script(), 0, [98, 98, 98, 100, 101, 99.5, 100, 98.9, 100]);
    expect(brief(runEngine(withRules([rule]), s.events).alerts)).toEqual([
      [3, 'user:x100', 'up'],
      [5, 'user:x100', 'down'],
      [8, 'user:x100', 'up'],
    ]);
    // An explicit direction labels both ways of crossing.
    const up = { ...rule, name: 'x100-up', direction: 'up' };
    expect(brief(runEngine(withRules([up]), s.events).alerts)).toEqual([
      [3, 'user:x100-up', 'up'],
      [5, 'user:x100-up', 'up'],
      [8, 'user:x100-up', 'up'],
    ]);
  });

  it('an explicit direction replaces auto', () => {
    const rule = { name: 'top', series: 'price', op: '>=', threshold: 100, direction: 'down' };
    const s = prices(new Script(), 0, [95, 95, 95, 101]);
    expect(brief(runEngine(withRules([rule]), s.events).alerts)).toEqual([[3, 'user:top', 'down']]);
  });

  it('does not fire during warm-up, and a crossing during warm-up is used up', () => {
    const rule = { name: 'r', series: 'price', op: '>=', threshold: 100, cooldownMs: 0 };
    // Already above at start: never seen clear, so the end of warm-up (b3) is no crossing.
    expect(runEngine(withRules([rule]), prices(new Script(), 0, [101, 101, 101, 101, 101]).events).alerts).toEqual([]);
    // b0 clear, b1 crosses during warm-up: used up; b3 (warm) is still above → nothing until
    // it has been seen clear (b5) and crosses anew (b6).
    const s = prices(new Script(), 0, [95, 101, 101, 101, 101, 95, 101]);
    expect(brief(runEngine(withRules([rule]), s.events).alerts)).toEqual([[6, 'user:r', 'up']]);
    // With no warm-up the same session fires at b1: it was warm-up that held it back.
    expect(brief(runEngine({ ...withRules([rule]), warmupBuckets: 0 }, s.events).alerts)).toEqual([
      [1, 'user:r', 'up'],
      [6, 'user:r', 'up'],
    ]);
  });

  it('warms up again after a gap and must be seen clear again', () => {
    const rule = { name: 'r', series: 'price', op: '>=', threshold: 100, cooldownMs: 0 };
    const s = prices(new Script(), 0, [95, 95, 95, 101]); // b4 (95) is open when the gap arrives
    s.gap(7000, 4500);
    // After the gap: b7 clear, b8 crosses while warming up (used up), b10 still above (warm:
    // nothing), b11 clear, b12 fires.
    prices(s, 7, [95, 101, 101, 101, 95, 101]);
    expect(brief(runEngine(withRules([rule]), s.events).alerts)).toEqual([
      [3, 'user:r', 'up'],
      [12, 'user:r', 'up'],
    ]);
  });

  it('an unknown value neither fires nor re-arms: taker ratio in buckets without sells', () => {
    const rule = { name: 'sellers', series: 'taker_ratio', op: '<=', threshold: 0.5, cooldownMs: 0 };
    const s = new Script();
    const bucket = (b: number, buy: number, sell: number) => {
      if (buy) s.trade(b * 1000 + 100, '100', String(buy), 'buy');
      if (sell) s.trade(b * 1000 + 200, '100', String(sell), 'sell');
    };
    for (let b = 0; b < 3; b++) bucket(b, 1, 1); // ratio 1: clear
    bucket(3, 0, 0); // empty: unknown (armed still)
    bucket(4, 1, 4); // 0.25: fires
    bucket(5, 0, 0); // unknown: not a re-arm
    bucket(6, 1, 4); // 0.25: nothing
    bucket(7, 1, 1); // 1: re-arms
    bucket(8, 1, 4); // 0.25: fires
    bucket(9, 1, 1);
    const { alerts, rows } = runEngine(withRules([rule]), s.events);
    expect(rows.filter((r) => r.bucket_ts === 3000 || r.bucket_ts === 5000).map((r) => r.taker_ratio)).toEqual([
      null,
      null,
    ]);
    expect(brief(alerts)).toEqual([
      [4, 'user:sellers', 'down'],
      [8, 'user:sellers', 'down'],
    ]);
  });

  it('an unknown value neither fires nor re-arms: funding never seen, then first seen past the threshold', () => {
    const hot = { name: 'hot', series: 'funding_rate', op: '>=', threshold: 0.0005 };
    const s = prices(new Script(), 0, Array<number>(11).fill(100));
    expect(runEngine(withRules([hot]), s.events).alerts).toEqual([]); // funding never seen
    // b6: funding first seen at 0.001, already past: not a crossing. b8 clear, b10 crosses.
    s.ticker(6050, { funding: '0.001' }).ticker(8050, { funding: '0.0001' }).ticker(10_050, { funding: '0.001' });
    expect(brief(runEngine(withRules([hot]), s.events).alerts)).toEqual([[10, 'user:hot', 'up']]);
  });
});

describe('user rules: markets, cooldowns and the shared tier cooldown', () => {
  const ETH = { symbol: 'ETHUSDT', market: 'ETH/USDT:USDT' };
  const BYBIT_BTC = { exchange: 'bybit-linear' as const };
  const CROSSING = [95, 95, 95, 101];
  const threeMarkets = () => {
    const s = new Script();
    for (const w of [{}, ETH, BYBIT_BTC]) prices(s, 0, CROSSING, w);
    return s;
  };
  const rule = (name: string, markets: string[] = []) => ({ name, series: 'price', op: '>=', threshold: 100, markets });
  const where = (a: AlertRecord[]) => a.map((x) => [x.rule, x.exchange, x.symbol]).sort();

  it('applies to every market by default, or to the unified markets and exchange:SYMBOL it lists', () => {
    const rules = [rule('all'), rule('eth', ['ETH/USDT:USDT']), rule('bybit-btc', ['bybit-linear:BTCUSDT'])];
    expect(where(runEngine(withRules(rules), threeMarkets().events).alerts)).toEqual([
      ['user:all', 'binance-usdm', 'BTCUSDT'],
      ['user:all', 'binance-usdm', 'ETHUSDT'],
      ['user:all', 'bybit-linear', 'BTCUSDT'],
      ['user:bybit-btc', 'bybit-linear', 'BTCUSDT'],
      ['user:eth', 'binance-usdm', 'ETHUSDT'],
    ]);
  });

  it('takes the documented exchange:SYMBOL example, binance-usdm:BTCUSDT', () => {
    // docs/quant-blueprint.md, "User-defined rules", markets: `exchange:SYMBOL` with the exchange's id.
    const rules = [rule('binance-btc', ['binance-usdm:BTCUSDT'])];
    expect(where(runEngine(withRules(rules), threeMarkets().events).alerts)).toEqual([
      ['user:binance-btc', 'binance-usdm', 'BTCUSDT'],
    ]);
  });

  it('refuses at load a market entry that could never match, suggesting the exchange id', () => {
    const problems = validateMetricsConfig(
      mergeMetricsConfig({ alerts: { rules: [rule('typo', ['binance:BTCUSDT', 'BTCUSDT', 'BTC/USDT:USDT'])] } }),
    );
    expect(problems).toEqual([
      'alerts.rules[0] "typo".markets: "binance:BTCUSDT" is neither a unified market (BTC/USDT:USDT) nor exchange:SYMBOL with an exchange of binance-usdm, bybit-linear, okx-swap; did you mean binance-usdm:BTCUSDT?',
      'alerts.rules[0] "typo".markets: "BTCUSDT" is neither a unified market (BTC/USDT:USDT) nor exchange:SYMBOL with an exchange of binance-usdm, bybit-linear, okx-swap',
    ]);
  });

  it('refuses a timeframe z-score the config does not compute (timeframeZSeries)', () => {
    const problems = validateMetricsConfig(
      mergeMetricsConfig({
        timeframeZSeries: ['oi_chg_pct'],
        alerts: { rules: [{ name: 'tz', series: 'z:15m.cvd', op: '>=', threshold: 3 }] },
      }),
    );
    expect(problems).toEqual([expect.stringMatching(/^alerts\.rules\[0\] "tz"\.series: "z:15m\.cvd" is not a series/)]);
  });

  it('keeps the same rule, market and direction quiet for its cooldown (alerts.cooldownMs unless set)', () => {
    // b3 fires; b4 re-arms; b5 crosses inside the 10 s cooldown (swallowed); b6 re-arms; b13
    // crosses when the cooldown has ended (13 s ≥ 3 s + 10 s).
    const list = [95, 95, 95, 101, 95, 101, 95, 95, 95, 95, 95, 95, 95, 101];
    const s = prices(new Script(), 0, list);
    const r = { name: 'r', series: 'price', op: '>=', threshold: 100 };
    expect(brief(runEngine(withRules([r]), s.events).alerts).map(([b]) => b)).toEqual([3, 13]);
    expect(brief(runEngine(withRules([{ ...r, cooldownMs: 2000 }]), s.events).alerts).map(([b]) => b)).toEqual([
      3, 5, 13,
    ]);
    // Per direction: a crossing down right after the crossing up is not held back.
    const x = { name: 'x', series: 'price', op: 'crosses', threshold: 100 };
    expect(brief(runEngine(withRules([x]), s.events).alerts)).toEqual([
      [3, 'user:x', 'up'],
      [4, 'user:x', 'down'],
      [13, 'user:x', 'up'],
    ]);
  });

  it('is neither swallowed by nor starts the shared per-direction cooldown of the tiers', () => {
    const s = new Script();
    cvdBuckets(s, 0, alternating(12)); // b0–b11 at 100: tier 1 on cvd arms (|z| ≈ 0.95)
    cvdBuckets(s, 12, [1000]); // b12: z 9.6 → tier 1 up; the shared up cooldown runs until 22 s
    cvdBuckets(s, 13, [-100], '101'); // b13: price 101 → the user rule fires up through that cooldown
    cvdBuckets(s, 14, alternating(8)); // b14–b21 at 100: both re-arm
    cvdBuckets(s, 22, [100], '101'); // b22: the user rule fires up again (its own cooldown is 0)
    cvdBuckets(s, 23, [3000, 100]); // b23: tier 1 up fires: the user alert at b22 started no cooldown
    const cfg = withRules([{ name: 'px', series: 'price', op: '>=', threshold: 101, cooldownMs: 0 }], {
      tier1: { enabled: true, series: ['cvd'] },
    });
    expect(runEngine(cfg, s.events).alerts.map((a) => [a.bucket_ts / 1000, a.tier, a.rule, a.direction])).toEqual([
      [12, 1, 'z:cvd', 'up'],
      [13, 1, 'user:px', 'up'],
      [22, 1, 'user:px', 'up'],
      [23, 1, 'z:cvd', 'up'],
    ]);
  });

  it('counts towards a tier-6 cluster like any alert of its tier', () => {
    const tier6 = { enabled: true, maxTier: 2, minAlerts: 2, windowMs: 10_000 };
    const s = prices(new Script(), 0, [95, 95, 95, 101, 95, 101]);
    const loud = { name: 'loud', series: 'price', op: '>=', threshold: 100, tier: 2, cooldownMs: 0 };
    const { alerts } = runEngine(withRules([loud], { tier6 }), s.events);
    expect(alerts.map((a) => [a.bucket_ts / 1000, a.tier, a.rule])).toEqual([
      [3, 2, 'user:loud'],
      [5, 2, 'user:loud'],
      [5, 6, 'cluster'],
    ]);
    expect(alerts[2].inputs).toMatchObject({ alerts: 2, rules: 'user:loud,user:loud' });
    // Tier 3 is above maxTier 2: no cluster.
    const quiet = { ...loud, tier: 3 };
    expect(runEngine(withRules([quiet], { tier6 }), s.events).alerts.map((a) => a.rule)).toEqual([
      'user:loud',
      'user:loud',
    ]);
  });
});

describe('user rules: series', () => {
  it('liquidation.notional and trade.notional are the largest single event of the bucket, not the sum', () => {
    const s = new Script();
    for (let b = 0; b < 3; b++) s.trade(b * 1000 + 100, '100', '1', 'buy'); // trades of 100, no liquidations
    // b3: two trades of 100 and two liquidations of 200 (sums 200 and 400).
    s.trade(3100, '100', '1', 'buy').trade(3200, '100', '1', 'buy');
    s.liquidation(3300, '100', '2', 'sell').liquidation(3400, '100', '2', 'sell');
    // b4: one trade of 250 and one liquidation of 300.
    s.trade(4100, '100', '2.5', 'buy').liquidation(4200, '100', '3', 'sell');
    s.trade(5100, '100', '1', 'buy');
    const rules = [
      { name: 'big-liq', series: 'liquidation.notional', op: '>=', threshold: 250, direction: 'down' },
      { name: 'liq-sum', series: 'liq_usd', op: '>=', threshold: 250 },
      { name: 'big-trade', series: 'trade.notional', op: '>=', threshold: 150 },
      { name: 'turnover', series: 'quote_volume', op: '>=', threshold: 150 },
    ];
    const { alerts } = runEngine(withRules(rules), s.events);
    expect(alerts.map((a) => [a.bucket_ts / 1000, a.rule, a.direction, a.value])).toEqual([
      [3, 'user:liq-sum', 'up', 400],
      [3, 'user:turnover', 'up', 200],
      [4, 'user:big-liq', 'down', 300],
      [4, 'user:big-trade', 'up', 250],
    ]);
    expect(alerts[2]).toMatchObject({ threshold: 250, inputs: { series: 'liquidation.notional', value: 300 } });
  });

  it('z:<series> is the bucket-level z-score and <timeframe>.<figure> the rolling figure', () => {
    // b0–b11 alternate ±100, b12 +1000: z = 1000 / √(12·100²/11) = 9.57 (sample std, mean 0);
    // 5s CVD at b12 = b8..b12 = 100 − 100 + 100 − 100 + 1000 = 1000 (±100 before).
    const s = cvdBuckets(new Script(), 0, [...alternating(12), 1000, 100]);
    const rules = [
      { name: 'z-cvd', series: 'z:cvd', op: '>=', threshold: 3 },
      { name: 'cvd-5s', series: '5s.cvd', op: '>=', threshold: 800 },
    ];
    const { alerts, rows } = runEngine(withRules(rules), s.events);
    expect(brief(alerts)).toEqual([
      [12, 'user:z-cvd', 'up'],
      [12, 'user:cvd-5s', 'up'],
    ]);
    expect(alerts[0].value).toBeCloseTo(1000 / Math.sqrt((12 * 100 ** 2) / 11), 9);
    const row = rows.find((r) => r.bucket_ts === 12_000);
    expect(alerts[0].value).toBe(row?.z.cvd);
    expect(alerts[1].value).toBeCloseTo(1000, 9);
    expect(alerts[1].value).toBe(row?.timeframes['5s'].cvd);
  });
});
