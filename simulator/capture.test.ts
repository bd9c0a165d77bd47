/**
 * Capture replay: recorded frames delivered to the matching subscribers with every timestamp
 * shifted to now, looped without time or ids going backwards, books and tickers starting at a
 * snapshot, and REST answering with the recorded bodies.
 */
import { FbError as CaptureFileError } from '../core/errors.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needsShared, sharedLines } from '../test/helpers/shared-data.ts';
import { defaultCaptureFiles } from './capture/source.ts';
import { startSimulator } from './index.ts';
import { recorded, TestClient } from './test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'sim-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Agg = { e: string; E: number; T: number; a: number; f: number; l: number; p: string };

describe.skipIf(needsShared('the capture replay test of the default recordings (../shared/captures and samples)'))(
  'the default recordings in ../shared',
  () => {
    it('replays real frames byte for byte except the shifted times, near now', async () => {
      // Shifted to the simulator's run, not left in 2021: within seconds of it on either side,
      // bounds that a slow machine cannot break (the run starts after `started`, and nothing is
      // received before it is sent).
      const started = Date.now();
      const nearRun = (ts: number) => {
        expect(ts).toBeGreaterThan(started - 5000);
        expect(ts).toBeLessThan(Date.now() + 5000);
      };
      const sim = await startSimulator({ port: 0, source: 'capture' });
      try {
        const c = await TestClient.open(
          `${sim.endpoints['binance-usdm'].ws.public}/stream?streams=sushiusdt@bookTicker`,
        );
        const got = JSON.parse(await c.next()) as { stream: string; data: Record<string, number | string> };
        nearRun(got.data.E as number);
        const original = recorded('binance-usdm.2021-07-22.jsonl', (f) => f.stream === 'sushiusdt@bookTicker').find(
          (f) => (f.data as { u: number }).u === got.data.u,
        ) as { data: Record<string, number> };
        expect(original).toBeDefined();
        const shift = (got.data.E as number) - original.data.E;
        expect(got.data.T).toBe(original.data.T + shift);
        expect(JSON.stringify(got)).toBe(
          JSON.stringify({
            stream: 'sushiusdt@bookTicker',
            data: { ...original.data, T: original.data.T + shift, E: original.data.E + shift },
          }),
        );
        c.close();

        // REST answers with what the capture recorded
        const info = await (await fetch(`${sim.endpoints['binance-usdm'].rest}/fapi/v1/exchangeInfo`)).text();
        const rec = sharedLines('captures/binance-usdm.2021-07-22.jsonl')
          .map((l) => JSON.parse(l) as { t: string; url?: string; data?: string })
          .find((r) => r.t === 'http' && String(r.url).endsWith('/fapi/v1/exchangeInfo'))!;
        expect(info).toBe(rec.data);

        // Bybit accepts recorded topics only, and a ticker subscriber starts at a snapshot
        const by = await TestClient.open(sim.endpoints['bybit-linear'].ws.linear);
        by.send({ op: 'subscribe', args: ['tickers.NOPEUSDT'] });
        expect(await by.json()).toMatchObject({
          success: false,
          ret_msg: 'error:handler not found,topic:tickers.NOPEUSDT',
        });
        by.send({ op: 'subscribe', args: ['orderbook.1.SNTUSDT'] });
        await by.json((o) => o.success === true);
        const book = await by.json<{ topic: string; ts: number }>(
          (o) => o.topic === 'orderbook.1.SNTUSDT',
          'an SNTUSDT book',
        );
        nearRun(book.ts);
        by.close();
      } finally {
        await sim.close();
      }
    });
  },
);

describe('a short session, looped', () => {
  const t0 = 1_700_000_000_000;
  const binanceFile = join(dir, 'binance-usdm.short.jsonl');
  const bybitFile = join(dir, 'bybit-linear.short.jsonl');
  const lines = (header: object, frames: [number, object][]) =>
    [
      JSON.stringify(header),
      ...frames.map(([ts, f]) => JSON.stringify({ t: 'recv', conn: 'X.ws.1', ts: ts / 1000, data: JSON.stringify(f) })),
    ].join('\n') + '\n';
  writeFileSync(
    binanceFile,
    lines(
      { t: 'header', format: 2, exchange: 'BINANCE_FUTURES' },
      [0, 1, 2].map((i): [number, object] => [
        t0 + i * 100 + 3,
        {
          stream: 'btcusdt@aggTrade',
          data: {
            e: 'aggTrade',
            E: t0 + i * 100,
            a: 100 + i,
            s: 'BTCUSDT',
            p: '65000.10',
            q: '0.010',
            f: 200 + i,
            l: 200 + i,
            T: t0 + i * 100 - 5,
            m: false,
          },
        },
      ]),
    ),
  );
  const book = (type: string, u: number, ts: number) => ({
    topic: 'orderbook.50.BTCUSDT',
    type,
    ts,
    data: { s: 'BTCUSDT', b: [['65000.00', '1.000']], a: [['65000.10', '2.000']], u, seq: 9000 + u },
    cts: ts - 1,
  });
  writeFileSync(
    bybitFile,
    lines({ t: 'header', format: 2, exchange: 'BYBIT' }, [
      [t0 + 2, book('snapshot', 50, t0)],
      [t0 + 102, book('delta', 51, t0 + 100)],
      [t0 + 202, book('delta', 52, t0 + 200)],
    ]),
  );

  it('keeps times and ids increasing across loops, skips a number on demand, and starts books at a snapshot', async () => {
    const sim = await startSimulator({ port: 0, source: 'capture', captureFiles: [binanceFile, bybitFile] });
    try {
      const loopMs = (sim.stats().sourceInfo as { exchanges: Record<string, { loopMs: number }> }).exchanges[
        'binance-usdm'
      ].loopMs;
      expect(loopMs).toBeLessThan(2000);
      const c = await TestClient.open(`${sim.endpoints['binance-usdm'].ws.market}/ws/btcusdt@aggTrade`);
      await c.next();
      sim.fault({ exchange: 'binance-usdm', fault: 'skip-seq' });
      // a Bybit subscriber arriving after the snapshot went out must wait for the next one
      await c.until(() => c.frames.length >= 2, 'a second trade');
      const by = await TestClient.open(sim.endpoints['bybit-linear'].ws.linear);
      by.send({ op: 'subscribe', args: ['orderbook.50.BTCUSDT'] });
      await c.until(() => c.frames.length >= 7, 'more than two loops of trades');
      const trades = c.frames.slice(0, 7).map((f) => JSON.parse(f) as Agg);
      for (let i = 1; i < trades.length; i++) {
        expect(trades[i].E).toBeGreaterThan(trades[i - 1].E);
        expect(trades[i].T).toBeGreaterThan(trades[i - 1].T);
        expect(trades[i].a).toBeGreaterThan(trades[i - 1].a);
      }
      expect(trades.slice(1).map((t, i) => t.a - trades[i].a)).toEqual([2, 1, 1, 1, 1, 1]);
      // one loop later, the same recorded frame is exactly one loop length later
      expect(trades[3].E - trades[0].E).toBe(loopMs);
      expect(trades[3].T - trades[3].E).toBe(-5);
      const first = await by.json<{ type: string; data: { u: number } }>((o) => 'topic' in o);
      expect(first.type).toBe('snapshot');
      const next = await by.json<{ type: string; data: { u: number } }>((o) => 'topic' in o);
      expect(next).toMatchObject({ type: 'delta', data: { u: first.data.u + 1 } });
      c.close();
      by.close();
    } finally {
      await sim.close();
    }
  });

  it('without ../shared and without --capture, names what is missing and the option to use', () => {
    expect(() => defaultCaptureFiles(join(dir, 'no-shared'))).toThrow(CaptureFileError);
    expect(() => defaultCaptureFiles(join(dir, 'no-shared'))).toThrow(
      /no recorded sessions at .*no-shared\/captures.*pass --capture <file\.jsonl>/,
    );
  });

  it('refuses a capture it cannot read, naming the file', async () => {
    const bad = join(dir, 'mystery.jsonl');
    writeFileSync(bad, '{"stream":"x"}\n');
    await expect(startSimulator({ port: 0, source: 'capture', captureFiles: [bad] })).rejects.toThrow(
      /mystery\.jsonl: sample files are named/,
    );
    await expect(
      startSimulator({ port: 0, source: 'capture', captureFiles: [join(dir, 'missing.jsonl')] }),
    ).rejects.toThrow(/cannot read capture file/);
  });
});
