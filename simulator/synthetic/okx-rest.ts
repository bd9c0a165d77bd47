/**
 * OKX v5 REST `data` arrays from the synthetic model. Instruments use the layout of the real
 * 2022 SWAP list in ../shared/captures, with the same ctVal the trades channel's sizes use.
 */
import type { OkxRestData } from '../rest-data.ts';
import { fixed, fromFloat } from './fixed.ts';
import type { OkxVenueSpec } from './markets.ts';
import type { SyntheticModel, Venue } from './model.ts';
import { contractsToBase, openInterestItem, tickerItem } from './okx-frames.ts';
import { bucketVolume, ratioSeries } from './ratios.ts';

function instrument(v: Venue): string {
  const s = v.spec as OkxVenueSpec;
  return (
    '{"alias":"","baseCcy":"","category":"1","ctMult":"1","ctType":"linear","ctVal":"' +
    s.ctVal +
    '","ctValCcy":"' +
    v.asset.market.base +
    '","expTime":"","instId":"' +
    s.symbol +
    '","instType":"SWAP","lever":"100","listTime":"1611916828000","lotSz":"1","maxIcebergSz":"100000000",' +
    '"maxLmtSz":"100000000","maxMktSz":"5000","maxStopSz":"5000","maxTriggerSz":"100000000","maxTwapSz":"100000000","minSz":"1","optType":"",' +
    '"quoteCcy":"","settleCcy":"USDT","state":"live","stk":"","tickSz":"' +
    fixed(s.tickUnits, s.priceDp) +
    '","uly":"' +
    v.asset.market.base +
    '-USDT"}'
  );
}

export function okxRest(model: SyntheticModel): OkxRestData {
  const venues = model.venues('okx-swap');
  const pick = (instId: string | null): Venue[] | null => {
    if (instId === null) return [...venues];
    const v = model.venue('okx-swap', instId);
    return v ? [v] : null;
  };
  const list = (instId: string | null, item: (v: Venue) => string) => {
    const vs = pick(instId);
    return vs && '[' + vs.map(item).join(',') + ']';
  };
  return {
    instruments: (instId) => list(instId, instrument),
    tickers: (instId, now) =>
      list(instId, (v) => {
        model.refresh(v);
        return tickerItem(v, now);
      }),
    openInterest: (instId, now) =>
      list(instId, (v) => {
        model.refresh(v);
        return openInterestItem(v, now);
      }),
    longShortRatio(by, periodMs, limit, now, kind = 'global') {
      const v =
        'instId' in by ? model.venue('okx-swap', by.instId) : venues.find((x) => x.asset.market.base === by.ccy);
      if (!v) return null;
      const rows = ratioSeries(model.seed, v.asset.index, kind, periodMs, limit, now).reverse();
      return (
        '[' + rows.map((r) => '["' + r.t + '","' + fromFloat(r.longBp / (10000 - r.longBp), 4) + '"]').join(',') + ']'
      );
    },
    takerVolume(instId, periodMs, limit, unit, now) {
      const v = model.venue('okx-swap', instId);
      if (!v) return null;
      const s = v.spec as OkxVenueSpec;
      const rows = ratioSeries(model.seed, v.asset.index, 'taker', periodMs, limit, now).reverse();
      const text = (contracts: number) =>
        unit === 1
          ? String(contracts)
          : unit === 0
            ? contractsToBase(v, contracts)
            : fromFloat(contracts * Number(s.ctVal) * v.markPrice(), 2);
      return (
        '[' +
        rows
          .map((r) => {
            const total = Math.round(
              bucketVolume(model.seed, v.asset.index, v.asset.market.typicalQty, periodMs, r.t) / Number(s.ctVal),
            );
            const buy = Math.round((total * r.longBp) / 10000);
            return '["' + r.t + '","' + text(total - buy) + '","' + text(buy) + '"]';
          })
          .join(',') +
        ']'
      );
    },
  };
}
