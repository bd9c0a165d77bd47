/**
 * Bybit v5 market REST `result` objects from the synthetic model; tickers carry the same values
 * as the tickers topic (REST uses the docs' key order, which differs from the stream's).
 */
import type { BybitRestData } from '../rest-data.ts';
import { fixed } from './fixed.ts';
import { TICKER_KEYS, tickerValues, type TickerKey } from './bybit-frames.ts';
import type { SyntheticModel, Venue } from './model.ts';
import { ratioSeries } from './ratios.ts';

const REST_TICKER_KEYS: readonly (
  | TickerKey
  | 'predictedDeliveryPrice'
  | 'basisRate'
  | 'deliveryFeeRate'
  | 'deliveryTime'
  | 'basis'
  | 'basisRateYear'
)[] = [
  'symbol',
  'lastPrice',
  'indexPrice',
  'markPrice',
  'prevPrice24h',
  'price24hPcnt',
  'highPrice24h',
  'lowPrice24h',
  'prevPrice1h',
  'openInterest',
  'openInterestValue',
  'turnover24h',
  'volume24h',
  'fundingRate',
  'nextFundingTime',
  'predictedDeliveryPrice',
  'basisRate',
  'deliveryFeeRate',
  'deliveryTime',
  'ask1Size',
  'bid1Price',
  'ask1Price',
  'bid1Size',
  'basis',
  'preOpenPrice',
  'preQty',
  'curPreListingPhase',
  'fundingIntervalHour',
  'basisRateYear',
  'fundingCap',
];
const FUTURES_ONLY: Record<string, string> = {
  predictedDeliveryPrice: '',
  basisRate: '',
  deliveryFeeRate: '',
  deliveryTime: '0',
  basis: '',
  basisRateYear: '',
};

function instrument(v: Venue): string {
  const s = v.spec;
  const tick = fixed(s.tickUnits, s.priceDp);
  const step = fixed(s.stepUnits, s.qtyDp);
  const maxQty = fixed(Math.round(1e6 / v.basePerQty / 50) * s.stepUnits, s.qtyDp);
  return (
    '{"symbol":"' +
    s.symbol +
    '","contractType":"LinearPerpetual","status":"Trading","baseCoin":"' +
    v.asset.market.base +
    '","quoteCoin":"USDT","launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"' +
    s.priceDp +
    '","leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},"priceFilter":{"minPrice":"' +
    tick +
    '","maxPrice":"' +
    fixed(Math.round((v.open24h * 20) / s.tickUnits) * s.tickUnits, s.priceDp) +
    '","tickSize":"' +
    tick +
    '"},"lotSizeFilter":{"maxOrderQty":"' +
    maxQty +
    '","minOrderQty":"' +
    step +
    '","qtyStep":"' +
    step +
    '","postOnlyMaxOrderQty":"' +
    maxQty +
    '","maxMktOrderQty":"' +
    maxQty +
    '","minNotionalValue":"5"},"unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT","copyTrading":"both","upperFundingRate":"0.005",' +
    '"lowerFundingRate":"-0.005","isPreListing":false,"preListingInfo":null,"riskParameters":{"priceLimitRatioX":"0.01","priceLimitRatioY":"0.02"},"displayName":""}'
  );
}

export function bybitRest(model: SyntheticModel): BybitRestData {
  const venues = model.venues('bybit-linear');
  const pick = (symbol: string | null): Venue[] | null => {
    if (symbol === null) return [...venues];
    const v = model.venue('bybit-linear', symbol);
    return v ? [v] : null;
  };
  const ticker = (v: Venue) => {
    const values = tickerValues(model, v);
    const byKey = new Map<string, string>(TICKER_KEYS.map((k, i) => [k, values[i]]));
    return '{' + REST_TICKER_KEYS.map((k) => '"' + k + '":"' + (byKey.get(k) ?? FUTURES_ONLY[k]) + '"').join(',') + '}';
  };
  return {
    instruments(symbol) {
      const list = pick(symbol);
      return list && '{"category":"linear","list":[' + list.map(instrument).join(',') + '],"nextPageCursor":""}';
    },
    tickers(symbol) {
      const list = pick(symbol);
      return list && '{"category":"linear","list":[' + list.map(ticker).join(',') + ']}';
    },
    accountRatio(symbol, periodMs, limit, now) {
      const v = model.venue('bybit-linear', symbol);
      if (!v) return null;
      // newest first, as Bybit pages backwards in time
      const rows = ratioSeries(model.seed, v.asset.index, 'global', periodMs, limit, now).reverse();
      return (
        '{"list":[' +
        rows
          .map(
            (r) =>
              '{"symbol":"' +
              symbol +
              '","buyRatio":"' +
              fixed(r.longBp, 4) +
              '","sellRatio":"' +
              fixed(10000 - r.longBp, 4) +
              '","timestamp":"' +
              r.t +
              '"}',
          )
          .join(',') +
        '],"nextPageCursor":""}'
      );
    },
  };
}
