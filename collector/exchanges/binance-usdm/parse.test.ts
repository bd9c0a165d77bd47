import { FbError as ParseError } from '../../../core/errors.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventKind, MarketEvent } from '../../../core/events.ts';
import { InstrumentBook } from '../../../core/instruments.ts';
import { needsShared, sharedLines, sharedPath } from '../../../test/helpers/shared-data.ts';
import { countBy, expectClean, type CleanRules } from '../test-support.ts';
import type { ExchangeParser, FrameResult } from '../types.ts';
import { createParser } from './parse.ts';

const PUBLIC_FRAMES = new URL('../../../fixtures/public-frames/', import.meta.url);
const REST = 'https://fapi.binance.com';
const noShared = needsShared('the binance-usdm parser tests on ../shared/samples and ../shared/captures');

/** One frame a line of ../shared/samples/<file>. */
function sample(file: string): string[] {
  return sharedLines(`samples/${file}`);
}

/** One frame a line of fixtures/public-frames/<file> (provenance in its SOURCES.md). */
function publicFrames(file: string): string[] {
  return readFileSync(new URL(file, PUBLIC_FRAMES), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

function newParser(): ExchangeParser {
  return createParser(new InstrumentBook('binance-usdm'));
}

interface Run {
  events: MarketEvent[];
  results: FrameResult[];
}

function frames(parser: ExchangeParser, texts: string[], localTs = 1_700_000_000_000): Run {
  const run: Run = { events: [], results: [] };
  texts.forEach((text, i) => run.results.push(parser.parseFrame(text, localTs + i, (e) => run.events.push(e))));
  return run;
}

function rest(parser: ExchangeParser, url: string, body: string, localTs = 1_700_000_000_000): Run {
  const run: Run = { events: [], results: [] };
  run.results.push(parser.parseRest(url, body, localTs, (e) => run.events.push(e)));
  return run;
}

const countKinds = (events: MarketEvent[]) => countBy(events, (e) => e.kind);
const countResults = (results: FrameResult[]) => countBy(results, (r) => r.type);

/** Dated contracts outside the instrument list get a guessed market, not always in ccxt form. */
const BINANCE: CleanRules = { exchange: 'binance-usdm', market: /^.+$/ };

/** One event per line: stable, reviewable snapshot files. */
function snapshotText(items: unknown[]): string {
  return `[\n${items.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]\n`;
}

function withData(frame: string, patch: (data: Record<string, unknown>) => void): string {
  const msg = JSON.parse(frame) as { data: Record<string, unknown> };
  patch(msg.data);
  return JSON.stringify(msg);
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a ParseError, nothing was thrown');
}

/**
 * The samples are single frames from different years and sources (SOURCES.md), so each line is
 * parsed by a fresh parser: sequence state across unrelated lines would be meaningless.
 * Expected counts, read from the files:
 */
const SAMPLE_FILES: Record<
  string,
  { url?: string; kinds: Partial<Record<EventKind, number>>; results: Record<string, number> }
> = {
  // 94 aggTrade frames, one trade each (line 93, from 2019, has no `a`: a trade with id null).
  'binance-usdm.aggTrade.jsonl': { kinds: { trade: 94 }, results: { data: 94 } },
  // 104 bookTicker frames, one best bid/ask each.
  'binance-usdm.bookTicker.jsonl': { kinds: { book_ticker: 104 }, results: { data: 104 } },
  // 5 replies to SUBSCRIBE/UNSUBSCRIBE/LIST/SET/GET requests: acks, no market data.
  'binance-usdm.control.jsonl': { kinds: {}, results: { ack: 5 } },
  // 6 forceOrder frames, one liquidation each (per-symbol and !forceOrder@arr alike).
  'binance-usdm.forceOrder.jsonl': { kinds: { liquidation: 6 }, results: { data: 6 } },
  // 68 klines: not recorded.
  'binance-usdm.kline_1m.jsonl': { kinds: {}, results: { ignored: 68 } },
  // 5 markPriceUpdate frames, one derivative ticker each.
  'binance-usdm.markPrice.jsonl': { kinds: { derivative_ticker: 5 }, results: { data: 5 } },
  // 2 array frames with 2 and 1 elements: 3 derivative tickers.
  'binance-usdm.markPrice_arr.jsonl': { kinds: { derivative_ticker: 3 }, results: { data: 2 } },
  // Funding history: not recorded (markPrice carries the live rate).
  'binance-usdm.rest.fundingRate.jsonl': {
    url: `${REST}/fapi/v1/fundingRate?symbol=BTCUSDT`,
    kinds: {},
    results: { ignored: 1 },
  },
  // 3 openInterest bodies (one without `time`), one event each.
  'binance-usdm.rest.openInterest.jsonl': {
    url: `${REST}/fapi/v1/openInterest?symbol=BTCUSDT`,
    kinds: { open_interest: 3 },
    results: { data: 3 },
  },
  // openInterestHist is history, not polled: ignored.
  'binance-usdm.rest.openInterestHist.jsonl': {
    url: `${REST}/futures/data/openInterestHist?symbol=BTCUSDT&period=5m`,
    kinds: {},
    results: { ignored: 1 },
  },
  // One object body and one one-element array body: 2 derivative tickers.
  'binance-usdm.rest.premiumIndex.jsonl': {
    url: `${REST}/fapi/v1/premiumIndex?symbol=BTCUSDT`,
    kinds: { derivative_ticker: 2 },
    results: { data: 2 },
  },
};

function runSample(file: string): Run {
  const spec = SAMPLE_FILES[file];
  const all: Run = { events: [], results: [] };
  for (const line of sample(file)) {
    const r = spec.url ? rest(newParser(), spec.url, line) : frames(newParser(), [line]);
    all.events.push(...r.events);
    all.results.push(...r.results);
  }
  return all;
}

describe.skipIf(noShared)('binance-usdm parser on the real sample frames', () => {
  it('has an expectation for every binance-usdm sample file', () => {
    const files = readdirSync(sharedPath('samples')).filter(
      (f) => f.startsWith('binance-usdm.') && f.endsWith('.jsonl'),
    );
    expect(files.sort()).toEqual(Object.keys(SAMPLE_FILES).sort());
  });

  for (const file of Object.keys(SAMPLE_FILES)) {
    it(`${file}: parses every line into the expected events`, async () => {
      const run = runSample(file);
      expect(countKinds(run.events)).toEqual(SAMPLE_FILES[file].kinds);
      expect(countResults(run.results)).toEqual(SAMPLE_FILES[file].results);
      expectClean(run.events, BINANCE);
      // Snapshot what each message type turns into: events, or for the replies the results.
      const type = file.slice('binance-usdm.'.length, -'.jsonl'.length);
      if (type === 'control')
        await expect(snapshotText(run.results)).toMatchFileSnapshot('./__snapshots__/control.json');
      else if (run.events.length > 0)
        await expect(snapshotText(run.events)).toMatchFileSnapshot(`./__snapshots__/${type}.json`);
    });
  }

  it('maps an aggTrade frame field by field', () => {
    const line = sample('binance-usdm.aggTrade.jsonl')[0];
    const { events } = frames(newParser(), [line], 42);
    expect(events).toEqual([
      {
        kind: 'trade',
        exchange: 'binance-usdm',
        symbol: 'CTKUSDT',
        market: 'CTK/USDT:USDT',
        ts: 1626992741421,
        local_ts: 42,
        id: '16599292',
        price: '1.01100',
        qty: '10',
        side: 'buy',
      },
    ]);
  });
});

describe.skipIf(noShared)('binance-usdm parser on the 2021 capture session', () => {
  function replayCapture(): Run {
    const parser = newParser();
    const run: Run = { events: [], results: [] };
    for (const line of sharedLines('captures/binance-usdm.2021-07-22.jsonl')) {
      const rec = JSON.parse(line) as { t: string; ts?: number; url?: string; data?: string };
      const localTs = Math.round((rec.ts ?? 0) * 1000);
      const emit = (e: MarketEvent) => run.events.push(e);
      if (rec.t === 'recv') run.results.push(parser.parseFrame(rec.data!, localTs, emit));
      if (rec.t === 'http') run.results.push(parser.parseRest(rec.url!, rec.data!, localTs, emit));
    }
    return run;
  }

  it('parses every recv and http line, rebuilding the diff-depth books from the REST snapshots', async () => {
    const run = replayCapture();
    // 91 aggTrade frames, ids consecutive per symbol (no gap); 613 bookTicker frames.
    // 764 depth@100ms diffs: the 4 REST snapshots are in the file before the diffs, and the
    // first 12 diffs end before their snapshot's lastUpdateId (dropped as old); the other 752
    // chain by pu = previous u without a break, one book_top each.
    expect(countKinds(run.events)).toEqual({ trade: 91, book_ticker: 613, book_top: 752 });
    // ignored: 67 klines + exchangeInfo + the 12 old diffs; data with 0 events: the 4 snapshots.
    expect(countResults(run.results)).toEqual({ data: 91 + 613 + 752 + 4, ignored: 67 + 1 + 12 });
    expectClean(run.events, BINANCE);
    await expect(snapshotText(run.events.filter((e) => e.kind === 'book_top').slice(0, 12))).toMatchFileSnapshot(
      './__snapshots__/depth_diff.json',
    );
  });

  it('keeps every rebuilt book sorted and uncrossed, ending on the independently replayed top 5', () => {
    const tops = replayCapture().events.filter((e) => e.kind === 'book_top');
    const perSymbol: Record<string, number> = {};
    for (const e of tops) {
      perSymbol[e.symbol] = (perSymbol[e.symbol] ?? 0) + 1;
      expect(e.bids).toHaveLength(5);
      expect(e.asks).toHaveLength(5);
      const bids = e.bids.map((l) => Number(l[0]));
      const asks = e.asks.map((l) => Number(l[0]));
      expect([...bids].sort((a, b) => b - a)).toEqual(bids);
      expect([...asks].sort((a, b) => a - b)).toEqual(asks);
      expect(bids[0]).toBeLessThan(asks[0]);
    }
    expect(perSymbol).toEqual({ SUSHIUSDT: 252, AKROUSDT: 188, CTKUSDT: 180, KEEPUSDT: 132 });
    // Final books from a separate replay of the capture (Python, exact Decimal) of Binance's rules:
    // fixtures/derivations/binance-usdm.2021-07-22.py prints every number of this describe block.
    const last = (symbol: string) => tops.filter((e) => e.symbol === symbol).at(-1)!;
    expect([last('SUSHIUSDT').bids, last('SUSHIUSDT').asks]).toEqual([
      [
        ['7.6120', '303'],
        ['7.6110', '105'],
        ['7.6100', '178'],
        ['7.6090', '294'],
        ['7.6080', '1421'],
      ],
      [
        ['7.6160', '267'],
        ['7.6170', '261'],
        ['7.6180', '1133'],
        ['7.6190', '1038'],
        ['7.6200', '2662'],
      ],
    ]);
    expect([last('CTKUSDT').bids, last('CTKUSDT').asks]).toEqual([
      [
        ['1.01100', '1698'],
        ['1.01000', '78910'],
        ['1.00900', '14632'],
        ['1.00800', '17761'],
        ['1.00700', '10499'],
      ],
      [
        ['1.01200', '10123'],
        ['1.01300', '13912'],
        ['1.01400', '17280'],
        ['1.01500', '15834'],
        ['1.01600', '21350'],
      ],
    ]);
  });
});

describe('binance-usdm parser on public real frames of the channels the samples lack (fixtures/public-frames)', () => {
  it('@ticker: keeps the 24 h last price and emits it with the next mark price', () => {
    const [ticker] = publicFrames('binance-usdm.ticker.jsonl');
    const parser = newParser();
    expect(frames(parser, [ticker]).results).toEqual([{ type: 'data', events: 0 }]);
    const { events } = frames(parser, [MARK('ETHUSDT')]);
    expect(events).toMatchObject([
      { kind: 'derivative_ticker', symbol: 'ETHUSDT', last_price: '1782.02', mark_price: '65117.44000000' },
    ]);
  });

  it('partial book depth (@depth<levels>): each frame is the whole top of the book, as sent', async () => {
    const run = frames(newParser(), publicFrames('binance-usdm.depth_partial.jsonl'));
    expect(run.results).toEqual([
      { type: 'data', events: 1 },
      { type: 'data', events: 1 },
    ]);
    expect(run.events[0]).toMatchObject({
      kind: 'book_top',
      symbol: 'ETHUSDT',
      market: 'ETH/USDT:USDT',
      ts: 1651122265861,
      bids: [
        ['2886.71', '0.454'],
        ['2886.70', '2.755'],
        ['2886.67', '1.000'],
      ],
      asks: [
        ['2886.72', '77.215'],
        ['2886.73', '1.734'],
        ['2886.74', '0.181'],
      ],
    });
    expect(run.events[1]).toMatchObject({
      kind: 'book_top',
      symbol: 'ETHUSDT_220624',
      bids: [
        ['1817.59', '0.246'],
        ['1817.57', '0.254'],
        ['1817.55', '0.254'],
      ],
    });
    expectClean(run.events, BINANCE);
    await expect(snapshotText(run.events)).toMatchFileSnapshot('./__snapshots__/depth_partial.json');
  });
});

describe.skipIf(noShared)(
  'binance-usdm trade stream (@trade), as other recorders keep it (../shared/captures/binance-usdm.2023-04-04.jsonl)',
  () => {
    const tradeFrames = () =>
      sharedLines('captures/binance-usdm.2023-04-04.jsonl')
        .map((l) => JSON.parse(l) as { t: string; data?: string })
        .filter((r) => r.t === 'recv' && r.data!.startsWith('{"stream":"btcusdt@trade"'))
        .map((r) => r.data!);

    it('normalizes every print like an aggTrade: taker side from m, id t, time T, consecutive ids', async () => {
      const lines = tradeFrames();
      const run = frames(newParser(), lines);
      // 2197 BTCUSDT prints, all X = MARKET, ids consecutive (counted in Python over the file).
      expect(countKinds(run.events)).toEqual({ trade: 2197 });
      expect(countResults(run.results)).toEqual({ data: 2197 });
      expect(run.events[0]).toEqual({
        kind: 'trade',
        exchange: 'binance-usdm',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: 1680652700452,
        local_ts: 1_700_000_000_000,
        id: '3535186032',
        price: '28145.10',
        qty: '0.002',
        side: 'sell',
      });
      expectClean(run.events, BINANCE);
      await expect(snapshotText(run.events.slice(0, 10))).toMatchFileSnapshot('./__snapshots__/trade.json');
    });

    it('reports lost trade ids as a gap on stream "trade", and drops a repeat', () => {
      const [a, b, c] = tradeFrames();
      const skipped = withData(c, (d) => (d.t = (d.t as number) + 5));
      const run = frames(newParser(), [a, b, b, skipped]);
      expect(run.events.map((e) => e.kind)).toEqual(['trade', 'trade', 'gap', 'trade']);
      expect(run.results[2]).toEqual({ type: 'ignored' });
      expect(run.events[2]).toMatchObject({
        stream: 'trade',
        seq_before: '3535186033',
        seq_after: '3535186039',
        cause: 'sequence',
      });
    });

    it('records no trade for a print that is not a MARKET fill (insurance fund, ADL), but counts its id', () => {
      const [a, b, c] = tradeFrames();
      const fund = withData(b, (d) => (d.X = 'INSURANCE_FUND'));
      const run = frames(newParser(), [a, fund, c]);
      expect(run.events.map((e) => (e.kind === 'trade' ? e.id : e.kind))).toEqual(['3535186032', '3535186034']);
      expect(run.results.map((r) => r.type)).toEqual(['data', 'ignored', 'data']);
    });
  },
);

const MARK = (symbol: string) =>
  `{"stream":"${symbol.toLowerCase()}@markPrice@1s","data":{"e":"markPriceUpdate","E":1700000001000,"s":"${symbol}","p":"65117.44000000","P":"65100.1","i":"65137.76000000","r":"0.00010000","T":1700006400000}}`;

const AGG = (symbol: string, a: number, extra = '') =>
  `{"stream":"${symbol.toLowerCase()}@aggTrade","data":{"e":"aggTrade","E":1700000000100,"a":${a},"s":"${symbol}","p":"65114.30","q":"0.010","f":1,"l":1,"T":1700000000000,"m":true${extra}}}`;

const DEPTH5 = (U: number, u: number, pu: number) =>
  `{"stream":"btcusdt@depth5@100ms","data":{"e":"depthUpdate","E":1700000000200,"T":1700000000199,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":[["65114.20","1.5"],["65114.10","0.2"]],"a":[["65114.30","0.7"],["65114.40","3"]]}}`;

const DIFF = (U: number, u: number, pu: number, b: string, a: string) =>
  `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000300,"T":1700000000299,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":${b},"a":${a}}}`;

const SNAPSHOT_URL = `${REST}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`;
const SNAPSHOT = (lastUpdateId: number) =>
  `{"lastUpdateId":${lastUpdateId},"E":1700000000000,"T":1700000000000,"bids":[["100.0","1"],["99.5","2"],["99.0","3"]],"asks":[["100.5","1"],["101.0","2"]]}`;

describe('binance-usdm sequence checks', () => {
  it('emits a gap before the trade that reveals lost aggTrade ids, then carries on', async () => {
    const parser = newParser();
    const run = frames(
      parser,
      [AGG('BTCUSDT', 100), AGG('BTCUSDT', 101), AGG('ETHUSDT', 7), AGG('BTCUSDT', 104), AGG('BTCUSDT', 105)],
      1000,
    );
    expect(run.events.map((e) => e.kind)).toEqual(['trade', 'trade', 'trade', 'gap', 'trade', 'trade']);
    expect(run.events[3]).toEqual({
      kind: 'gap',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: 1003,
      local_ts: 1003,
      stream: 'aggTrade',
      start_ts: 1001,
      end_ts: 1003,
      seq_before: '101',
      seq_after: '104',
      cause: 'sequence',
    });
    expect(run.results[3]).toEqual({ type: 'data', events: 2 });
    await expect(snapshotText(run.events)).toMatchFileSnapshot('./__snapshots__/gap.json');
  });

  it('drops a duplicated or late aggTrade without calling it a gap', () => {
    const parser = newParser();
    const run = frames(parser, [
      AGG('BTCUSDT', 100),
      AGG('BTCUSDT', 101),
      AGG('BTCUSDT', 101),
      AGG('BTCUSDT', 99),
      AGG('BTCUSDT', 102),
    ]);
    expect(run.events.map((e) => (e.kind === 'trade' ? e.id : e.kind))).toEqual(['100', '101', '102']);
    expect(run.results.map((r) => r.type)).toEqual(['data', 'data', 'ignored', 'ignored', 'data']);
  });

  it('forgets sequences on reset, so a reconnect does not report a false gap', () => {
    const parser = newParser();
    frames(parser, [AGG('BTCUSDT', 100)]);
    parser.reset();
    const run = frames(parser, [AGG('BTCUSDT', 500)]);
    expect(run.events.map((e) => e.kind)).toEqual(['trade']);
  });

  it('checks depth5 pu against the previous u: gap then the (self-contained) book, duplicates dropped', () => {
    const parser = newParser();
    const run = frames(
      parser,
      [DEPTH5(10, 20, 9), DEPTH5(21, 30, 20), DEPTH5(21, 30, 20), DEPTH5(41, 50, 40), DEPTH5(51, 60, 50)],
      5000,
    );
    expect(run.events.map((e) => e.kind)).toEqual(['book_top', 'book_top', 'gap', 'book_top', 'book_top']);
    expect(run.results.map((r) => r.type)).toEqual(['data', 'data', 'ignored', 'data', 'data']);
    const gap = run.events[2];
    expect(gap).toMatchObject({
      kind: 'gap',
      stream: 'depth',
      symbol: 'BTCUSDT',
      seq_before: '30',
      seq_after: '41',
      start_ts: 5001,
      end_ts: 5003,
    });
    expect(run.events[0]).toMatchObject({
      ts: 1700000000200,
      bids: [
        ['65114.20', '1.5'],
        ['65114.10', '0.2'],
      ],
      asks: [
        ['65114.30', '0.7'],
        ['65114.40', '3'],
      ],
    });
  });

  it('rebuilds a diff-depth book from a snapshot, and goes silent after a break until the next snapshot', () => {
    const parser = newParser();
    const events: MarketEvent[] = [];
    const emit = (e: MarketEvent) => events.push(e);
    const results: string[] = [];
    const diff = (U: number, u: number, pu: number, b = '[]', a = '[]') =>
      results.push(parser.parseFrame(DIFF(U, u, pu, b, a), u, emit).type);
    diff(1, 5, 0); // before any snapshot: nothing to apply to
    parser.parseRest(SNAPSHOT_URL, SNAPSHOT(10), 9, emit);
    diff(6, 8, 5); // ends before the snapshot: old
    diff(9, 12, 8, '[["100.0","0"],["99.8","4"]]', '[["100.4","0.5"]]'); // bridges 10: applied
    diff(13, 14, 12, '[["99.5","0.000"]]', '[["100.5","0"]]'); // continues: applied
    diff(13, 14, 12); // duplicate
    diff(20, 22, 18); // pu 18 != 14: updates lost
    diff(23, 24, 22); // no book until a snapshot
    parser.parseRest(SNAPSHOT_URL, SNAPSHOT(30), 29, emit);
    diff(29, 31, 28, '[]', '[["100.6","9"]]');
    expect(results).toEqual(['ignored', 'ignored', 'data', 'data', 'ignored', 'data', 'ignored', 'data']);
    expect(events.map((e) => e.kind)).toEqual(['book_top', 'book_top', 'gap', 'book_top']);
    expect(events[0]).toMatchObject({
      bids: [
        ['99.8', '4'],
        ['99.5', '2'],
        ['99.0', '3'],
      ],
      asks: [
        ['100.4', '0.5'],
        ['100.5', '1'],
        ['101.0', '2'],
      ],
    });
    expect(events[1]).toMatchObject({
      bids: [
        ['99.8', '4'],
        ['99.0', '3'],
      ],
      asks: [
        ['100.4', '0.5'],
        ['101.0', '2'],
      ],
    });
    expect(events[2]).toMatchObject({
      kind: 'gap',
      stream: 'depth',
      seq_before: '14',
      seq_after: '20',
      start_ts: 14,
      end_ts: 22,
    });
    expect(events[3]).toMatchObject({
      asks: [
        ['100.5', '1'],
        ['100.6', '9'],
        ['101.0', '2'],
      ],
    });
  });

  it('reports a gap when the first diff after a snapshot starts beyond it', () => {
    const parser = newParser();
    const events: MarketEvent[] = [];
    parser.parseRest(SNAPSHOT_URL, SNAPSHOT(10), 9, (e) => events.push(e));
    parser.parseFrame(DIFF(15, 20, 14, '[]', '[]'), 20, (e) => events.push(e));
    expect(events).toEqual([expect.objectContaining({ kind: 'gap', seq_before: '10', seq_after: '15', start_ts: 9 })]);
  });
});

describe('binance-usdm mapping rules', () => {
  it('takes the taker side from m: buyer is maker means the taker sold', () => {
    const sold = frames(newParser(), [AGG('BTCUSDT', 1)]).events[0];
    const bought = frames(newParser(), [AGG('BTCUSDT', 1).replace('"m":true', '"m":false')]).events[0];
    expect(sold).toMatchObject({ kind: 'trade', side: 'sell' });
    expect(bought).toMatchObject({ kind: 'trade', side: 'buy' });
  });

  it.skipIf(noShared)('keeps the liquidation order side and prefers the fill price and filled quantity', () => {
    const lines = sample('binance-usdm.forceOrder.jsonl');
    // Line 1: a BUY liquidation order (a short was liquidated), limit 4793.91, filled at 4706.04.
    expect(frames(newParser(), [lines[0]]).events[0]).toMatchObject({
      side: 'buy',
      price: '4706.04',
      qty: '0.014',
      ts: 1584059031421,
      id: null,
    });
    // Line 2: SELL (a long was liquidated).
    expect(frames(newParser(), [lines[1]]).events[0]).toMatchObject({
      side: 'sell',
      symbol: 'IOTXUSDT',
      price: '0.06669',
      qty: '3661',
    });
    const unfilled = withData(lines[1], (d) => Object.assign(d.o as object, { ap: '0.00000', z: '0', X: 'EXPIRED' }));
    expect(frames(newParser(), [unfilled]).events[0]).toMatchObject({ price: '0.06606', qty: '3661' });
  });

  it('merges the 24 h ticker price and the polled open interest into the mark-price ticker', () => {
    const parser = newParser();
    const ticker = `{"stream":"btcusdt@ticker","data":{"e":"24hrTicker","E":1700000000000,"s":"BTCUSDT","p":"10.0","P":"0.1","w":"65000.0","c":"65114.30","Q":"0.01","o":"65104.3","h":"66000","l":"64000","v":"1000","q":"65000000","O":1,"C":2,"F":1,"L":2,"n":2}}`;
    expect(frames(parser, [ticker]).results).toEqual([{ type: 'data', events: 0 }]);
    rest(
      parser,
      `${REST}/fapi/v1/openInterest?symbol=BTCUSDT`,
      '{"symbol":"BTCUSDT","openInterest":"84617.188","time":1700000000500}',
    );
    const mark = `{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1700000001000,"s":"BTCUSDT","p":"65117.44000000","P":"65100.1","i":"65137.76000000","r":"0.00010000","T":1700006400000}}`;
    const withoutIndex = mark
      .replace('"i":"65137.76000000",', '')
      .replace('"p":"65117.44000000"', '"p":"65118.00000000"');
    const { events } = frames(parser, [mark, withoutIndex], 7);
    expect(events[0]).toEqual({
      kind: 'derivative_ticker',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: 1700000001000,
      local_ts: 7,
      mark_price: '65117.44000000',
      index_price: '65137.76000000',
      last_price: '65114.30',
      funding_rate: '0.00010000',
      predicted_rate: null,
      next_funding_ts: 1700006400000,
      open_interest: '84617.188',
    });
    // No index in the frame: the last known one is carried.
    expect(events[1]).toMatchObject({ mark_price: '65118.00000000', index_price: '65137.76000000' });
  });

  it.skipIf(noShared)('leaves funding null for contracts without funding (T = 0)', () => {
    const quarterly = sample('binance-usdm.markPrice.jsonl')[3];
    expect(quarterly).toContain('BTCBUSD_210129');
    expect(frames(newParser(), [quarterly]).events[0]).toMatchObject({
      funding_rate: null,
      next_funding_ts: null,
      mark_price: '31799.27730000',
    });
  });

  it('keeps decimals exactly as sent', () => {
    const { events } = frames(newParser(), [AGG('BTCUSDT', 1)]);
    expect(events[0]).toMatchObject({ price: '65114.30', qty: '0.010' });
    const book = frames(newParser(), [
      '{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"65114.30","B":"0.100","a":"65114.40","A":"1.000","T":1,"E":2}}',
    ]).events[0];
    expect(book).toMatchObject({
      bid_price: '65114.30',
      bid_qty: '0.100',
      ask_price: '65114.40',
      ask_qty: '1.000',
      ts: 2,
    });
  });

  it('ignores unknown fields in the payload, inside nested objects and in the envelope', () => {
    const plain = frames(newParser(), [AGG('BTCUSDT', 1)]).events;
    const noisy = JSON.stringify({ ...JSON.parse(AGG('BTCUSDT', 1, ',"nq":"0.010","zz":{"x":[1,2]}')), extra: true });
    expect(frames(newParser(), [noisy]).events).toEqual(plain);
    const depth = publicFrames('binance-usdm.depth_partial.jsonl')[0];
    const depthNoisy = withData(depth, (d) => Object.assign(d, { ps: 'ETHUSDT', st: 1 }));
    expect(frames(newParser(), [depthNoisy]).events).toEqual(frames(newParser(), [depth]).events);
  });

  it('accepts bare (unwrapped) payloads like the wrapped ones, except an ambiguous depthUpdate', () => {
    const wrapped = frames(newParser(), [AGG('BTCUSDT', 1)]).events;
    const bare = JSON.stringify(JSON.parse(AGG('BTCUSDT', 1)).data);
    expect(frames(newParser(), [bare]).events).toEqual(wrapped);
    const arr = JSON.stringify([JSON.parse(MARK('BTCUSDT')).data, JSON.parse(MARK('ETHUSDT')).data]);
    expect(frames(newParser(), [arr]).events.map((e) => e.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const depth = JSON.stringify(JSON.parse(DEPTH5(1, 2, 0)).data);
    expect(frames(newParser(), [depth]).results).toEqual([{ type: 'ignored' }]);
  });

  it('uses the unified market from the instrument list', () => {
    const book = new InstrumentBook('binance-usdm', [
      {
        exchange: 'binance-usdm',
        symbol: 'BTCUSDC',
        market: 'BTC/USDC:USDC',
        base: 'BTC',
        quote: 'USDC',
        settle: 'USDC',
        contract_size: '1',
        inverse: false,
        tick_size: '0.1',
      },
    ]);
    const events: MarketEvent[] = [];
    createParser(book).parseFrame(AGG('BTCUSDC', 1), 1, (e) => events.push(e));
    expect(events[0].market).toBe('BTC/USDC:USDC');
  });
});

describe('binance-usdm control frames and malformed input', () => {
  it('classifies request replies', () => {
    const parser = newParser();
    const { results, events } = frames(parser, [
      '{"result":null,"id":1}',
      '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}',
      '{"code":1,"msg":"Invalid value type: expected Boolean"}',
    ]);
    expect(events).toEqual([]);
    expect(results[0]).toEqual({ type: 'ack' });
    expect(results[1]).toMatchObject({
      type: 'rejected',
      message: expect.stringContaining('request ID must be an unsigned integer'),
    });
    expect(results[2]).toMatchObject({ type: 'rejected', message: expect.stringContaining('expected Boolean') });
  });

  const MALFORMED: [string, string, RegExp][] = [
    ['truncated JSON', AGG('BTCUSDT', 1).slice(0, 80), /invalid JSON/],
    ['a price of "abc"', AGG('BTCUSDT', 1).replace('"65114.30"', '"abc"'), /field "p" is not a decimal string/],
    ['a numeric price', AGG('BTCUSDT', 1).replace('"65114.30"', '65114.3'), /field "p"/],
    ['an "Infinity" price', AGG('BTCUSDT', 1).replace('"65114.30"', '"Infinity"'), /field "p"/],
    ['a missing symbol', AGG('BTCUSDT', 1).replace('"s":"BTCUSDT",', ''), /field "s" is missing/],
    ['a missing trade time', AGG('BTCUSDT', 1).replace('"T":1700000000000,', ''), /field "T" is missing/],
    [
      'a bookTicker bid size of "abc"',
      '{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"1","B":"abc","a":"2","A":"1","T":1,"E":2}}',
      /field "B" is not a decimal/,
    ],
    [
      'a mark price index of "1e5"',
      '{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1","i":"1e5","r":"0","T":1}}',
      /field "i" is not a decimal/,
    ],
    ['a depth frame without pu', DEPTH5(1, 2, 0).replace('"pu":0,', ''), /field "pu" is missing/],
    ['a bad depth level', DEPTH5(1, 2, 0).replace('["65114.10","0.2"]', '["65114.10"]'), /field "b\[1\]"/],
    [
      'a bad liquidation side',
      '{"stream":"x@forceOrder","data":{"e":"forceOrder","E":1,"o":{"s":"BTCUSDT","S":"LONG","p":"1","q":"1","T":1}}}',
      /o\.S/,
    ],
    ['an object with no known shape', '{"hello":"world"}', /neither a market payload/],
    ['a payload without an event type', '{"stream":"btcusdt@aggTrade","data":{"s":"BTCUSDT"}}', /field "e"/],
  ];
  for (const [name, text, message] of MALFORMED) {
    it(`throws a ParseError for ${name}`, () => {
      const emitted: MarketEvent[] = [];
      const err = catchError(() => newParser().parseFrame(text, 1, (e) => emitted.push(e)));
      expect(err).toBeInstanceOf(ParseError);
      expect(err).toMatchObject({ code: 'E_PARSE', exchange: 'binance-usdm', message: expect.stringMatching(message) });
      expect(emitted).toEqual([]);
    });
  }

  it('does not advance the sequence on a malformed frame', () => {
    const parser = newParser();
    frames(parser, [AGG('BTCUSDT', 1)]);
    expect(() => frames(parser, [AGG('BTCUSDT', 2).replace('"65114.30"', '"abc"')])).toThrow(ParseError);
    expect(frames(parser, [AGG('BTCUSDT', 2)]).events.map((e) => e.kind)).toEqual(['trade']);
  });
});

describe('binance-usdm REST bodies', () => {
  const OI = `${REST}/fapi/v1/openInterest?symbol=BTCUSDT`;

  it('maps the four ratio endpoints to long_short with the period from the query', async () => {
    const parser = newParser();
    const q = '?symbol=BTCUSDT&period=5m&limit=1';
    const runs = [
      rest(
        parser,
        `${REST}/futures/data/globalLongShortAccountRatio${q}`,
        '[{"symbol":"BTCUSDT","longShortRatio":"1.8105","longAccount":"0.6442","shortAccount":"0.3558","timestamp":"1700000100000"}]',
      ),
      rest(
        parser,
        `${REST}/futures/data/topLongShortAccountRatio${q}`,
        '[{"symbol":"BTCUSDT","longShortRatio":"0.5576","longAccount":"0.3580","shortAccount":"0.6420","timestamp":1700000100000}]',
      ),
      rest(
        parser,
        `${REST}/futures/data/topLongShortPositionRatio${q}`,
        '[{"symbol":"BTCUSDT","longShortRatio":"1.4342","longAccount":"0.5891","shortAccount":"0.4108","timestamp":"1700000100000"}]',
      ),
      rest(
        parser,
        `${REST}/futures/data/takerlongshortRatio${q}`,
        '[{"buySellRatio":"1.1603","buyVol":"298.2800","sellVol":"257.0660","timestamp":1700000100000}]',
      ),
      // COIN-M names the position shares longPosition/shortPosition.
      rest(
        parser,
        `${REST}/futures/data/topLongShortPositionRatio?symbol=ETHUSDT&period=15m`,
        '[{"symbol":"ETHUSDT","longShortRatio":"0.7869","longPosition":"0.4404","shortPosition":"0.5596","timestamp":1700000100000}]',
      ),
    ];
    const events = runs.flatMap((r) => r.events);
    expect(events.map((e) => (e.kind === 'long_short' ? `${e.ratio_type} ${e.period}` : e.kind))).toEqual([
      'global_accounts 5m',
      'top_accounts 5m',
      'top_positions 5m',
      'taker_volume 5m',
      'top_positions 15m',
    ]);
    expect(events[3]).toEqual({
      kind: 'long_short',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      ts: 1700000100000,
      local_ts: 1_700_000_000_000,
      ratio_type: 'taker_volume',
      period: '5m',
      ratio: '1.1603',
      long: '298.2800',
      short: '257.0660',
    });
    expect(events[0]).toMatchObject({ ts: 1700000100000, ratio: '1.8105', long: '0.6442', short: '0.3558' });
    expect(events[4]).toMatchObject({ long: '0.4404', short: '0.5596' });
    expectClean(events, BINANCE);
    await expect(snapshotText(events)).toMatchFileSnapshot('./__snapshots__/long_short.json');
  });

  it('uses the receipt time for open interest bodies without a time', () => {
    const { events } = rest(newParser(), OI, '{"symbol":"BTCUSDT","openInterest":"26286.181"}', 1234);
    expect(events).toEqual([
      {
        kind: 'open_interest',
        exchange: 'binance-usdm',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: 1234,
        local_ts: 1234,
        open_interest: '26286.181',
        value: null,
      },
    ]);
  });

  it('surfaces an error body as rejected and skips instrument lists', () => {
    expect(rest(newParser(), OI, '{"code":-1121,"msg":"Invalid symbol."}').results).toEqual([
      { type: 'rejected', message: 'binance error -1121 on /fapi/v1/openInterest: Invalid symbol.' },
    ]);
    expect(rest(newParser(), `${REST}/fapi/v1/exchangeInfo`, '{not even json').results).toEqual([{ type: 'ignored' }]);
  });

  it('accepts a base URL with a path prefix (the simulator)', () => {
    const { events } = rest(
      newParser(),
      'http://127.0.0.1:4000/binance/fapi/v1/openInterest?symbol=ETHUSDT',
      '{"symbol":"ETHUSDT","openInterest":"1.5","time":5}',
    );
    expect(events).toMatchObject([{ kind: 'open_interest', symbol: 'ETHUSDT', open_interest: '1.5', ts: 5 }]);
  });

  const BAD: [string, string, string, RegExp][] = [
    ['a truncated body', OI, '{"symbol":"BTCUSDT","openInt', /invalid JSON/],
    ['a non-decimal open interest', OI, '{"symbol":"BTCUSDT","openInterest":"abc"}', /"openInterest"/],
    [
      'a ratio body without period in the query',
      `${REST}/futures/data/globalLongShortAccountRatio?symbol=BTCUSDT`,
      '[{"symbol":"BTCUSDT","longShortRatio":"1","longAccount":"0.5","shortAccount":"0.5","timestamp":1}]',
      /period/,
    ],
    [
      'a taker body without a symbol anywhere',
      `${REST}/futures/data/takerlongshortRatio?period=5m`,
      '[{"buySellRatio":"1","buyVol":"1","sellVol":"1","timestamp":1}]',
      /"symbol" is missing/,
    ],
    [
      'a ratio body that is not an array',
      `${REST}/futures/data/takerlongshortRatio?symbol=BTCUSDT&period=5m`,
      '{"buySellRatio":"1"}',
      /not an array/,
    ],
    [
      'a bad timestamp',
      `${REST}/futures/data/takerlongshortRatio?symbol=BTCUSDT&period=5m`,
      '[{"buySellRatio":"1","buyVol":"1","sellVol":"1","timestamp":"soon"}]',
      /"timestamp"/,
    ],
  ];
  for (const [name, url, body, message] of BAD) {
    it(`throws a ParseError for ${name}`, () => {
      const err = catchError(() => newParser().parseRest(url, body, 1, () => {}));
      expect(err).toBeInstanceOf(ParseError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
