import { describe, expect, it } from 'vitest';
import {
  chainOf,
  DERIVED_SUBJECTS,
  decodeDerived,
  decodeEventBatch,
  decodeInstruments,
  instrumentsSubject,
  isInstrumentsSubject,
  messageIdOf,
  subjectOfChain,
} from './bus-message.ts';

const trade = (seq: number, over: Record<string, unknown> = {}) => ({
  kind: 'trade',
  seq,
  exchange: 'bybit-linear',
  symbol: 'BTCUSDT',
  market: 'BTC/USDT:USDT',
  ts: 1_700_000_000_000 + seq,
  local_ts: 1_700_000_000_005 + seq,
  id: `t${seq}`,
  price: '65114.30',
  qty: '0.004',
  side: 'buy',
  ...over,
});

const message = (over: Record<string, unknown> = {}) => ({
  v: 1,
  src: 'tokyo-1.0a1b2c3d',
  chain: 'bybit-linear.trade',
  base: 0,
  prev: 10,
  upto: 20,
  events: [trade(11), trade(15), trade(20)],
  ...over,
});

const text = (over: Record<string, unknown> = {}) => JSON.stringify(message(over));

describe('decodeEventBatch', () => {
  it('accepts a valid message and keeps prices as the exact text sent', () => {
    const m = decodeEventBatch(text({ events: [trade(11, { price: '0.000012345678901234567' }), trade(20)] }));
    expect(m).toMatchObject({
      v: 1,
      src: 'tokyo-1.0a1b2c3d',
      chain: 'bybit-linear.trade',
      base: 0,
      prev: 10,
      upto: 20,
    });
    expect(m.events.map((e) => e.seq)).toEqual([11, 20]);
    expect((m.events[0] as { price: string }).price).toBe('0.000012345678901234567');
  });

  it('accepts an empty range, events on its upper bound, and unknown fields (a newer collector)', () => {
    expect(decodeEventBatch(text({ prev: 20, upto: 20, events: [] })).events).toEqual([]);
    const m = decodeEventBatch(
      JSON.stringify({ ...message(), extra: { hello: 1 }, events: [{ ...trade(20), newField: 'x' }] }),
    );
    expect((m as unknown as { extra: unknown }).extra).toEqual({ hello: 1 });
    expect((m.events[0] as unknown as { newField: string }).newField).toBe('x');
  });

  it('accepts every kind of every exchange as a chain, gaps included', () => {
    const gap = {
      kind: 'gap',
      seq: 12,
      exchange: 'okx-swap',
      symbol: '',
      market: '',
      ts: 5,
      local_ts: 5,
      stream: 'bus',
      start_ts: 1,
      end_ts: 5,
      seq_before: null,
      seq_after: null,
      cause: 'error',
    };
    expect(decodeEventBatch(text({ chain: 'okx-swap.gap', events: [gap] })).events).toHaveLength(1);
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{"v":1,', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['a wrong protocol', text({ v: 2 }), /protocol 2 is not 1/],
    ['no protocol', text({ v: undefined }), /protocol undefined/],
    ['a missing src', text({ src: undefined }), /src is missing/],
    ['an empty src', text({ src: '' }), /src is missing/],
    [
      'an unknown exchange in the chain',
      text({ chain: 'kraken.trade' }),
      /chain kraken\.trade is not <exchange>\.<kind>/,
    ],
    ['an unknown kind in the chain', text({ chain: 'bybit-linear.candle' }), /chain bybit-linear\.candle/],
    ['a chain with a third part', text({ chain: 'bybit-linear.trade.x' }), /chain bybit-linear\.trade\.x/],
    ['a missing chain', text({ chain: undefined }), /chain undefined/],
    ['prev > upto', text({ prev: 21, upto: 20, events: [] }), /prev 21 \/ upto 20 are not an ascending seq range/],
    ['a negative prev', text({ prev: -1 }), /prev -1/],
    ['a fractional upto', text({ upto: 20.5 }), /upto 20\.5/],
    ['base not a seq', text({ base: '0' }), /base is not a seq/],
    ['a missing base', text({ base: undefined }), /base is not a seq/],
    ['events not a list', text({ events: {} }), /events is not a list/],
    ['an event that is not an object', text({ events: [null] }), /an event is not an object/],
    ['an event at prev (outside the range)', text({ events: [trade(10)] }), /event seq 10 is outside \(10, 20\]/],
    ['an event beyond upto', text({ events: [trade(11), trade(21)] }), /event seq 21 is outside \(11, 20\]/],
    ['events out of order', text({ events: [trade(15), trade(12)] }), /event seq 12 .*out of order/],
    ['the same seq twice', text({ events: [trade(15), trade(15)] }), /event seq 15 .*out of order/],
    ['an event without seq', text({ events: [trade(15, { seq: undefined })] }), /event seq undefined/],
    [
      'an event of another chain (exchange)',
      text({ events: [trade(15, { exchange: 'okx-swap' })] }),
      /event 15 is okx-swap\.trade, not bybit-linear\.trade/,
    ],
    [
      'an event of another chain (kind)',
      text({ events: [trade(15, { kind: 'liquidation' })] }),
      /event 15 is bybit-linear\.liquidation, not bybit-linear\.trade/,
    ],
    ['an event without ts', text({ events: [trade(15, { ts: undefined })] }), /event 15 has no integer ts\/local_ts/],
    ['an event with ts as text', text({ events: [trade(15, { ts: '1700000000000' })] }), /event 15 has no integer ts/],
    ['an event without local_ts', text({ events: [trade(15, { local_ts: null })] }), /event 15 has no integer ts/],
    ['an event without symbol', text({ events: [trade(15, { symbol: undefined })] }), /event 15 has no symbol\/market/],
    ['an event with a numeric market', text({ events: [trade(15, { market: 1 })] }), /event 15 has no symbol\/market/],
  ];
  for (const [what, input, problem] of malformed) {
    it(`rejects ${what}, naming the problem`, () => {
      expect(() => decodeEventBatch(input)).toThrow(problem);
    });
  }
});

describe('decodeDerived', () => {
  const row = { market: 'BTC/USDT:USDT', exchange: 'binance-usdm', ts: 1 };

  it('accepts metrics, alerts, both or neither, and unknown fields', () => {
    expect(decodeDerived(JSON.stringify({ v: 1, metrics: [row] })).metrics).toEqual([row]);
    expect(decodeDerived(JSON.stringify({ v: 1, alerts: [{ ...row, id: 3 }] })).alerts).toEqual([{ ...row, id: 3 }]);
    expect(decodeDerived(JSON.stringify({ v: 1, metrics: [], alerts: [row] }))).toMatchObject({ alerts: [row] });
    expect(decodeDerived(JSON.stringify({ v: 1, extra: true }))).toEqual({ v: 1, extra: true });
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', 'metrics', /not JSON/],
    ['a JSON array', '[]', /not a derived message of this protocol/],
    ['a wrong protocol', JSON.stringify({ v: 2, metrics: [row] }), /not a derived message of this protocol/],
    ['metrics not a list', JSON.stringify({ v: 1, metrics: row }), /metrics is not a list of rows with a market/],
    ['a metric row without market', JSON.stringify({ v: 1, metrics: [{ ts: 1 }] }), /metrics is not a list/],
    ['an alert that is not an object', JSON.stringify({ v: 1, alerts: ['x'] }), /alerts is not a list/],
    ['alerts null', JSON.stringify({ v: 1, alerts: null }), /alerts is not a list/],
  ];
  for (const [what, input, problem] of malformed) {
    it(`rejects ${what}, naming the problem`, () => {
      expect(() => decodeDerived(input)).toThrow(problem);
    });
  }
});

describe('decodeInstruments', () => {
  const instrument = {
    exchange: 'okx-swap',
    symbol: 'BTC-USDT-SWAP',
    market: 'BTC/USDT:USDT',
    base: 'BTC',
    quote: 'USDT',
    settle: 'USDT',
    contract_size: '0.01',
    inverse: false,
    tick_size: '0.1',
  };

  it("accepts a collector's markets and keeps the contract size as text", () => {
    const m = decodeInstruments(JSON.stringify({ v: 1, src: 'tokyo-1.0a1b2c3d', instruments: [instrument] }));
    expect(m.instruments).toEqual([instrument]);
    expect(decodeInstruments(JSON.stringify({ v: 1, src: 's', instruments: [] })).instruments).toEqual([]);
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{', /not JSON/],
    ['a wrong protocol', JSON.stringify({ v: 2, src: 's', instruments: [] }), /not an instruments message/],
    ['a missing src', JSON.stringify({ v: 1, instruments: [] }), /not an instruments message/],
    ['instruments not a list', JSON.stringify({ v: 1, src: 's', instruments: {} }), /instruments is not a list/],
    [
      'an unknown exchange',
      JSON.stringify({ v: 1, src: 's', instruments: [{ ...instrument, exchange: 'kraken' }] }),
      /instruments is not a list/,
    ],
    [
      'a numeric contract size',
      JSON.stringify({ v: 1, src: 's', instruments: [{ ...instrument, contract_size: 0.01 }] }),
      /contract_size/,
    ],
  ];
  for (const [what, input, problem] of malformed) {
    it(`rejects ${what}, naming the problem`, () => {
      expect(() => decodeInstruments(input)).toThrow(problem);
    });
  }
});

describe('subjects and message ids', () => {
  it('markets go on fb.<exchange>.instruments, which no event chain uses', () => {
    expect(instrumentsSubject('bybit-linear')).toBe('fb.bybit-linear.instruments');
    expect(isInstrumentsSubject(instrumentsSubject('okx-swap'))).toBe(true);
    expect(isInstrumentsSubject(subjectOfChain(chainOf('okx-swap', 'trade')))).toBe(false);
    expect(() => decodeEventBatch(text({ chain: 'okx-swap.instruments', events: [] }))).toThrow(/chain/);
  });

  it('a chain is <exchange>.<kind> and its subject is fb.<exchange>.<kind>', () => {
    expect(chainOf('binance-usdm', 'book_ticker')).toBe('binance-usdm.book_ticker');
    expect(subjectOfChain('binance-usdm.book_ticker')).toBe('fb.binance-usdm.book_ticker');
    expect(subjectOfChain(chainOf('okx-swap', 'gap'))).toBe('fb.okx-swap.gap');
    expect(Object.values(DERIVED_SUBJECTS).every((s) => s.startsWith('fbd.'))).toBe(true);
  });

  it('the message id is <src>:<chain>:<prev>:<upto>: the same range is the same id, another cut another id', () => {
    const m = decodeEventBatch(text());
    expect(messageIdOf(m)).toBe('tokyo-1.0a1b2c3d:bybit-linear.trade:10:20');
    expect(messageIdOf({ ...m, events: [] } as typeof m)).toBe(messageIdOf(m));
    expect(messageIdOf({ ...m, upto: 21 })).not.toBe(messageIdOf(m));
    expect(messageIdOf({ ...m, src: 'tokyo-1.ffffffff' })).not.toBe(messageIdOf(m));
  });
});
