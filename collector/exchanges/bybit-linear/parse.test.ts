import { FbError as ParseError } from '../../../core/errors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventKind, MarketEvent } from '../../../core/events.ts';
import { InstrumentBook } from '../../../core/instruments.ts';
import { needsShared, sharedLines, sharedPath } from '../../../test/helpers/shared-data.ts';
import { countBy, expectClean } from '../test-support.ts';
import type { ExchangeParser, FrameResult } from '../types.ts';
import { createParser } from './parse.ts';

const PUBLIC_FRAMES = new URL('../../../fixtures/public-frames/', import.meta.url);
const T0 = 1_750_000_000_000;
const noShared = needsShared('the bybit-linear parser tests on ../shared/samples and ../shared/captures');

function sampleLines(file: string): string[] {
  return sharedLines(`samples/${file}`);
}

function newParser(): ExchangeParser {
  return createParser(new InstrumentBook('bybit-linear'));
}

/** Feeds frames in order, one receipt time each, collecting events and frame results. */
function run(parser: ExchangeParser, frames: string[], localTs = (i: number) => T0 + i * 100) {
  const events: MarketEvent[] = [];
  const results: FrameResult[] = [];
  frames.forEach((frame, i) => results.push(parser.parseFrame(frame, localTs(i), (e) => events.push(e))));
  return { events, results };
}

function parseOne(parser: ExchangeParser, frame: unknown, localTs = T0) {
  const events: MarketEvent[] = [];
  const result = parser.parseFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), localTs, (e) =>
    events.push(e),
  );
  return { events, result };
}

interface Expected {
  events: Partial<Record<EventKind, number>>;
  results: Partial<Record<FrameResult['type'], number>>;
  why: string;
}

/** Counts worked out by reading the files (python over the JSON), not from the parser. */
const EXPECTED: Record<string, Expected> = {
  publicTrade: {
    events: { trade: 104 },
    results: { data: 42 },
    why: '42 frames: 26 hold one trade, 16 hold several (5+2+2+2+3+2+4+2+37+2+5+2+3+3+2+2 = 78); 26 + 78 = 104',
  },
  tickers: {
    events: { derivative_ticker: 23, open_interest: 6 },
    results: { data: 82 },
    why:
      '6 snapshots (lines 1, 2, 12, 15, 18, 82; line 82 is a docs example with a lower cs, taken because a snapshot replaces) ' +
      '+ 17 deltas whose markPrice/indexPrice/lastPrice differ from the merged value (lines 4 10 22 24 25 29 33 42 43 45 52 65 66 69 76 77 80); ' +
      'the other 59 deltas move only bid1/ask1/turnover (0 events). No delta carries openInterest, so open_interest = the 6 snapshots',
  },
  allLiquidation: { events: { liquidation: 2 }, results: { data: 2 }, why: '2 frames of one liquidation each' },
  liquidation: {
    events: { liquidation: 2 },
    results: { data: 2 },
    why: '2 legacy frames, one liquidation object each',
  },
  'orderbook.1': {
    events: { book_ticker: 40 },
    results: { data: 40, ignored: 3 },
    why: '43 frames; lines 8 (AIOZ), 9 (RAD), 11 (BAND) re-push the previous u of their symbol (3 s keep-alive) and are dropped',
  },
  control: { events: {}, results: { ack: 4, pong: 1 }, why: '4 subscribe acks + 1 ping reply with ret_msg "pong"' },
};

describe.skipIf(noShared)('bybit-linear parser on the real sample frames', () => {
  const files = noShared
    ? []
    : readdirSync(sharedPath('samples')).filter((f) => f.startsWith('bybit-linear.') && f.endsWith('.jsonl'));

  it('has an expectation for every bybit-linear sample file', () => {
    expect(files.map((f) => f.slice('bybit-linear.'.length, -'.jsonl'.length)).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
  });

  for (const file of files) {
    const type = file.slice('bybit-linear.'.length, -'.jsonl'.length);
    it(`parses every ${type} frame into the expected events`, async () => {
      const { events, results } = run(newParser(), sampleLines(file));
      expectClean(events, { exchange: 'bybit-linear' });
      const expected = EXPECTED[type];
      expect(
        countBy(events, (e) => e.kind),
        expected.why,
      ).toEqual(expected.events);
      expect(
        countBy(results, (r) => r.type),
        expected.why,
      ).toEqual(expected.results);
      const dataEvents = results.reduce((n, r) => n + (r.type === 'data' ? r.events : 0), 0);
      expect(dataEvents).toBe(events.length);
      await expect(JSON.stringify({ results, events }, null, 2) + '\n').toMatchFileSnapshot(
        `./__snapshots__/${type}.json`,
      );
    });
  }
});

describe.skipIf(noShared)('bybit-linear parser on the 2025-06-13 capture', () => {
  it('parses every recv line of both connections (one parser per connection)', () => {
    const parsers = new Map<string, ExchangeParser>();
    const events = new Map<string, MarketEvent[]>();
    const results = new Map<string, FrameResult[]>();
    const lines = sharedLines('captures/bybit-linear.2025-06-13.jsonl');
    for (const line of lines) {
      const record = JSON.parse(line) as { t: string; conn?: string; ts?: number; data?: string };
      if (record.t !== 'recv' && record.t !== 'http') continue;
      const conn = record.conn!;
      if (!parsers.has(conn)) {
        parsers.set(conn, newParser());
        events.set(conn, []);
        results.set(conn, []);
      }
      // Capture times are float seconds; events carry integer milliseconds.
      const localTs = Math.round(record.ts! * 1000);
      results.get(conn)!.push(parsers.get(conn)!.parseFrame(record.data!, localTs, (e) => events.get(conn)!.push(e)));
    }
    for (const list of events.values()) expectClean(list, { exchange: 'bybit-linear' });
    // BYBIT.ws.1 (linear): 198 orderbook.1 snapshots, 16 of which re-push the symbol's previous u; 4 acks.
    expect(countBy(events.get('BYBIT.ws.1')!, (e) => e.kind)).toEqual({ book_ticker: 182 });
    expect(countBy(results.get('BYBIT.ws.1')!, (r) => r.type)).toEqual({ data: 182, ignored: 16, ack: 4 });
    // BYBIT.ws.2 was a spot connection (same wire format; acks say ret_msg "subscribe"): 139 snapshots, 45 re-pushes, 6 acks.
    expect(countBy(events.get('BYBIT.ws.2')!, (e) => e.kind)).toEqual({ book_ticker: 94 });
    expect(countBy(results.get('BYBIT.ws.2')!, (r) => r.type)).toEqual({ data: 94, ignored: 45, ack: 6 });
    expect(events.get('BYBIT.ws.1')![0]).toEqual({
      kind: 'book_ticker',
      exchange: 'bybit-linear',
      symbol: 'BANDUSDT',
      market: 'BAND/USDT:USDT',
      ts: 1749833474773,
      local_ts: 1749833474285,
      bid_price: '0.6131',
      bid_qty: '17.9',
      ask_price: '0.6134',
      ask_qty: '35.4',
    });
  });
});

const trade = (over: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  topic: 'publicTrade.BTCUSDT',
  type: 'snapshot',
  ts: 1786310819681,
  data: [
    {
      T: 1786310819680,
      s: 'BTCUSDT',
      S: 'Sell',
      v: '0.004',
      p: '65114.20',
      L: 'MinusTick',
      i: 'a9188a0a',
      BT: false,
      ...over,
    },
  ],
  ...extra,
});

describe('trades and liquidations', () => {
  it('keeps the taker side of a trade and its exact decimal text', () => {
    const sell = parseOne(newParser(), trade()).events[0];
    expect(sell).toMatchObject({
      kind: 'trade',
      side: 'sell',
      price: '65114.20',
      qty: '0.004',
      id: 'a9188a0a',
      ts: 1786310819680,
      local_ts: T0,
    });
    expect(parseOne(newParser(), trade({ S: 'Buy' })).events[0]).toMatchObject({ side: 'buy' });
  });

  it('turns the liquidated position side into the liquidation order side', () => {
    const frame = (S: string) => ({
      topic: 'allLiquidation.ROSEUSDT',
      type: 'snapshot',
      ts: 2,
      data: [{ T: 1, s: 'ROSEUSDT', S, v: '20000', p: '0.04499' }],
    });
    // S "Buy": a long was liquidated, by a sell order.
    expect(parseOne(newParser(), frame('Buy')).events[0]).toMatchObject({
      kind: 'liquidation',
      side: 'sell',
      price: '0.04499',
      qty: '20000',
      ts: 1,
      id: null,
    });
    expect(parseOne(newParser(), frame('Sell')).events[0]).toMatchObject({ side: 'buy' });
    const legacy = {
      topic: 'liquidation.GALAUSDT',
      type: 'snapshot',
      ts: 5,
      data: { price: '0.03803', side: 'Buy', size: '1637', symbol: 'GALAUSDT', updatedTime: 4 },
    };
    expect(parseOne(newParser(), legacy).events[0]).toMatchObject({
      side: 'sell',
      price: '0.03803',
      qty: '1637',
      ts: 4,
    });
  });

  it('ignores fields it does not know', () => {
    const plain = parseOne(newParser(), trade()).events;
    const extended = parseOne(
      newParser(),
      trade({ RPI: false, seq: 1, futureField: { a: [1] } }, { newTopLevel: 'x', cts: 3 }),
    ).events;
    expect(extended).toEqual(plain);
  });
});

describe('malformed frames', () => {
  const cases: [string, string, string][] = [
    ['truncated JSON', JSON.stringify(trade()).slice(0, 60), 'invalid JSON'],
    ['a JSON array', '[1,2]', 'frame'],
    ['price "abc"', JSON.stringify(trade({ p: 'abc' })), 'data[].p'],
    ['price as a number', JSON.stringify(trade({ p: 65114.2 })), 'data[].p'],
    ['price "NaN"', JSON.stringify(trade({ p: 'NaN' })), 'data[].p'],
    ['price "1e5"', JSON.stringify(trade({ p: '1e5' })), 'data[].p'],
    ['size ""', JSON.stringify(trade({ v: '' })), 'data[].v'],
    ['a missing trade symbol', JSON.stringify(trade({ s: undefined })), 'data[].s'],
    ['an unknown side', JSON.stringify(trade({ S: 'buy' })), 'data[].S'],
    ['a time as text', JSON.stringify(trade({ T: '1786310819680' })), 'data[].T'],
    ['a time that overflows to Infinity', JSON.stringify(trade()).replace('1786310819680', '1e400'), 'data[].T'],
    ['trade data not an array', JSON.stringify({ ...trade(), data: {} }), 'publicTrade data'],
    [
      'a missing ticker symbol',
      JSON.stringify({ topic: 'tickers.BTCUSDT', type: 'snapshot', cs: 1, ts: 1, data: { markPrice: '1' } }),
      'data.symbol',
    ],
    [
      'a ticker mark price "abc"',
      JSON.stringify({
        topic: 'tickers.BTCUSDT',
        type: 'snapshot',
        cs: 1,
        ts: 1,
        data: { symbol: 'BTCUSDT', markPrice: 'abc' },
      }),
      'data.markPrice',
    ],
    [
      'a ticker type we do not know',
      JSON.stringify({ topic: 'tickers.BTCUSDT', type: 'full', cs: 1, ts: 1, data: { symbol: 'BTCUSDT' } }),
      'tickers type',
    ],
    [
      'a missing book symbol',
      JSON.stringify({ topic: 'orderbook.1.BTCUSDT', type: 'snapshot', ts: 1, data: { b: [], a: [], u: 1 } }),
      'data.s',
    ],
    [
      'a book level "abc"',
      JSON.stringify({
        topic: 'orderbook.50.BTCUSDT',
        type: 'snapshot',
        ts: 1,
        data: { s: 'BTCUSDT', b: [['abc', '1']], a: [], u: 1 },
      }),
      'data.b',
    ],
    [
      'a missing liquidation symbol',
      JSON.stringify({ topic: 'allLiquidation.X', ts: 1, data: [{ T: 1, S: 'Buy', v: '1', p: '1' }] }),
      'data[].s',
    ],
    ['neither topic nor control reply', JSON.stringify({ hello: 1 }), 'frame'],
  ];
  for (const [what, text, field] of cases) {
    it(`rejects ${what} with a ParseError naming ${field}`, () => {
      const events: MarketEvent[] = [];
      let error: unknown;
      try {
        newParser().parseFrame(text, T0, (e) => events.push(e));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).code).toBe('E_PARSE');
      expect((error as ParseError).exchange).toBe('bybit-linear');
      expect((error as ParseError).message).toContain(field);
      expect(events).toEqual([]);
    });
  }

  it('emits nothing from a frame whose second trade is malformed', () => {
    const frame = trade();
    frame.data.push({ ...frame.data[0], p: 'abc' });
    const events: MarketEvent[] = [];
    expect(() => newParser().parseFrame(JSON.stringify(frame), T0, (e) => events.push(e))).toThrow(ParseError);
    expect(events).toEqual([]);
  });
});

describe('control frames', () => {
  it('maps acks, both pong shapes and refusals', () => {
    const p = newParser();
    expect(parseOne(p, { success: true, ret_msg: '', conn_id: 'c', req_id: '1', op: 'subscribe' }).result).toEqual({
      type: 'ack',
    });
    expect(parseOne(p, { success: true, ret_msg: 'subscribe', conn_id: 'c', op: 'subscribe' }).result).toEqual({
      type: 'ack',
    });
    expect(parseOne(p, { success: true, ret_msg: 'pong', conn_id: 'c', req_id: '', op: 'ping' }).result).toEqual({
      type: 'pong',
    });
    expect(parseOne(p, { args: ['1672916271846'], op: 'pong' }).result).toEqual({ type: 'pong' });
    expect(
      parseOne(p, {
        success: false,
        ret_msg: 'error:handler not found,topic:tickers.NOPE',
        conn_id: 'c',
        op: 'subscribe',
      }).result,
    ).toEqual({
      type: 'rejected',
      message: 'subscribe refused: error:handler not found,topic:tickers.NOPE',
    });
  });

  it('ignores topics it does not record', () => {
    const p = newParser();
    expect(parseOne(p, { topic: 'kline.1.BTCUSDT', type: 'snapshot', ts: 1, data: [] }).result).toEqual({
      type: 'ignored',
    });
    expect(
      parseOne(p, {
        topic: 'orderbook.200.BTCUSDT',
        type: 'snapshot',
        ts: 1,
        data: { s: 'BTCUSDT', b: [], a: [], u: 1 },
      }).result,
    ).toEqual({ type: 'ignored' });
  });
});

const ticker = (type: 'snapshot' | 'delta', cs: number, data: Record<string, unknown>, ts = cs) =>
  JSON.stringify({ topic: 'tickers.BTCUSDT', type, data: { symbol: 'BTCUSDT', ...data }, cs, ts });

const SNAPSHOT = {
  lastPrice: '65114.30',
  markPrice: '65117.44',
  indexPrice: '65137.76',
  openInterest: '59891.732',
  openInterestValue: '3899996265.01',
  nextFundingTime: '1786320000000',
  fundingRate: '0.0001',
  bid1Price: '65114.20',
  bid1Size: '5.954',
};

describe('tickers snapshot + delta merge', () => {
  it('emits the merged state when a tracked field changes, and open interest when it changes', () => {
    const p = newParser();
    const first = parseOne(p, ticker('snapshot', 10, SNAPSHOT));
    expect(first.events).toEqual([
      {
        kind: 'derivative_ticker',
        exchange: 'bybit-linear',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: 10,
        local_ts: T0,
        mark_price: '65117.44',
        index_price: '65137.76',
        last_price: '65114.30',
        funding_rate: '0.0001',
        predicted_rate: null,
        next_funding_ts: 1786320000000,
        open_interest: '59891.732',
      },
      {
        kind: 'open_interest',
        exchange: 'bybit-linear',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: 10,
        local_ts: T0,
        open_interest: '59891.732',
        value: '3899996265.01',
      },
    ]);
    // Only bid1/ask1 moved: nothing of ours changed.
    expect(parseOne(p, ticker('delta', 11, { bid1Size: '6.054' }))).toEqual({
      events: [],
      result: { type: 'data', events: 0 },
    });
    // A mark price move: absent keys keep their value.
    const mark = parseOne(p, ticker('delta', 12, { markPrice: '65117.43', openInterestValue: '3899995666.09' }));
    expect(mark.events).toHaveLength(1); // openInterestValue alone does not make an open_interest event
    expect(mark.events[0]).toMatchObject({
      kind: 'derivative_ticker',
      ts: 12,
      mark_price: '65117.43',
      index_price: '65137.76',
      last_price: '65114.30',
      open_interest: '59891.732',
    });
    // A present "" replaces the value (futures send it for funding): null.
    expect(parseOne(p, ticker('delta', 13, { fundingRate: '', nextFundingTime: '' })).events[0]).toMatchObject({
      funding_rate: null,
      next_funding_ts: null,
      mark_price: '65117.43',
    });
    // Open interest moves: both events, with the merged value.
    const oi = parseOne(p, ticker('delta', 14, { openInterest: '59900.000' }));
    expect(oi.events.map((e) => e.kind)).toEqual(['derivative_ticker', 'open_interest']);
    expect(oi.events[1]).toMatchObject({ open_interest: '59900.000', value: '3899995666.09' });
  });

  it('drops a delta with an old or repeated cs without merging it', () => {
    const p = newParser();
    parseOne(p, ticker('snapshot', 10, SNAPSHOT));
    expect(parseOne(p, ticker('delta', 10, { markPrice: '1' }))).toEqual({ events: [], result: { type: 'ignored' } });
    expect(parseOne(p, ticker('delta', 9, { markPrice: '2' }))).toEqual({ events: [], result: { type: 'ignored' } });
    expect(parseOne(p, ticker('delta', 11, { indexPrice: '65137.80' })).events[0]).toMatchObject({
      mark_price: '65117.44',
      index_price: '65137.80',
    });
  });

  it('cannot merge a delta before the first snapshot: ignored, and again after reset()', () => {
    const p = newParser();
    expect(parseOne(p, ticker('delta', 5, { markPrice: '1' }))).toEqual({ events: [], result: { type: 'ignored' } });
    parseOne(p, ticker('snapshot', 10, SNAPSHOT));
    p.reset();
    expect(parseOne(p, ticker('delta', 11, { markPrice: '1' }))).toEqual({ events: [], result: { type: 'ignored' } });
  });

  it('lets a snapshot replace the whole state: keys it lacks become null', () => {
    const p = newParser();
    parseOne(p, ticker('snapshot', 10, SNAPSHOT));
    const next = parseOne(p, ticker('snapshot', 20, { lastPrice: '65000.10', markPrice: '65117.44' })).events;
    expect(next).toEqual([
      expect.objectContaining({
        kind: 'derivative_ticker',
        last_price: '65000.10',
        index_price: null,
        open_interest: null,
        funding_rate: null,
        next_funding_ts: null,
      }),
    ]);
  });

  it('keeps the state intact when a delta is malformed', () => {
    const p = newParser();
    parseOne(p, ticker('snapshot', 10, SNAPSHOT));
    expect(() => parseOne(p, ticker('delta', 11, { markPrice: '99', indexPrice: 'abc' }))).toThrow(ParseError);
    expect(parseOne(p, ticker('delta', 12, { lastPrice: '65114.40' })).events[0]).toMatchObject({
      mark_price: '65117.44',
      last_price: '65114.40',
    });
  });
});

describe('orderbook.1 → book_ticker', () => {
  it.skipIf(noShared)('takes the first non-zero level and falls back to the previous side (2023 delta frames)', () => {
    const [snapshot, sameBidDelta, replaceDelta] = sampleLines('bybit-linear.orderbook.1.jsonl');
    const { events } = run(newParser(), [snapshot, sameBidDelta, replaceDelta]);
    expect(events.map((e) => e.kind === 'book_ticker' && [e.bid_price, e.bid_qty, e.ask_price, e.ask_qty])).toEqual([
      ['28552.00', '0.047', '28552.10', '25.433'],
      // a: [] in the delta: the ask is unchanged.
      ['28552.00', '0.012', '28552.10', '25.433'],
      // b: [["27994.60","0"],["27991.70","0.777"]]: the deleted level is skipped.
      ['27991.70', '0.777', '27994.40', '0.058'],
    ]);
  });

  it('emits nothing until both sides are known', () => {
    const frame = (b: string[][], a: string[][], u: number) => ({
      topic: 'orderbook.1.ETHUSDT',
      type: 'delta',
      ts: u,
      data: { s: 'ETHUSDT', b, a, u },
    });
    const p = newParser();
    expect(parseOne(p, frame([['1922.50', '3']], [], 1)).result).toEqual({ type: 'ignored' });
    expect(parseOne(p, frame([], [['1922.60', '4']], 2)).events[0]).toMatchObject({
      bid_price: '1922.50',
      ask_price: '1922.60',
    });
  });
});

const ob50 = (type: 'snapshot' | 'delta', u: number, b: string[][], a: string[][]) =>
  JSON.stringify({
    topic: 'orderbook.50.BTCUSDT',
    type,
    ts: 1_000 + u,
    data: { s: 'BTCUSDT', b, a, u, seq: 7_000 + u },
    cts: 999 + u,
  });

const BOOK = ob50(
  'snapshot',
  100,
  // Unsorted, and text order differs from numeric order ("9.5" > "10.0" as text).
  [
    ['9.5', '1'],
    ['10.0', '2'],
    ['8', '3'],
    ['10.5', '4'],
    ['7', '5'],
    ['6', '6'],
    ['9.75', '7'],
  ],
  [
    ['11.0', '1'],
    ['100.0', '2'],
    ['11.5', '3'],
    ['12', '4'],
    ['13', '5'],
    ['14', '6'],
  ],
);

function tops(events: MarketEvent[]) {
  return events.map((e) => (e.kind === 'book_top' ? { bids: e.bids, asks: e.asks } : e.kind));
}

describe('orderbook.50 → local book → book_top', () => {
  it('rebuilds the book from public real frames (fixtures/public-frames: tardis 2023, Bybit docs)', () => {
    const lines = readFileSync(new URL('bybit-linear.orderbook.50.jsonl', PUBLIC_FRAMES), 'utf8')
      .split('\n')
      .filter(Boolean);
    // BTCPERP is Bybit's USDC-settled BTC perpetual: live, its market comes from the instrument list.
    const book = new InstrumentBook('bybit-linear', [
      {
        exchange: 'bybit-linear',
        symbol: 'BTCPERP',
        market: 'BTC/USDC:USDC',
        base: 'BTC',
        quote: 'USDC',
        settle: 'USDC',
        contract_size: '1',
        inverse: false,
        tick_size: '0.10',
      },
    ]);
    const { events, results } = run(createParser(book), lines);
    expect(results).toEqual([
      { type: 'data', events: 1 },
      { type: 'data', events: 1 },
      { type: 'data', events: 1 },
    ]);
    expectClean(events, { exchange: 'bybit-linear' });
    expect(events.map((e) => e.kind === 'book_top' && [e.symbol, e.market, e.ts, e.bids, e.asks])).toEqual([
      ['BTCPERP', 'BTC/USDC:USDC', 1680673821591, [['28555.20', '0.597']], [['28555.30', '0.225']]],
      // The delta (u = previous + 1) replaces both levels' sizes.
      ['BTCPERP', 'BTC/USDC:USDC', 1680673821651, [['28555.20', '0.677']], [['28555.30', '0.029']]],
      [
        'BTCUSDT',
        'BTC/USDT:USDT',
        1672304484978,
        [
          ['16493.50', '0.006'],
          ['16493.00', '0.100'],
        ],
        [
          ['16611.00', '0.029'],
          ['16612.00', '0.213'],
        ],
      ],
    ]);
  });

  it('keeps 5 levels a side, best first by numeric price, through deletes, inserts and updates', () => {
    const p = newParser();
    const { events, results } = run(p, [
      BOOK,
      ob50(
        'delta',
        101,
        [
          ['10.5', '0'],
          ['10.25', '9'],
          ['9.5', '1.50'],
        ],
        [['11.0', '0']],
      ),
      // Deeper than 5 levels: top 5 unchanged, nothing emitted.
      ob50(
        'delta',
        102,
        [
          ['6', '60'],
          ['7', '70'],
        ],
        [],
      ),
    ]);
    expect(tops(events)).toEqual([
      {
        bids: [
          ['10.5', '4'],
          ['10.0', '2'],
          ['9.75', '7'],
          ['9.5', '1'],
          ['8', '3'],
        ],
        asks: [
          ['11.0', '1'],
          ['11.5', '3'],
          ['12', '4'],
          ['13', '5'],
          ['14', '6'],
        ],
      },
      {
        bids: [
          ['10.25', '9'],
          ['10.0', '2'],
          ['9.75', '7'],
          ['9.5', '1.50'],
          ['8', '3'],
        ],
        asks: [
          ['11.5', '3'],
          ['12', '4'],
          ['13', '5'],
          ['14', '6'],
          ['100.0', '2'],
        ],
      },
    ]);
    expect(results[2]).toEqual({ type: 'data', events: 0 });
    expect(events[0]).toMatchObject({
      exchange: 'bybit-linear',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: 1100,
      local_ts: T0,
    });
  });

  it('reports a jump in u as a gap before anything else, then waits for a snapshot', () => {
    const p = newParser();
    const localTs = (i: number) => T0 + i * 20;
    const { events, results } = run(
      p,
      [
        BOOK,
        ob50('delta', 101, [['10.5', '5']], []),
        ob50('delta', 104, [['10.5', '6']], []), // 102 and 103 were lost
        ob50('delta', 105, [['10.5', '7']], []), // cannot apply to a broken book
        ob50('snapshot', 300, [['10.6', '1']], [['10.7', '1']]),
        ob50('delta', 301, [['10.6', '2']], []),
      ],
      localTs,
    );
    expect(events[2]).toEqual({
      kind: 'gap',
      exchange: 'bybit-linear',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: localTs(2),
      local_ts: localTs(2),
      stream: 'orderbook.50',
      start_ts: localTs(1),
      end_ts: localTs(2),
      seq_before: '101',
      seq_after: '104',
      cause: 'sequence',
    });
    expect(results.map((r) => r.type)).toEqual(['data', 'data', 'data', 'ignored', 'data', 'data']);
    expect(tops(events)).toEqual([
      expect.objectContaining({ bids: expect.arrayContaining([['10.5', '4']]) }),
      expect.objectContaining({ bids: expect.arrayContaining([['10.5', '5']]) }),
      'gap',
      { bids: [['10.6', '1']], asks: [['10.7', '1']] },
      { bids: [['10.6', '2']], asks: [['10.7', '1']] },
    ]);
  });

  it('drops a repeated or old u without a gap', () => {
    const p = newParser();
    const { events, results } = run(p, [
      BOOK,
      ob50('delta', 101, [['10.5', '5']], []),
      ob50('delta', 101, [['10.5', '5']], []),
      ob50('delta', 99, [['10.5', '1']], []),
      ob50('delta', 102, [['10.5', '8']], []),
    ]);
    expect(results.map((r) => r.type)).toEqual(['data', 'data', 'ignored', 'ignored', 'data']);
    expect(events.map((e) => e.kind)).toEqual(['book_top', 'book_top', 'book_top']);
    expect(events[2]).toMatchObject({ bids: expect.arrayContaining([['10.5', '8']]) });
  });

  it('overwrites the book when u is 1 (Bybit restarted its book service)', () => {
    const p = newParser();
    const { events } = run(p, [
      BOOK,
      ob50('delta', 1, [['20', '1']], [['21', '1']]),
      ob50('delta', 2, [['20', '2']], []),
    ]);
    expect(tops(events).slice(1)).toEqual([
      { bids: [['20', '1']], asks: [['21', '1']] },
      { bids: [['20', '2']], asks: [['21', '1']] },
    ]);
  });

  it('ignores deltas before the first snapshot, and after reset()', () => {
    const p = newParser();
    expect(parseOne(p, ob50('delta', 5, [['1', '1']], [])).result).toEqual({ type: 'ignored' });
    parseOne(p, BOOK);
    p.reset();
    expect(parseOne(p, ob50('delta', 101, [['1', '1']], [])).result).toEqual({ type: 'ignored' });
  });

  it('keeps only the 50 levels Bybit tracks', () => {
    const bids = Array.from({ length: 52 }, (_, i) => [String(1000 - i), '1']);
    const p = newParser();
    parseOne(p, ob50('snapshot', 10, bids, [['2000', '1']]));
    // Delete the best 49: only level 50 (951) remains; 950 and 949 were beyond the window.
    const { events } = parseOne(
      p,
      ob50(
        'delta',
        11,
        bids.slice(0, 49).map(([price]) => [price, '0']),
        [],
      ),
    );
    expect(events[0]).toMatchObject({ bids: [['951', '1']] });
  });

  it('snapshots a session through the book', async () => {
    const { events } = run(newParser(), [
      BOOK,
      ob50('delta', 101, [['10.5', '0']], [['10.9', '0.5']]),
      ob50('delta', 103, [], []),
    ]);
    await expect(JSON.stringify(events, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/orderbook.50.json');
  });
});

describe('REST: account-ratio → long_short', () => {
  const url = 'http://127.0.0.1:9999/sim/v5/market/account-ratio?category=linear&symbol=BTCUSDT&period=5min&limit=1';
  const body = JSON.stringify({
    retCode: 0,
    retMsg: 'OK',
    result: {
      list: [{ symbol: 'BTCUSDT', buyRatio: '0.49', sellRatio: '0.51', timestamp: '1696906800000' }],
      nextPageCursor: 'x',
    },
    retExtInfo: {},
    time: 1696907000000,
  });

  it('emits the global account ratio computed exactly', async () => {
    const events: MarketEvent[] = [];
    expect(newParser().parseRest(url, body, T0, (e) => events.push(e))).toEqual({ type: 'data', events: 1 });
    expect(events).toEqual([
      {
        kind: 'long_short',
        exchange: 'bybit-linear',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: 1696906800000,
        local_ts: T0,
        ratio_type: 'global_accounts',
        period: '5min',
        ratio: '0.960784313725', // 0.49 / 0.51, 12 digits, half-up
        long: '0.49',
        short: '0.51',
      },
    ]);
    await expect(JSON.stringify(events, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/account-ratio.json');
  });

  it('reports a refusal, ignores lists that are not market data, rejects malformed bodies', () => {
    const p = newParser();
    const none = () => expect.unreachable('no event expected');
    expect(
      p.parseRest(
        url,
        JSON.stringify({ retCode: 10001, retMsg: 'params error: symbol invalid', result: {} }),
        T0,
        none,
      ),
    ).toEqual({
      type: 'rejected',
      message: 'account-ratio retCode 10001: params error: symbol invalid',
    });
    expect(
      p.parseRest('https://api.bybit.com/v5/market/instruments-info?category=linear', '{"retCode":0}', T0, none),
    ).toEqual({ type: 'ignored' });
    expect(() => p.parseRest(url, body.slice(0, 30), T0, none)).toThrow(ParseError);
    expect(() => p.parseRest(url, body.replace('"0.51"', '"abc"'), T0, none)).toThrow(/sellRatio/);
    expect(() => p.parseRest(url, body.replace('"0.51"', '"0"'), T0, none)).toThrow(/sellRatio/);
    expect(() => p.parseRest(url.replace('&period=5min', ''), body, T0, none)).toThrow(/period/);
  });
});
