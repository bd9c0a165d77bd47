import { FbError as MetricsConfigError } from '../errors.ts';
import { describe, expect, it } from 'vitest';
import {
  defaultMetricsConfig,
  mergeMetricsConfig,
  overridesOf,
  resolveMetricsConfig,
  validateMetricsConfig,
} from './config.ts';

describe('metrics config', () => {
  it('accepts the defaults and the demo settings (2 s buckets, 10 buckets of warm-up, 60-bucket z window)', () => {
    expect(validateMetricsConfig(defaultMetricsConfig)).toEqual([]);
    const demo = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60 });
    expect(demo).toMatchObject({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60, zMinSamples: 10 });
    expect(demo.alerts.tier1.z).toBe(2.5);
  });

  it('merges objects key by key and replaces arrays', () => {
    const c = mergeMetricsConfig({
      alerts: { tier1: { z: 3 } },
      timeframes: [{ name: '1m', ms: 60_000 }],
    }) as typeof defaultMetricsConfig;
    expect(c.alerts.tier1).toMatchObject({ z: 3, rearmZ: 1.5, enabled: true });
    expect(c.timeframes).toEqual([{ name: '1m', ms: 60_000 }]);
    expect(defaultMetricsConfig.alerts.tier1.z).toBe(2.5); // the defaults are not touched
  });

  it('names the field and the fix for each problem', () => {
    const errors = validateMetricsConfig(
      mergeMetricsConfig({
        bucketMs: 7000,
        warmupBucket: 5,
        zMinSamples: 500,
        regime: { timeframe: '2h' },
        alerts: { tier1: { z: 1, rearmZ: 2, series: ['cvd', 'volume'] }, tier2: { minFraction: 1.5 } },
        composite: { weights: { nope: 1 } },
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'warmupBucket: unknown setting; remove it or check the spelling against defaultMetricsConfig',
        'timeframes[0].ms: 60000 is not a multiple of bucketMs 7000; use a multiple',
        'zMinSamples: 500 exceeds zWindowBuckets 180; lower it or widen the window',
        'regime.timeframe: must name one of timeframes (1m, 5m, 15m, 1h, 24h), got "2h"',
        'alerts.tier1.rearmZ: 2 must be below alerts.tier1.z 1 (hysteresis)',
        expect.stringMatching(/^alerts\.tier1\.series\[1\]: must be one of price_chg_pct, .*got "volume"$/),
        'alerts.tier2.minFraction: must be at most 1',
        expect.stringMatching(/^composite\.weights\.nope: must be one of /),
      ]),
    );
  });

  it('throws one error with a code listing every problem', () => {
    let err: unknown;
    try {
      resolveMetricsConfig({ bucketMs: -1, maxSilenceMs: 'soon' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetricsConfigError);
    expect(err).toMatchObject({ code: 'E_METRICS_CONFIG' });
    expect((err as MetricsConfigError).problems).toEqual(
      expect.arrayContaining([
        'bucketMs: must be an integer >= 1, got -1',
        'maxSilenceMs: must be an integer >= 1, got "soon"',
      ]),
    );
  });

  it('starts from the named preset, then the settings next to it', () => {
    const seed = resolveMetricsConfig({ preset: 'seed', warmupBuckets: 5 });
    expect(seed).toMatchObject({ preset: 'seed', zStd: 'population', warmupBuckets: 5 });
    // The default's top-positions weight is zeroed, not kept: the seed weighs exactly four series.
    expect(seed.composite.weights).toEqual({
      oi_chg_pct: 0.4,
      ls_top_accounts: 0.2,
      imbalance: 0.2,
      funding_rate: 0.2,
      ls_top_positions: 0,
    });
    expect(validateMetricsConfig(mergeMetricsConfig({ preset: 'sed' }))).toEqual([
      'preset: must be one of "default", "seed", got "sed"',
    ]);
  });

  it('gives back what a resolved config changed from its preset, to carry over to another model', () => {
    const rule = { name: 'big-liq', series: 'liquidation.notional', op: '>=', threshold: 250_000 };
    const seed = resolveMetricsConfig({ preset: 'seed', bucketMs: 2000, alerts: { rules: [rule], tier1: { z: 3 } } });
    const own = overridesOf(seed);
    expect(own).toEqual({
      bucketMs: 2000,
      alerts: {
        tier1: { z: 3 },
        rules: [{ ...rule, hysteresis: 0, tier: 1, direction: 'auto', markets: [], cooldownMs: null }],
      },
    });
    const asDefault = resolveMetricsConfig({ ...own, preset: 'default' });
    expect(asDefault).toMatchObject({ preset: 'default', zStd: 'sample', bucketMs: 2000 });
    expect(asDefault.alerts.tier1.z).toBe(3);
    expect(asDefault.alerts.rules).toEqual(seed.alerts.rules);
    expect(overridesOf(defaultMetricsConfig)).toEqual({});
  });
});
