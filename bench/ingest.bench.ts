/**
 * Sustained ingest on one core: synthetic Bybit frames (200 markets) sent as fast as a bare
 * ws server can over loopback to the real FeedConnection → parser → writer → committed SQLite
 * rows, against a floor measured in the same run on the same frames: JSON.parse plus the same
 * batched inserts, no sockets. Also reports the collector's RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createParser } from '../collector/exchanges/bybit-linear/parse.ts';
import { FeedConnection } from '../collector/feed/connection.ts';
import { openStore } from '../collector/store/open.ts';
import { EventWriter } from '../collector/store/writer.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import type { MarketEvent } from '../replay/core/events.ts';
import { InstrumentBook } from '../replay/core/instruments.ts';
import { silentLogger } from '../replay/core/log.ts';
import { ingestFrames } from './ingest-frames.ts';

/** Floor: the same frames, JSON.parse + our parse + the same batched inserts; no sockets. */
function floor(input: string[], dir: string): { events: number; ms: number } {
  const db = openStore(join(dir, 'floor.db'));
  const writer = new EventWriter(db, { flushMs: 50, flushRows: 5000, logger: silentLogger });
  const parser = createParser(new InstrumentBook('bybit-linear'));
  let events = 0;
  const t = performance.now();
  for (let i = 0; i < input.length; i++) {
    JSON.parse(input[i]);
    parser.parseFrame(input[i], i, (e) => {
      events++;
      writer.push(e, 'bench');
    });
  }
  writer.close();
  const ms = performance.now() - t;
  db.close();
  return { events, ms };
}

async function overSockets(n: number, startTs: number, dir: string, rate = 0): Promise<{ events: number; frames: number; ms: number; rssMb: number }> {
  const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), String(n), String(startTs), String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => createInterface({ input: server.stdout! }).once('line', (l) => resolve(Number(l))));
  const expected = Math.floor(n / 3) * 3;
  const db = openStore(join(dir, `sockets-${rate}.db`));
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
    { id: 'bench', stream: 'bench', url: `ws://127.0.0.1:${port}/`, subscribe: [], heartbeat: { kind: 'server-ping' }, staleMs: 60_000 },
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
  await new Promise((r) => server.once('exit', r));
  return { events, frames, ms, rssMb };
}

export async function runIngestBench(n = 150_000): Promise<{ lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-ingest-'));
  try {
    const startTs = Date.now();
    // Memory first, at a live feed's pace (10 s at 20,000 frames/s), while this process holds
    // nothing else: heap grown by a later run is not given back, and in the unpaced run frames
    // waiting unread in the socket would count as the collector's memory.
    const paced = await overSockets(200_000, startTs, dir, 20_000);
    // Then throughput, before the floor run makes its own copy of the frames.
    const s = await overSockets(n, startTs, dir);
    const input = ingestFrames(n, startTs);
    const f = floor(input, dir);
    const rate = (x: { events: number; ms: number }) => Math.round((x.events / x.ms) * 1000);
    return {
      lines: [
        `Ingest, ${input.length.toLocaleString('en')} synthetic Bybit frames over 200 markets (publicTrade, orderbook.1, tickers):`,
        '',
        '| path | events/s | ratio to floor (target ≥ 0.5) |',
        '|---|---|---|',
        `| collector: loopback websocket → parse → batched SQLite commit | ${rate(s).toLocaleString('en')} events/s | ${(rate(s) / rate(f)).toFixed(2)} |`,
        `| floor: JSON.parse + parse + the same batched inserts, no sockets | ${rate(f).toLocaleString('en')} events/s | 1.00 |`,
        '',
        `Collector peak RSS with 200 markets at 20,000 frames/s for 10 s (frame source in its own process): ${paced.rssMb.toFixed(0)} MB (target ≤ 200 MB); ` +
          `during the unpaced run above, with unread frames queued in the socket: ${s.rssMb.toFixed(0)} MB.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
