/**
 * The synthetic market as a pure generator: frames in the exact shapes (key order included) of
 * the real frames (../shared/samples and captures, fixtures/public-frames), sequence chains a
 * client can verify, plausible and consistent prices, and reproducibility from a seed. How fast
 * it generates is measured by `npm run bench` (bench/simulator.bench.ts), not asserted here.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeId } from '../core/events.ts';
import { needsShared } from '../test/helpers/shared-data.ts';
import { createSyntheticMarket } from './synthetic/market.ts';
import { publicFrames, recorded, sample, shapeOf } from './test-support.ts';

const START = Date.UTC(2026, 4, 1, 7, 59, 0);
type Frame = Record<string, unknown> & { data?: unknown };
const market = () => createSyntheticMarket({ seed: 11, start: START });
const parse = (frames: string[]) => frames.map((f) => JSON.parse(f) as Frame);
const data = (f: Frame) => f.data as Record<string, unknown>;
const noShared = needsShared('the synthetic frame shape tests against ../shared/samples and ../shared/captures');

/** Every key of `x` as a path (`data.b`), in order, arrays by their first element. */
function keyPaths(x: unknown, at = ''): string[] {
  if (Array.isArray(x)) return x.length ? keyPaths(x[0], `${at}[]`) : [];
  if (typeof x !== 'object' || x === null) return [];
  return Object.entries(x).flatMap(([k, v]) => [`${at}${k}`, ...keyPaths(v, `${at}${k}.`)]);
}

/** An older real frame (fields are only ever added): each of its keys is in `sim`, in the same order. */
function expectOlderKeysIn(sim: unknown, real: unknown): void {
  const have = keyPaths(sim);
  expect(have.filter((k) => keyPaths(real).includes(k))).toEqual(keyPaths(real));
}

describe.skipIf(noShared)('frame shapes match the real exchanges', () => {
  const m = market();
  const one = (ex: ExchangeId, stream: string, pick: (fs: Frame[]) => Frame = (fs) => fs[fs.length - 1]) =>
    pick(parse(m.nextFrames(ex, stream, 3)));

  it('Binance payloads have the real key order, in the combined-stream envelope', () => {
    const agg = one('binance-usdm', 'aggTrade');
    expect(Object.keys(agg)).toEqual(['stream', 'data']);
    // the 2021 real frame plus `nq`, which Binance added after `q`
    const keys = Object.keys(data(agg));
    expect(keys.filter((k) => k !== 'nq')).toEqual(Object.keys(sample('binance-usdm.aggTrade')[0].data as object));
    expect(keys[keys.indexOf('q') + 1]).toBe('nq');
    expect(shapeOf(one('binance-usdm', 'bookTicker'))).toBe(shapeOf(sample('binance-usdm.bookTicker')[0]));
    const depth = recorded('binance-usdm.2021-07-22.jsonl', (f) => String(f.stream).includes('@depth'))[0];
    expect(shapeOf(data(one('binance-usdm', 'depth5@100ms')))).toBe(shapeOf(depth.data));
    expect(shapeOf(one('binance-usdm', 'markPrice@1s'))).toBe(shapeOf(sample('binance-usdm.markPrice')[0]));
    expect(shapeOf(one('binance-usdm', '!markPrice@arr@1s'))).toBe(shapeOf(sample('binance-usdm.markPrice_arr')[0]));
    expect(shapeOf(one('binance-usdm', '!forceOrder@arr'))).toBe(shapeOf(sample('binance-usdm.forceOrder')[1]));
  });

  it('Bybit topics have the real envelopes and key order', () => {
    expect(shapeOf(one('bybit-linear', 'publicTrade'))).toBe(shapeOf(sample('bybit-linear.publicTrade')[1]));
    expect(shapeOf(one('bybit-linear', 'tickers', (fs) => fs[0]))).toBe(shapeOf(sample('bybit-linear.tickers')[1]));
    const ob1 = sample('bybit-linear.orderbook.1').at(-1)!;
    expect(shapeOf(one('bybit-linear', 'orderbook.1'))).toBe(shapeOf(ob1));
    expect(shapeOf(one('bybit-linear', 'orderbook.50', (fs) => fs[0]))).toBe(shapeOf(ob1));
    expect(shapeOf(one('bybit-linear', 'allLiquidation'))).toBe(shapeOf(sample('bybit-linear.allLiquidation')[0]));
  });

  it('OKX channels have the real envelopes, data arrays and key order', () => {
    expect(shapeOf(one('okx-swap', 'trades'))).toBe(shapeOf(sample('okx-swap.trades').at(-1)));
    expect(shapeOf(one('okx-swap', 'mark-price'))).toBe(shapeOf(sample('okx-swap.mark-price')[0]));
    expect(shapeOf(one('okx-swap', 'open-interest'))).toBe(shapeOf(sample('okx-swap.open-interest')[1]));
    expect(shapeOf(one('okx-swap', 'funding-rate'))).toBe(shapeOf(sample('okx-swap.funding-rate').at(-1)));
    expect(shapeOf(one('okx-swap', 'liquidation-orders'))).toBe(shapeOf(sample('okx-swap.liquidation-orders')[0]));
    const tickers = recorded(
      'okx.2022-05-13.jsonl',
      (f) => (f.arg as { channel?: string } | undefined)?.channel === 'tickers' && !('event' in f),
    )[0];
    expect(shapeOf(one('okx-swap', 'tickers'))).toBe(shapeOf(tickers));
  });
});

describe('frame shapes match public real frames of the channels the samples lack (fixtures/public-frames)', () => {
  const m = market();
  const frames = (ex: ExchangeId, stream: string, symbol?: string) => parse(m.nextFrames(ex, stream, 3, { symbol }));

  it('Binance @ticker and partial depth (@depth5@100ms) carry the real keys in the real order', () => {
    expect(shapeOf(frames('binance-usdm', 'ticker').at(-1))).toBe(shapeOf(publicFrames('binance-usdm.ticker')[0]));
    const depth = frames('binance-usdm', 'depth5@100ms').at(-1);
    for (const real of publicFrames('binance-usdm.depth_partial')) expect(shapeOf(depth)).toBe(shapeOf(real));
  });

  it('Bybit orderbook.50 carries every key the 2023 frames and the docs example have, in their order', () => {
    const [snapshot, delta] = frames('bybit-linear', 'orderbook.50', 'BTCUSDT');
    expect([snapshot.type, delta.type]).toEqual(['snapshot', 'delta']);
    // The 2023 frames predate `cts` (checked against the 2026 capture in the next test).
    for (const real of publicFrames('bybit-linear.orderbook.50'))
      expectOlderKeysIn(real.type === 'delta' ? delta : snapshot, real);
  });

  it.skipIf(noShared)(
    'Bybit orderbook.50 has the shape of the newest real order-book frames (orderbook.200, 2026)',
    () => {
      const [snapshot] = frames('bybit-linear', 'orderbook.50');
      const real = recorded(
        'bybit-linear.2026-08-09.jsonl',
        (f) => String(f.topic).startsWith('orderbook.') && f.type === 'snapshot',
      )[0];
      expect(shapeOf(snapshot)).toBe(shapeOf(real));
    },
  );

  it('OKX books5: the current keys of the docs example (seqId, no prevSeqId), every key of the 2022 frames', () => {
    const sim = frames('okx-swap', 'books5').at(-1)!;
    const [inverse2022, linear2022, docs] = publicFrames('okx-swap.books5');
    expect(shapeOf(sim)).toBe(shapeOf(docs));
    for (const real of [inverse2022, linear2022]) expectOlderKeysIn(sim, real);
  });

  it('OKX index-tickers carry the real keys in the real order', () => {
    const sim = frames('okx-swap', 'index-tickers').at(-1);
    for (const real of publicFrames('okx-swap.index-tickers')) expect(shapeOf(sim)).toBe(shapeOf(real));
  });
});

describe('sequences a client checks', () => {
  it('Binance aggregate trade ids are consecutive and depth pu equals the previous u', () => {
    const m = market();
    const aggs = parse(m.nextFrames('binance-usdm', 'aggTrade', 40, { symbol: 'BTCUSDT' })).map(data);
    aggs.slice(1).forEach((a, i) => expect(a.a).toBe((aggs[i].a as number) + 1));
    const depth = parse(m.nextFrames('binance-usdm', 'depth5@100ms', 40, { symbol: 'ETHUSDT' })).map(data);
    depth.slice(1).forEach((d, i) => {
      expect(d.pu).toBe(depth[i].u);
      expect(d.U).toBe((depth[i].u as number) + 1);
      expect(d.u as number).toBeGreaterThanOrEqual(d.U as number);
    });
  });

  it('Bybit orderbook.50 deltas chain u = previous + 1 and rebuild the book a new subscriber gets', () => {
    const m = market();
    const frames = parse(m.nextFrames('bybit-linear', 'orderbook.50', 60, { symbol: 'SOLUSDT' }));
    expect(frames[0].type).toBe('snapshot');
    const book = { b: new Map<string, string>(), a: new Map<string, string>() };
    let u = 0;
    for (const f of frames) {
      const d = data(f) as { b: [string, string][]; a: [string, string][]; u: number };
      if (f.type === 'snapshot') {
        book.b.clear();
        book.a.clear();
      } else expect(d.u).toBe(u + 1);
      u = d.u;
      for (const side of ['b', 'a'] as const)
        for (const [p, q] of d[side]) {
          if (q === '0') book[side].delete(p);
          else book[side].set(p, q);
        }
    }
    expect(frames.filter((f) => f.type === 'delta').length).toBeGreaterThan(50);
    const fresh = JSON.parse(m.snapshot('bybit-linear', 'orderbook.50.SOLUSDT', m.model.now)!) as Frame;
    const fd = data(fresh) as { b: [string, string][]; a: [string, string][]; u: number };
    expect(fd.u).toBe(u);
    expect(new Map(fd.b)).toEqual(book.b);
    expect(new Map(fd.a)).toEqual(book.a);
    expect(Number(fd.b[0][0])).toBeLessThan(Number(fd.a[0][0]));
  });

  it('Bybit tickers: a snapshot, then deltas with only changed keys and an increasing cs', () => {
    const frames = parse(market().nextFrames('bybit-linear', 'tickers', 30, { symbol: 'BTCUSDT' }));
    expect(frames[0].type).toBe('snapshot');
    const keys = Object.keys(data(frames[0]));
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i].type).toBe('delta');
      expect(frames[i].cs as number).toBeGreaterThan(frames[i - 1].cs as number);
      const dk = Object.keys(data(frames[i]));
      expect(dk[0]).toBe('symbol');
      expect(dk.length).toBeLessThan(keys.length);
      expect(dk).toEqual(keys.filter((k) => dk.includes(k)));
    }
  });

  it('OKX books5 carry an increasing seqId and, like the real channel, no prevSeqId', () => {
    const books = parse(market().nextFrames('okx-swap', 'books5', 30, { symbol: 'BTC-USDT-SWAP' })).map(
      (f) => (f.data as Frame[])[0],
    );
    for (const b of books) expect(b).not.toHaveProperty('prevSeqId');
    books.slice(1).forEach((b, i) => expect(b.seqId as number).toBeGreaterThan(books[i].seqId as number));
  });
});

describe('a plausible, consistent market', () => {
  it('shares one mid per asset across venues near the presets, with bid < ask', () => {
    const m = market();
    const price = (ex: ExchangeId, stream: string, symbol: string, get: (f: Frame) => string) =>
      Number(get(JSON.parse(m.nextFrames(ex, stream, 1, { symbol })[0]) as Frame));
    for (const [base, ref] of [
      ['BTC', 65000],
      ['ETH', 3400],
      ['SOL', 150],
    ] as const) {
      const bn = price('binance-usdm', 'aggTrade', `${base}USDT`, (f) => data(f).p as string);
      const by = price('bybit-linear', 'publicTrade', `${base}USDT`, (f) => (f.data as Frame[])[0].p as string);
      const okx = price('okx-swap', 'trades', `${base}-USDT-SWAP`, (f) => (f.data as Frame[])[0].px as string);
      for (const p of [bn, by, okx]) {
        expect(Math.abs(p / ref - 1)).toBeLessThan(0.05);
        expect(Math.abs(p / bn - 1)).toBeLessThan(0.005);
      }
    }
    for (const f of parse(m.nextFrames('binance-usdm', 'bookTicker', 30)))
      expect(Number(data(f).b)).toBeLessThan(Number(data(f).a));
  });

  it('sizes OKX trades in whole contracts of the ctVal its instruments endpoint lists', () => {
    const m = market();
    const instruments = JSON.parse(m.rest['okx-swap'].instruments('BTC-USDT-SWAP', START)!) as {
      ctVal: string;
      lotSz: string;
    }[];
    expect(instruments[0]).toMatchObject({ ctVal: '0.01', lotSz: '1' });
    const eth = JSON.parse(m.rest['okx-swap'].instruments('ETH-USDT-SWAP', START)!) as { ctVal: string }[];
    const sol = JSON.parse(m.rest['okx-swap'].instruments('SOL-USDT-SWAP', START)!) as { ctVal: string }[];
    expect([eth[0].ctVal, sol[0].ctVal]).toEqual(['0.1', '1']);
    for (const f of parse(m.nextFrames('okx-swap', 'trades', 50, { symbol: 'BTC-USDT-SWAP' }))) {
      const sz = (f.data as Frame[])[0].sz as string;
      expect(sz).toMatch(/^[1-9]\d*$/);
      expect(Number(sz) * 0.01).toBeLessThan(20);
    }
  });

  it('funds around 0.0001 with the next funding time on the 8 h grid', () => {
    for (const f of parse(market().nextFrames('binance-usdm', 'markPrice@1s', 6))) {
      const d = data(f);
      expect(Math.abs(Number(d.r))).toBeLessThan(0.001);
      expect((d.T as number) % (8 * 3600_000)).toBe(0);
      expect(d.T as number).toBeGreaterThan(d.E as number);
    }
  });

  it('is reproducible from its seed', () => {
    const a = createSyntheticMarket({ seed: 5, start: START }).nextFrames('bybit-linear', 'publicTrade', 200);
    const b = createSyntheticMarket({ seed: 5, start: START }).nextFrames('bybit-linear', 'publicTrade', 200);
    const c = createSyntheticMarket({ seed: 6, start: START }).nextFrames('bybit-linear', 'publicTrade', 200);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('rejects a market list it cannot serve, naming the fix', () => {
    expect(() => createSyntheticMarket({ markets: ['PEPE'] })).toThrow(/PEPE=<price>/);
    expect(() => createSyntheticMarket({ markets: [] })).toThrow(/at least one/);
    expect(
      createSyntheticMarket({ markets: ['DOGE=0.15'], start: START }).rest['binance-usdm'].openInterest(
        'DOGEUSDT',
        START,
      ),
    ).toMatch(/"symbol":"DOGEUSDT"/);
  });
});
