/**
 * OKX v5 public over real sockets: one ack per arg, error events with the real codes, text and
 * protocol pings, the 30 s rule, the request and connection rate limits, contract sizes that
 * match the instruments endpoint, and chained books5 sequence ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.ts';
import { needsShared } from '../test/helpers/shared-data.ts';
import { refusedStatus, sample, shapeOf, TestClient } from './test-support.ts';

const noShared = needsShared('the okx simulator tests that compare frames with the real ones in ../shared/samples');

let sim: Simulator;
const clients: TestClient[] = [];
const open = async () => {
  const c = await TestClient.open(sim.endpoints['okx-swap'].ws.public);
  clients.push(c);
  return c;
};
type Frame = {
  id?: string;
  event?: string;
  code?: string;
  msg?: string;
  arg?: { channel: string; instId?: string };
  data?: Record<string, unknown>[];
  connId?: string;
};

beforeAll(async () => {
  // many connections in this file: lift the 3-per-second limit, tested on its own below
  sim = await startSimulator({
    port: 0,
    eventsPerSecond: 3000,
    seed: 6,
    limits: { okx: { connectionsPerSecond: 1000 } },
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

describe('subscribe', () => {
  it.skipIf(noShared)('acks each arg separately in the real shape, echoing id, then pushes data arrays', async () => {
    const c = await open();
    c.send({
      id: '1512',
      op: 'subscribe',
      args: [
        { channel: 'trades', instId: 'BTC-USDT-SWAP' },
        { channel: 'funding-rate', instId: 'BTC-USDT-SWAP' },
      ],
    });
    const a1 = await c.json<Frame>((o) => o.event === 'subscribe');
    const a2 = await c.json<Frame>((o) => o.event === 'subscribe');
    expect(shapeOf(a1)).toBe(shapeOf(sample('okx-swap.control')[2]));
    expect([a1.arg, a2.arg]).toEqual([
      { channel: 'trades', instId: 'BTC-USDT-SWAP' },
      { channel: 'funding-rate', instId: 'BTC-USDT-SWAP' },
    ]);
    expect(a1.id).toBe('1512');
    // funding pushes its current state at once (otherwise only every 30-90 s)
    const funding = await c.json<Frame>((o) => o.arg?.channel === 'funding-rate' && Array.isArray(o.data));
    expect(shapeOf(funding)).toBe(shapeOf(sample('okx-swap.funding-rate').at(-1)));
    const trade = await c.json<Frame>((o) => o.arg?.channel === 'trades' && Array.isArray(o.data));
    expect(trade.data![0].sz).toMatch(/^[1-9]\d*$/);
  });

  it('subscribes liquidation-orders by instType', async () => {
    const c = await open();
    c.send({ op: 'subscribe', args: [{ channel: 'liquidation-orders', instType: 'SWAP' }] });
    expect(await c.json<Frame>()).toMatchObject({
      event: 'subscribe',
      arg: { channel: 'liquidation-orders', instType: 'SWAP' },
    });
  });

  it.each([
    ['not JSON', '{"op":"subscribe"', '60012', 'Invalid request: {"op":"subscribe"'],
    ['missing args', '{"op":"subscribe"}', '60012', 'Invalid request: {"op":"subscribe"}'],
    [
      'an unknown op',
      '{"op":"subscribee","args":[{"channel":"trades","instId":"BTC-USDT-SWAP"}]}',
      '60019',
      'Invalid op: subscribee',
    ],
    [
      'an unknown channel',
      '{"op":"subscribe","args":[{"channel":"candle1s","instId":"BTC-USDT-SWAP"}]}',
      '60018',
      "Wrong URL or channel:candle1s,instId:BTC-USDT-SWAP doesn't exist. Please use the correct URL, channel and parameters referring to API document.",
    ],
  ])('answers %s with an error event', async (_what, request, code, msg) => {
    const c = await open();
    c.send(request);
    const e = await c.json<Frame>();
    expect(Object.keys(e)).toEqual(['event', 'code', 'msg', 'connId']);
    expect(e).toMatchObject({ event: 'error', code, msg });
  });
});

describe('data', () => {
  it('sizes trades in contracts of the ctVal the instruments endpoint lists', async () => {
    const body = (await (
      await fetch(`${sim.endpoints['okx-swap'].rest}/api/v5/public/instruments?instType=SWAP`)
    ).json()) as { data: { instId: string; ctVal: string }[] };
    const ctVal = Object.fromEntries(body.data.map((i) => [i.instId, i.ctVal]));
    expect(ctVal).toEqual({ 'BTC-USDT-SWAP': '0.01', 'ETH-USDT-SWAP': '0.1', 'SOL-USDT-SWAP': '1' });
    const c = await open();
    c.send({ op: 'subscribe', args: [{ channel: 'trades', instId: 'SOL-USDT-SWAP' }] });
    const t = await c.json<Frame>((o) => Array.isArray(o.data));
    const base = Number(t.data![0].sz) * Number(ctVal['SOL-USDT-SWAP']);
    expect(base).toBeGreaterThan(0);
    expect(base).toBeLessThan(1000);
  });

  it('sends books5 as whole 5-level snapshots numbered by seqId, without the prevSeqId OKX does not send there', async () => {
    const books = (c: TestClient) =>
      c.frames
        .filter((t) => t.includes('"books5"') && t.includes('"data"'))
        .map((t) => (JSON.parse(t) as Frame).data![0] as { seqId: number; asks: unknown[] });
    const sub = { op: 'subscribe', args: [{ channel: 'books5', instId: 'ETH-USDT-SWAP' }] };
    const early = await open();
    early.send(sub);
    await early.until(() => books(early).length >= 3, 'three books');
    const late = await open();
    late.send(sub);
    await late.until(() => books(late).length >= 3, 'three books for the late subscriber');
    await early.until(() => books(early).length >= 6, 'books after the late subscribe');
    for (const c of [early, late]) {
      const seen = books(c);
      for (const b of seen) expect(Object.keys(b)).toEqual(['asks', 'bids', 'instId', 'ts', 'seqId']);
      for (let i = 1; i < seen.length; i++) expect(seen[i].seqId).toBeGreaterThan(seen[i - 1].seqId);
      expect(seen[0].asks).toHaveLength(5);
    }
    // One numbering for everyone: the late subscriber's first push is one the early one got too.
    expect(books(early).map((b) => b.seqId)).toContain(books(late)[0].seqId);
  });
});

describe('keepalive and limits', () => {
  it('answers text ping with pong and protocol pings with pongs', async () => {
    const c = await open();
    c.send('ping');
    expect(await c.next()).toBe('pong');
    const pong = new Promise<string>((resolve) => c.ws.once('pong', (d) => resolve(String(d))));
    c.ws.ping('hi');
    expect(await pong).toBe('hi');
  });

  it('closes a connection that subscribes to nothing within the idle time', async () => {
    // The simulator's clock stands still until the test moves it, so the idle time passes then
    // and not whenever this machine happens to be slow.
    let now = Date.now();
    const s = await startSimulator({ port: 0, limits: { okx: { idleMs: 200 } }, clock: () => now });
    try {
      const c = await TestClient.open(s.endpoints['okx-swap'].ws.public);
      // A text ping is answered but is no subscription: it keeps nothing alive.
      c.send('ping');
      await c.next((t) => t === 'pong');
      expect(c.ws.readyState).toBe(c.ws.OPEN);
      now += 200;
      expect((await c.closed).code).toBe(4004);
    } finally {
      await s.close();
    }
  });

  it('limits subscribe requests per hour and connections per second', async () => {
    // A clock that stands still: the three connections fall in one second however long they take.
    const now = Date.now();
    const s = await startSimulator({
      port: 0,
      limits: { okx: { opsPerHour: 2, connectionsPerSecond: 2 } },
      clock: () => now,
    });
    try {
      const url = s.endpoints['okx-swap'].ws.public;
      const c = await TestClient.open(url);
      await TestClient.open(url).then((x) => x.close());
      expect(await refusedStatus(url)).toBe(429);
      const arg = (instId: string) => ({ op: 'subscribe', args: [{ channel: 'tickers', instId }] });
      c.send(arg('BTC-USDT-SWAP'));
      c.send(arg('ETH-USDT-SWAP'));
      c.send(arg('SOL-USDT-SWAP'));
      expect(await c.json<Frame>((o) => o.event === 'error')).toMatchObject({
        code: '60014',
        msg: 'Requests too frequent.',
      });
      c.close();
    } finally {
      await s.close();
    }
  });
});
