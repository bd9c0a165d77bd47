/**
 * REST bodies. Shapes as in the OKX v5 docs (Trading Statistics; Public Data "Get open interest";
 * Market Data "Get tickers"): rows are [ts, ratio] or [ts, sellVol, buyVol], newest first.
 */
import { FbError as ParseError } from '../../../core/errors.ts';
import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../../core/events.ts';
import { parseVolumes, RUBIK } from './rest.ts';
import { jsonLines, newParser, rest, T0 } from './testing.ts';

const BASE = 'https://www.okx.com';
const ok = (data: unknown[]) => ({ code: '0', msg: '', data });
const ratioUrl = (path: string, instId = 'BTC-USDT-SWAP') => `${BASE}${path}?instId=${instId}&period=5m&limit=3`;

describe('rubik long/short series', () => {
  it('maps each endpoint to its ratio type, oldest row first', async () => {
    const p = newParser();
    const all: MarketEvent[] = [];
    const rows = ok([
      ['1701418200000', '1.1739'],
      ['1701417900000', '1.15'],
      ['1701417600000', '0.98'],
    ]);
    for (const [type, path] of [
      ['global_accounts', RUBIK.global_accounts],
      ['top_accounts', RUBIK.top_accounts],
      ['top_positions', RUBIK.top_positions],
    ] as const) {
      const { result, events } = rest(p, ratioUrl(path), rows);
      expect(result).toEqual({ type: 'data', events: 3 });
      expect(events.map((e) => e.kind === 'long_short' && [e.ratio_type, e.ts, e.ratio])).toEqual([
        [type, 1701417600000, '0.98'],
        [type, 1701417900000, '1.15'],
        [type, 1701418200000, '1.1739'],
      ]);
      all.push(...events);
    }
    expect(all[0]).toEqual({
      kind: 'long_short',
      exchange: 'okx-swap',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC/USDT:USDT',
      ts: 1701417600000,
      local_ts: T0,
      ratio_type: 'global_accounts',
      period: '5m',
      ratio: '0.98',
      // shares derived from the ratio: 0.98 / 1.98 and 1 / 1.98
      long: '0.49494949',
      short: '0.50505051',
    });
    const taker = rest(p, `${ratioUrl(RUBIK.taker_volume)}&unit=0`, ok([['1701417600000', '200.5', '380.25']]));
    all.push(...taker.events);
    await expect(jsonLines(all)).toMatchFileSnapshot('./__snapshots__/rest.long_short.json');
  });

  it('emits each row once across overlapping polls', () => {
    const p = newParser();
    const url = ratioUrl(RUBIK.global_accounts);
    rest(
      p,
      url,
      ok([
        ['1701417900000', '1.15'],
        ['1701417600000', '0.98'],
      ]),
    );
    const next = rest(
      p,
      url,
      ok([
        ['1701418200000', '1.2'],
        ['1701417900000', '1.15'],
        ['1701417600000', '0.98'],
      ]),
    );
    expect(next.events.map((e) => e.ts)).toEqual([1701418200000]);
    expect(rest(p, url, ok([['1701418200000', '1.2']])).result).toEqual({ type: 'ignored' });
    // the same rows for another instrument are another series
    expect(
      rest(p, ratioUrl(RUBIK.global_accounts, 'ETH-USDT-SWAP'), ok([['1701418200000', '1.2']])).events,
    ).toHaveLength(1);
  });

  it('taker volume: long = taker buy, short = taker sell, ratio = buy / sell, in base units', () => {
    const coins = rest(newParser(), `${ratioUrl(RUBIK.taker_volume)}&unit=0`, ok([['1701417600000', '200', '380']]));
    expect(coins.events).toMatchObject([{ ratio_type: 'taker_volume', long: '380', short: '200', ratio: '1.9' }]);
    // the default unit is contracts: × ctVal 0.01 for BTC-USDT-SWAP
    const contracts = rest(newParser(), ratioUrl(RUBIK.taker_volume), ok([['1701417600000', '200', '380']]));
    expect(contracts.events).toMatchObject([{ long: '3.8', short: '2', ratio: '1.9' }]);
    // inverse contracts are USD: without a price they cannot be coins
    expect(() =>
      rest(newParser(), ratioUrl(RUBIK.taker_volume, 'BTC-USD-SWAP'), ok([['1701417600000', '200', '380']])),
    ).toThrow(/use unit=0/);
    expect(() =>
      rest(newParser(), `${ratioUrl(RUBIK.taker_volume)}&unit=2`, ok([['1701417600000', '200', '380']])),
    ).toThrow(/unit=2 .* request unit=0/);
    // no taker sells: no finite ratio, the bucket is skipped
    expect(
      rest(newParser(), `${ratioUrl(RUBIK.taker_volume)}&unit=0`, ok([['1701417600000', '0', '5']])).result,
    ).toEqual({ type: 'ignored' });
  });

  it('accepts URLs under a path prefix (a simulator) and rejects malformed bodies', () => {
    const url = `http://127.0.0.1:4321/okx${RUBIK.top_accounts}?instId=BTC-USDT-SWAP&period=5m`;
    expect(rest(newParser(), url, ok([['1701417600000', '1.5']])).events).toHaveLength(1);
    expect(() => rest(newParser(), url, '{"code":"0","data":[[')).toThrow(ParseError);
    expect(() => rest(newParser(), url, ok([['1701417600000', 'abc']]))).toThrow(/row\[1\] "abc" is not a decimal/);
    expect(() => rest(newParser(), `${BASE}${RUBIK.top_accounts}?period=5m`, ok([]))).toThrow(/no instId/);
  });

  it('derives long and short shares from the ratio', () => {
    const { events } = rest(
      newParser(),
      ratioUrl(RUBIK.top_positions),
      ok([
        ['1701417600000', '3'],
        ['1701417300000', '1'],
      ]),
    );
    expect(events.map((e) => e.kind === 'long_short' && [e.ratio, e.long, e.short])).toEqual([
      ['1', '0.5', '0.5'],
      ['3', '0.75', '0.25'],
    ]);
    expect(() => rest(newParser(), ratioUrl(RUBIK.top_positions), ok([['1701417600000', '-1']]))).toThrow(
      /ratio -1 is negative/,
    );
  });

  it('reports an OKX error body as rejected', () => {
    expect(
      rest(newParser(), ratioUrl(RUBIK.top_positions), { code: '50011', msg: 'Too Many Requests', data: [] }).result,
    ).toEqual({
      type: 'rejected',
      message: '50011: Too Many Requests',
    });
  });
});

describe('other REST bodies', () => {
  it('open interest (REST) is parsed like the websocket channel', () => {
    const body = ok([
      { instType: 'SWAP', instId: 'BTC-USDT-SWAP', oi: '5000', oiCcy: '50', oiUsd: '50000', ts: '1597026383085' },
    ]);
    const { events } = rest(
      newParser(),
      `${BASE}/api/v5/public/open-interest?instType=SWAP&instId=BTC-USDT-SWAP`,
      body,
    );
    expect(events[0]).toEqual({
      kind: 'open_interest',
      exchange: 'okx-swap',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC/USDT:USDT',
      ts: 1597026383085,
      local_ts: T0,
      open_interest: '50',
      value: '50000',
    });
  });

  it('instrument and ticker lists are not market data', () => {
    expect(rest(newParser(), `${BASE}/api/v5/public/instruments?instType=SWAP`, ok([])).result).toEqual({
      type: 'ignored',
    });
    expect(rest(newParser(), `${BASE}/api/v5/market/tickers?instType=SWAP`, ok([])).result).toEqual({
      type: 'ignored',
    });
  });

  it('parseVolumes ranks swaps by volCcy24h (coins) × last', () => {
    const body = JSON.stringify(
      ok([
        { instType: 'SWAP', instId: 'BTC-USDT-SWAP', last: '43000', volCcy24h: '1000', vol24h: '100000', ts: '1' },
        { instType: 'SWAP', instId: 'BTC-USD-SWAP', last: '43010', volCcy24h: '10', vol24h: '4301', ts: '1' },
        { instType: 'FUTURES', instId: 'BTC-USD-220527', last: '43020', volCcy24h: '5', vol24h: '2151', ts: '1' },
      ]),
    );
    expect(parseVolumes(body)).toEqual(
      new Map([
        ['BTC-USDT-SWAP', 43_000_000],
        ['BTC-USD-SWAP', 430_100],
      ]),
    );
    expect(() => parseVolumes('{"code":"50011","msg":"Too Many Requests","data":[]}')).toThrow(/OKX error 50011/);
  });
});
