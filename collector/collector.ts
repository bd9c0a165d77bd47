/**
 * The collector daemon: resolves markets, opens one reconnecting feed per planned connection,
 * polls REST, and funnels every normalized event through the single writer. Subsystems that
 * need committed data (relay, metrics) subscribe to the writer.
 */
import type Database from 'better-sqlite3';
import { EXCHANGES, type ExchangeId } from '../core/events.ts';
import { InstrumentBook, type Instrument } from '../core/instruments.ts';
import type { Logger } from '../core/log.ts';
import type { Config } from './config.ts';
import { SEGMENT_MS } from './config/schema.ts';
import { ADAPTERS } from './exchanges/index.ts';
import type { FeedPlan } from './exchanges/types.ts';
import { FeedConnection, type FeedState } from './feed/connection.ts';
import { GapGate } from './feed/gap-gate.ts';
import { resolveMarketsPatiently } from './feed/instruments.ts';
import { archivedFeed, RawRecorder, type ArchivedFeed } from './feed/raw-recorder.ts';
import { LatestRestBodies } from './feed/rest-bodies.ts';
import { restartGapsFirst } from './feed/restart-gaps.ts';
import { RestPoller } from './feed/rest-poller.ts';
import type { StoreStatus } from './store/segments/store.ts';
import { openRecorder } from './recorder.ts';
import { startCollectorBus, type CollectorBus } from './bus/collect-to-bus.ts';
import type { AlertSink } from './alerts/sink.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { EventWriter } from './store/writer.ts';
import { saveMarkets } from './store/markets.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';

export interface DaemonOptions {
  config: Config;
  logger: Logger;
  now?: () => number;
}

export interface Collector {
  db: Database.Database;
  alerts: AlertSink;
  metrics: LiveMetrics;
  dbPath: string;
  writer: EventWriter;
  telemetry: Telemetry;
  markets: Map<ExchangeId, Instrument[]>;
  startedAt: number;
  feeds(): FeedState[];
  /** REST poll problems per exchange (null when healthy). */
  restErrors(): Record<string, string | null>;
  /** Where the plans do less than usual (fewer ratio polls at scale), one line each; listed in /health. */
  planNotes: string[];
  /** The recordings folder's state (null without store.dir: one database file). */
  store(): StoreStatus | null;
  /** The bus publisher (`bus` set), null in the single-process mode. */
  bus: CollectorBus | null;
  /** Stop the feeds and commit the last batch (the database stays open for readers). */
  stop(): Promise<void>;
  /** Release the database; after stop() and after everything that reads it. */
  close(): void;
}

/** At stop, the bus gets this long to acknowledge the last batches (the rest waits in the database). */
const BUS_STOP_GRACE_MS = 5000;
/** Delay between opening two connections to the same exchange. */
const CONNECTION_SPACING_MS = 400;

export async function startCollector(opts: DaemonOptions): Promise<Collector> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const telemetry = createTelemetry();
  // On a bus the store delivers webhooks: a collector posting too would post every alert twice.
  if (config.bus && config.webhooks.length) logger.info({}, 'webhooks are delivered by the store role on the bus');
  const recorder = openRecorder({ config: config.bus ? { ...config, webhooks: [] } : config, logger, telemetry, now });
  const { db, writer, segments } = recorder;
  const bus = config.bus ? startCollectorBus({ config, bus: config.bus, db, writer, telemetry, logger, now }) : null;
  // Markets and plans first: the raw archive's header names what the session records.
  const planned: { id: ExchangeId; instruments: Instrument[]; plan: FeedPlan }[] = [];
  const markets = new Map<ExchangeId, Instrument[]>();
  for (const id of EXCHANGES) {
    const ex = config.exchanges[id];
    if (!ex.enabled) continue;
    const adapter = ADAPTERS[id];
    const { instruments } = await resolveMarketsPatiently(adapter, ex.endpoints, ex.markets, {
      logger,
      timeoutMs: config.feed.restTimeoutMs,
      fallback: adapter.defaultInstruments?.(),
    });
    markets.set(id, instruments);
    saveMarkets(db, instruments, now());
    bus?.publishInstruments(id, instruments);
    const plan = adapter.plan(ex.endpoints, instruments);
    for (const note of plan.notes ?? []) logger.warn({ exchange: id }, note);
    planned.push({ id, instruments, plan });
  }
  const feeds: ArchivedFeed[] = planned.map(({ id, instruments, plan }) => archivedFeed(id, instruments, plan));
  const raw = config.raw
    ? new RawRecorder(
        config.raw,
        { note: 'futuresboard collect --raw', feeds },
        {
          // Rotated with the store's segments (also without store.dir: one file must not grow forever).
          periodMs: SEGMENT_MS[config.store.segment],
          onProblem: (what, err) => logger.error({ path: config.raw, err: err?.message }, what),
          now,
        },
      )
    : null;
  const toWriter = restartGapsFirst(db, feeds, (e, stream) => {
    if (e.kind === 'gap' && e.cause === 'restart') telemetry.gaps.inc({ exchange: e.exchange, cause: e.cause });
    writer.push(e, stream);
  });

  const connections: FeedConnection[] = [];
  const pollers = new Map<ExchangeId, RestPoller>();
  for (const { id, instruments, plan } of planned) {
    const adapter = ADAPTERS[id];
    const book = () => new InstrumentBook(id, instruments);
    const restBodies = new LatestRestBodies();
    for (const spec of plan.connections) {
      const conn = new FeedConnection(spec, {
        exchange: id,
        createParser: () => restBodies.seed(adapter.createParser(book())),
        sink: toWriter,
        logger,
        telemetry,
        backoff: { baseMs: config.feed.backoffBaseMs, capMs: config.feed.backoffCapMs },
        now,
        raw,
      });
      connections.push(conn);
    }
    if (plan.polls.length) {
      const gate = new GapGate(id, 'rest', toWriter, (cause) => telemetry.gaps.inc({ exchange: id, cause }));
      pollers.set(
        id,
        new RestPoller(plan.polls, {
          exchange: id,
          parser: adapter.createParser(book()),
          sink: (e) => gate.pass(e),
          logger,
          telemetry,
          timeoutMs: config.feed.restTimeoutMs,
          backoff: { baseMs: config.feed.backoffBaseMs, capMs: config.feed.backoffCapMs },
          raw,
          now,
          onLoss: (start, cause) => {
            if (gate.armed) return; // the earliest loss wins until a poll succeeds again
            gate.arm(start, cause);
            raw?.gap(`${id}/rest`, start, cause, now());
          },
          onBody: (url, body, ts) => {
            restBodies.record(url, body, ts);
            for (const c of connections) if (c.exchange === id) c.observeRest(url, body, ts);
          },
        }),
      );
    }
  }
  recorder.start();
  let stopped = false;
  // New connections per exchange are spaced out: OKX allows 3 per second per IP, Bybit 500 per 5 minutes.
  const opened = new Map<ExchangeId, number>();
  const startTimers = connections.map((c) => {
    const n = opened.get(c.exchange) ?? 0;
    opened.set(c.exchange, n + 1);
    return setTimeout(() => {
      if (!stopped) c.start();
    }, n * CONNECTION_SPACING_MS);
  });
  for (const p of pollers.values()) p.start();
  logger.info(
    {
      db: config.db,
      connections: connections.length,
      markets: [...markets.values()].reduce((n, m) => n + m.length, 0),
    },
    'collector started',
  );

  return {
    db,
    bus,
    alerts: recorder.alerts,
    metrics: recorder.metrics,
    dbPath: config.db,
    writer,
    telemetry,
    markets,
    startedAt,
    feeds: () => connections.map((c) => c.status()),
    restErrors: () => Object.fromEntries([...pollers].map(([id, p]) => [id, p.lastError])),
    planNotes: planned.flatMap(({ plan }) => plan.notes ?? []),
    store: () => segments?.status() ?? null,
    async stop() {
      if (stopped) return;
      stopped = true;
      startTimers.forEach((t) => clearTimeout(t));
      await Promise.all([...connections.map((c) => c.stop()), ...[...pollers.values()].map((p) => p.stop())]);
      try {
        await recorder.stop();
        logger.info({ rows: writer.committedRows }, 'collector stopped; last batch committed');
      } finally {
        await bus?.stop(BUS_STOP_GRACE_MS);
        await raw?.close();
      }
    },
    close() {
      telemetry.stop();
      db.close();
    },
  };
}
