import { FbError as ParseError } from '../../../core/errors.ts';
import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../../core/instruments.ts';
import { needsShared, sharedLines } from '../../../test/helpers/shared-data.ts';
import { defaultInstruments, parseInstruments } from './instruments.ts';

const noShared = needsShared(
  'the okx-swap instrument tests on the list recorded in ../shared/captures/okx.2022-05-13.jsonl',
);

/** The SWAP instrument list recorded on 2022-05-13, as OKX sent it. */
function capturedSwapList(): string {
  for (const line of sharedLines('captures/okx.2022-05-13.jsonl')) {
    const l = JSON.parse(line) as { t: string; url?: string; data?: string };
    if (l.t === 'http' && l.url?.endsWith('instType=SWAP')) return l.data as string;
  }
  throw new Error('no SWAP list in the capture');
}

const listing = (over: Record<string, string>) => ({
  instType: 'SWAP',
  instId: 'BTC-USDT-SWAP',
  uly: 'BTC-USDT',
  instFamily: 'BTC-USDT',
  baseCcy: '',
  quoteCcy: '',
  settleCcy: 'USDT',
  ctVal: '0.01',
  ctMult: '1',
  ctValCcy: 'BTC',
  ctType: 'linear',
  tickSz: '0.1',
  lotSz: '0.01',
  state: 'live',
  ...over,
});

describe('parseInstruments', () => {
  it.skipIf(noShared)('reads the recorded SWAP list: 166 live swaps, linear USDT-settled ones first', () => {
    const list = parseInstruments(capturedSwapList());
    expect(list).toHaveLength(166);
    const firstInverse = list.findIndex((i) => i.inverse);
    expect(list.slice(0, firstInverse).every((i) => !i.inverse && i.settle === 'USDT')).toBe(true);
    expect(list.find((i) => i.symbol === 'BTC-USDT-SWAP')).toEqual<Instrument>({
      exchange: 'okx-swap',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC/USDT:USDT',
      base: 'BTC',
      quote: 'USDT',
      settle: 'USDT',
      contract_size: '0.01',
      inverse: false,
      tick_size: '0.1',
    });
    expect(list.find((i) => i.symbol === 'BTC-USD-SWAP')).toMatchObject({
      market: 'BTC/USD:BTC',
      settle: 'BTC',
      contract_size: '100',
      inverse: true,
    });
  });

  it('keeps only live swaps with a usable ctVal; never guesses one', () => {
    const body = JSON.stringify({
      code: '0',
      msg: '',
      data: [
        listing({}),
        listing({ instId: 'ETH-USDT-SWAP', uly: 'ETH-USDT', ctVal: '0.1', state: 'suspend' }),
        listing({ instId: 'SOL-USDT-SWAP', uly: 'SOL-USDT', ctVal: '' }),
        listing({ instId: 'BTC-USD-220527', instType: 'FUTURES', uly: 'BTC-USD' }),
        listing({ instId: 'DOGE-USDT-SWAP', uly: '', instFamily: 'DOGE-USDT', ctVal: '1000', ctMult: '2' }),
      ],
    });
    expect(parseInstruments(body).map((i) => [i.symbol, i.contract_size, i.market])).toEqual([
      ['BTC-USDT-SWAP', '0.01', 'BTC/USDT:USDT'],
      // one contract is ctVal × ctMult
      ['DOGE-USDT-SWAP', '2000', 'DOGE/USDT:USDT'],
    ]);
  });

  it('throws ParseError for an error body or non-JSON', () => {
    expect(() => parseInstruments('{"code":"50011","msg":"Too Many Requests","data":[]}')).toThrow(ParseError);
    expect(() => parseInstruments('<html>')).toThrow(/instruments: body is not JSON/);
  });
});

describe.skipIf(noShared)('defaultInstruments', () => {
  it('matches the instrument list OKX sent on 2022-05-13 row for row', () => {
    const listed = new Map(parseInstruments(capturedSwapList()).map((i) => [i.symbol, i]));
    const defaults = defaultInstruments();
    expect(defaults.length).toBeGreaterThan(20);
    for (const d of defaults) expect(d, d.symbol).toEqual(listed.get(d.symbol));
  });
});
