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

export function useRelay(subscription: RelaySubscription, onItems: (channels: ChannelItems) => void): RelayStatus {
  const [status, setStatus] = useState<RelayStatus>('static');
  const handler = useRef(onItems);
  handler.current = onItems;
  const key = JSON.stringify(subscription);

  useEffect(() => {
    const endpoints = relayEndpoints();
    if (!endpoints) return;
    let pending: ChannelItems = {};
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = pending;
      pending = {};
      handler.current(batch);
    };
    const conn = new RelayConnection(endpoints, JSON.parse(key) as RelaySubscription, {
      onStatus: setStatus,
      onItems(channels) {
        // Object.entries widens keys to string; they are the channels of a ChannelItems.
        for (const [c, items] of Object.entries(channels) as [Channel, unknown[]][]) (pending[c] ??= []).push(...items);
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
