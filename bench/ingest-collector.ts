/**
 * The ingest benchmark's collector side, in its own process: the real FeedConnection, Bybit
 * parser and batched writer fed by bench/ingest-server.ts. Prints one JSON line: events,
 * frames, milliseconds until the last frame's batch committed, peak RSS (MB) and the longest
 * event-loop stall (ms). With a period (ms) as fifth argument the hot database rolls over into
 * closed segments beside it (the real SegmentStore), as a collector with store.dir does.
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
let events = 0;
let frames = 0;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const t = performance.now();
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
const rssMb = peakRss / 2 ** 20;
stalls.disable();
const maxStallMs = stalls.max / 1e6;
clearInterval(sampler);
await conn.stop();
writer.close();
await store?.stop();
const segments = store?.status().segments ?? 0;
db.close();
telemetry.stop();
process.stdout.write(JSON.stringify({ events, frames, ms, rssMb, maxStallMs, segments }) + '\n');
