/**
 * Instrument list and 24 h volumes from Binance USDⓈ-M REST.
 * - GET /fapi/v1/exchangeInfo → `{"symbols":[{"symbol","contractType":"PERPETUAL","status":"TRADING",
 *   "baseAsset","quoteAsset","marginAsset","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.01"},…]}…]}`
 *   (http line of ../shared/captures/binance-usdm.2021-07-22.jsonl). Kept: perpetuals that are
 *   trading; delivery contracts (CURRENT_QUARTER…) and PENDING_TRADING listings are left out.
 *   USDⓈ-M contracts are linear with one contract = one unit of base asset.
 * - GET /fapi/v1/ticker/24hr → `[{"symbol","quoteVolume":"…",…}]` (Binance docs "24hr Ticker Price
 *   Change Statistics"; PROTOCOLS.md §6 names `q`/quote volume on the stream twin).
 */
import type { Instrument } from '../../../core/instruments.ts';
import { marketOf } from '../../../core/instruments.ts';
import { EXCHANGE, badField, dec, isObject, parseJson, str, type Json } from './fields.ts';

function tickSize(s: Json): string | null {
  const filters = s.filters;
  if (!Array.isArray(filters)) return null;
  for (const f of filters) {
    if (isObject(f) && f.filterType === 'PRICE_FILTER') return dec(f, 'tickSize', `exchangeInfo ${String(s.symbol)}`);
  }
  return null;
}

/** Trading perpetuals, USDT-settled ones first (the ones most users watch), each group in list order. */
export function parseInstruments(body: string): Instrument[] {
  const json = parseJson(body, 'exchangeInfo');
  if (!isObject(json) || !Array.isArray(json.symbols))
    throw badField('exchangeInfo', 'symbols', isObject(json) ? json.symbols : json, 'an array');
  const usdt: Instrument[] = [];
  const other: Instrument[] = [];
  for (const s of json.symbols) {
    if (!isObject(s)) throw badField('exchangeInfo', 'symbols[]', s, 'an object');
    if (s.contractType !== 'PERPETUAL' || s.status !== 'TRADING') continue;
    const what = 'exchangeInfo';
    const base = str(s, 'baseAsset', what);
    const quote = str(s, 'quoteAsset', what);
    const settle = str(s, 'marginAsset', what);
    const instrument: Instrument = {
      exchange: EXCHANGE,
      symbol: str(s, 'symbol', what),
      market: marketOf(base, quote, settle),
      base,
      quote,
      settle,
      contract_size: '1',
      inverse: false,
      tick_size: tickSize(s),
    };
    (settle === 'USDT' ? usdt : other).push(instrument);
  }
  return usdt.concat(other);
}

/** symbol → 24 h quote volume, used only to rank symbols (a float is fine for ranking). */
export function parseVolumes(body: string): Map<string, number> {
  const json = parseJson(body, 'ticker/24hr');
  if (!Array.isArray(json)) throw badField('ticker/24hr', 'body', json, 'an array');
  const volumes = new Map<string, number>();
  for (const t of json) {
    if (!isObject(t)) throw badField('ticker/24hr', '[]', t, 'an object');
    const symbol = str(t, 'symbol', 'ticker/24hr');
    volumes.set(symbol, Number(dec(t, 'quoteVolume', 'ticker/24hr')));
  }
  return volumes;
}
