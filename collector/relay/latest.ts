/**
 * The relay's memory of recent committed state, per channel and market: the newest item per key
 * on latest-state channels, the last few items on stream channels (trades, liquidations, gaps,
 * alerts). It answers subscribe snapshots and GET /api/latest.
 */
import type { Channel } from '../../core/relay-protocol.ts';
import { LATEST_STATE_CHANNELS } from './channels.ts';

/** One relayed item, serialized once and shared by every client that receives it. */
export interface RelayItem {
  channel: Channel;
  /** Unified market; '' for items that concern every market (health, connection-wide gaps). */
  market: string;
  /** Identity within channel and market (latest-state channels only). */
  key: string;
  /** Arrival order at the relay: snapshots are sent oldest first. */
  order: number;
  json: string;
}

type MarketState = Map<string, RelayItem> | RelayItem[];

export class LatestState {
  private readonly channels = new Map<Channel, Map<string, MarketState>>();

  constructor(private readonly recentPerMarket: number) {}

  add(item: RelayItem): void {
    let markets = this.channels.get(item.channel);
    if (!markets) this.channels.set(item.channel, (markets = new Map()));
    let state = markets.get(item.market);
    if (LATEST_STATE_CHANNELS.has(item.channel)) {
      if (!state) markets.set(item.market, (state = new Map()));
      // Delete first so iteration order stays "least recently updated first".
      (state as Map<string, RelayItem>).delete(item.key);
      (state as Map<string, RelayItem>).set(item.key, item);
    } else {
      if (!state) markets.set(item.market, (state = []));
      const ring = state as RelayItem[];
      ring.push(item);
      if (ring.length > this.recentPerMarket) ring.shift();
    }
  }

  /** Items of a channel for the given markets (null: all), plus market-wide ones, oldest first. */
  items(channel: Channel, markets: ReadonlySet<string> | null): RelayItem[] {
    const out: RelayItem[] = [];
    for (const [market, state] of this.channels.get(channel) ?? []) {
      if (markets && market !== '' && !markets.has(market)) continue;
      for (const item of state.values()) out.push(item);
    }
    return out.sort((a, b) => a.order - b.order);
  }

  /** Every channel's items for one market (not the market-wide ones); empty when unknown. */
  market(market: string): Map<Channel, RelayItem[]> {
    const out = new Map<Channel, RelayItem[]>();
    const only = new Set([market]);
    for (const channel of this.channels.keys()) {
      const items = this.items(channel, only).filter((i) => i.market === market);
      if (items.length) out.set(channel, items);
    }
    return out;
  }
}
