/**
 * Bybit v5 linear over real sockets: one ack per subscribe request in the real shape, tickers
 * snapshot + deltas, order books, trades and liquidations, refusals, ping/pong and the idle cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.ts';
import { needsShared } from '../test/helpers/shared-data.ts';
import { sample, shapeOf, TestClient } from './test-support.ts';

const noShared = needsShared('the bybit simulator tests that compare frames with the real ones in ../shared/samples');

let sim: Simulator;
const clients: TestClient[] = [];
const open = async () => {
  const c = await TestClient.open(sim.endpoints['bybit-linear'].ws.linear);
  clients.push(c);
  return c;
};
type Frame = {
  topic?: string;
  type?: string;
  ts?: number;
  cs?: number;
  data?: unknown;
  success?: boolean;
  op?: string;
  ret_msg?: string;
  req_id?: string;
};

beforeAll(async () => {
  sim = await startSimulator({ port: 0, eventsPerSecond: 3000, seed: 4, liquidationEveryMs: [100, 200] });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

describe('subscribe', () => {
  it.skipIf(noShared)('acks each request once, in the real shape, echoing req_id', async () => {
    const c = await open();
    c.send({ req_id: 'r1', op: 'subscribe', args: ['publicTrade.BTCUSDT', 'publicTrade.ETHUSDT'] });
    c.send({ op: 'subscribe', args: ['orderbook.1.SOLUSDT'] });
    const acks = [await c.json<Frame>((o) => o.op === 'subscribe'), await c.json<Frame>((o) => o.op === 'subscribe')];
    expect(shapeOf(acks[0])).toBe(shapeOf(sample('bybit-linear.control')[0]));
    expect(acks.map((a) => [a.success, a.ret_msg, a.req_id])).toEqual([
      [true, '', 'r1'],
      [true, '', ''],
    ]);
    const trade = await c.json<Frame>((o) => o.topic === 'publicTrade.ETHUSDT');
    expect(shapeOf(trade)).toBe(shapeOf(sample('bybit-linear.publicTrade')[1]));
    expect(Array.isArray(trade.data)).toBe(true);
    // no third ack ever: two requests, two acks
    await c.json<Frame>((o) => o.topic === 'orderbook.1.SOLUSDT');
    expect(c.frames.filter((f) => f.includes('"op":"subscribe"'))).toHaveLength(2);
  });

  it('refuses an unknown topic with success:false and a reason, and a repeated one', async () => {
    const c = await open();
    c.send({ req_id: 'bad', op: 'subscribe', args: ['tickers.BTCUSDT', 'tickers.NOPEUSDT'] });
    const nack = await c.json<Frame>();
    expect(nack).toMatchObject({
      success: false,
      ret_msg: 'error:handler not found,topic:tickers.NOPEUSDT',
      req_id: 'bad',
      op: 'subscribe',
    });
    c.send({ op: 'subscribe', args: ['allLiquidation.BTCUSDT'] });
    await c.json<Frame>((o) => o.success === true);
    c.send({ op: 'subscribe', args: ['allLiquidation.BTCUSDT'] });
    expect(await c.json<Frame>((o) => o.success === false)).toMatchObject({
      ret_msg: 'error:already subscribed,topic:allLiquidation.BTCUSDT',
    });
  });
});

describe('topics', () => {
  it.skipIf(noShared)('sends a tickers snapshot, then deltas of changed keys with an increasing cs', async () => {
    const c = await open();
    c.send({ op: 'subscribe', args: ['tickers.BTCUSDT'] });
    const snap = await c.json<Frame>((o) => o.topic === 'tickers.BTCUSDT');
    expect(snap.type).toBe('snapshot');
    expect(shapeOf(snap)).toBe(shapeOf(sample('bybit-linear.tickers')[1]));
    let cs = snap.cs!;
    for (let i = 0; i < 3; i++) {
      const d = await c.json<Frame>((o) => o.topic === 'tickers.BTCUSDT');
      expect(d.type).toBe('delta');
      expect(d.cs!).toBeGreaterThan(cs);
      cs = d.cs!;
      const keys = Object.keys(d.data as object);
      expect(keys[0]).toBe('symbol');
      expect(keys.length).toBeLessThan(Object.keys(snap.data as object).length);
    }
  });

  it('gives a late subscriber the state the others know, so the same delta keeps both in step', async () => {
    const merge = (c: TestClient) => {
      const state: Record<string, string> = {};
      let cs = 0;
      for (const f of c.frames.map((t) => JSON.parse(t) as Frame).filter((o) => o.topic === 'tickers.ETHUSDT')) {
        if (f.type === 'snapshot') for (const k of Object.keys(state)) delete state[k];
        Object.assign(state, f.data);
        cs = f.cs!;
      }
      return { state, cs };
    };
    const a = await open();
    a.send({ op: 'subscribe', args: ['tickers.ETHUSDT'] });
    await a.until(() => a.frames.filter((t) => t.includes('"delta"')).length >= 2, 'two deltas');
    const b = await open();
    b.send({ op: 'subscribe', args: ['tickers.ETHUSDT'] });
    await b.until(() => b.frames.filter((t) => t.includes('"delta"')).length >= 2, 'two deltas for the newcomer');
    const last = JSON.parse(b.frames.at(-1)!) as Frame;
    await a.until(() => a.frames.some((t) => t.includes(`"cs":${last.cs}`)), 'the same delta');
    a.frames.splice(a.frames.findIndex((t) => t.includes(`"cs":${last.cs}`)) + 1);
    expect(merge(a)).toEqual(merge(b));
  });

  it('sends orderbook.50 as a snapshot then deltas with u = previous + 1; orderbook.1 as snapshots only', async () => {
    const c = await open();
    c.send({ op: 'subscribe', args: ['orderbook.50.ETHUSDT', 'orderbook.1.ETHUSDT'] });
    const first = await c.json<Frame>((o) => o.topic === 'orderbook.50.ETHUSDT');
    expect(first.type).toBe('snapshot');
    const d0 = first.data as { b: unknown[]; a: unknown[]; u: number };
    expect([d0.b.length, d0.a.length]).toEqual([50, 50]);
    let u = d0.u;
    for (let i = 0; i < 5; i++) {
      const d = await c.json<Frame>((o) => o.topic === 'orderbook.50.ETHUSDT');
      expect(d.type).toBe('delta');
      expect((d.data as { u: number }).u).toBe(u + 1);
      u += 1;
    }
    await c.until(
      () => c.frames.filter((f) => f.includes('orderbook.1.ETHUSDT')).length >= 3,
      'three orderbook.1 frames',
    );
    for (const f of c.frames.filter((t) => t.includes('orderbook.1.ETHUSDT')))
      expect(JSON.parse(f).type).toBe('snapshot');
  });

  it.skipIf(noShared)('pushes liquidation batches as data arrays in the real shape', async () => {
    const c = await open();
    c.send({ op: 'subscribe', args: ['allLiquidation.BTCUSDT', 'allLiquidation.ETHUSDT', 'allLiquidation.SOLUSDT'] });
    const liq = await c.json<Frame>((o) => String(o.topic).startsWith('allLiquidation.'), 'a liquidation');
    expect(shapeOf(liq)).toBe(shapeOf(sample('bybit-linear.allLiquidation')[0]));
    for (const l of liq.data as { S: string }[]) expect(['Buy', 'Sell']).toContain(l.S);
  });
});

describe('keepalive', () => {
  it('answers the ping JSON with the linear pong shape', async () => {
    const c = await open();
    c.send({ req_id: '100001', op: 'ping' });
    expect(await c.next()).toMatch(
      /^\{"success":true,"ret_msg":"pong","conn_id":"[0-9a-v]{20}-[0-9a-v]{5}","req_id":"100001","op":"ping"\}$/,
    );
  });

  it('cuts a connection with no ping and no data after the idle time', async () => {
    const idle = await startSimulator({ port: 0, limits: { bybit: { idleMs: 200 } } });
    try {
      const t0 = Date.now();
      const quiet = await TestClient.open(idle.endpoints['bybit-linear'].ws.linear);
      expect((await quiet.closed).code).toBe(1000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    } finally {
      await idle.close();
    }
  });
});
