/**
 * React side of the relay connection: subscribes while mounted and hands batches of items to
 * the caller. Items are buffered and delivered at most a few times a second, so a busy relay
 * costs the page a handful of renders, not one per message.
 */
import { useEffect, useRef, useState } from 'react';
import type { Channel, ChannelItems } from '../../../core/relay-protocol.ts';
import { RelayConnection, type RelayStatus, type RelaySubscription } from './relay-connection.ts';
import { relayEndpoints } from './relay-url.ts';

const FLUSH_MS = 250;

/**
 * `channels` is everything received since the last batch; `live` the part of it that arrived as
 * updates, i.e. new since the page subscribed (not the snapshot of recent state a (re)connect
 * brings): pages that announce news (alert toasts) read `live`, tables read `channels`.
 */
export type RelayItemsHandler = (channels: ChannelItems, live: ChannelItems) => void;

function append(into: ChannelItems, channels: ChannelItems): void {
  // Object.entries widens keys to string; they are the channels of a ChannelItems.
  for (const [c, items] of Object.entries(channels) as [Channel, unknown[]][]) (into[c] ??= []).push(...items);
}

export function useRelay(subscription: RelaySubscription, onItems: RelayItemsHandler): RelayStatus {
  const [status, setStatus] = useState<RelayStatus>('static');
  const handler = useRef(onItems);
  handler.current = onItems;
  const key = JSON.stringify(subscription);

  useEffect(() => {
    const endpoints = relayEndpoints();
    if (!endpoints) return;
    let pending: ChannelItems = {};
    let pendingLive: ChannelItems = {};
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = pending;
      const live = pendingLive;
      pending = {};
      pendingLive = {};
      handler.current(batch, live);
    };
    const conn = new RelayConnection(endpoints, JSON.parse(key) as RelaySubscription, {
      onStatus: setStatus,
      onItems(channels, live) {
        append(pending, channels);
        if (live) append(pendingLive, channels);
        timer ??= setTimeout(flush, FLUSH_MS);
      },
    });
    conn.start();
    return () => {
      conn.stop();
      if (timer) clearTimeout(timer);
    };
  }, [key]);

  return status;
}
