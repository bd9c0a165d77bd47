/**
 * Bad input and bad networks against the real collector and simulator: 1 % malformed frames,
 * a 16 MiB frame, skipped and duplicated sequence numbers, a stalled connection, connection
 * flapping, and an exchange that accepts and drops every connection. The collector must not
 * crash, must count every anomaly in /metrics, record gaps, reconnect no faster than its
 * backoff allows, and keep memory bounded.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCHANGES, type ExchangeId } from '../../replay/core/events.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';
import { getHealth, MiB, sampleMemory, scrapeMetrics, withDb } from './support.ts';

const dir = tempDir('fb-feedfaults-');
let rig: Rig;
let memory: ReturnType<typeof sampleMemory>;
let warmHeap = 0;

beforeAll(async () => {
  rig = await startRig(dir, { rate: 3000, name: 'faults' });
  await Promise.all(EXCHANGES.map((x) => rig.next((e) => e.kind === 'trade' && e.exchange === x, 20_000, `a ${x} trade`)));
  memory = sampleMemory(250);
  warmHeap = process.memoryUsage().heapUsed;
});
afterAll(async () => {
  await rig?.stop();
});

const port = () => rig.service.port;
const frames = async (exchange: ExchangeId, type = 'data') =>
  (await rig.service.collector.telemetry.frames.get()).values.find((v) => v.labels.exchange === exchange && v.labels.type === type)?.value ?? 0;
/** Resolves when every exchange has committed a trade received after `t`. */
const dataAfter = (t: number, what: string) =>
  Promise.all(EXCHANGES.map((x) => rig.next((e) => e.kind === 'trade' && e.exchange === x && e.local_ts > t, 30_000, `${x} ${what}`)));

describe('feed faults', () => {
  it('counts 1 % malformed frames one by one and keeps recording', async () => {
    const before = await scrapeMetrics(port());
    const injected = Object.fromEntries(EXCHANGES.map((x) => [x, 0])) as Record<ExchangeId, number>;
    const seen = Object.fromEntries(await Promise.all(EXCHANGES.map(async (x) => [x, await frames(x)]))) as Record<ExchangeId, number>;
    const start = { ...seen };
    // For 3 s, after every 100 ms inject one malformed frame per 99 good ones received.
    for (let tick = 0; tick < 30; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const x of EXCHANGES) {
        const good = (await frames(x)) - start[x];
        const due = Math.floor(good / 99) - injected[x];
        if (due > 0) {
          await rig.sim.fault({ exchange: x, fault: 'malformed', count: due });
          injected[x] += due;
        }
      }
    }
    const t = Date.now();
    await dataAfter(t, 'data after the malformed frames');
    const after = await scrapeMetrics(port());
    for (const x of EXCHANGES) {
      expect(injected[x], `${x} malformed frames injected`).toBeGreaterThan(0);
      expect(after('futuresboard_parse_errors_total', { exchange: x }) - before('futuresboard_parse_errors_total', { exchange: x })).toBe(injected[x]);
      // Malformed frames do not cost the connection.
      expect(after('futuresboard_reconnects_total', { exchange: x })).toBe(before('futuresboard_reconnects_total', { exchange: x }));
    }
    console.log(`malformed: injected ${JSON.stringify(injected)} (1 per 99 data frames), all counted in futuresboard_parse_errors_total`);
  });

  it('drops a 16 MiB frame with its connection, counts it, records the gap and reconnects', async () => {
    const before = await scrapeMetrics(port());
    const rssBefore = process.memoryUsage().rss;
    const gap = rig.next((e) => e.kind === 'gap' && e.exchange === 'okx-swap' && e.cause === 'disconnect', 30_000, 'the disconnect gap');
    await rig.sim.fault({ exchange: 'okx-swap', fault: 'oversized', bytes: 16 * MiB });
    const g = await gap;
    await rig.next((e) => e.kind === 'trade' && e.exchange === 'okx-swap' && e.seq > g.seq, 30_000, 'okx data after the reconnect');
    const after = await scrapeMetrics(port());
    const delta = (name: string, labels: Record<string, string>) => after(name, labels) - before(name, labels);
    expect(delta('futuresboard_oversized_frames_total', { exchange: 'okx-swap' })).toBe(1);
    expect(delta('futuresboard_reconnects_total', { exchange: 'okx-swap' })).toBe(1);
    expect(delta('futuresboard_gaps_total', { exchange: 'okx-swap', cause: 'disconnect' })).toBe(1);
    // The frame was refused from its length header, not buffered: no 16 MiB step in memory.
    console.log(`oversized: RSS ${Math.round(rssBefore / MiB)} → ${Math.round(process.memoryUsage().rss / MiB)} MiB (simulator and collector in one process)`);
  });

  it('records skipped sequence numbers as gaps and drops duplicates without recording them twice', async () => {
    const before = await scrapeMetrics(port());
    const ignoredBefore = await frames('binance-usdm', 'ignored');
    const t = Date.now();
    for (const x of EXCHANGES) {
      await rig.sim.fault({ exchange: x, fault: 'skip-seq', count: 2 });
      await rig.sim.fault({ exchange: x, fault: 'duplicate-seq', count: 20 });
    }
    await Promise.all(EXCHANGES.map((x) => rig.next((e) => e.kind === 'gap' && e.exchange === x && e.cause === 'sequence', 30_000, `a ${x} sequence gap`)));
    await dataAfter(Date.now(), 'data after the sequence faults');
    const after = await scrapeMetrics(port());
    for (const x of EXCHANGES)
      expect(after('futuresboard_gaps_total', { exchange: x, cause: 'sequence' }) - before('futuresboard_gaps_total', { exchange: x, cause: 'sequence' })).toBeGreaterThanOrEqual(1);
    // Binance aggTrade duplicates are frames the parser ignores (counted as such), never rows.
    expect((await frames('binance-usdm', 'ignored')) - ignoredBefore).toBeGreaterThanOrEqual(20);
    withDb(rig.config.db, (db) => {
      const dupes = db
        .prepare('SELECT count(*) AS n FROM (SELECT 1 FROM trades WHERE exchange = ? AND local_ts >= ? GROUP BY symbol, trade_id HAVING count(*) > 1)')
        .get('binance-usdm', t) as { n: number };
      expect(dupes.n).toBe(0);
      const seqGaps = db.prepare("SELECT count(*) AS n FROM gaps WHERE cause = 'sequence' AND local_ts >= ? AND seq_before IS NOT NULL AND seq_after IS NOT NULL").get(t) as { n: number };
      expect(seqGaps.n).toBeGreaterThanOrEqual(EXCHANGES.length);
    });
  });

  it('detects a stalled connection while two other exchanges flap for 15 s', async () => {
    const before = await scrapeMetrics(port());
    const flapUntil = Date.now() + 15_000;
    // Binance goes silent with its connections open: only the stale timer can notice.
    await rig.sim.fault({ exchange: 'binance-usdm', fault: 'stall', ms: 14_000 });
    const stale = rig.next((e) => e.kind === 'gap' && e.exchange === 'binance-usdm' && e.cause === 'stale', 30_000, 'the binance stale gap');
    let drops = 0;
    while (Date.now() < flapUntil) {
      for (const x of ['bybit-linear', 'okx-swap'] as const) await rig.sim.fault({ exchange: x, fault: 'drop' });
      drops++;
      await new Promise((resolve) => setTimeout(resolve, 750));
    }
    const g = await stale;
    if (g.kind !== 'gap') throw new Error('unreachable');
    // Stale after Binance's 10 s without data (checked every 2.5 s).
    expect(g.end_ts - g.start_ts).toBeGreaterThanOrEqual(10_000);
    await dataAfter(Date.now(), 'data after the flapping');
    const after = await scrapeMetrics(port());
    const delta = (name: string, labels: Record<string, string>) => after(name, labels) - before(name, labels);
    expect(delta('futuresboard_gaps_total', { exchange: 'binance-usdm', cause: 'stale' })).toBeGreaterThanOrEqual(1);
    for (const x of ['bybit-linear', 'okx-swap']) {
      const connections = rig.service.collector.feeds().filter((f) => f.exchange === x).length;
      const reconnects = delta('futuresboard_reconnects_total', { exchange: x });
      // Each drop costs each connection one reconnect at most (data between drops resets the
      // backoff); a drop that lands while a connection is still reconnecting costs nothing.
      expect(reconnects).toBeGreaterThanOrEqual(drops);
      expect(reconnects).toBeLessThanOrEqual(drops * connections);
      expect(delta('futuresboard_gaps_total', { exchange: x, cause: 'disconnect' })).toBeGreaterThanOrEqual(drops);
    }
    console.log(`flapping: ${drops} drops each of bybit and okx in 15 s; binance stale gap ${g.end_ts - g.start_ts} ms`);
  }, 60_000);

  it('keeps memory bounded through all of it', () => {
    const samples = memory.stop();
    const peakHeap = Math.max(...samples.map((s) => s.heap));
    const peakRss = Math.max(...samples.map((s) => s.rss));
    console.log(`memory: heap warm ${Math.round(warmHeap / MiB)} MiB, peak ${Math.round(peakHeap / MiB)} MiB; peak RSS ${Math.round(peakRss / MiB)} MiB over ${samples.length} samples`);
    // Simulator and collector share this process; a leak per frame or per reconnect at these
    // rates would add hundreds of MiB over the run.
    expect(peakHeap - warmHeap).toBeLessThan(128 * MiB);
  });
});

describe('an exchange that accepts and drops every connection', () => {
  it('reconnects no faster than exponential backoff with full jitter allows, and /health says so', async () => {
    const hostile = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    hostile.on('connection', (ws) => ws.close(1011, 'go away'));
    await new Promise((resolve) => hostile.once('listening', resolve));
    const url = `ws://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    const BASE = 50;
    const CAP = 500;
    const WINDOW = 6000;
    const flapping = await startRig(dir, {
      exchanges: ['binance-usdm'],
      name: 'hostile',
      tweak: (c) => {
        c.exchanges['binance-usdm'].endpoints.ws = { public: `${url}/public`, market: `${url}/market` };
        c.feed.backoffBaseMs = BASE;
        c.feed.backoffCapMs = CAP;
        // Past this, a feed that never delivered counts as reconnecting, not starting.
        c.health.staleMs = 2000;
      },
    });
    try {
      const t0 = Date.now();
      await new Promise((resolve) => setTimeout(resolve, WINDOW));
      const elapsed = Date.now() - t0;
      const scrape = await scrapeMetrics(flapping.service.port);
      const feeds = flapping.service.collector.feeds();
      // Delays are uniform in [0, min(cap, base·2^n)]: after log2(cap/base) ≈ 4 attempts the mean
      // is cap/2. Twice that expected count (≈ 6 standard deviations) bounds a healthy backoff; a
      // client without one would reconnect thousands of times a second to a local server.
      const bound = feeds.length * (4 + 2 * Math.ceil(elapsed / (CAP / 2)));
      const reconnects = scrape('futuresboard_reconnects_total', { exchange: 'binance-usdm' });
      console.log(`hostile endpoint: ${reconnects} reconnects of ${feeds.length} connections in ${elapsed} ms (bound ${bound})`);
      expect(reconnects).toBeGreaterThanOrEqual(feeds.length * Math.floor(elapsed / CAP / 2));
      expect(reconnects).toBeLessThanOrEqual(bound);
      // Down, except in the instant a connection is open before its close arrives.
      await expect.poll(async () => (await getHealth(flapping.service.port)).reasons, { timeout: 5000, interval: 50 }).toContain(
        `all feeds down (${feeds.length} disconnected)`,
      );
      // Nothing was received, so nothing was lost: no gap rows.
      expect(scrape('futuresboard_gaps_total', { exchange: 'binance-usdm', cause: 'disconnect' })).toBe(0);
    } finally {
      await flapping.stop();
      await new Promise((resolve) => hostile.close(resolve));
    }
  }, 30_000);
});
