/**
 * OKX SWAP instruments: the REST instrument list parser and a small built-in table of contract
 * sizes (ctVal) used to seed the InstrumentBook before the live list is known, e.g. when a
 * recorded session is re-normalized offline.
 *
 * OKX sizes (`sz`, `oi`, book levels) are numbers of contracts. A linear contract
 * (BTC-USDT-SWAP) is worth ctVal units of the base coin; an inverse one (BTC-USD-SWAP) is worth
 * ctVal USD, so its base quantity depends on the price (see contracts.ts).
 */
import { marketOf, type Instrument } from '../../../core/instruments.ts';
import { mulDec } from '../../../core/decimal.ts';
import { isDecimalText } from '../shared/fields.ts';
import { asArray, asRecord, fail, type Rec } from './fields.ts';

/** OKX marks perpetual swaps with this instId suffix (BTC-USDT-SWAP); futures end in a date. */
export const SWAP_SUFFIX = '-SWAP';

export function isSwap(instId: string): boolean {
  return instId.endsWith(SWAP_SUFFIX);
}

/**
 * [instId, ctVal, tickSz] exactly as /api/v5/public/instruments?instType=SWAP listed them on
 * 2022-05-13 (../shared/captures/okx.2022-05-13.jsonl; a test checks every row against it).
 * BTC-USDT-SWAP 0.01, ETH-USDT-SWAP 0.1 and BTC-USD-SWAP 100 are also what current public
 * client code uses. OKX can change a ctVal; the live list always replaces these rows.
 * Kept to the majors plus the instruments of the recorded fixtures.
 */
const KNOWN_SWAPS: readonly (readonly [string, string, string])[] = [
  ['BTC-USDT-SWAP', '0.01', '0.1'],
  ['ETH-USDT-SWAP', '0.1', '0.01'],
  ['SOL-USDT-SWAP', '1', '0.001'],
  ['XRP-USDT-SWAP', '100', '0.00001'],
  ['DOGE-USDT-SWAP', '1000', '0.000001'],
  ['ADA-USDT-SWAP', '100', '0.00001'],
  ['LTC-USDT-SWAP', '1', '0.01'],
  ['BCH-USDT-SWAP', '0.1', '0.01'],
  ['AVAX-USDT-SWAP', '1', '0.001'],
  ['LINK-USDT-SWAP', '1', '0.001'],
  ['DOT-USDT-SWAP', '1', '0.001'],
  ['UNI-USDT-SWAP', '1', '0.001'],
  ['XMR-USDT-SWAP', '0.1', '0.01'],
  ['IOST-USDT-SWAP', '1000', '0.000001'],
  ['WNCG-USDT-SWAP', '1', '0.0001'],
  ['SOS-USDT-SWAP', '1000000', '0.000000001'],
  // Inverse: ctVal is in USD (ctValCcy USD), settled in the base coin.
  ['BTC-USD-SWAP', '100', '0.1'],
  ['ETH-USD-SWAP', '10', '0.01'],
  ['SOL-USD-SWAP', '10', '0.001'],
  ['XRP-USD-SWAP', '10', '0.00001'],
  ['DOGE-USD-SWAP', '10', '0.000001'],
  ['LTC-USD-SWAP', '10', '0.01'],
  ['UNI-USD-SWAP', '10', '0.001'],
];

/** Built-in instruments (see KNOWN_SWAPS) for seeding `new InstrumentBook('okx-swap', ...)`. */
export function defaultInstruments(): Instrument[] {
  return KNOWN_SWAPS.map(([instId, ctVal, tickSz]) => {
    const [base, quote] = instId.split('-');
    const inverse = quote === 'USD';
    return swapInstrument(instId, base, quote, inverse ? base : quote, ctVal, inverse, tickSz);
  });
}

function swapInstrument(
  symbol: string,
  base: string,
  quote: string,
  settle: string,
  contractSize: string,
  inverse: boolean,
  tickSize: string | null,
): Instrument {
  return {
    exchange: 'okx-swap',
    symbol,
    market: marketOf(base, quote, settle),
    base,
    quote,
    settle,
    contract_size: contractSize,
    inverse,
    tick_size: tickSize,
  };
}

/**
 * Parse a /api/v5/public/instruments body. Only live SWAP instruments are returned (bodies for
 * SPOT, FUTURES or OPTION yield none), USDT-settled linear ones first. An entry without a usable
 * ctVal is left out rather than guessed: frames for it then fail as counted ParseErrors naming it.
 */
export function parseInstruments(body: string): Instrument[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    fail('instruments: body is not JSON');
  }
  const root = asRecord(json, 'instruments body');
  if (root.code !== '0') fail(`instruments: OKX error ${String(root.code)}: ${String(root.msg)}`);
  const out: Instrument[] = [];
  for (const item of asArray(root.data, 'instruments data')) {
    const inst = swapFromListing(asRecord(item, 'instrument'));
    if (inst) out.push(inst);
  }
  const rank = (i: Instrument) => (!i.inverse && i.settle === 'USDT' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

function swapFromListing(o: Rec): Instrument | null {
  const { instId, instType, state, ctVal, ctMult, ctType, settleCcy, tickSz } = o;
  if (instType !== 'SWAP' || state !== 'live' || typeof instId !== 'string' || !isSwap(instId)) return null;
  if (typeof ctVal !== 'string' || !isDecimalText(ctVal) || Number(ctVal) <= 0) return null;
  if (ctType !== 'linear' && ctType !== 'inverse') return null;
  // SWAP listings leave baseCcy/quoteCcy empty; the underlying (uly, or instFamily) is BASE-QUOTE.
  const family = typeof o.uly === 'string' && o.uly !== '' ? o.uly : o.instFamily;
  const [base, quote] = (typeof family === 'string' && family !== '' ? family : instId).split('-');
  if (!base || !quote) return null;
  const inverse = ctType === 'inverse';
  const settle = typeof settleCcy === 'string' && settleCcy !== '' ? settleCcy : inverse ? base : quote;
  // One contract is ctVal × ctMult (ctMult is 1 for every swap listed so far).
  const mult = typeof ctMult === 'string' && isDecimalText(ctMult) && ctMult !== '1' ? ctMult : null;
  const size = mult ? mulDec(ctVal, mult) : ctVal;
  const tick = typeof tickSz === 'string' && isDecimalText(tickSz) ? tickSz : null;
  return swapInstrument(instId, base, quote, settle, size, inverse, tick);
}
