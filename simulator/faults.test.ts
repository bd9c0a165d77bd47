/**
 * Every fault switch, set through POST /_sim/fault (or Simulator.fault), as a plain websocket
 * or HTTP client observes it; and GET /_sim/state counting what happened.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulator, type Simulator } from './index.ts';
import { TestClient } from './test-support.ts';

let sim: Simulator;
let root: string;
const clients: TestClient[] = [];
/** The simulator's clock runs this far ahead of the wall clock: a stall's time passes when a test moves it. */
let skewMs = 0;

const post = async (body: unknown) => {
  const r = await fetch(`${root}/_sim/fault`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
const binanceAgg = async () => {
  const c = await TestClient.open(`${sim.endpoints['binance-usdm'].ws.market}/ws/btcusdt@aggTrade`);
  clients.push(c);
  await c.next();
  return c;
};
/** Close every earlier client: frame faults hit one connection, and it must be the test's. */
const closeAll = async () => {
  const old = clients.splice(0);
  for (const c of old) c.close();
  await Promise.all(old.map((c) => c.closed));
};
const binanceCounters = () =>
  (sim.stats().exchanges as Record<string, { framesSent: number; framesStalled: number }>)['binance-usdm'];
/**
 * A Binance aggTrade client that is the only Binance connection, so the simulator's Binance
 * counters count its frames alone: its n-th frame is the simulator's (sentBefore + n)-th send.
 */
const soleBinanceClient = async () => {
  await closeAll();
  const sentBefore = binanceCounters().framesSent;
  return { c: await binanceAgg(), sentBefore };
};
/** Resolves once the stalled simulator has withheld more frames than `than` (it counts them; no event says so). */
const withheldMoreThan = (than: number) =>
  vi.waitFor(() => expect(binanceCounters().framesStalled).toBeGreaterThan(than), { timeout: 30_000, interval: 10 });
const parseable = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    eventsPerSecond: 4000,
    seed: 9,
    limits: { okx: { connectionsPerSecond: 1000 } },
    clock: () => Date.now() + skewMs,
  });
  root = `http://127.0.0.1:${sim.port}`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sim.close();
});

describe('the control endpoint', () => {
  it('refuses malformed fault requests with a coded error naming the fix', async () => {
    expect(await post({ exchange: 'kraken', fault: 'drop' })).toMatchObject({
      status: 400,
      body: { error: { code: 'E_SIM_FAULT' } },
    });
    expect(((await post({ exchange: 'all', fault: 'explode' })).body.error as { message: string }).message).toMatch(
      /fault must be one of drop, stall/,
    );
    expect(
      ((await post({ exchange: 'all', fault: 'stall', ms: -5 })).body.error as { message: string }).message,
    ).toMatch(/ms must be an integer/);
    expect((await post('not json')).status).toBe(400);
    expect(() => sim.fault({ exchange: 'okx-swap', fault: 'drop', bytes: 0 })).toThrow(/bytes must be an integer/);
  });

  it('reports connections, counters and injected faults in GET /_sim/state', async () => {
    await binanceAgg();
    await post({ exchange: 'bybit-linear', fault: 'clear' });
    const state = (await (await fetch(`${root}/_sim/state`)).json()) as {
      source: string;
      exchanges: Record<string, { connections: number; framesSent: number; subscriptions: number }>;
      faults: { injected: Record<string, number>; last: unknown };
    };
    expect(state.source).toBe('synthetic');
    expect(state.exchanges['binance-usdm'].connections).toBeGreaterThanOrEqual(1);
    expect(state.exchanges['binance-usdm'].subscriptions).toBeGreaterThanOrEqual(1);
    expect(state.exchanges['binance-usdm'].framesSent).toBeGreaterThan(0);
    expect(state.faults.injected.clear).toBeGreaterThanOrEqual(1);
    expect(state.faults.last).toEqual({ exchange: 'bybit-linear', fault: 'clear' });
  });
});

describe('connection faults', () => {
  it('drop: closes the TCP connection without a close frame', async () => {
    const c = await binanceAgg();
    const r = await post({ exchange: 'binance-usdm', fault: 'drop' });
    expect(r.body).toMatchObject({ ok: true });
    expect((await c.closed).code).toBe(1006);
  });

  it('rollover: Binance closes with 1000; OKX sends notice 64008 first', async () => {
    const bn = await binanceAgg();
    const okx = await TestClient.open(sim.endpoints['okx-swap'].ws.public);
    okx.send({ op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT-SWAP' }] });
    await okx.next((t) => t.includes('"data"'));
    sim.fault({ exchange: 'all', fault: 'rollover', ms: 50 });
    expect((await bn.closed).code).toBe(1000);
    const notice = await okx.json<{ event: string; code: string }>((o) => o.event === 'notice');
    expect(notice.code).toBe('64008');
    expect((await okx.closed).code).toBe(1001);
  });

  it('stall: sends nothing for the given time, then resumes on the same connection', async () => {
    const { c, sentBefore } = await soleBinanceClient();
    sim.fault({ exchange: 'binance-usdm', fault: 'stall', ms: 60_000 });
    const atStall = binanceCounters();
    // The market moves on and every frame for the stalled exchange is withheld, none sent.
    await withheldMoreThan(atStall.framesStalled + 20);
    expect(binanceCounters().framesSent).toBe(atStall.framesSent);
    // The stall's minute passes on the simulator's clock: frames flow again, on the same connection.
    skewMs += 60_000;
    await c.until(() => c.frames.length > atStall.framesSent - sentBefore, 'a frame sent after the stall');
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('clear: ends a stall at once', async () => {
    const { c, sentBefore } = await soleBinanceClient();
    sim.fault({ exchange: 'binance-usdm', fault: 'stall', ms: 3_600_000 });
    const atStall = binanceCounters();
    await withheldMoreThan(atStall.framesStalled);
    expect(binanceCounters().framesSent).toBe(atStall.framesSent);
    sim.fault({ exchange: 'binance-usdm', fault: 'clear' });
    await c.until(() => c.frames.length > atStall.framesSent - sentBefore, 'a frame sent after clear');
  });
});

describe('frame faults', () => {
  it('malformed: one connection gets exactly one frame that is not JSON', async () => {
    await closeAll();
    const c = await TestClient.open(sim.endpoints['bybit-linear'].ws.linear);
    clients.push(c);
    c.send({ op: 'subscribe', args: ['publicTrade.BTCUSDT'] });
    await c.next((t) => t.includes('publicTrade'));
    expect(sim.fault({ exchange: 'bybit-linear', fault: 'malformed' }).connections).toBe(1);
    const bad = await c.next((t) => !parseable(t));
    expect(bad.length).toBeGreaterThan(0);
    await c.next((t) => t.includes('publicTrade'));
    expect(c.frames.filter((t) => !parseable(t))).toHaveLength(1);
  });

  it('oversized: one frame of the requested size', async () => {
    await closeAll();
    const c = await binanceAgg();
    sim.fault({ exchange: 'binance-usdm', fault: 'oversized', bytes: 300_000 });
    const big = await c.next((t) => t.length >= 300_000);
    expect(big.length).toBe(300_000);
  });

  it('skip-seq: Binance aggTrade ids jump by two once', async () => {
    const c = await binanceAgg();
    sim.fault({ exchange: 'binance-usdm', fault: 'skip-seq' });
    await c.until(() => c.frames.length > 30, 'thirty trades');
    const ids = c.frames.map((f) => JSON.parse(f).a as number);
    const steps = ids.slice(1).map((a, i) => a - ids[i]);
    expect(steps.filter((d) => d === 2)).toHaveLength(1);
    expect(steps.filter((d) => d !== 1 && d !== 2)).toEqual([]);
  });

  it('skip-seq: Bybit orderbook.50 u breaks once; OKX books5, which carry no prevSeqId, have nothing to break', async () => {
    const by = await TestClient.open(sim.endpoints['bybit-linear'].ws.linear);
    const okx = await TestClient.open(sim.endpoints['okx-swap'].ws.public);
    clients.push(by, okx);
    by.send({ op: 'subscribe', args: ['orderbook.50.BTCUSDT'] });
    okx.send({ op: 'subscribe', args: [{ channel: 'books5', instId: 'BTC-USDT-SWAP' }] });
    await by.next((t) => t.includes('"delta"'));
    await okx.next((t) => t.includes('seqId'));
    sim.fault({ exchange: 'bybit-linear', fault: 'skip-seq' });
    sim.fault({ exchange: 'okx-swap', fault: 'skip-seq' });
    await by.until(() => by.frames.filter((f) => f.includes('"delta"')).length > 20, 'twenty deltas');
    await okx.until(() => okx.frames.filter((f) => f.includes('seqId')).length > 8, 'eight books');
    const us = by.frames.filter((f) => f.includes('"delta"')).map((f) => JSON.parse(f).data.u as number);
    expect(
      us
        .slice(1)
        .map((u, i) => u - us[i])
        .filter((d) => d !== 1),
    ).toEqual([2]);
    const books = okx.frames.filter((f) => f.includes('seqId')).map((f) => JSON.parse(f).data[0] as { seqId: number });
    for (const b of books) expect(b).not.toHaveProperty('prevSeqId');
  });

  it('duplicate-seq: one sequenced frame arrives twice', async () => {
    const c = await binanceAgg();
    sim.fault({ exchange: 'binance-usdm', fault: 'duplicate-seq', count: 1 });
    await c.until(() => c.frames.length > 20, 'twenty trades');
    const repeats = c.frames.slice(1).filter((f, i) => f === c.frames[i]);
    expect(repeats).toHaveLength(1);
  });
});

describe('REST faults', () => {
  it('rest-429 and rest-418 answer the next requests with that status and Retry-After', async () => {
    sim.fault({ exchange: 'okx-swap', fault: 'rest-429', count: 2, retryAfter: 3 });
    const url = `${root}/api/v5/public/open-interest?instType=SWAP`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(url)).status);
    expect(statuses).toEqual([429, 429, 200]);
    await post({ exchange: 'binance-usdm', fault: 'rest-418' });
    const banned = await fetch(`${root}/fapi/v1/openInterest?symbol=BTCUSDT`);
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('10');
    expect(((await banned.json()) as { code: number }).code).toBe(-1003);
    sim.fault({ exchange: 'bybit-linear', fault: 'rest-429', count: 5 });
    sim.fault({ exchange: 'bybit-linear', fault: 'clear' });
    expect((await fetch(`${root}/v5/market/tickers?category=linear`)).status).toBe(200);
  });
});

describe('faults on a timer', () => {
  it('injects a random fault from the list every faultEvery.everyMs', async () => {
    const s = await startSimulator({ port: 0, seed: 3, faultEvery: { everyMs: 50, faults: ['drop'] } });
    try {
      const all = [
        await TestClient.open(`${s.endpoints['binance-usdm'].ws.market}/ws/btcusdt@aggTrade`),
        await TestClient.open(s.endpoints['bybit-linear'].ws.linear),
        await TestClient.open(s.endpoints['okx-swap'].ws.public),
      ];
      const first = await Promise.race(all.map((c) => c.closed));
      expect(first.code).toBe(1006);
      expect((s.stats().faults as { injected: Record<string, number> }).injected.drop).toBeGreaterThanOrEqual(1);
      for (const c of all) c.close();
    } finally {
      await s.close();
    }
  });
});
