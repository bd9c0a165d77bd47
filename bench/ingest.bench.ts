/**
 * Sustained ingest on one core: synthetic Bybit frames (200 markets) sent as fast as a bare
 * ws server can over loopback to the real FeedConnection → parser → writer → committed SQLite
 * rows, against a floor measured in the same run on the same frames: JSON.parse plus the same
 * batched inserts, no sockets. Also reports the collector's RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { createParser } from '../collector/exchanges/bybit-linear/parse.ts';
import { FeedConnection } from '../collector/feed/connection.ts';
import { createSyntheticMarket } from '../collector/simulator/index.ts';
import { openStore } from '../collector/store/open.ts';
import { EventWriter } from '../collector/store/writer.ts';
import { createTelemetry } from '../collector/telemetry.ts';
import type { MarketEvent } from '../replay/core/events.ts';
import { InstrumentBook } from '../replay/core/instruments.ts';
import { silentLogger } from '../replay/core/log.ts';

const MARKETS = Array.from({ length: 200 }, (_, i) => `C${i}=${(10 + i).toFixed(2)}`);

function frames(n: number): string[] {
  const sim = createSyntheticMarket({ seed: 5, markets: MARKETS, start: Date.now() });
  const out: string[] = [];
  for (const stream of ['publicTrade', 'orderbook.1', 'tickers']) out.push(...sim.nextFrames('bybit-linear', stream, Math.floor(n / 3)));
  // Interleave the three streams as a live connection would see them.
  return out.map((f, i) => ({ f, k: (i % Math.floor(n / 3)) * 3 + Math.floor(i / Math.floor(n / 3)) })).sort((a, b) => a.k - b.k).map((x) => x.f);
}

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

async function overSockets(input: string[], dir: string): Promise<{ events: number; ms: number; rssMb: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  wss.on('connection', (ws) => {
    let i = 0;
    // Send in chunks, yielding to the event loop between them (as a real server would).
    const pump = () => {
      const end = Math.min(i + 2000, input.length);
      for (; i < end; i++) ws.send(input[i]);
      if (i < input.length) setImmediate(pump);
    };
    pump();
  });
  const db = openStore(join(dir, 'sockets.db'));
  const writer = new EventWriter(db, { flushMs: 50, flushRows: 5000, logger: silentLogger });
  const telemetry = createTelemetry();
  let events = 0;
  let frames = 0;
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
            if (++frames === input.length) setImmediate(() => (writer.flush(), finish()));
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
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await conn.stop();
  writer.close();
  db.close();
  telemetry.stop();
  await new Promise((r) => wss.close(r));
  return { events, ms, rssMb };
}

export async function runIngestBench(n = 150_000): Promise<{ lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-ingest-'));
  try {
    const input = frames(n);
    const f = floor(input, dir);
    const s = await overSockets(input, dir);
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
        `Collector process RSS after the run (200 markets): ${s.rssMb.toFixed(0)} MB (target ≤ 200 MB).`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
