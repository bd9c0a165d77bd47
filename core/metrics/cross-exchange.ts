/**
 * The latest closed figures of every exchange's copy of a market, so each copy can be compared
 * with the others for tier 5. Copies are grouped by unified market (BTC/USDT:USDT on Binance,
 * Bybit and OKX) — or, for the OI-weighted reference, by base asset (every BTC perpetual). A
 * copy counts only if it closed a bucket within `staleBuckets` of the bucket being scored, so a
 * disconnected exchange does not anchor the comparison with old values.
 */
import type { XexInput } from './alert-rules.ts';

interface Latest {
  key: string;
  k: number;
  oiChgPct: number;
  funding: number;
  oiUsd: number;
}

/** `BTC/USDT:USDT` → `BTC`. */
function baseOf(market: string): string {
  const slash = market.indexOf('/');
  return slash < 0 ? market : market.slice(0, slash);
}

export class CrossExchange {
  private readonly groups = new Map<string, Latest[]>();

  constructor(
    private readonly staleBuckets: number,
    /** Compare OI with the base asset's OI-weighted global change rather than the others' mean. */
    private readonly oiWeighted: boolean,
  ) {}

  clear(): void {
    this.groups.clear();
  }

  /** Record this copy's figures for bucket `k` and compare them with the other copies'. */
  update(
    market: string,
    exchange: string,
    symbol: string,
    k: number,
    figures: { oiChgPct: number; funding: number; oiUsd: number },
  ): { oi: XexInput; funding: XexInput } {
    const group = this.oiWeighted ? baseOf(market) : market;
    let list = this.groups.get(group);
    if (!list) this.groups.set(group, (list = []));
    const key = `${exchange}:${symbol}`;
    let own = list.find((l) => l.key === key);
    if (!own) list.push((own = { key, k, ...figures }));
    // Runs at every bucket close: update in place rather than allocate.
    own.k = k;
    own.oiChgPct = figures.oiChgPct;
    own.funding = figures.funding;
    own.oiUsd = figures.oiUsd;
    return {
      oi: this.oiWeighted ? this.weighted(list, own, k) : this.othersMean(list, own, k, 'oiChgPct'),
      funding: this.othersMean(list, own, k, 'funding'),
    };
  }

  private fresh(l: Latest, k: number): boolean {
    return k - l.k <= this.staleBuckets;
  }

  private othersMean(list: Latest[], own: Latest, k: number, field: 'oiChgPct' | 'funding'): XexInput {
    let sum = 0;
    let n = 0;
    for (const l of list) {
      if (l === own || !this.fresh(l, k)) continue;
      const v = l[field];
      if (v !== v) continue;
      sum += v;
      n++;
    }
    return { own: own[field], others: n ? sum / n : NaN, n, totalUsd: NaN };
  }

  /** Global OI change: Σ OI_usd·ΔOI% / Σ OI_usd over the fresh copies, this one included. */
  private weighted(list: Latest[], own: Latest, k: number): XexInput {
    let sum = 0;
    let usd = 0;
    let n = 0;
    for (const l of list) {
      if (!this.fresh(l, k) || l.oiChgPct !== l.oiChgPct || !(l.oiUsd > 0)) continue;
      sum += l.oiUsd * l.oiChgPct;
      usd += l.oiUsd;
      if (l !== own) n++;
    }
    // Alone, a market is its own global figure: there is nothing to diverge from.
    return { own: own.oiChgPct, others: n ? sum / usd : NaN, n, totalUsd: n ? usd : NaN };
  }
}
