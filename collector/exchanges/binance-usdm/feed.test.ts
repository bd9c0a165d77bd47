import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../../core/events.ts';
import { guessInstrument, InstrumentBook, type Instrument } from '../../../core/instruments.ts';
import { needsShared, sharedLines } from '../../../test/helpers/shared-data.ts';
import type { ExchangeEndpoints, RestFamily } from '../types.ts';
import { adapter, usedWeight, WEIGHT_LIMIT_PER_MINUTE } from './feed.ts';
import { FAPI, FUTURES_DATA, FUTURES_DATA_LIMIT } from './rate-limit.ts';

const LOCAL: ExchangeEndpoints = {
  ws: { public: 'ws://127.0.0.1:9001/public/', market: 'ws://127.0.0.1:9001/market' },
  rest: 'http://127.0.0.1:9002/',
};

function instruments(n: number): Instrument[] {
  return Array.from({ length: n }, (_, i) => guessInstrument('binance-usdm', `C${i}USDT`));
}

interface Subscribe {
  method: string;
  params: string[];
  id: number;
}

function subscribes(frames: string[]): Subscribe[] {
  return frames.map((f) => JSON.parse(f) as Subscribe);
}

describe('binance-usdm feed plan', () => {
  it('routes each stream to its 2026 path and subscribes with integer-id SUBSCRIBE requests', () => {
    const plan = adapter.plan(LOCAL, [
      guessInstrument('binance-usdm', 'BTCUSDT'),
      guessInstrument('binance-usdm', 'ETHUSDT'),
    ]);
    expect(plan.connections.map((c) => [c.id, c.stream, c.url])).toEqual([
      ['binance-usdm/public/0', 'public', 'ws://127.0.0.1:9001/public/stream'],
      ['binance-usdm/market/0', 'market', 'ws://127.0.0.1:9001/market/stream'],
    ]);
    const [pub, market] = plan.connections.map((c) => subscribes(c.subscribe));
    expect(pub).toEqual([
      {
        method: 'SUBSCRIBE',
        params: ['btcusdt@bookTicker', 'btcusdt@depth5@100ms', 'ethusdt@bookTicker', 'ethusdt@depth5@100ms'],
        id: 1,
      },
    ]);
    expect(market).toEqual([
      {
        method: 'SUBSCRIBE',
        params: [
          'btcusdt@aggTrade',
          'btcusdt@markPrice@1s',
          'btcusdt@forceOrder',
          'btcusdt@ticker',
          'ethusdt@aggTrade',
          'ethusdt@markPrice@1s',
          'ethusdt@forceOrder',
          'ethusdt@ticker',
        ],
        id: 1,
      },
    ]);
    for (const c of plan.connections) {
      expect(c.heartbeat).toEqual({ kind: 'server-ping' });
      expect(c.maxLifetimeMs).toBeLessThanOrEqual(24 * 3_600_000);
      expect(c.maxLifetimeMs).toBeGreaterThan(23 * 3_600_000);
      expect(c.staleMs).toBe(10_000);
    }
  });

  it('splits many symbols over connections of at most 200 streams, a symbol never split', () => {
    const plan = adapter.plan(LOCAL, instruments(230));
    // public: 2 streams a symbol → 100 symbols a connection; market: 4 → 50.
    expect(plan.connections.filter((c) => c.stream === 'public')).toHaveLength(3);
    expect(plan.connections.filter((c) => c.stream === 'market')).toHaveLength(5);
    const seen = new Map<string, string>();
    for (const c of plan.connections) {
      const subs = subscribes(c.subscribe);
      // Binance drops a connection that sends over 10 messages a second: room is left for pongs.
      expect(subs.length).toBeLessThanOrEqual(4);
      expect(subs.map((s) => s.id)).toEqual(subs.map((_, i) => i + 1));
      const streams = subs.flatMap((s) => s.params);
      expect(streams.length).toBeLessThanOrEqual(200);
      for (const s of streams) {
        expect(seen.has(s)).toBe(false);
        seen.set(s, c.id);
      }
    }
    expect(seen.size).toBe(230 * 6);
    for (let i = 0; i < 230; i++) {
      const sym = `c${i}usdt`;
      expect(seen.get(`${sym}@aggTrade`)).toBe(seen.get(`${sym}@markPrice@1s`));
      expect(seen.get(`${sym}@ticker`)).toBe(seen.get(`${sym}@markPrice@1s`));
      expect(seen.get(`${sym}@bookTicker`)).toBe(seen.get(`${sym}@depth5@100ms`));
    }
  });

  it('polls open interest every 10 s and the four ratio endpoints every minute, per symbol, each in its limit family', () => {
    const { polls, notes } = adapter.plan(LOCAL, [guessInstrument('binance-usdm', 'BTCUSDT')]);
    const ratio = (path: string) => ({
      id: `binance-usdm/${path}/BTCUSDT`,
      url: `http://127.0.0.1:9002/futures/data/${path}?symbol=BTCUSDT&period=5m&limit=1`,
      intervalMs: 60_000,
      family: FUTURES_DATA,
    });
    expect(polls).toEqual([
      {
        id: 'binance-usdm/openInterest/BTCUSDT',
        url: 'http://127.0.0.1:9002/fapi/v1/openInterest?symbol=BTCUSDT',
        intervalMs: 10_000,
        family: FAPI,
      },
      ratio('globalLongShortAccountRatio'),
      ratio('topLongShortAccountRatio'),
      ratio('topLongShortPositionRatio'),
      ratio('takerlongshortRatio'),
    ]);
    expect(notes).toEqual([]);
    // Each family's pace is a share of its documented limit per IP.
    expect(FAPI.requests / FAPI.windowMs).toBeLessThan(WEIGHT_LIMIT_PER_MINUTE / 60_000);
    expect(FUTURES_DATA.requests / FUTURES_DATA.windowMs).toBeLessThan(
      FUTURES_DATA_LIMIT.requests / FUTURES_DATA_LIMIT.windowMs,
    );
  });

  it('stretches the ratio polls past 40 markets and says so, keeping every 5-minute value up to 200', () => {
    const at = (n: number) => adapter.plan(LOCAL, instruments(n));
    const interval = (n: number, family: RestFamily) => at(n).polls.find((p) => p.family === family)!.intervalMs;
    expect(interval(40, FUTURES_DATA)).toBe(60_000);
    expect(at(40).notes).toEqual([]);
    expect(interval(41, FUTURES_DATA)).toBe(2 * 60_000);
    expect(at(41).notes).toEqual([
      "binance-usdm: 41 markets: each of the 4 long/short ratios polled every 2 min instead of every 1 min (every 5-minute value is still recorded, later), to stay within /futures/data's 1000 requests per 5 min per IP",
    ]);
    expect(interval(160, FUTURES_DATA)).toBe(4 * 60_000);
    expect(interval(200, FUTURES_DATA)).toBe(5 * 60_000);
    // Past one poll per period: whole periods, every 2nd at 300 markets, and open interest unchanged.
    expect(interval(300, FUTURES_DATA)).toBe(10 * 60_000);
    expect(interval(300, FAPI)).toBe(10_000);
    expect(at(300).notes).toEqual([
      "binance-usdm: 300 markets: each of the 4 long/short ratios polled every 10 min instead of every 1 min (only every 2nd 5-minute value is recorded), to stay within /futures/data's 1000 requests per 5 min per IP",
    ]);
  });

  it('stretches open interest past 300 markets to stay within the request weight, and says so', () => {
    const plan = adapter.plan(LOCAL, instruments(400));
    const oi = plan.polls.filter((p) => p.family === FAPI);
    expect(oi).toHaveLength(400);
    expect(oi[0].intervalMs).toBe(14_000);
    // 400 polls per 14 s stay under the family's pace.
    expect((400 * 60_000) / oi[0].intervalMs).toBeLessThanOrEqual(FAPI.requests);
    expect(plan.notes).toContain(
      'binance-usdm: 400 markets: open interest polled every 14 s instead of every 10 s, to stay within the request weight of 2400 per minute per IP',
    );
  });

  it('polls URLs that the parser routes back to the right endpoint, period and symbol', () => {
    const btc = [guessInstrument('binance-usdm', 'BTCUSDT')];
    const { polls } = adapter.plan(LOCAL, btc);
    const parser = adapter.createParser(new InstrumentBook('binance-usdm', btc));
    const ratio = polls.find((p) => p.id.includes('takerlongshortRatio'))!;
    const events: MarketEvent[] = [];
    parser.parseRest(ratio.url, '[{"buySellRatio":"1.2","buyVol":"12","sellVol":"10","timestamp":1}]', 1, (e) =>
      events.push(e),
    );
    expect(events).toMatchObject([{ kind: 'long_short', ratio_type: 'taker_volume', period: '5m', symbol: 'BTCUSDT' }]);
  });

  it('rejects missing or non-URL endpoints, naming the option and an example', () => {
    const noMarket = { ws: { public: 'wss://fstream.binance.com/public' }, rest: 'https://fapi.binance.com' };
    expect(() => adapter.plan(noMarket, [])).toThrow(
      /endpoints\.ws\.market must be an absolute URL such as wss:\/\/fstream\.binance\.com\/market/,
    );
    expect(() => adapter.plan({ ...LOCAL, rest: 'fapi.binance.com' }, [])).toThrow(
      expect.objectContaining({ code: 'E_ENDPOINT' }),
    );
  });

  it('builds every URL from the endpoints, defaulting to the production hosts', () => {
    expect(adapter.instrumentsUrl(LOCAL)).toBe('http://127.0.0.1:9002/fapi/v1/exchangeInfo');
    expect(adapter.volumesUrl(LOCAL)).toBe('http://127.0.0.1:9002/fapi/v1/ticker/24hr');
    expect(adapter.defaultEndpoints).toEqual({
      ws: { public: 'wss://fstream.binance.com/public', market: 'wss://fstream.binance.com/market' },
      rest: 'https://fapi.binance.com',
    });
    expect(adapter.plan(adapter.defaultEndpoints, instruments(1)).connections.map((c) => c.url)).toEqual([
      'wss://fstream.binance.com/public/stream',
      'wss://fstream.binance.com/market/stream',
    ]);
  });
});

describe('binance-usdm instruments and volumes', () => {
  it.skipIf(needsShared('the binance-usdm instrument test on the exchangeInfo recorded in ../shared/captures'))(
    'keeps trading perpetuals from the real exchangeInfo, USDT-settled first',
    () => {
      const exchangeInfo = sharedLines('captures/binance-usdm.2021-07-22.jsonl')
        .filter((l) => l.includes('"http"') && l.includes('exchangeInfo'))
        .map((l) => (JSON.parse(l) as { data: string }).data)[0];
      const list = adapter.parseInstruments(exchangeInfo);
      // 122 symbols: 117 USDT + 2 BUSD perpetuals trading, 2 quarterlies and 1 pending listing.
      expect(list).toHaveLength(119);
      expect(list[0]).toEqual({
        exchange: 'binance-usdm',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        base: 'BTC',
        quote: 'USDT',
        settle: 'USDT',
        contract_size: '1',
        inverse: false,
        tick_size: '0.01',
      });
      expect(list.slice(-2).map((i) => i.market)).toEqual(['BTC/BUSD:BUSD', 'ETH/BUSD:BUSD']);
      expect(list.find((i) => i.symbol === 'SUSHIUSDT')?.tick_size).toBe('0.0010');
      expect(list.some((i) => i.symbol.includes('_'))).toBe(false);
    },
  );

  it('reads 24 h quote volumes', () => {
    const volumes = adapter.parseVolumes(
      '[{"symbol":"BTCUSDT","quoteVolume":"12345678.90","volume":"1"},{"symbol":"ETHUSDT","quoteVolume":"42"}]',
    );
    expect([...volumes]).toEqual([
      ['BTCUSDT', 12345678.9],
      ['ETHUSDT', 42],
    ]);
    expect(() => adapter.parseVolumes('{"code":-1}')).toThrow(/not an array/);
  });
});

describe('binance-usdm REST weight', () => {
  it('reads X-MBX-USED-WEIGHT-1M from fetch Headers and from Node header records', () => {
    expect(WEIGHT_LIMIT_PER_MINUTE).toBe(2400);
    expect(usedWeight(new Headers({ 'X-MBX-USED-WEIGHT-1M': '117' }))).toBe(117);
    expect(usedWeight({ 'x-mbx-used-weight-1m': '2399' })).toBe(2399);
    expect(usedWeight({ 'X-MBX-USED-WEIGHT-1M': ['5'] })).toBe(5);
    expect(usedWeight({ 'content-type': 'application/json' })).toBeNull();
    expect(usedWeight(new Headers({ 'x-mbx-used-weight-1m': 'lots' }))).toBeNull();
  });
});
