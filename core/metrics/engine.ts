/**
 * The metrics engine: recorded events in `seq` order in, metric rows, alerts and forward returns
 * out. One instance serves the live collector, Node replay and the browser; given the same events
 * it produces the same bits, because time comes only from the events (`local_ts`) and every
 * computation depends only on the order of calls.
 *
 * Buckets close per market: bucket `floor(local_ts / bucketMs)` of a market closes when that
 * market's next event falls in a later bucket. Buckets in between in which nothing arrived are
 * closed as empty (flows zero, levels carried) — unless a gap event for the market came first
 * (they are then missing: no row), or the silence lasted longer than `maxSilenceMs` (treated as
 * an unrecorded gap). Closing per market, not globally, is what lets a gap event, which arrives
 * at recovery, mark the silent buckets as missing rather than zero.
 */
import type { ExchangeId, GapEvent, RecordedEvent } from '../events.ts';
import type { Logger } from '../log.ts';
import { AlertState, fireAlerts } from './alert-gate.ts';
import { XEX_FUNDING, XEX_OI, type BucketFigures } from './alert-rules.ts';
import { metricsConfigError, validateMetricsConfig, Z_SERIES, type MetricsConfig, type ZSeries } from './config.ts';
import { CrossExchange } from './cross-exchange.ts';
import { fin, flow } from './finite.ts';
import { ForwardReturns } from './forward-returns.ts';
import { MarketInputs, type Levels } from './market.ts';
import { compositeScore, regimeOf } from './regime.ts';
import { Rsi } from './rsi.ts';
import { compileRules, type CompiledRule } from './user-rules.ts';
import { BV, BV_LEN, BV_SUMS, SlotRing } from './slot-ring.ts';
import type { AlertRecord, EngineOutput, MetricRow, TimeframeFigures } from './types.ts';
import { ZWindow } from './zwindow.ts';

export interface MetricsEngine {
  readonly config: MetricsConfig;
  /** Feed the next recorded event (in `seq` order); returns what it produced, or null (the common case). */
  onEvent(e: RecordedEvent): EngineOutput | null;
  stats(): EngineStats;
}

export interface EngineStats {
  events: number;
  rows: number;
  alerts: number;
  /** Events ignored because a number in them did not parse. */
  rejected: number;
  markets: number;
}

const RSI_PERIOD = 14;
/** z vector: bucket-level series, the two cross-exchange spreads, then timeframe series. */
const Z_BASE = Z_SERIES.length + 2;

class MarketHistory {
  readonly inputs: MarketInputs;
  readonly rings: SlotRing[];
  readonly rsiTf: Rsi[];
  readonly rsi = new Rsi(RSI_PERIOD, 1);
  readonly z: ZWindow;
  readonly alerts = new AlertState();
  readonly forward = new ForwardReturns();
  /** The bucket receiving events, or -1 when none is open (start, or just after a gap). */
  open = -1;
  lastClosed = -Infinity;
  prevPrice = NaN;
  prevOi = NaN;
  /** Buckets closed since start or the last gap. */
  warm = 0;
  warned = false;

  constructor(cfg: MetricsConfig, exchange: ExchangeId, symbol: string, market: string) {
    this.inputs = new MarketInputs(exchange, symbol, market, cfg.imbalanceLevels);
    this.rings = cfg.timeframes.map((tf) => SlotRing.forTimeframe(tf.ms / cfg.bucketMs, cfg.maxSlotsPerTimeframe));
    this.rsiTf = cfg.timeframes.map((tf) => new Rsi(RSI_PERIOD, tf.ms / cfg.bucketMs));
    this.z = new ZWindow(
      cfg.zWindowBuckets,
      Z_BASE + cfg.timeframes.length * cfg.timeframeZSeries.length,
      cfg.zMinSamples,
      cfg.zStd === 'population',
    );
  }

  /** Warm up again: no alerts until `warmupBuckets` more buckets close; rules must re-arm. */
  rewarm(): void {
    this.warm = 0;
    this.alerts.disarm();
  }
}

export function createMetricsEngine(config: MetricsConfig, deps: { logger: Logger }): MetricsEngine {
  const problems = validateMetricsConfig(config);
  if (problems.length) throw metricsConfigError(problems);
  return new Engine(config, deps.logger);
}

class Engine implements MetricsEngine {
  private readonly markets = new Map<ExchangeId, Map<string, MarketHistory>>();
  private readonly cross: CrossExchange;
  private readonly rules: CompiledRule[];
  private readonly counts = { events: 0, rows: 0, alerts: 0, rejected: 0 };
  private out: EngineOutput | null = null;
  // Scratch vectors reused at every close (closes are frequent enough to matter in replay).
  private readonly bv = new Float64Array(BV_LEN);
  private readonly sums = new Float64Array(BV_SUMS);
  private readonly x: Float64Array;
  private readonly zv: Float64Array;
  private readonly mean: Float64Array;
  private readonly std: Float64Array;

  constructor(
    readonly config: MetricsConfig,
    private readonly logger: Logger,
  ) {
    this.cross = new CrossExchange(config.alerts.tier5.staleBuckets, config.alerts.tier5.oiReference === 'oi_weighted');
    this.rules = compileRules(
      config.alerts.rules,
      { timeframes: config.timeframes.map((tf) => tf.name), timeframeZSeries: config.timeframeZSeries },
      config.alerts.cooldownMs,
    );
    const n = Z_BASE + config.timeframes.length * config.timeframeZSeries.length;
    this.x = new Float64Array(n);
    this.zv = new Float64Array(n);
    this.mean = new Float64Array(n);
    this.std = new Float64Array(n);
  }

  stats(): EngineStats {
    let markets = 0;
    for (const m of this.markets.values()) markets += m.size;
    return { ...this.counts, markets };
  }

  onEvent(e: RecordedEvent): EngineOutput | null {
    this.counts.events++;
    this.out = null;
    if (e.kind === 'gap') {
      this.onGap(e);
      return this.out;
    }
    let bySymbol = this.markets.get(e.exchange);
    if (!bySymbol) this.markets.set(e.exchange, (bySymbol = new Map()));
    let m = bySymbol.get(e.symbol);
    if (!m) bySymbol.set(e.symbol, (m = new MarketHistory(this.config, e.exchange, e.symbol, e.market)));

    const b = Math.floor(e.local_ts / this.config.bucketMs);
    // An event older than the open bucket (a clock step back) is counted in the open bucket;
    // a bucket once closed is never reopened.
    if (m.open < 0) m.open = Math.max(b, m.lastClosed + 1);
    else if (b > m.open) this.advance(m, b, e);

    if (!m.inputs.apply(e)) this.reject(m, e);
    return this.out;
  }

  private reject(m: MarketHistory, e: RecordedEvent): void {
    this.counts.rejected++;
    if (m.warned) return;
    m.warned = true; // once per market: a broken feed must not flood the log
    this.logger.warn(
      { code: 'E_METRICS_INPUT', exchange: e.exchange, symbol: e.symbol, kind: e.kind, seq: e.seq },
      'metrics: event with an unparsable number ignored',
    );
  }

  /** Close the open bucket and the empty ones up to `b`, which becomes the open bucket. */
  private advance(m: MarketHistory, b: number, at: RecordedEvent): void {
    const cfg = this.config;
    if ((b - m.open) * cfg.bucketMs > cfg.maxSilenceMs) {
      // Silent far too long for a live feed: whatever happened was not recorded as a gap.
      this.close(m, m.open, at, false);
      m.rewarm();
    } else {
      this.close(m, m.open, at, true);
      for (let k = m.open + 1; k < b; k++) this.close(m, k, at, true);
    }
    m.open = b;
  }

  private onGap(g: GapEvent & { seq: number }): void {
    if (g.cause === 'restart') {
      // The collector restarted: a fresh live engine knows nothing, so neither may replay.
      this.markets.clear();
      this.cross.clear();
      this.logger.debug({ seq: g.seq, exchange: g.exchange }, 'metrics: engine reset at restart gap');
      return;
    }
    const bySymbol = this.markets.get(g.exchange);
    if (!bySymbol) return;
    const gb = Math.floor(g.local_ts / this.config.bucketMs);
    const hit = g.symbol === '' ? [...bySymbol.values()] : [bySymbol.get(g.symbol)].filter((m) => m !== undefined);
    for (const m of hit) {
      // The open bucket holds data from before the loss: close it, without alerts. The buckets
      // of the gap itself are missing. A gap that ends inside the open bucket leaves it open.
      if (m.open >= 0 && gb > m.open) {
        this.close(m, m.open, g, false);
        m.open = -1;
      }
      m.rewarm();
    }
  }

  private output(): EngineOutput {
    return (this.out ??= { metrics: [], alerts: [], forwardReturns: [] });
  }

  private close(m: MarketHistory, k: number, at: RecordedEvent, alertsAllowed: boolean): void {
    const cfg = this.config;
    const inp = m.inputs;
    const f = inp.flows;
    const lv = inp.levels();
    const bucketTs = k * cfg.bucketMs;
    const adjacent = m.lastClosed === k - 1;
    const ret = adjacent && m.prevPrice > 0 ? lv.price / m.prevPrice - 1 : NaN;
    const oiChg = adjacent && m.prevOi > 0 ? (lv.oiBase / m.prevOi - 1) * 100 : NaN;

    const v = this.bv;
    v[BV.volume] = f.volume;
    v[BV.quote] = f.quote;
    v[BV.buy] = f.buy;
    v[BV.sell] = f.sell;
    v[BV.liqLong] = f.liqLong;
    v[BV.liqShort] = f.liqShort;
    v[BV.retSq] = ret === ret ? ret * ret : 0;
    v[BV.retN] = ret === ret ? 1 : 0;
    v[BV.price] = lv.price;
    v[BV.oiBase] = lv.oiBase;
    v[BV.lsGlobal] = lv.lsGlobal;
    v[BV.lsTopAccounts] = lv.lsTopAccounts;
    v[BV.lsTopPositions] = lv.lsTopPositions;

    const timeframes: Record<string, TimeframeFigures> = {};
    cfg.timeframes.forEach((tf, i) => {
      m.rings[i].add(k, v);
      timeframes[tf.name] = this.timeframe(m, i, k, lv);
    });

    // Keyed by series name, then laid out in Z_SERIES order: the vector's order has one source.
    const series: Record<ZSeries, number> = {
      price_chg_pct: ret * 100,
      quote_volume: f.quote,
      cvd: f.buy - f.sell,
      oi_chg_pct: oiChg,
      funding_rate: lv.funding,
      basis_bps: lv.basisBps,
      ls_global: lv.lsGlobal,
      ls_top_accounts: lv.lsTopAccounts,
      ls_top_positions: lv.lsTopPositions,
      taker_ratio: f.sell > 0 ? f.buy / f.sell : NaN,
      imbalance: lv.imbalancePct,
      liq_usd: f.liqLong + f.liqShort,
    };
    const x = this.x;
    for (let i = 0; i < Z_SERIES.length; i++) x[i] = series[Z_SERIES[i]];
    const xexTf = timeframes[cfg.alerts.tier5.timeframe];
    const xex = this.cross.update(inp.market, inp.exchange, inp.symbol, k, {
      oiChgPct: xexTf.oi_chg_pct ?? NaN,
      funding: lv.funding,
      oiUsd: lv.oiUsd,
    });
    x[XEX_OI] = xex.oi.own - xex.oi.others;
    x[XEX_FUNDING] = xex.funding.own - xex.funding.others;
    let j = Z_BASE;
    for (const tf of cfg.timeframes) for (const s of cfg.timeframeZSeries) x[j++] = timeframes[tf.name][s] ?? NaN;

    m.z.scoreThenAdd(k, x, this.zv, this.mean, this.std);
    const z = this.zv;
    j = Z_BASE;
    for (const tf of cfg.timeframes) for (const s of cfg.timeframeZSeries) timeframes[tf.name].z[s] = fin(z[j++]);

    const zJson: MetricRow['z'] = {};
    let zMax = NaN;
    Z_SERIES.forEach((s, i) => {
      zJson[s] = fin(z[i]);
      const a = Math.abs(z[i]);
      if (a === a && !(a <= zMax)) zMax = a;
    });
    zJson.xex_oi = fin(z[XEX_OI]);
    zJson.xex_funding = fin(z[XEX_FUNDING]);

    const composite = compositeScore(cfg.composite.weights, z);
    const warm = m.warm >= cfg.warmupBuckets;
    const price = fin(lv.price);
    const row: MetricRow = {
      exchange: inp.exchange,
      symbol: inp.symbol,
      market: inp.market,
      bucket_ts: bucketTs,
      local_ts: at.local_ts,
      seq: at.seq,
      warmup: !warm,
      price,
      price_chg_pct: fin(series.price_chg_pct),
      volume: flow(f.volume),
      quote_volume: flow(f.quote),
      cvd: flow(series.cvd),
      oi_usd: fin(lv.oiUsd),
      oi_chg_pct: fin(oiChg),
      funding_rate: fin(lv.funding),
      predicted_rate: fin(lv.predicted),
      basis_bps: fin(lv.basisBps),
      ls_global: fin(lv.lsGlobal),
      ls_top_accounts: fin(lv.lsTopAccounts),
      ls_top_positions: fin(lv.lsTopPositions),
      taker_ratio: fin(series.taker_ratio),
      imbalance: fin(lv.imbalancePct),
      liq_long_usd: flow(f.liqLong),
      liq_short_usd: flow(f.liqShort),
      rvol: timeframes[cfg.rvolTimeframe].rvol,
      rsi14: fin(m.rsi.update(k, lv.price)),
      composite: fin(composite),
      regime: regimeOf(cfg.regime, timeframes[cfg.regime.timeframe], composite, lv),
      z_max: fin(zMax),
      z: zJson,
      timeframes,
    };
    const figures: BucketFigures = {
      k,
      values: x,
      z,
      mean: this.mean,
      std: this.std,
      timeframes,
      xex,
      composite,
      row,
      extremes: { liquidation: f.liqMax, trade: f.tradeMax },
    };
    const fired = fireAlerts(cfg, this.rules, figures, m.alerts, bucketTs, warm && alertsAllowed);

    const out = this.output();
    m.forward.onClose(bucketTs, lv.price, out.forwardReturns);
    for (const c of fired) {
      const alert: AlertRecord = {
        exchange: inp.exchange,
        symbol: inp.symbol,
        market: inp.market,
        local_ts: at.local_ts,
        seq: at.seq,
        bucket_ts: bucketTs,
        tier: c.tier,
        rule: c.rule,
        direction: c.direction,
        value: c.value,
        threshold: c.threshold,
        price,
        inputs: c.inputs,
        fwd_ret_5m: null,
        fwd_ret_15m: null,
        fwd_ret_60m: null,
      };
      out.alerts.push(alert);
      m.forward.track(
        {
          exchange: alert.exchange,
          symbol: alert.symbol,
          bucket_ts: bucketTs,
          rule: alert.rule,
          direction: alert.direction,
        },
        price,
      );
    }
    out.metrics.push(row);
    this.counts.rows++;
    this.counts.alerts += fired.length;

    m.prevPrice = lv.price;
    m.prevOi = lv.oiBase;
    m.lastClosed = k;
    m.warm++;
    f.clear();
  }

  private timeframe(m: MarketHistory, i: number, k: number, lv: Levels): TimeframeFigures {
    const ring = m.rings[i];
    const s = this.sums;
    const buckets = ring.sums(k, s);
    const refPrice = ring.reference(k, BV.price);
    const refOi = ring.reference(k, BV.oiBase);
    return {
      price_chg_pct: fin((lv.price / refPrice - 1) * 100),
      volume: flow(s[BV.volume]),
      quote_volume: flow(s[BV.quote]),
      cvd: flow(s[BV.buy] - s[BV.sell]),
      taker_ratio: fin(s[BV.sell] > 0 ? s[BV.buy] / s[BV.sell] : NaN),
      oi_chg_pct: fin(refOi > 0 ? (lv.oiBase / refOi - 1) * 100 : NaN),
      ls_global_chg: fin(lv.lsGlobal - ring.reference(k, BV.lsGlobal)),
      ls_top_accounts_chg: fin(lv.lsTopAccounts - ring.reference(k, BV.lsTopAccounts)),
      ls_top_positions_chg: fin(lv.lsTopPositions - ring.reference(k, BV.lsTopPositions)),
      liq_long_usd: flow(s[BV.liqLong]),
      liq_short_usd: flow(s[BV.liqShort]),
      rvol: s[BV.retN] > 0 ? Math.sqrt(s[BV.retSq]) * 100 + 0 : null,
      rsi14: fin(m.rsiTf[i].update(k, lv.price)),
      buckets,
      z: {},
    };
  }
}
