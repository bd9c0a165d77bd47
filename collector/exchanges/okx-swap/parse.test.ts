import { FbError as ParseError } from '../../../core/errors.ts';
import { describe, expect, it } from 'vitest';
import type { EventKind, MarketEvent } from '../../../core/events.ts';
import { InstrumentBook } from '../../../core/instruments.ts';
import type { FrameResult } from '../types.ts';
import { needsShared, sharedLines } from '../../../test/helpers/shared-data.ts';
import { parseInstruments } from './instruments.ts';
import { countBy, expectClean, type CleanRules } from '../test-support.ts';
import { feed, fixtureLines, jsonLines, newParser, T0 } from './testing.ts';

/** The okx-swap parser records perpetual swaps only. */
const OKX_SWAP: CleanRules = { exchange: 'okx-swap', symbol: /^[A-Z0-9]+-[A-Z0-9]+-SWAP$/ };

const noShared = needsShared('the okx-swap parser tests on ../shared/samples and ../shared/captures');

interface Expected {
  events: Partial<Record<EventKind, number>>;
  results: Partial<Record<FrameResult['type'], number>>;
  why: string;
}

/** Counts worked out by reading the files (see `why`), not copied from the parser's output. */
const SAMPLES: Record<string, Expected> = {
  trades: {
    events: { trade: 12 },
    results: { data: 12, ignored: 1 },
    why: 'lines 1-12 are -SWAP trades with one trade each; line 13 is the spot pair BTC-USDT (docs example), not recorded',
  },
  'funding-rate': {
    events: { derivative_ticker: 5 },
    results: { data: 5 },
    why:
      "five swap frames; each changes its instrument's merged state: lines 1-4 are the first sight of BTC-USD, BTC-USDT, " +
      'WNCG and SOS (line 4 has no fundingRate but fundingTime and nextFundingRate), line 5 is BTC-USD again with a new fundingRate',
  },
  'mark-price': {
    events: { derivative_ticker: 1 },
    results: { data: 1, ignored: 1 },
    why: 'line 1 is WNCG-USDT-SWAP; line 2 is the dated future LTC-USD-190628 (docs example), not recorded',
  },
  'open-interest': {
    events: { open_interest: 2, derivative_ticker: 2 },
    results: { data: 2 },
    why: 'two swap frames, each an open_interest event plus the merged ticker whose open_interest changed from null',
  },
  'liquidation-orders': {
    events: { liquidation: 1 },
    results: { data: 1, ignored: 1 },
    why: 'line 1 is instType FUTURES (XRP-USD-230929), not recorded; line 2 is IOST-USDT-SWAP with one detail',
  },
  control: {
    events: {},
    results: { ack: 3, rejected: 1, notice: 1 },
    why: 'three event:"subscribe" acks, one event:"error" (60012), one event:"notice" (64008)',
  },
};

describe.skipIf(noShared)('okx-swap parser on every recorded sample (../shared/samples/okx-swap.*.jsonl)', () => {
  for (const [type, expected] of Object.entries(SAMPLES)) {
    it(`${type}: ${expected.why}`, async () => {
      const parser = newParser();
      const events: MarketEvent[] = [];
      const results: FrameResult[] = [];
      sharedLines(`samples/okx-swap.${type}.jsonl`).forEach((line, i) => {
        results.push(parser.parseFrame(line, T0 + i * 100, (e) => events.push(e)));
      });
      expectClean(events, OKX_SWAP);
      expect(countBy(events, (e) => e.kind)).toEqual(expected.events);
      expect(countBy(results, (r) => r.type)).toEqual(expected.results);
      const snapshot = type === 'control' ? jsonLines(results) : jsonLines(events);
      await expect(snapshot).toMatchFileSnapshot(`./__snapshots__/${type}.json`);
    });
  }
});

describe.skipIf(noShared)('okx-swap parser on the 2022-05-13 capture (../shared/captures/okx.2022-05-13.jsonl)', () => {
  interface Line {
    t: string;
    ts?: number;
    url?: string;
    data?: string;
  }
  const lines = (): Line[] => sharedLines('captures/okx.2022-05-13.jsonl').map((l) => JSON.parse(l) as Line);

  function replay() {
    const all = lines();
    // As the importer does: the instrument lists first, so contract sizes come from the capture itself.
    const book = new InstrumentBook('okx-swap');
    for (const l of all) if (l.t === 'http') for (const i of parseInstruments(l.data as string)) book.set(i);
    const parser = newParser(book);
    const events: MarketEvent[] = [];
    const results: FrameResult[] = [];
    for (const l of all) {
      const localTs = Math.round((l.ts as number) * 1000);
      if (l.t === 'recv') results.push(parser.parseFrame(l.data as string, localTs, (e) => events.push(e)));
      if (l.t === 'http')
        results.push(parser.parseRest(l.url as string, l.data as string, localTs, (e) => events.push(e)));
    }
    return { book, events, results };
  }

  it("takes contract sizes from the capture's own SWAP instrument list", () => {
    const { book } = replay();
    // 25 http lines: 5 rounds of SPOT, SWAP, FUTURES and 2 OPTION lists; only the SWAP list (166 swaps) counts.
    expect(book.all()).toHaveLength(166);
    expect(book.get('UNI-USD-SWAP')).toMatchObject({
      contract_size: '10',
      inverse: true,
      market: 'UNI/USD:UNI',
      tick_size: '0.001',
    });
  });

  it('parses every recv and http line; only the swap UNI-USD-SWAP is recorded', async () => {
    const { events, results } = replay();
    expectClean(events, OKX_SWAP);
    // 410 recv lines = 18 subscribe acks (tickers x3, trades x2, books x1 per instrument, 3 instruments)
    // + 392 data frames, of which UNI-USD-SWAP has 93 books + 1 tickers + 1 trades = 95; the other 297
    // are the future BTC-USD-220527 and the spot pair BTC-USDT. The 25 http lines are instrument lists.
    expect(countBy(results, (r) => r.type)).toEqual({ ack: 18, data: 95, ignored: 297 + 25 });
    // books: 1 snapshot + 92 updates, every OKX checksum verified (no 'error' gap); the top 5 levels
    // change in 72 of the 93 messages (computed independently in Python with Decimal-keyed books:
    // fixtures/derivations/okx.2022-05-13.py prints every number of this describe block).
    // tickers: one frame with bid/ask (book_ticker) and `last` (the merged ticker's first value).
    expect(countBy(events, (e) => e.kind)).toEqual({ book_top: 72, book_ticker: 1, derivative_ticker: 1, trade: 1 });
    for (const kind of ['book_top', 'book_ticker', 'derivative_ticker', 'trade'] as const) {
      await expect(jsonLines(events.filter((e) => e.kind === kind))).toMatchFileSnapshot(
        `./__snapshots__/capture.${kind}.json`,
      );
    }
  });

  it('sizes inverse contracts in the base coin: 100 UNI-USD contracts of 10 USD at 5.123', () => {
    const trade = replay().events.find((e) => e.kind === 'trade');
    expect(trade).toMatchObject({ symbol: 'UNI-USD-SWAP', price: '5.123', side: 'sell', id: '12883020' });
    // 100 × 10 USD / 5.123 USD per UNI = 195.1981260979894...
    expect(trade).toMatchObject({ qty: '195.198126097989' });
  });
});

describe('okx-swap parser on public real frames of the channels the samples lack (fixtures/public-frames)', () => {
  it('books5: 2022 frames without seqId and the docs example with one, each a complete 5-level book', async () => {
    const parser = newParser();
    const events: MarketEvent[] = [];
    const results = fixtureLines('public-frames/okx-swap.books5.jsonl').map((line, i) =>
      parser.parseFrame(line, T0 + i, (e) => events.push(e)),
    );
    expect(results).toEqual([1, 1, 1].map((n) => ({ type: 'data', events: n })));
    expectClean(events, OKX_SWAP);
    expect(events.map((e) => e.kind === 'book_top' && [e.symbol, e.ts, e.bids.length, e.asks.length])).toEqual([
      ['BTC-USD-SWAP', 1652686260965, 5, 5],
      ['BTC-USDT-SWAP', 1653997254735, 5, 5],
      ['BCH-USDT-SWAP', 1670324386802, 5, 5],
    ]);
    // Sizes are contracts: 159 × 0.01 BTC; inverse 350 × 100 USD / 29502 USD per BTC.
    expect(events[1]).toMatchObject({
      bids: [
        ['31806.5', '0.54'],
        ['31806', '0.01'],
        ['31805.7', '0.05'],
        ['31805.6', '0.04'],
        ['31805', '0.1'],
      ],
    });
    expect(events[1].kind === 'book_top' && events[1].asks[0]).toEqual(['31806.6', '1.59']);
    expect(events[0].kind === 'book_top' && events[0].asks[0]).toEqual(['29502', '1.186360246763']);
    await expect(jsonLines(events)).toMatchFileSnapshot('./__snapshots__/books5.json');
  });

  it("index-tickers: the index price of BASE-QUOTE is the swap BASE-QUOTE-SWAP's", () => {
    const parser = newParser();
    const events: MarketEvent[] = [];
    fixtureLines('public-frames/okx-swap.index-tickers.jsonl').forEach((line, i) =>
      parser.parseFrame(line, T0 + i, (e) => events.push(e)),
    );
    expectClean(events, OKX_SWAP);
    expect(events).toMatchObject([
      {
        kind: 'derivative_ticker',
        symbol: 'WNCG-USDT-SWAP',
        market: 'WNCG/USDT:USDT',
        index_price: '2.1675',
        ts: 1640131290649,
        mark_price: null,
      },
      {
        kind: 'derivative_ticker',
        symbol: 'ETH-USD-SWAP',
        market: 'ETH/USD:ETH',
        index_price: '3814.05',
        ts: 1640001659508,
      },
    ]);
  });
});

const TRADE = {
  arg: { channel: 'trades', instId: 'BTC-USDT-SWAP' },
  data: [{ instId: 'BTC-USDT-SWAP', tradeId: '219066264', px: '43568.8', sz: '7', side: 'buy', ts: '1646312440645' }],
};

function tradeWith(fields: Record<string, unknown>) {
  return { ...TRADE, data: [{ ...TRADE.data[0], ...fields }] };
}

describe('robustness', () => {
  it('ignores unknown fields at every level', () => {
    const plain = feed(newParser(), TRADE).events;
    const extended = feed(newParser(), {
      ...TRADE,
      connId: 'a4d3ae55',
      arg: { ...TRADE.arg, uid: '1' },
      data: [{ ...TRADE.data[0], count: '3', source: '0', seqId: 1234, futureField: { nested: true } }],
    }).events;
    expect(extended).toEqual(plain);
    expect(plain).toHaveLength(1);
  });

  const malformed: [string, string, RegExp][] = [
    ['truncated JSON', JSON.stringify(TRADE).slice(0, 60), /not valid JSON/],
    ['a price of "abc"', JSON.stringify(tradeWith({ px: 'abc' })), /trades: px "abc" is not a decimal/],
    [
      'a missing symbol',
      JSON.stringify({ arg: { channel: 'trades' }, data: [{ ...TRADE.data[0], instId: undefined }] }),
      /trades: instId missing/,
    ],
    ['a NaN size', JSON.stringify(tradeWith({ sz: 'NaN' })), /sz "NaN" is not a decimal/],
    ['an Infinity price', JSON.stringify(tradeWith({ px: 'Infinity' })), /px "Infinity" is not a decimal/],
    ['a numeric price', JSON.stringify(tradeWith({ px: 43568.8 })), /px missing or not a string/],
    ['an exponent price', JSON.stringify(tradeWith({ px: '4.35e4' })), /px "4.35e4" is not a decimal/],
    ['a side that is not buy/sell', JSON.stringify(tradeWith({ side: 'long' })), /side "long" is not buy\/sell/],
    ['a non-numeric ts', JSON.stringify(tradeWith({ ts: '2022-03-03' })), /ts "2022-03-03" is not epoch milliseconds/],
    ['data that is not an array', JSON.stringify({ ...TRADE, data: TRADE.data[0] }), /trades: data is not an array/],
    ['a frame that is neither event nor push', '{"op":"subscribe"}', /neither event nor arg/],
    ['a JSON array', '[1,2]', /frame is not an object/],
  ];
  for (const [what, frame, message] of malformed) {
    it(`throws ParseError for ${what}`, () => {
      const parser = newParser();
      let error: unknown;
      try {
        feed(parser, frame);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({ code: 'E_PARSE', exchange: 'okx-swap' });
      expect((error as Error).message).toMatch(message);
    });
  }

  it('emits nothing from a frame whose second element is malformed', () => {
    const events: MarketEvent[] = [];
    const frame = { ...TRADE, data: [TRADE.data[0], { ...TRADE.data[0], px: 'abc' }] };
    expect(() => newParser().parseFrame(JSON.stringify(frame), T0, (e) => events.push(e))).toThrow(ParseError);
    expect(events).toEqual([]);
  });

  it('refuses to guess the contract size of an instrument it does not know', () => {
    const book = new InstrumentBook('okx-swap');
    const parser = newParser(book);
    // A funding rate needs no size: recorded, under a market derived from the instId...
    const funding = feed(parser, {
      arg: { channel: 'funding-rate', instId: 'PEPE-USDT-SWAP' },
      data: [{ instId: 'PEPE-USDT-SWAP', fundingRate: '0.0001', fundingTime: '1700726400000', ts: '1700724675402' }],
    });
    expect(funding.events[0]).toMatchObject({ market: 'PEPE/USDT:USDT', funding_rate: '0.0001' });
    // ...without planting a size-1 guess in the book, so a trade still fails, naming the instrument.
    expect(book.has('PEPE-USDT-SWAP')).toBe(false);
    expect(() =>
      feed(parser, {
        arg: { channel: 'trades', instId: 'PEPE-USDT-SWAP' },
        data: [{ ...TRADE.data[0], instId: 'PEPE-USDT-SWAP' }],
      }),
    ).toThrow(/contract size \(ctVal\) of PEPE-USDT-SWAP is unknown/);
  });

  it('treats a guessed instrument (no tick size, contract size 1) as unknown', () => {
    const book = new InstrumentBook('okx-swap');
    book.get('PEPE-USDT-SWAP'); // InstrumentBook.get plants guessInstrument's stand-in
    expect(() =>
      feed(newParser(book), {
        arg: { channel: 'trades', instId: 'PEPE-USDT-SWAP' },
        data: [{ ...TRADE.data[0], instId: 'PEPE-USDT-SWAP' }],
      }),
    ).toThrow(/PEPE-USDT-SWAP is unknown/);
  });
});

describe('exact decimals and contract sizes', () => {
  it('keeps prices as sent: "65114.30" stays "65114.30"', () => {
    const { events } = feed(newParser(), tradeWith({ px: '65114.30' }));
    expect(events[0]).toMatchObject({ kind: 'trade', price: '65114.30' });
  });

  it('keeps a size as sent when ctVal is 1 (SOL-USDT-SWAP)', () => {
    const { events } = feed(newParser(), {
      arg: { channel: 'trades', instId: 'SOL-USDT-SWAP' },
      data: [{ ...TRADE.data[0], instId: 'SOL-USDT-SWAP', sz: '1.50' }],
    });
    expect(events[0]).toMatchObject({ qty: '1.50' });
  });

  it('multiplies linear contracts by ctVal exactly: 7 and 0.87 BTC-USDT-SWAP contracts of 0.01 BTC', () => {
    expect(feed(newParser(), TRADE).events[0]).toMatchObject({ qty: '0.07' });
    expect(feed(newParser(), tradeWith({ sz: '0.87' })).events[0]).toMatchObject({ qty: '0.0087' });
  });

  it('divides inverse contracts by the trade price: 1 BTC-USD-SWAP contract of 100 USD at 43574.9', () => {
    const { events } = feed(newParser(), {
      arg: { channel: 'trades', instId: 'BTC-USD-SWAP' },
      data: [
        { instId: 'BTC-USD-SWAP', tradeId: '173543957', px: '43574.9', sz: '1', side: 'sell', ts: '1646312664791' },
      ],
    });
    // 100 / 43574.9 = 0.00229489912771...: 12 fraction digits, half up
    expect(events[0]).toMatchObject({ qty: '0.002294899128', market: 'BTC/USD:BTC' });
  });
});

describe('side conventions', () => {
  it('trade side is the taker side as OKX sends it', () => {
    expect(feed(newParser(), tradeWith({ side: 'sell' })).events[0]).toMatchObject({ side: 'sell' });
    expect(feed(newParser(), tradeWith({ side: 'buy' })).events[0]).toMatchObject({ side: 'buy' });
  });

  it('liquidation side is the side of the liquidation order: a short liquidated is a buy', () => {
    const frame = (side: string, posSide: string) => ({
      arg: { channel: 'liquidation-orders', instType: 'SWAP' },
      data: [
        {
          instId: 'BTC-USDT-SWAP',
          instType: 'SWAP',
          instFamily: 'BTC-USDT',
          uly: 'BTC-USDT',
          details: [{ bkLoss: '0', bkPx: '43000.5', ccy: '', posSide, side, sz: '3', ts: '1692266434010' }],
        },
      ],
    });
    expect(feed(newParser(), frame('buy', 'short')).events[0]).toMatchObject({
      kind: 'liquidation',
      side: 'buy',
      price: '43000.5',
      qty: '0.03',
      id: null,
    });
    expect(feed(newParser(), frame('sell', 'long')).events[0]).toMatchObject({ side: 'sell' });
  });
});

describe('control frames', () => {
  it('maps pong, acks, errors and notices', () => {
    const parser = newParser();
    expect(feed(parser, 'pong').result).toEqual({ type: 'pong' });
    expect(
      feed(parser, {
        id: '1',
        event: 'subscribe',
        arg: { channel: 'trades', instId: 'BTC-USDT-SWAP' },
        connId: 'a4d3ae55',
      }).result,
    ).toEqual({ type: 'ack' });
    expect(feed(parser, { event: 'unsubscribe', arg: { channel: 'trades', instId: 'BTC-USDT-SWAP' } }).result).toEqual({
      type: 'ack',
    });
    expect(
      feed(parser, {
        id: '2',
        event: 'error',
        code: '60018',
        msg: "Wrong URL or channel:trades,instId:FOO doesn't exist.",
      }).result,
    ).toEqual({
      type: 'rejected',
      message: "60018: Wrong URL or channel:trades,instId:FOO doesn't exist.",
    });
    expect(
      feed(parser, {
        event: 'notice',
        code: '64008',
        msg: 'The connection will soon be closed for a service upgrade. Please reconnect.',
      }).result,
    ).toEqual({
      type: 'notice',
      message: '64008: The connection will soon be closed for a service upgrade. Please reconnect.',
    });
    expect(feed(parser, { event: 'channel-conn-count', channel: 'orders', connCount: '2' }).result).toEqual({
      type: 'ignored',
    });
    expect(
      feed(parser, {
        arg: { channel: 'candle1m', instId: 'BTC-USDT-SWAP' },
        data: [['1597026383085', '8533', '8553', '8527', '8548', '45247', '529', '5', '0']],
      }).result,
    ).toEqual({ type: 'ignored' });
  });

  it('drops the backlog push that follows the liquidation-orders subscribe ack, then records', () => {
    const push = {
      arg: { channel: 'liquidation-orders', instType: 'SWAP' },
      data: [
        {
          instId: 'ETH-USDT-SWAP',
          instType: 'SWAP',
          details: [{ bkPx: '2000.1', posSide: 'long', side: 'sell', sz: '5', ts: '1692266434010' }],
        },
      ],
    };
    const parser = newParser();
    expect(
      feed(parser, { event: 'subscribe', arg: { channel: 'liquidation-orders', instType: 'SWAP' } }).result,
    ).toEqual({ type: 'ack' });
    expect(feed(parser, push)).toEqual({ result: { type: 'ignored' }, events: [] });
    expect(feed(parser, push).events).toMatchObject([
      { kind: 'liquidation', symbol: 'ETH-USDT-SWAP', qty: '0.5', side: 'sell' },
    ]);
  });

  it('skips liquidations of swaps outside the book: the channel carries every swap', () => {
    const push = (instId: string) => ({
      arg: { channel: 'liquidation-orders', instType: 'SWAP' },
      data: [{ instId, instType: 'SWAP', details: [{ bkPx: '1.5', side: 'buy', sz: '5', ts: '1692266434010' }] }],
    });
    expect(feed(newParser(), push('PEPE-USDT-SWAP'))).toEqual({ result: { type: 'ignored' }, events: [] });
  });
});

describe('merged derivative ticker', () => {
  it('merges mark, index, last, funding and open interest per instrument, emitting on change only', () => {
    const parser = newParser();
    const mark = (px: string) => ({
      arg: { channel: 'mark-price', instId: 'BTC-USDT-SWAP' },
      data: [{ instId: 'BTC-USDT-SWAP', instType: 'SWAP', markPx: px, ts: '1700000000000' }],
    });
    expect(feed(parser, mark('43000.1')).events).toMatchObject([
      { kind: 'derivative_ticker', mark_price: '43000.1', index_price: null },
    ]);
    // unchanged mark price: data, but nothing to record
    expect(feed(parser, mark('43000.1'))).toEqual({ result: { type: 'data', events: 0 }, events: [] });
    // index-tickers is keyed by the index BTC-USDT, which is BTC-USDT-SWAP's underlying
    const index = feed(parser, {
      arg: { channel: 'index-tickers', instId: 'BTC-USDT' },
      data: [
        {
          instId: 'BTC-USDT',
          idxPx: '42999.8',
          open24h: '1',
          high24h: '1',
          low24h: '1',
          sodUtc0: '1',
          sodUtc8: '1',
          ts: '1700000000100',
        },
      ],
    });
    expect(index.events).toMatchObject([
      {
        symbol: 'BTC-USDT-SWAP',
        market: 'BTC/USDT:USDT',
        mark_price: '43000.1',
        index_price: '42999.8',
        ts: 1700000000100,
      },
    ]);
    // funding: fundingTime (the coming settlement) is next_funding_ts; an empty nextFundingRate is no prediction
    const funding = feed(parser, {
      arg: { channel: 'funding-rate', instId: 'BTC-USDT-SWAP' },
      data: [
        {
          instId: 'BTC-USDT-SWAP',
          instType: 'SWAP',
          method: 'current_period',
          fundingRate: '0.0001',
          nextFundingRate: '',
          fundingTime: '1700726400000',
          nextFundingTime: '1700755200000',
          ts: '1700000000200',
        },
      ],
    });
    expect(funding.events).toMatchObject([
      { funding_rate: '0.0001', predicted_rate: null, next_funding_ts: 1700726400000, ts: 1700000000200 },
    ]);
    const ticker = feed(parser, {
      arg: { channel: 'tickers', instId: 'BTC-USDT-SWAP' },
      data: [
        {
          instType: 'SWAP',
          instId: 'BTC-USDT-SWAP',
          last: '43001',
          lastSz: '2',
          askPx: '43001.1',
          askSz: '120',
          bidPx: '43001',
          bidSz: '7',
          ts: '1700000000300',
        },
      ],
    });
    expect(ticker.events).toMatchObject([
      { kind: 'book_ticker', bid_price: '43001', bid_qty: '0.07', ask_price: '43001.1', ask_qty: '1.2' },
      {
        kind: 'derivative_ticker',
        last_price: '43001',
        mark_price: '43000.1',
        index_price: '42999.8',
        funding_rate: '0.0001',
      },
    ]);
    const oi = feed(parser, {
      arg: { channel: 'open-interest', instId: 'BTC-USDT-SWAP' },
      data: [
        {
          instId: 'BTC-USDT-SWAP',
          instType: 'SWAP',
          oi: '2216113.01',
          oiCcy: '22161.1301',
          oiUsd: '1939251795.5',
          ts: '1700000000400',
        },
      ],
    });
    expect(oi.events).toEqual([
      {
        kind: 'open_interest',
        exchange: 'okx-swap',
        symbol: 'BTC-USDT-SWAP',
        market: 'BTC/USDT:USDT',
        ts: 1700000000400,
        local_ts: T0,
        open_interest: '22161.1301',
        value: '1939251795.5',
      },
      {
        kind: 'derivative_ticker',
        exchange: 'okx-swap',
        symbol: 'BTC-USDT-SWAP',
        market: 'BTC/USDT:USDT',
        ts: 1700000000400,
        local_ts: T0,
        mark_price: '43000.1',
        index_price: '42999.8',
        last_price: '43001',
        funding_rate: '0.0001',
        predicted_rate: null,
        next_funding_ts: 1700726400000,
        open_interest: '22161.1301',
      },
    ]);
  });

  it('takes inverse open interest in coins from oiCcy (oi × ctVal would be USD)', () => {
    const { events } = feed(newParser(), {
      arg: { channel: 'open-interest', instId: 'BTC-USD-SWAP' },
      data: [{ instId: 'BTC-USD-SWAP', instType: 'SWAP', oi: '5000', oiCcy: '11.5', ts: '1700000000400' }],
    });
    expect(events[0]).toMatchObject({ kind: 'open_interest', open_interest: '11.5', value: null });
    expect(() =>
      feed(newParser(), {
        arg: { channel: 'open-interest', instId: 'BTC-USD-SWAP' },
        data: [{ instId: 'BTC-USD-SWAP', oi: '5000', ts: '1700000000400' }],
      }),
    ).toThrow(/no usable price .* inverse contracts of BTC-USD-SWAP/);
  });
});
