/**
 * Funding fields of a Binance mark-price update (stream or REST premiumIndex). Binance sends
 * `r:""` (COIN-M delivery) or `T:0` (USDⓈ-M quarterlies such as BTCBUSD_210129) for contracts
 * without funding: those leave the funding fields as they were (null for such a contract), like
 * tardis-node does.
 */
import type { TickerUpdate } from '../shared/ticker-merge.ts';

const NO_FUNDING: TickerUpdate = {};

export function fundingUpdate(rate: string | undefined, nextTs: number | undefined): TickerUpdate {
  if (rate === undefined || rate === '' || nextTs === undefined || nextTs === 0) return NO_FUNDING;
  return { funding_rate: rate, next_funding_ts: nextTs };
}
