/**
 * Binance USDⓈ-M REST bodies from the synthetic model: the same mark, index, funding, open
 * interest and 24 h statistics the streams carry. Layouts follow the real exchangeInfo in
 * ../shared/captures and the docs examples in ../shared/samples (key order included).
 */
import type { BinanceRatioEndpoint, BinanceRestData } from '../rest-data.ts';
import { fixed, fromFloat } from './fixed.ts';
import { lastAggId, tickerStats } from './binance-frames.ts';
import { eightDecimals, qtyText as qty } from './venue-text.ts';
import type { SyntheticModel, Venue } from './model.ts';
import { bucketVolume, ratioSeries, type RatioKind } from './ratios.ts';

const p8 = eightDecimals;
const RATIO_KIND: Record<BinanceRatioEndpoint, RatioKind> = {
  globalLongShortAccountRatio: 'global',
  topLongShortAccountRatio: 'topAccounts',
  topLongShortPositionRatio: 'topPositions',
  takerlongshortRatio: 'taker',
};

function symbolInfo(v: Venue): string {
  const s = v.spec;
  const tick = fixed(s.tickUnits, s.priceDp);
  const step = fixed(s.stepUnits, s.qtyDp);
  const maxQty = fixed(Math.round(1e6 / v.basePerQty / 100) * s.stepUnits, s.qtyDp);
  return (
    '{"symbol":"' +
    s.symbol +
    '","pair":"' +
    s.symbol +
    '","contractType":"PERPETUAL","deliveryDate":4133404800000,"onboardDate":1569398400000,' +
    '"status":"TRADING","maintMarginPercent":"2.5000","requiredMarginPercent":"5.0000","baseAsset":"' +
    v.asset.market.base +
    '","quoteAsset":"USDT","marginAsset":"USDT","pricePrecision":' +
    s.priceDp +
    ',"quantityPrecision":' +
    s.qtyDp +
    ',"baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","underlyingSubType":[],"settlePlan":0,"triggerProtect":"0.0500",' +
    '"liquidationFee":"0.012500","marketTakeBound":"0.30","filters":[{"minPrice":"' +
    tick +
    '","maxPrice":"' +
    fixed(Math.round((v.open24h * 20) / s.tickUnits) * s.tickUnits, s.priceDp) +
    '","filterType":"PRICE_FILTER","tickSize":"' +
    tick +
    '"},{"stepSize":"' +
    step +
    '","filterType":"LOT_SIZE","maxQty":"' +
    maxQty +
    '","minQty":"' +
    step +
    '"},{"stepSize":"' +
    step +
    '","filterType":"MARKET_LOT_SIZE","maxQty":"' +
    maxQty +
    '","minQty":"' +
    step +
    '"},{"limit":200,"filterType":"MAX_NUM_ORDERS"},{"limit":10,"filterType":"MAX_NUM_ALGO_ORDERS"},{"notional":"5","filterType":"MIN_NOTIONAL"},' +
    '{"multiplierDown":"0.9500","multiplierUp":"1.0500","multiplierDecimal":"4","filterType":"PERCENT_PRICE"}],' +
    '"orderTypes":["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"],"timeInForce":["GTC","IOC","FOK","GTX"]}'
  );
}

export function binanceRest(model: SyntheticModel, weightLimit: number): BinanceRestData {
  const venues = model.venues('binance-usdm');
  const find = (symbol: string) => model.venue('binance-usdm', symbol);
  const ticker = (v: Venue, now: number) => {
    model.refresh(v);
    const id = lastAggId(v);
    const t = tickerStats(v, id);
    return (
      '{"symbol":"' +
      v.spec.symbol +
      '","priceChange":"' +
      t.change +
      '","priceChangePercent":"' +
      t.pct +
      '","weightedAvgPrice":"' +
      t.wavg +
      '","lastPrice":"' +
      t.last +
      '","lastQty":"' +
      t.lastQty +
      '","openPrice":"' +
      t.open +
      '","highPrice":"' +
      t.high +
      '","lowPrice":"' +
      t.low +
      '","volume":"' +
      t.volume +
      '","quoteVolume":"' +
      t.quoteVolume +
      '","openTime":' +
      (now - 86_400_000) +
      ',"closeTime":' +
      now +
      ',"firstId":' +
      t.firstId +
      ',"lastId":' +
      id +
      ',"count":' +
      t.count +
      '}'
    );
  };
  const premium = (v: Venue, now: number) => {
    model.refresh(v);
    const index = v.asset.mid;
    return (
      '{"symbol":"' +
      v.spec.symbol +
      '","markPrice":"' +
      p8(v.markPrice()) +
      '","indexPrice":"' +
      p8(index) +
      '","estimatedSettlePrice":"' +
      p8(index * (1 + v.basis / 4)) +
      '","lastFundingRate":"' +
      p8(v.funding) +
      '","interestRate":"0.00010000","nextFundingTime":' +
      model.nextFundingTime() +
      ',"time":' +
      now +
      '}'
    );
  };
  return {
    exchangeInfo(now) {
      return (
        '{"timezone":"UTC","serverTime":' +
        now +
        ',"futuresType":"U_MARGINED","rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE",' +
        '"intervalNum":1,"limit":' +
        weightLimit +
        '},{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200},' +
        '{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300}],"exchangeFilters":[],' +
        '"assets":[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":"-10000"}],"symbols":[' +
        venues.map(symbolInfo).join(',') +
        ']}'
      );
    },
    ticker24hr(symbol, now) {
      if (symbol === null) return '[' + venues.map((v) => ticker(v, now)).join(',') + ']';
      const v = find(symbol);
      return v ? ticker(v, now) : null;
    },
    openInterest(symbol, now) {
      const v = find(symbol);
      if (!v) return null;
      model.refresh(v);
      return '{"symbol":"' + v.spec.symbol + '","openInterest":"' + qty(v, v.oi) + '","time":' + now + '}';
    },
    premiumIndex(symbol, now) {
      if (symbol === null) return '[' + venues.map((v) => premium(v, now)).join(',') + ']';
      const v = find(symbol);
      return v ? premium(v, now) : null;
    },
    ratio(endpoint, symbol, periodMs, limit, now) {
      const v = find(symbol);
      if (!v) return null;
      const kind = RATIO_KIND[endpoint];
      const rows = ratioSeries(model.seed, v.asset.index, kind, periodMs, limit, now).map(({ t, longBp }) => {
        if (kind === 'taker') {
          const total = bucketVolume(model.seed, v.asset.index, v.asset.market.typicalQty, periodMs, t);
          const buy = (total * longBp) / 10000;
          const sell = total - buy;
          return (
            '{"buySellRatio":"' +
            fromFloat(buy / sell, 4) +
            '","buyVol":"' +
            fromFloat(buy, 4) +
            '","sellVol":"' +
            fromFloat(sell, 4) +
            '","timestamp":"' +
            t +
            '"}'
          );
        }
        const shortBp = 10000 - longBp;
        return (
          '{"symbol":"' +
          v.spec.symbol +
          '","longShortRatio":"' +
          fromFloat(longBp / shortBp, 4) +
          '","longAccount":"' +
          fixed(longBp, 4) +
          '","shortAccount":"' +
          fixed(shortBp, 4) +
          '","timestamp":"' +
          t +
          '"}'
        );
      });
      return '[' + rows.join(',') + ']';
    },
  };
}
