/**
 * Named starting points for the metrics config. `default` is our model (the values in
 * defaultMetricsConfig); `seed` is the quant model the seed dashboard (the crypto-futures-dashboard
 * fork of futuresboard) published, as closely as the recorded data allows. Each preset is only
 * the settings where it departs from the defaults; docs/quant-blueprint.md ("Presets") sets the
 * two side by side and says why the default differs.
 */

export const METRICS_PRESETS = ['default', 'seed'] as const;
export type MetricsPreset = (typeof METRICS_PRESETS)[number];

export const PRESET_OVERRIDES: Record<MetricsPreset, Record<string, unknown>> = {
  default: {},
  seed: {
    // The seed z-scores against the population standard deviation of the window.
    zStd: 'population',
    // zsc = 0.4·z_oi + 0.2·z_top_ls_accounts + 0.2·z_obi + 0.2·z_funding. Weights merge key by key
    // into the default's, so the default's top-positions weight is set to 0 (left out).
    composite: {
      weights: { oi_chg_pct: 0.4, ls_top_accounts: 0.2, imbalance: 0.2, funding_rate: 0.2, ls_top_positions: 0 },
    },
    // confluence = (accumulation + momentum)/2 − (distribution + exhaustion)/2, ±0.15; volatility 0.025.
    regime: { model: 'confluence', confluence: 0.15, volatility: 0.025 },
    alerts: {
      // Tier 2: z > 2.5, top-account L/S > 2, |imbalance| > 3 %, at one bucket, more than ⅔ of
      // three conditions holding — that is all three.
      tier2: {
        zSeries: 'oi_chg_pct',
        lsSeries: 'ls_top_accounts',
        windowBuckets: 1,
        minFraction: 1,
        rearmFraction: 1 / 3,
      },
      // Tier 4: positive funding with OI falling only (the seed's caution flag has no mirror).
      tier4: { mirror: false },
      // Tier 5: OI change against the OI-weighted global OI change of the base asset.
      tier5: { oiReference: 'oi_weighted', funding: false },
      // Tier 6: a replay cluster of tier ≤ 2 alerts, which the follow-tier2 strategy can trade.
      tier6: { enabled: true },
      // ZSC_ALERT: |zsc| ≥ 1.8.
      composite: { enabled: true },
    },
  },
};
