import { FbError as EndpointError, FbError as ParseError } from '../../../core/errors.ts';
import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../../core/events.ts';
import { guessInstrument, InstrumentBook, type Instrument } from '../../../core/instruments.ts';
import type { ExchangeEndpoints } from '../types.ts';
import { adapter } from './feed.ts';

const SIM: ExchangeEndpoints = {
  ws: { linear: 'ws://127.0.0.1:4100/v5/public/linear' },
  rest: 'http://127.0.0.1:4100/',
};
const inst = (symbol: string): Instrument => guessInstrument('bybit-linear', symbol);

interface Subscribe {
  req_id: string;
  op: string;
  args: string[];
}

describe('bybit-linear feed plan', () => {
  it('subscribes every topic of every symbol on the configured URL, 10 args per frame', () => {
    const plan = adapter.plan(SIM, [inst('BTCUSDT'), inst('ETHUSDT'), inst('SOLUSDT')]);
    expect(plan.connections).toHaveLength(1);
    const [conn] = plan.connections;
    expect(conn).toMatchObject({
      id: 'bybit-linear/linear/0',
      stream: 'linear',
      url: 'ws://127.0.0.1:4100/v5/public/linear',
      heartbeat: { kind: 'text', intervalMs: 20_000, payload: '{"op":"ping"}' },
      staleMs: 15_000,
    });
    expect(conn.maxLifetimeMs).toBeUndefined();
    const frames = conn.subscribe.map((f) => JSON.parse(f) as Subscribe);
    // 3 symbols × 5 topics = 15 args: frames of 10 and 5.
    expect(frames.map((f) => [f.req_id, f.op, f.args.length])).toEqual([
      ['1', 'subscribe', 10],
      ['2', 'subscribe', 5],
    ]);
    expect(frames.flatMap((f) => f.args).filter((a) => a.endsWith('.BTCUSDT'))).toEqual([
      'publicTrade.BTCUSDT',
      'tickers.BTCUSDT',
      'allLiquidation.BTCUSDT',
      'orderbook.1.BTCUSDT',
      'orderbook.50.BTCUSDT',
    ]);
  });

  it('polls the account ratio of each symbol every minute from the configured REST base', () => {
    const plan = adapter.plan(SIM, [inst('BTCUSDT'), inst('1000PEPEUSDT')]);
    expect(plan.polls).toEqual([
      {
        id: 'bybit-linear/account-ratio/BTCUSDT',
        url: 'http://127.0.0.1:4100/v5/market/account-ratio?category=linear&symbol=BTCUSDT&period=5min&limit=1',
        intervalMs: 60_000,
      },
      {
        id: 'bybit-linear/account-ratio/1000PEPEUSDT',
        url: 'http://127.0.0.1:4100/v5/market/account-ratio?category=linear&symbol=1000PEPEUSDT&period=5min&limit=1',
        intervalMs: 60_000,
      },
    ]);
    // The polled URL is one the parser recognises.
    const events: MarketEvent[] = [];
    const body =
      '{"retCode":0,"retMsg":"OK","result":{"list":[{"symbol":"BTCUSDT","buyRatio":"0.6","sellRatio":"0.4","timestamp":"1"}]}}';
    const parser = adapter.createParser(new InstrumentBook('bybit-linear'));
    expect(parser.parseRest(plan.polls[0].url, body, 5, (e) => events.push(e))).toEqual({ type: 'data', events: 1 });
    expect(events[0]).toMatchObject({ kind: 'long_short', ratio: '1.5', period: '5min' });
  });

  it('spreads many symbols over connections under 21,000 characters of args, a symbol never split', () => {
    const symbols = Array.from({ length: 600 }, (_, i) => `SYMBOL${String(i).padStart(4, '0')}USDT`);
    const plan = adapter.plan(SIM, symbols.map(inst));
    expect(plan.connections.length).toBeGreaterThan(1);
    const seen: string[] = [];
    plan.connections.forEach((conn, n) => {
      expect(conn.id).toBe(`bybit-linear/linear/${n}`);
      const args = conn.subscribe.flatMap((f) => (JSON.parse(f) as Subscribe).args);
      expect(JSON.stringify(args).length).toBeLessThanOrEqual(21_000);
      expect(args.length % 5).toBe(0);
      seen.push(...args);
    });
    expect(seen).toHaveLength(600 * 5);
    expect(new Set(seen).size).toBe(600 * 5);
    const reqIds = plan.connections.flatMap((c) => c.subscribe.map((f) => (JSON.parse(f) as Subscribe).req_id));
    expect(new Set(reqIds).size).toBe(reqIds.length);
  });

  it('plans nothing for no instruments', () => {
    expect(adapter.plan(SIM, [])).toEqual({ connections: [], polls: [] });
  });

  it('refuses a missing or wrong endpoint, naming the setting and an example', () => {
    const noWs = { ws: {}, rest: 'https://api.bybit.com' };
    expect(() => adapter.plan(noWs, [inst('BTCUSDT')])).toThrow(EndpointError);
    expect(() => adapter.plan(noWs, [inst('BTCUSDT')])).toThrow(/endpoints\.ws\.linear.*wss:\/\/stream\.bybit\.com/);
    try {
      adapter.instrumentsUrl({ ws: SIM.ws, rest: 'api.bybit.com' });
      expect.unreachable();
    } catch (err) {
      expect((err as EndpointError).code).toBe('E_ENDPOINT');
      expect((err as Error).message).toContain('endpoints.rest');
    }
  });

  it('builds the list URLs from the REST base', () => {
    expect(adapter.instrumentsUrl(adapter.defaultEndpoints)).toBe(
      'https://api.bybit.com/v5/market/instruments-info?category=linear&limit=1000',
    );
    expect(adapter.volumesUrl(SIM)).toBe('http://127.0.0.1:4100/v5/market/tickers?category=linear');
    expect(adapter.defaultEndpoints.ws.linear).toBe('wss://stream.bybit.com/v5/public/linear');
  });
});

/** Shaped like the Bybit docs' Get Instruments Info response (fields trimmed). */
const INSTRUMENTS = JSON.stringify({
  retCode: 0,
  retMsg: 'OK',
  result: {
    category: 'linear',
    list: [
      {
        symbol: 'BTCPERP',
        contractType: 'LinearPerpetual',
        status: 'Trading',
        baseCoin: 'BTC',
        quoteCoin: 'USDC',
        settleCoin: 'USDC',
        priceFilter: { minPrice: '0.5', maxPrice: '1999999', tickSize: '0.5' },
        lotSizeFilter: { qtyStep: '0.001' },
      },
      {
        symbol: 'BTCUSDT',
        contractType: 'LinearPerpetual',
        status: 'Trading',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        settleCoin: 'USDT',
        priceFilter: { minPrice: '0.10', maxPrice: '1999999.80', tickSize: '0.10' },
        lotSizeFilter: { qtyStep: '0.001' },
        fundingInterval: 480,
      },
      {
        symbol: 'BTCUSDT-26DEC25',
        contractType: 'LinearFutures',
        status: 'Trading',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        settleCoin: 'USDT',
        priceFilter: { tickSize: '0.50' },
      },
      {
        symbol: 'NEWUSDT',
        contractType: 'LinearPerpetual',
        status: 'PreLaunch',
        baseCoin: 'NEW',
        quoteCoin: 'USDT',
        settleCoin: 'USDT',
        priceFilter: { tickSize: '0.0001' },
      },
      {
        symbol: '1000PEPEUSDT',
        contractType: 'LinearPerpetual',
        status: 'Trading',
        baseCoin: '1000PEPE',
        quoteCoin: 'USDT',
        settleCoin: 'USDT',
        priceFilter: { tickSize: '0.0000001' },
      },
    ],
    nextPageCursor: '',
  },
  retExtInfo: {},
  time: 1,
});

describe('bybit-linear instrument and volume lists', () => {
  it('keeps trading perpetuals, USDT-settled first, with exact tick sizes', () => {
    expect(adapter.parseInstruments(INSTRUMENTS)).toEqual([
      {
        exchange: 'bybit-linear',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        base: 'BTC',
        quote: 'USDT',
        settle: 'USDT',
        contract_size: '1',
        inverse: false,
        tick_size: '0.10',
      },
      {
        exchange: 'bybit-linear',
        symbol: '1000PEPEUSDT',
        market: '1000PEPE/USDT:USDT',
        base: '1000PEPE',
        quote: 'USDT',
        settle: 'USDT',
        contract_size: '1',
        inverse: false,
        tick_size: '0.0000001',
      },
      {
        exchange: 'bybit-linear',
        symbol: 'BTCPERP',
        market: 'BTC/USDC:USDC',
        base: 'BTC',
        quote: 'USDC',
        settle: 'USDC',
        contract_size: '1',
        inverse: false,
        tick_size: '0.5',
      },
    ]);
  });

  it('throws a ParseError for a refused or malformed list', () => {
    expect(() => adapter.parseInstruments('{"retCode":10006,"retMsg":"Too many visits!","result":{}}')).toThrow(
      /10006: Too many visits/,
    );
    expect(() =>
      adapter.parseInstruments(
        '{"retCode":0,"result":{"list":[{"contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","settleCoin":"USDT"}]}}',
      ),
    ).toThrow(ParseError);
    expect(() => adapter.parseVolumes('<html>')).toThrow(ParseError);
  });

  it('reads 24 h quote turnover per symbol, leaving out rows without one', () => {
    const body = JSON.stringify({
      retCode: 0,
      retMsg: 'OK',
      result: {
        category: 'linear',
        list: [
          { symbol: 'BTCUSDT', lastPrice: '65114.30', turnover24h: '1142118412.9021', volume24h: '17573.9120' },
          { symbol: 'ETHUSDT', lastPrice: '1922.50', turnover24h: '880000000.5', volume24h: '457000' },
          { symbol: 'PREUSDT', lastPrice: '', turnover24h: '', volume24h: '' },
        ],
      },
    });
    expect([...adapter.parseVolumes(body)]).toEqual([
      ['BTCUSDT', 1142118412.9021],
      ['ETHUSDT', 880000000.5],
    ]);
  });
});
