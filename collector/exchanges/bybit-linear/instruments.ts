/**
 * Bybit instrument and volume lists, used to pick what to record.
 *
 * `/v5/market/instruments-info?category=linear&limit=1000` lists linear contracts (perpetuals and
 * dated futures, USDT- and USDC-settled). It is paginated with `nextPageCursor`; we read the first
 * page only, with the maximum page size of 1000: more than the few hundred linear contracts Bybit
 * lists, so in practice the whole list (a contract on a later page would simply not be offered).
 * `/v5/market/tickers?category=linear` gives `turnover24h`, the 24 h volume in quote currency.
 */
import { isDecimal } from '../../../core/decimal.ts';
import { marketOf, type Instrument } from '../../../core/instruments.ts';
import { parseError } from '../types.ts';
import { arr, obj, str } from './fields.ts';
import { bybitResult } from './rest.ts';

function listOf(body: string, what: string): unknown[] {
  const envelope = bybitResult(body, what);
  if ('refused' in envelope) throw parseError(`bybit-linear ${envelope.refused}`, 'bybit-linear');
  return arr(envelope.result, 'list', `${what} result`);
}

/** Perpetuals that are trading, USDT-settled first (the usual choice), then USDC ones. */
export function parseInstruments(body: string): Instrument[] {
  const out: Instrument[] = [];
  const list = listOf(body, 'instruments-info');
  for (let i = 0; i < list.length; i++) {
    const row = obj(list, i, 'instruments-info list');
    if (row.contractType !== 'LinearPerpetual' || row.status !== 'Trading') continue;
    const base = str(row, 'baseCoin', 'instruments-info list[]');
    const quote = str(row, 'quoteCoin', 'instruments-info list[]');
    const settle = str(row, 'settleCoin', 'instruments-info list[]');
    const priceFilter = row.priceFilter === undefined ? {} : obj(row, 'priceFilter', 'instruments-info list[]');
    out.push({
      exchange: 'bybit-linear',
      symbol: str(row, 'symbol', 'instruments-info list[]'),
      market: marketOf(base, quote, settle),
      base,
      quote,
      settle,
      // Linear sizes (trades, books, open interest) are already in base units.
      contract_size: '1',
      inverse: false,
      tick_size: isDecimal(priceFilter.tickSize) ? priceFilter.tickSize : null,
    });
  }
  const usdtFirst = (i: Instrument) => (i.settle === 'USDT' ? 0 : 1);
  return out.sort((a, b) => usdtFirst(a) - usdtFirst(b));
}

/** Symbol → 24 h quote volume. Rows without a volume (e.g. pre-market "") are left out: nothing to rank. */
export function parseVolumes(body: string): Map<string, number> {
  const volumes = new Map<string, number>();
  const list = listOf(body, 'tickers');
  for (let i = 0; i < list.length; i++) {
    const row = obj(list, i, 'tickers list');
    const symbol = str(row, 'symbol', 'tickers list[]');
    if (isDecimal(row.turnover24h)) volumes.set(symbol, Number(row.turnover24h));
  }
  return volumes;
}
