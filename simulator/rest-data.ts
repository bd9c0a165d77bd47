/**
 * What the REST routes need from a source (synthetic market or recorded capture). Each method
 * returns JSON text for the part of the body that carries data, or null when the symbol or
 * instrument is unknown (the route then answers with the exchange's own error body).
 */

export type BinanceRatioEndpoint =
  | 'globalLongShortAccountRatio'
  | 'topLongShortAccountRatio'
  | 'topLongShortPositionRatio'
  | 'takerlongshortRatio';

export interface BinanceRestData {
  /** Whole `/fapi/v1/exchangeInfo` body. */
  exchangeInfo(now: number): string | null;
  /** `/fapi/v1/ticker/24hr`: one object for a symbol, an array for all (symbol null). */
  ticker24hr(symbol: string | null, now: number): string | null;
  openInterest(symbol: string, now: number): string | null;
  /** `/fapi/v1/premiumIndex`: one object for a symbol, an array for all. */
  premiumIndex(symbol: string | null, now: number): string | null;
  /** `/futures/data/*` arrays, oldest first. */
  ratio(endpoint: BinanceRatioEndpoint, symbol: string, periodMs: number, limit: number, now: number): string | null;
}

export interface BybitRestData {
  /** `result` object of `/v5/market/instruments-info?category=linear`. */
  instruments(symbol: string | null, now: number): string | null;
  /** `result` object of `/v5/market/tickers?category=linear`. */
  tickers(symbol: string | null, now: number): string | null;
  /** `result` object of `/v5/market/account-ratio`. */
  accountRatio(symbol: string, periodMs: number, limit: number, now: number): string | null;
}

export interface OkxRestData {
  /** `data` array of `/api/v5/public/instruments?instType=SWAP`. */
  instruments(instId: string | null, now: number): string | null;
  /** `data` array of `/api/v5/market/tickers?instType=SWAP` (or `/market/ticker`). */
  tickers(instId: string | null, now: number): string | null;
  /** `data` array of `/api/v5/public/open-interest?instType=SWAP`. */
  openInterest(instId: string | null, now: number): string | null;
  /** Rubik rows `[ts, ratio]`, newest first; by contract (instId) or by currency (ccy). */
  /** Rubik rows `[ts, ratio]`, newest first: all accounts, or the top traders' accounts or positions. */
  longShortRatio(
    by: { instId: string } | { ccy: string },
    periodMs: number,
    limit: number,
    now: number,
    kind?: 'global' | 'topAccounts' | 'topPositions',
  ): string | null;
  /** Rubik rows `[ts, sellVol, buyVol]`, newest first, in coins (unit 0), contracts (1) or USD (2). */
  takerVolume(instId: string, periodMs: number, limit: number, unit: 0 | 1 | 2, now: number): string | null;
}

export interface RestData {
  'binance-usdm': BinanceRestData;
  'bybit-linear': BybitRestData;
  'okx-swap': OkxRestData;
}
