/**
 * The latest closed figures of every exchange's copy of a unified market (BTC/USDT:USDT on
 * Binance, Bybit and OKX), so each exchange can be compared with the others for tier 5. A copy
 * counts only if it closed a bucket within `staleBuckets` of the bucket being scored, so a
 * disconnected exchange does not anchor the comparison with old values.
 */
import type { XexInput } from './alert-rules.ts';

interface Latest {
  exchange: string;
  k: number;
  oiChgPct: number;
  funding: number;
}

export class CrossExchange {
  private readonly byMarket = new Map<string, Latest[]>();

  constructor(private readonly staleBuckets: number) {}

  clear(): void {
    this.byMarket.clear();
  }

  /** Record this exchange's figures for bucket `k` and compare them with the other exchanges'. */
  update(
    market: string,
    exchange: string,
    k: number,
    oiChgPct: number,
    funding: number,
  ): { oi: XexInput; funding: XexInput } {
    let list = this.byMarket.get(market);
    if (!list) this.byMarket.set(market, (list = []));
    let own = list.find((l) => l.exchange === exchange);
    if (!own) list.push((own = { exchange, k, oiChgPct, funding }));
    own.k = k;
    own.oiChgPct = oiChgPct;
    own.funding = funding;
    return {
      oi: this.compare(list, own, k, 'oiChgPct'),
      funding: this.compare(list, own, k, 'funding'),
    };
  }

  private compare(list: Latest[], own: Latest, k: number, field: 'oiChgPct' | 'funding'): XexInput {
    let sum = 0;
    let n = 0;
    for (const l of list) {
      if (l === own || k - l.k > this.staleBuckets) continue;
      const v = l[field];
      if (v !== v) continue;
      sum += v;
      n++;
    }
    return { own: own[field], others: n ? sum / n : NaN, n };
  }
}
