/**
 * One relay client's subscriptions: per channel, every market (null) or a set of markets.
 *
 * Requests are turned into a change first, and only the change is applied and sent back, so the
 * size of a reply is bounded by the request (at most 500 markets), never by everything the client
 * has gathered. The total is capped per client: each (channel, market) pair counts one and a
 * whole-channel subscription counts one, so the relay's memory per client stays bounded however
 * many market names a client invents.
 */
import type { Channel, WireSubscriptions } from '../../core/relay-protocol.ts';

export type Subscriptions = Map<Channel, Set<string> | null>;

/** Markets added or removed on each channel by one request; null means the whole channel. */
export type SubscriptionChange = Map<Channel, string[] | null>;

/** How many subscriptions count against the cap. */
export function subscriptionCount(subs: Subscriptions): number {
  let n = 0;
  for (const markets of subs.values()) n += markets === null ? 1 : markets.size;
  return n;
}

/** What subscribing `channels` for `markets` (null: every market) would add, and the count after it. */
export function planSubscribe(
  subs: Subscriptions,
  channels: readonly Channel[],
  markets: readonly string[] | null,
): { change: SubscriptionChange; countAfter: number } {
  const change: SubscriptionChange = new Map();
  let countAfter = subscriptionCount(subs);
  for (const channel of channels) {
    const current = subs.get(channel);
    // Already every market: any market list is covered.
    if (current === null) continue;
    if (markets === null) {
      change.set(channel, null);
      countAfter += 1 - (current?.size ?? 0);
      continue;
    }
    const fresh = markets.filter((m) => !current?.has(m));
    if (fresh.length === 0) continue;
    change.set(channel, fresh);
    countAfter += fresh.length;
  }
  return { change, countAfter };
}

export function applySubscribe(subs: Subscriptions, change: SubscriptionChange): void {
  for (const [channel, markets] of change) {
    if (markets === null) {
      subs.set(channel, null);
      continue;
    }
    const current = subs.get(channel) ?? new Set<string>();
    for (const m of markets) current.add(m);
    subs.set(channel, current);
  }
}

/**
 * Remove `markets` (null: the whole channel) from `channels` and return what was removed.
 * The caller refuses a market list on a whole-market channel before calling this.
 */
export function unsubscribe(
  subs: Subscriptions,
  channels: readonly Channel[],
  markets: readonly string[] | null,
): SubscriptionChange {
  const removed: SubscriptionChange = new Map();
  for (const channel of channels) {
    const current = subs.get(channel);
    if (current === undefined) continue;
    if (markets === null || current === null) {
      subs.delete(channel);
      removed.set(channel, null);
      continue;
    }
    const gone = markets.filter((m) => current.delete(m));
    if (gone.length) removed.set(channel, gone);
    if (current.size === 0) subs.delete(channel);
  }
  return removed;
}

export function toWire(subs: Subscriptions | SubscriptionChange): WireSubscriptions {
  const out: WireSubscriptions = {};
  for (const [channel, markets] of subs) out[channel] = markets === null ? '*' : [...markets];
  return out;
}

/** Clients with equal signatures get the same updates and share one serialized payload. */
export function signatureOf(subs: Subscriptions): string {
  return [...subs]
    .map(([c, m]) => `${c}=${m === null ? '*' : [...m].sort().join(',')}`)
    .sort()
    .join(';');
}
