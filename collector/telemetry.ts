/**
 * Prometheus series of the collector daemon (served at /metrics). One registry per daemon so
 * tests can run several daemons in one process. Every name is prefixed `futuresboard_`.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreHealth } from '../core/health.ts';
import { watchEventLoopDelay, type EventLoopDelay } from './event-loop-delay.ts';

/** What /metrics shows of the disk: the same figures as /health. */
export interface StorageFacts {
  diskFreeBytes: number | null;
  store: StoreHealth | null;
}

/** `eventLoopWindowMs`: how often the event-loop delay figures roll over (tests shorten it). */
export function createTelemetry(opts: { eventLoopWindowMs?: number } = {}) {
  const registry = new Registry();
  const r = [registry];
  const eventLoop = watchEventLoopDelay(opts.eventLoopWindowMs);

  type DeliveryStats = { pending: number; failed: number; delivered: number; failing: number };
  let deliveryStats: (() => DeliveryStats) | null = null;
  let writerLagMs: (() => number) | null = null;
  let storage: (() => StorageFacts) | null = null;
  let bus: (() => { connected: boolean; lag: number }) | null = null;

  const t = {
    registry,
    /** The daemon's alert sink reports here; read at each scrape. */
    setAlertDeliveryStats(source: () => DeliveryStats) {
      deliveryStats = source;
    },
    /** The daemon's writer reports its lag here; read at each scrape. */
    setWriterLagSource(source: () => number) {
      writerLagMs = source;
    },
    /** The daemon reports free disk and the recordings folder here; read at each scrape. */
    setStorageSource(source: () => StorageFacts) {
      storage = source;
    },
    /** A scale-out role reports its bus link here; read at each scrape. */
    setBusSource(source: () => { connected: boolean; lag: number }) {
      bus = source;
    },
    busMessages: new Counter({
      name: 'futuresboard_bus_messages_total',
      help: 'Bus messages by outcome (published, consumed, duplicate, held, rejected, failed)',
      labelNames: ['outcome'],
      registers: r,
    }),
    busConnected: new Gauge({
      name: 'futuresboard_bus_connected',
      help: '1 while the role is connected to the NATS bus',
      registers: r,
      collect() {
        if (bus) this.set(bus().connected ? 1 : 0);
      },
    }),
    busLag: new Gauge({
      name: 'futuresboard_bus_lag',
      help: 'collect: committed events the bus has not acknowledged; store, relay: stream messages not yet consumed',
      registers: r,
      collect() {
        if (bus) this.set(bus().lag);
      },
    }),
    events: new Counter({
      name: 'futuresboard_events_total',
      help: 'Normalized events committed, by exchange and kind',
      labelNames: ['exchange', 'kind'],
      registers: r,
    }),
    frames: new Counter({
      name: 'futuresboard_frames_total',
      help: 'Frames received, by exchange and type (data, ack, pong, rejected, notice, ignored)',
      labelNames: ['exchange', 'type'],
      registers: r,
    }),
    parseErrors: new Counter({
      name: 'futuresboard_parse_errors_total',
      help: 'Malformed frames counted and skipped',
      labelNames: ['exchange'],
      registers: r,
    }),
    rejected: new Counter({
      name: 'futuresboard_subscribe_rejections_total',
      help: 'Requests the exchange refused',
      labelNames: ['exchange'],
      registers: r,
    }),
    reconnects: new Counter({
      name: 'futuresboard_reconnects_total',
      help: 'Websocket reconnects',
      labelNames: ['exchange', 'stream'],
      registers: r,
    }),
    gaps: new Counter({
      name: 'futuresboard_gaps_total',
      help: 'Intervals of lost data recorded',
      labelNames: ['exchange', 'cause'],
      registers: r,
    }),
    oversized: new Counter({
      name: 'futuresboard_oversized_frames_total',
      help: 'Frames above the size limit, dropped with their connection',
      labelNames: ['exchange'],
      registers: r,
    }),
    restRequests: new Counter({
      name: 'futuresboard_rest_requests_total',
      help: 'REST polls by exchange and HTTP status',
      labelNames: ['exchange', 'status'],
      registers: r,
    }),
    writeBatch: new Histogram({
      name: 'futuresboard_write_batch_seconds',
      help: 'Duration of one write transaction',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: r,
    }),
    writeErrors: new Counter({
      name: 'futuresboard_write_errors_total',
      help: 'Failed write transactions by SQLite error code',
      labelNames: ['code'],
      registers: r,
    }),
    writerLag: new Gauge({
      name: 'futuresboard_writer_lag_seconds',
      help: 'Age of the oldest event not yet committed',
      registers: r,
      collect() {
        if (writerLagMs) this.set(writerLagMs() / 1000);
      },
    }),
    diskFree: new Gauge({
      name: 'futuresboard_disk_free_bytes',
      help: 'Free disk on the filesystem of the database or recordings folder, whichever has less',
      registers: r,
      collect() {
        const free = storage?.().diskFreeBytes;
        if (free !== null && free !== undefined) this.set(free);
      },
    }),
    storeBytes: new Gauge({
      name: 'futuresboard_store_bytes',
      help: 'Bytes of the recordings folder: closed segments (compressed) and the hot database',
      labelNames: ['part'],
      registers: r,
      collect() {
        const store = storage?.().store;
        if (!store) return;
        this.set({ part: 'closed' }, store.closedBytes);
        this.set({ part: 'hot' }, store.hotBytes);
      },
    }),
    storeSegments: new Gauge({
      name: 'futuresboard_store_segments',
      help: 'Closed segments in the recordings catalog',
      registers: r,
      collect() {
        const store = storage?.().store;
        if (store) this.set(store.segments);
      },
    }),
    relayClients: new Gauge({
      name: 'futuresboard_relay_clients',
      help: 'Connected relay websocket clients',
      registers: r,
    }),
    relayDrops: new Counter({
      name: 'futuresboard_relay_drops_total',
      help: 'Relay messages dropped or clients closed, by reason',
      labelNames: ['reason'],
      registers: r,
    }),
    alertDeliveries: new Gauge({
      name: 'futuresboard_alert_deliveries',
      help: 'Webhook deliveries in the queue by status (failing = erring now or given up in the last hour)',
      labelNames: ['status'],
      registers: r,
      collect() {
        const s = deliveryStats?.();
        if (!s) return;
        for (const status of ['pending', 'failed', 'delivered', 'failing'] as const) this.set({ status }, s[status]);
      },
    }),
    alerts: new Counter({
      name: 'futuresboard_alerts_total',
      help: 'Alerts fired by tier',
      labelNames: ['tier'],
      registers: r,
    }),
    // One gauge per statistic, not a `quantile` label: that label belongs to summaries, and
    // promtool rejects it elsewhere. Values cover the last whole window, so scrapes never reset them.
    ...eventLoopGauges(r, eventLoop),
    stop() {
      eventLoop.stop();
    },
  };
  return t;
}

function eventLoopGauges(registers: Registry[], delay: EventLoopDelay) {
  const gauge = (stat: 'p50' | 'p99' | 'max', help: string) =>
    new Gauge({
      name: `futuresboard_event_loop_delay_${stat}_seconds`,
      help: `${help} over the last whole ${delay.windowSeconds}-second window`,
      registers,
      collect() {
        this.set(delay.last()[stat]);
      },
    });
  return {
    eventLoopDelayP50: gauge('p50', 'Median event-loop delay'),
    eventLoopDelayP99: gauge('p99', '99th percentile of event-loop delay'),
    eventLoopDelayMax: gauge('max', 'Longest event-loop delay'),
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;
