/**
 * The ingest benchmark's collector side, in its own process: the real FeedConnection, Bybit
 * parser and batched writer fed by bench/ingest-server.ts. Prints one JSON line: events,
 * frames, milliseconds until the last frame's batch committed, and peak RSS (MB).
 */
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
const db = openStore(dbPath);
const writer = new EventWriter(db, { flushMs: 50, flushRows: 5000, logger: silentLogger });
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
          // The last frame: commit what is queued and stop the clock.
          if (++frames === expected) setImmediate(() => (writer.flush(), finish()));
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
clearInterval(sampler);
await conn.stop();
writer.close();
db.close();
telemetry.stop();
process.stdout.write(JSON.stringify({ events, frames, ms, rssMb }) + '\n');
