/**
 * REST over real HTTP: each endpoint's body in the exchange's own layout, consistent with the
 * streams, Binance weight accounting (header, 429, 418 with Retry-After), the separate
 * /futures/data request limit, and the error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index.ts';
import { needsShared } from '../test/helpers/shared-data.ts';
import { sample, shapeOf, TestClient } from './test-support.ts';

const noShared = needsShared('the rest simulator tests that compare frames with the real ones in ../shared/samples');

let sim: Simulator;
let rest: string;
const get = async (path: string) => {
  const r = await fetch(rest + path);
  return { status: r.status, headers: r.headers, text: await r.text() };
};
const json = async (path: string) => JSON.parse((await get(path)).text);

beforeAll(async () => {
  sim = await startSimulator({ port: 0, eventsPerSecond: 1000, seed: 8 });
  rest = sim.endpoints['binance-usdm'].rest;
});
afterAll(async () => {
  await sim.close();
});

describe('Binance USDⓈ-M', () => {
  it('lists the markets in exchangeInfo with the real layout and rate limit', async () => {
    const info = await json('/fapi/v1/exchangeInfo');
    expect(Object.keys(info)).toEqual([
      'timezone',
      'serverTime',
      'futuresType',
      'rateLimits',
      'exchangeFilters',
      'assets',
      'symbols',
    ]);
    expect(info.rateLimits[0]).toEqual({
      rateLimitType: 'REQUEST_WEIGHT',
      interval: 'MINUTE',
      intervalNum: 1,
      limit: 2400,
    });
    expect(info.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    expect(info.symbols[0]).toMatchObject({
      contractType: 'PERPETUAL',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      pricePrecision: 2,
    });
  });

  it.skipIf(noShared)('serves open interest, premium index, 24 h tickers and the ratio histories', async () => {
    const oi = await get('/fapi/v1/openInterest?symbol=BTCUSDT');
    expect(shapeOf(JSON.parse(oi.text))).toBe(shapeOf(sample('binance-usdm.rest.openInterest')[0]));
    expect(JSON.parse(oi.text).openInterest).toMatch(/^\d+\.\d{3}$/);
    const premium = await json('/fapi/v1/premiumIndex?symbol=ETHUSDT');
    expect(shapeOf(premium)).toBe(shapeOf(sample('binance-usdm.rest.premiumIndex')[0]));
    expect(premium.nextFundingTime % (8 * 3600_000)).toBe(0);
    expect((await json('/fapi/v1/premiumIndex')).length).toBe(3);
    const tickers = await json('/fapi/v1/ticker/24hr');
    expect(tickers.map((t: { symbol: string }) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const ratio = await json('/futures/data/globalLongShortAccountRatio?symbol=BTCUSDT&period=5m&limit=3');
    expect(ratio).toHaveLength(3);
    expect(Object.keys(ratio[0])).toEqual(['symbol', 'longShortRatio', 'longAccount', 'shortAccount', 'timestamp']);
    expect(Number(ratio[0].longAccount) + Number(ratio[0].shortAccount)).toBeCloseTo(1, 6);
    expect(Number(ratio[1].timestamp) - Number(ratio[0].timestamp)).toBe(300_000);
    const taker = await json('/futures/data/takerlongshortRatio?symbol=SOLUSDT&period=1h&limit=2');
    expect(Object.keys(taker[0])).toEqual(['buySellRatio', 'buyVol', 'sellVol', 'timestamp']);
    for (const p of ['topLongShortAccountRatio', 'topLongShortPositionRatio'])
      expect(await json(`/futures/data/${p}?symbol=ETHUSDT&period=5m`)).toHaveLength(30);
  });

  it('answers bad requests with Binance error bodies', async () => {
    expect(await get('/fapi/v1/openInterest')).toMatchObject({
      status: 400,
      text: `{"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}`,
    });
    expect(await get('/fapi/v1/openInterest?symbol=DOGEUSDT')).toMatchObject({
      status: 400,
      text: '{"code":-1121,"msg":"Invalid symbol."}',
    });
    expect((await get('/futures/data/globalLongShortAccountRatio?symbol=BTCUSDT&period=7m')).text).toMatch(/-1130/);
    expect((await get('/fapi/v1/nothing')).status).toBe(404);
  });

  it('matches the premium index to the mark price stream', async () => {
    const c = await TestClient.open(`${sim.endpoints['binance-usdm'].ws.market}/ws/btcusdt@markPrice@1s`);
    const mark = await c.json<{ T: number; r: string }>((o) => 'T' in o);
    const premium = await json('/fapi/v1/premiumIndex?symbol=BTCUSDT');
    expect(premium.nextFundingTime).toBe(mark.T);
    expect(Math.abs(Number(premium.lastFundingRate) - Number(mark.r))).toBeLessThan(0.0001);
    c.close();
  });
});

describe('Binance request weight', () => {
  it('counts weight in X-MBX-USED-WEIGHT-1M, answers 429 past the limit, then bans with 418', async () => {
    const s = await startSimulator({
      port: 0,
      limits: { binance: { restWeightPerMinute: 12, banAfter429s: 2, banMs: 60_000 } },
    });
    try {
      const url = (p: string) => `${s.endpoints['binance-usdm'].rest}${p}`;
      const r1 = await fetch(url('/fapi/v1/openInterest?symbol=BTCUSDT'));
      const used1 = Number(r1.headers.get('x-mbx-used-weight-1m'));
      const r2 = await fetch(url('/fapi/v1/premiumIndex'));
      // weight 1 with a symbol, 10 without
      expect(Number(r2.headers.get('x-mbx-used-weight-1m')) - used1).toBe(10);
      const statuses: number[] = [];
      let last: Response | null = null;
      for (let i = 0; i < 5; i++) {
        last = await fetch(url('/fapi/v1/exchangeInfo'));
        statuses.push(last.status);
      }
      expect(statuses.filter((x) => x === 200).length).toBeLessThanOrEqual(1);
      expect(statuses).toContain(429);
      expect(statuses.at(-1)).toBe(418);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(await last!.json()).toMatchObject({ code: -1003 });
    } finally {
      await s.close();
    }
  });
});

describe('Binance /futures/data limit', () => {
  it('counts /futures/data requests per 5 minutes apart from the weight: its 429 and ban leave /fapi answering', async () => {
    // A clock 10 s into a 5-minute window, so Retry-After is the window's remaining 290 s.
    const now = Date.UTC(2026, 0, 5, 12, 0, 10);
    const s = await startSimulator({
      port: 0,
      clock: () => now,
      limits: { binance: { futuresDataRequestsPer5Min: 3, banAfter429s: 1, banMs: 60_000 } },
    });
    try {
      const get = (p: string) => fetch(`${s.endpoints['binance-usdm'].rest}${p}`);
      const ratio = (p: string) => get(`/futures/data/${p}?symbol=BTCUSDT&period=5m&limit=1`);
      const oi = await get('/fapi/v1/openInterest?symbol=BTCUSDT');
      const weight = oi.headers.get('x-mbx-used-weight-1m');
      // One count for the whole family, whichever endpoint.
      for (const p of ['globalLongShortAccountRatio', 'topLongShortAccountRatio', 'takerlongshortRatio']) {
        const r = await ratio(p);
        expect(r.status).toBe(200);
        expect(r.headers.get('x-mbx-used-weight-1m')).toBe(weight);
      }
      const refused = await ratio('topLongShortPositionRatio');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('290');
      expect(await refused.json()).toMatchObject({
        code: -1003,
        msg: expect.stringContaining('3 requests per 5 minutes'),
      });
      expect((await get('/fapi/v1/openInterest?symbol=ETHUSDT')).status).toBe(200);
      const banned = await ratio('globalLongShortAccountRatio');
      expect(banned.status).toBe(418);
      expect(banned.headers.get('retry-after')).toBe('60');
      expect((await get('/fapi/v1/premiumIndex?symbol=ETHUSDT')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('Bybit v5', () => {
  it.skipIf(noShared)('wraps results in the v5 envelope; tickers match the tickers topic fields', async () => {
    const inst = await json('/v5/market/instruments-info?category=linear&limit=1000');
    expect(Object.keys(inst)).toEqual(['retCode', 'retMsg', 'result', 'retExtInfo', 'time']);
    expect(
      inst.result.list.map((i: { symbol: string; priceFilter: { tickSize: string } }) => [
        i.symbol,
        i.priceFilter.tickSize,
      ]),
    ).toEqual([
      ['BTCUSDT', '0.10'],
      ['ETHUSDT', '0.01'],
      ['SOLUSDT', '0.010'],
    ]);
    const tickers = await json('/v5/market/tickers?category=linear&symbol=ETHUSDT');
    const t = tickers.result.list[0];
    const wsKeys = Object.keys(sample('bybit-linear.tickers')[1].data as object);
    for (const k of [
      'lastPrice',
      'markPrice',
      'indexPrice',
      'openInterest',
      'fundingRate',
      'nextFundingTime',
      'bid1Price',
      'ask1Price',
    ]) {
      expect(wsKeys).toContain(k);
      expect(typeof t[k]).toBe('string');
    }
    const ratio = await json('/v5/market/account-ratio?category=linear&symbol=BTCUSDT&period=5min&limit=2');
    expect(ratio.result.list.map((r: Record<string, string>) => Object.keys(r))).toEqual([
      ['symbol', 'buyRatio', 'sellRatio', 'timestamp'],
      ['symbol', 'buyRatio', 'sellRatio', 'timestamp'],
    ]);
    // newest first
    expect(Number(ratio.result.list[0].timestamp)).toBeGreaterThan(Number(ratio.result.list[1].timestamp));
  });

  it('answers errors with a retCode in an HTTP 200', async () => {
    const bad = await get('/v5/market/tickers?category=linear&symbol=NOPEUSDT');
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.text)).toMatchObject({ retCode: 10001 });
    expect(
      JSON.parse((await get('/v5/market/account-ratio?category=linear&symbol=BTCUSDT&period=2min')).text).retCode,
    ).toBe(10001);
  });
});

describe('OKX v5', () => {
  it.skipIf(noShared)('answers in {"code","data","msg"} with open interest in contracts and coins', async () => {
    const oi = await json('/api/v5/public/open-interest?instType=SWAP&instId=BTC-USDT-SWAP');
    expect(Object.keys(oi)).toEqual(['code', 'data', 'msg']);
    expect(shapeOf(oi.data[0])).toBe(shapeOf((sample('okx-swap.open-interest')[1].data as unknown[])[0]));
    expect(Number(oi.data[0].oi) * 0.01).toBeCloseTo(Number(oi.data[0].oiCcy), 6);
    const tickers = await json('/api/v5/market/tickers?instType=SWAP');
    expect(tickers.data.map((t: { instId: string }) => t.instId)).toEqual([
      'BTC-USDT-SWAP',
      'ETH-USDT-SWAP',
      'SOL-USDT-SWAP',
    ]);
  });

  it('serves the rubik ratios as [ts, value] rows, newest first, taker volume in the unit asked', async () => {
    const ls = await json(
      '/api/v5/rubik/stat/contracts/long-short-account-ratio-contract?instId=ETH-USDT-SWAP&period=5m&limit=3',
    );
    expect(ls.data).toHaveLength(3);
    expect(Number(ls.data[0][0])).toBeGreaterThan(Number(ls.data[1][0]));
    const byCcy = await json('/api/v5/rubik/stat/contracts/long-short-account-ratio?ccy=BTC&period=5m');
    expect(byCcy.data[0]).toHaveLength(2);
    const contracts = await json('/api/v5/rubik/stat/taker-volume-contract?instId=BTC-USDT-SWAP&period=5m&limit=1');
    const coins = await json('/api/v5/rubik/stat/taker-volume-contract?instId=BTC-USDT-SWAP&period=5m&limit=1&unit=0');
    expect(Number(coins.data[0][1])).toBeCloseTo(Number(contracts.data[0][1]) * 0.01, 6);
  });

  it('answers unknown instruments and missing parameters with OKX codes', async () => {
    expect(await json('/api/v5/public/open-interest?instType=SWAP&instId=NOPE-USDT-SWAP')).toMatchObject({
      code: '51001',
      data: [],
    });
    const missing = await get('/api/v5/public/instruments');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toMatchObject({ code: '50014' });
  });
});
