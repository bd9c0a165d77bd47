/**
 * The backtest engine: pushes recorded events, one at a time and in order, through the
 * simulated account and the strategy, and turns the result into a report. Push-based so the
 * CLI (with a progress bar) and a browser worker (between UI messages) drive it the same way.
 *
 * No look-ahead by construction: the strategy is called with the event being processed, the
 * account holds only prices from events already processed, and orders placed now can fill only
 * at current prices (market) or on later trades (limit).
 */
import type { RecordedEvent } from '../../core/events.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { defaultMetricsConfig, type MetricsConfig } from '../../core/metrics/config.ts';
import { createMetricsEngine } from '../../core/metrics/engine.ts';
import { SimAccount } from './account.ts';
import { accountConfig, ACCOUNT_PARAMS } from './config.ts';
import { EquityCurve } from './equity-curve.ts';
import { resolveParams, type ParamValue } from './params.ts';
import { buildReport, type BacktestReport } from './report.ts';
import type { Strategy, StrategyContext, StrategyDefinition } from './types.ts';
import { FbError } from '../../core/errors.ts';

export interface BacktestOptions {
  strategy: StrategyDefinition;
  /** Strategy and account parameters by name, as text (CLI) or typed values. */
  params?: Record<string, ParamValue>;
  /** The metrics engine's settings, for strategies that use metrics: the recorded ones, to see what live saw. */
  metricsConfig?: MetricsConfig;
  logger?: Logger;
}

export interface Backtest {
  onEvent(e: RecordedEvent): void;
  /** Close out (when close_at_end) and build the report; the backtest takes no events after. */
  finish(): BacktestReport;
}

export function createBacktest(options: BacktestOptions): Backtest {
  const { strategy: def } = options;
  const logger = options.logger ?? silentLogger;
  const clash = def.params.find((p) => ACCOUNT_PARAMS.some((a) => a.name === p.name));
  if (clash)
    throw new FbError(
      'E_BACKTEST_STRATEGY',
      `strategy ${def.name} declares parameter ${clash.name}, which is an account parameter; rename it`,
    );
  const params = resolveParams([...def.params, ...ACCOUNT_PARAMS], options.params);
  const config = accountConfig(params);
  const account = new SimAccount(config);
  const curve = new EquityCurve(config.intervalMs);
  const metricsConfig = options.metricsConfig ?? defaultMetricsConfig;
  const strategy: Strategy = def.create(params, { logger, metricsConfig });
  const metrics = def.usesMetrics ? createMetricsEngine(metricsConfig, { logger }) : null;
  let now = 0;
  let fromTs: number | null = null;
  let lastSeq = -Infinity;
  let events = 0;
  let finished = false;

  const ctx: StrategyContext = {
    now: () => now,
    marketOrder: (o) => account.marketOrder(o),
    limitOrder: (o) => account.limitOrder(o),
    cancel: (id) => account.cancel(id),
    openOrders: () => account.openOrders(),
    position: (ref) => account.position(ref),
    balance: () => account.balance(),
    equity: () => account.equity(),
    quote: (ref) => account.quote(ref),
    totals: () => account.getTotals(),
    logger,
  };
  const equity = () => account.equity();

  return {
    onEvent(e) {
      if (finished) throw new FbError('E_BACKTEST_STATE', 'this backtest has finished; create a new one to run again');
      if (e.seq <= lastSeq)
        throw new FbError('E_BACKTEST_STATE', `events must arrive in seq order: ${e.seq} after ${lastSeq}`);
      lastSeq = e.seq;
      now = e.local_ts;
      fromTs ??= now;
      events++;
      curve.advance(now, equity);
      for (const fill of account.advance(e)) strategy.onFill?.(fill, ctx);
      const out = metrics?.onEvent(e);
      if (out) {
        for (const row of out.metrics) strategy.onMetric?.(row, ctx);
        for (const alert of out.alerts) strategy.onAlert?.(alert, ctx);
      }
      strategy.onEvent?.(e, ctx);
    },
    finish() {
      if (finished) throw new FbError('E_BACKTEST_STATE', 'finish() was already called');
      finished = true;
      if (config.closeAtEnd)
        for (const p of account.openPositions()) {
          const r = account.marketOrder({
            exchange: p.exchange,
            market: p.market,
            side: p.qty > 0 ? 'sell' : 'buy',
            qty: Math.abs(p.qty),
            tag: 'close_at_end',
          });
          if (!r.ok)
            logger.warn(
              { market: p.market, exchange: p.exchange, reason: r.reason },
              'could not close position at session end',
            );
        }
      if (fromTs !== null) curve.finish(now, account.equity());
      return buildReport({
        strategy: def.name,
        params,
        account,
        curve: curve.points,
        intervalMs: config.intervalMs,
        events,
        fromTs,
        toTs: fromTs === null ? null : now,
      });
    },
  };
}

/** Run a whole stream; `onProgress` is called with the number of events done every `every` events. */
export function backtestEvents(
  events: Iterable<RecordedEvent>,
  options: BacktestOptions & { onProgress?: (done: number) => void; every?: number },
): BacktestReport {
  const bt = createBacktest(options);
  const every = options.every ?? 10_000;
  let n = 0;
  for (const e of events) {
    bt.onEvent(e);
    if (++n % every === 0) options.onProgress?.(n);
  }
  options.onProgress?.(n);
  return bt.finish();
}
