/**
 * Binance USDⓈ-M over real sockets: routed and legacy paths, control requests and their error
 * bodies, the silent-failure routing rule, the incoming-rate and stream caps, server pings and
 * the forced lifetime close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.ts';
import { needsShared } from '../test/helpers/shared-data.ts';
import { refusedStatus, sample, shapeOf, TestClient } from './test-support.ts';

const noShared = needsShared('the binance simulator tests that compare frames with the real ones in ../shared/samples');

let sim: Simulator;
let base: string;
const clients: TestClient[] = [];
const open = async (path: string, opts = {}) => {
  const c = await TestClient.open(base + path, opts);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    eventsPerSecond: 3000,
    seed: 2,
    limits: { binance: { maxStreams: 3 } },
  });
  base = `ws://127.0.0.1:${sim.port}`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

describe('combined streams on /market/stream', () => {
  it.skipIf(noShared)(
    'acks SUBSCRIBE by id, then wraps each payload as {"stream","data"} with the real key order',
    async () => {
      const c = await open('/market/stream');
      c.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 1 });
      expect(await c.next()).toBe('{"result":null,"id":1}');
      const f = await c.json<{ stream: string; data: Record<string, unknown> }>((o) => o.stream === 'btcusdt@aggTrade');
      expect(Object.keys(f)).toEqual(['stream', 'data']);
      const real = Object.keys(sample('binance-usdm.aggTrade')[0].data as object);
      expect(Object.keys(f.data).filter((k) => k !== 'nq')).toEqual(real);
      expect(f.data.s).toBe('BTCUSDT');
      expect(f.data.p).toMatch(/^\d+\.\d{2}$/);
    },
  );

  it.skipIf(noShared)('lists, unsubscribes and reads/sets the combined property', async () => {
    const c = await open('/market/stream?streams=ethusdt@markPrice@1s');
    c.send({ method: 'SUBSCRIBE', params: ['ethusdt@ticker'], id: 2 });
    expect(await c.next()).toBe('{"result":null,"id":2}');
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    expect(await c.next((t) => t.includes('"id":3'))).toBe(
      '{"result":["ethusdt@markPrice@1s","ethusdt@ticker"],"id":3}',
    );
    c.send({ method: 'UNSUBSCRIBE', params: ['ethusdt@ticker'], id: 4 });
    await c.next((t) => t === '{"result":null,"id":4}');
    c.send({ method: 'GET_PROPERTY', params: ['combined'], id: 5 });
    expect(await c.next((t) => t.includes('"id":5'))).toBe('{"result":true,"id":5}');
    const mark = await c.json<{ stream: string; data: unknown }>((o) => o.stream === 'ethusdt@markPrice@1s');
    expect(shapeOf(mark)).toBe(shapeOf(sample('binance-usdm.markPrice')[0]));
  });
});

describe('raw streams on /public/ws', () => {
  it.skipIf(noShared)('sends bare payloads until SET_PROPERTY combined=true', async () => {
    const c = await open('/public/ws/solusdt@bookTicker');
    const raw = await c.json<Record<string, unknown>>((o) => o.e === 'bookTicker');
    expect(shapeOf(raw)).toBe(shapeOf(sample('binance-usdm.bookTicker')[0].data));
    c.send({ method: 'GET_PROPERTY', params: ['combined'], id: 7 });
    expect(await c.next((t) => t.includes('"id":7'))).toBe('{"result":false,"id":7}');
    c.send({ method: 'SET_PROPERTY', params: ['combined', true], id: 8 });
    await c.next((t) => t === '{"result":null,"id":8}');
    const wrapped = await c.json<{ stream?: string }>((o) => o.stream !== undefined);
    expect(wrapped.stream).toBe('solusdt@bookTicker');
  });
});

describe('control errors use the nested error body', () => {
  it.each([
    [
      'not JSON',
      'SUBSCRIBE btcusdt',
      '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"},"id":null}',
    ],
    [
      'a negative id',
      '{"method":"LIST_SUBSCRIPTIONS","id":-1}',
      '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}',
    ],
    [
      'a missing method',
      '{"params":[],"id":9}',
      '{"error":{"code":2,"msg":"Invalid request: missing field `method` at line 1 column 20"},"id":9}',
    ],
    [
      'an invalid stream',
      '{"method":"SUBSCRIBE","params":["BTC USDT"],"id":10}',
      '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":10}',
    ],
    [
      'an unknown property',
      '{"method":"SET_PROPERTY","params":["zip",true],"id":11}',
      '{"error":{"code":0,"msg":"Unknown property"},"id":11}',
    ],
    [
      'a non-boolean value',
      '{"method":"SET_PROPERTY","params":["combined","yes"],"id":12}',
      '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":12}',
    ],
    [
      'too many parameters',
      '{"method":"SET_PROPERTY","params":["combined",true,1],"id":13}',
      '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":13}',
    ],
  ])('answers %s', async (_what, request, reply) => {
    const c = await open('/market/ws');
    c.send(request);
    expect(await c.next()).toBe(reply);
  });

  it('answers an unknown method naming the expected variants', async () => {
    const c = await open('/market/ws');
    c.send({ method: 'SUBSCRIBEZ', id: 14 });
    const e = await c.json<{ error: { code: number; msg: string }; id: number }>();
    expect(e.id).toBe(14);
    expect(e.error.code).toBe(2);
    expect(e.error.msg).toMatch(
      /^Invalid request: unknown variant `SUBSCRIBEZ`, expected one of `SUBSCRIBE`, .*`GET_PROPERTY` at line 1 column \d+$/,
    );
  });
});

describe('routing since the 2026 URL split', () => {
  it('delivers nothing, and says nothing, for a stream on the wrong route', async () => {
    const legacy = await open('/ws/btcusdt@markPrice@1s');
    const pub = await open('/public/ws/btcusdt@aggTrade');
    const market = await open('/market/ws/btcusdt@markPrice@1s/btcusdt@aggTrade');
    // two mark prices and many trades reached the right route meanwhile
    await market.until(() => market.frames.filter((f) => f.includes('markPriceUpdate')).length >= 2, 'two mark prices');
    await market.until(() => market.frames.filter((f) => f.includes('"aggTrade"')).length >= 20, 'twenty trades');
    expect(legacy.frames).toEqual([]);
    expect(pub.frames).toEqual([]);
  });

  it('still serves public streams on the legacy unrouted path', async () => {
    const legacy = await open('/stream?streams=btcusdt@depth5@100ms');
    const f = await legacy.json<{ stream: string; data: { e: string; b: unknown[] } }>();
    expect(f.stream).toBe('btcusdt@depth5@100ms');
    expect(f.data.e).toBe('depthUpdate');
    expect(f.data.b).toHaveLength(5);
  });

  it('refuses unknown paths and bad stream lists at the upgrade', async () => {
    expect(await refusedStatus(`${base}/public`)).toBe(404);
    expect(await refusedStatus(`${base}/nope/ws`)).toBe(404);
    expect(await refusedStatus(`${base}/market/ws/BTCUSDT@aggTrade`)).toBe(400);
    expect(await refusedStatus(`${base}/market/stream?streams=a@aggTrade/b@aggTrade/c@aggTrade/d@aggTrade`)).toBe(400);
  });
});

describe('connection limits', () => {
  it('caps streams per connection', async () => {
    const c = await open('/market/ws/btcusdt@aggTrade/ethusdt@aggTrade');
    c.send({ method: 'SUBSCRIBE', params: ['solusdt@aggTrade', 'btcusdt@ticker'], id: 20 });
    const e = await c.json<{ error?: { code: number; msg: string }; id: number }>((o) => o.id === 20);
    expect(e.error?.code).toBe(2);
    expect(e.error?.msg).toMatch(/too many streams/);
    c.send({ method: 'SUBSCRIBE', params: ['solusdt@aggTrade'], id: 21 });
    expect(await c.next((t) => t.includes('"id":21'))).toBe('{"result":null,"id":21}');
  });

  it('disconnects a client sending more than 10 messages a second', async () => {
    const c = await open('/market/ws');
    for (let i = 0; i < 12; i++) c.send({ method: 'LIST_SUBSCRIPTIONS', id: 100 + i });
    expect((await c.closed).code).toBe(1008);
    expect(c.frames.length).toBeLessThanOrEqual(10);
  });
});

describe('keepalive and lifetime', () => {
  it('pings, keeps a client that answers, and cuts one that does not', async () => {
    // pongs count as incoming messages: fast pings need a higher message allowance
    const fast = await startSimulator({
      port: 0,
      limits: { binance: { pingIntervalMs: 50, pongTimeoutMs: 2000, maxMessagesPerSecond: 1000 } },
    });
    try {
      // The answering client connects first, so without its pongs its deadline would pass before
      // the mute client's: being connected after the mute one is cut is what its pongs bought.
      const good = await TestClient.open(`ws://127.0.0.1:${fast.port}/market/ws`);
      const mute = await TestClient.open(`ws://127.0.0.1:${fast.port}/market/ws`, { autoPong: false });
      expect((await mute.closed).code).toBe(1006);
      expect(mute.pings).toBeGreaterThan(0);
      const pings = good.pings;
      await good.until(() => good.pings > pings, 'a ping after the mute client was cut');
      expect(good.ws.readyState).toBe(good.ws.OPEN);
      good.close();
    } finally {
      await fast.close();
    }
  });

  it('closes every connection with code 1000 at its lifetime', async () => {
    const short = await startSimulator({ port: 0, limits: { binance: { maxLifetimeMs: 300 } } });
    try {
      const t0 = Date.now();
      const c = await TestClient.open(`ws://127.0.0.1:${short.port}/market/stream?streams=btcusdt@aggTrade`);
      expect((await c.closed).code).toBe(1000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    } finally {
      await short.close();
    }
  });
});
