/**
 * The ingest benchmark's collector side, in its own process: the real FeedConnection, Bybit
 * parser and batched writer fed by bench/ingest-server.ts. Prints one JSON line: events,
 * rows committed, frames, milliseconds until the last frame's batch committed, the process's CPU
 * time over the same span (ms), peak RSS (MB) and the longest event-loop stall (ms). With a
 * period (ms) as fifth argument the hot database rolls over into closed segments beside it (the
 * real SegmentStore), as a collector with store.dir does. With a NATS URL as sixth argument it
 * also publishes every committed batch to the bus as `collect` with `bus` set does (the real
 * outbox), and waits until JetStream acknowledged the last one.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { SegmentStore } from '../collector/store/segments/store.ts';
import { createParser } from '../collector/exchanges/bybit-linear/parse.ts';
import { FeedConnection } from '../collector/feed/connection.ts';
import { openStore } from '../collector/store/open.ts';
import { EventWriter } from '../collector/store/writer.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import type { MarketEvent } from '../core/events.ts';
import { InstrumentBook } from '../core/instruments.ts';
import { silentLogger } from '../core/log.ts';

const [port, expected] = process.argv.slice(2, 4).map(Number);
const dbPath = process.argv[4];
const periodMs = Number(process.argv[5] ?? 0);
const busUrl = process.argv[6];
const db = openStore(dbPath);
const store = periodMs
  ? new SegmentStore({
      db,
      hotPath: dbPath,
      dir: dirname(dbPath),
      segment: `${periodMs}ms`,
      periodMs,
      maxAgeMs: null,
      maxBytes: null,
      codeVersion: 'bench',
      purgeRows: 2_500,
      logger: silentLogger,
    })
  : null;
const writer = new EventWriter(db, {
  flushMs: 50,
  flushRows: 5000,
  logger: silentLogger,
  ...(store ? { periods: store.periods, seqFloor: store.seqFloor } : {}),
});
store?.start(writer);
// Enabled after a tenth of the frames: start-up (module compilation, the first batches) is not a stall of ingest.
const stalls = monitorEventLoopDelay({ resolution: 5 });
const telemetry = createTelemetry();
/** The real outbox on this writer, as `collect` with `bus` set starts it. */
async function startBus(url: string) {
  const { configSchema } = await import('../collector/config/schema.ts');
  const { startCollectorBus } = await import('../collector/bus/collect-to-bus.ts');
  const config = configSchema.parse({ db: dbPath, bus: { url } });
  const started = startCollectorBus({
    config,
    bus: config.bus!,
    db,
    writer,
    telemetry,
    logger: silentLogger,
    now: Date.now,
  });
  await started.link.ready;
  return started;
}

// Loaded only with a bus, so the ingest benchmark's RSS figures stay those of the collector without one.
const bus = busUrl ? await startBus(busUrl) : null;

let events = 0;
let frames = 0;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const t = performance.now();
// The start on the wall clock, for a consumer in another process that times its side from it.
const startedAt = performance.timeOrigin + t;
const cpuAtStart = process.cpuUsage();
let finish: () => void = () => {};
const done = new Promise<void>((resolve) => (finish = resolve));
const conn = new FeedConnection(
  {
    id: 'bench',
    stream: 'bench',
    url: `ws://127.0.0.1:${port}/`,
    subscribe: [],
    heartbeat: { kind: 'server-ping' },
    staleMs: 60_000,
  },
  {
    exchange: 'bybit-linear',
    createParser: () => {
      const p = createParser(new InstrumentBook('bybit-linear'));
      return {
        exchange: p.exchange,
        parseFrame: (text, ts, emit) => {
          const r = p.parseFrame(text, ts, emit);
          if (++frames === Math.floor(expected / 10)) stalls.enable();
          // The last frame: commit what is queued and stop the clock.
          if (frames === expected) setImmediate(() => (writer.flush(), finish()));
          return r;
        },
        parseRest: (url, body, ts, emit) => p.parseRest(url, body, ts, emit),
        reset: () => p.reset(),
      };
    },
    sink: (e: MarketEvent, s) => {
      events++;
      writer.push(e, s);
    },
    logger: silentLogger,
    telemetry,
    backoff: { baseMs: 1000, capMs: 1000 },
  },
);
conn.start();
await done;
const ms = performance.now() - t;
// Through the bus, the run ends when JetStream has acknowledged every committed event.
while (bus && bus.outbox.lag() > 0) await new Promise((r) => setTimeout(r, 5));
const publishedMs = performance.now() - t;
const rows = writer.committedRows;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const rssMb = peakRss / 2 ** 20;
stalls.disable();
const maxStallMs = stalls.max / 1e6;
clearInterval(sampler);
await conn.stop();
writer.close();
await bus?.stop(5000);
await store?.stop();
const segments = store?.status().segments ?? 0;
db.close();
telemetry.stop();
process.stdout.write(
  JSON.stringify({ events, rows, frames, ms, publishedMs, startedAt, cpuMs, rssMb, maxStallMs, segments }) + '\n',
);
