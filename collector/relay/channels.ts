/**
 * Relay channels: which event kind goes to which channel, and which channels hold "latest
 * state" (a newer item replaces an older one with the same key) rather than a stream where every
 * item matters. That split drives both the subscribe snapshot and the slow-client policy. The
 * channel names themselves are wire protocol: core/relay-protocol.ts.
 */
import type { EventKind, RecordedEvent } from '../../core/events.ts';
import type { Channel } from '../../core/relay-protocol.ts';

/** Channels fed by `Relay.publish` rather than by committed market events. */
export type PublishedChannel = 'metrics' | 'alerts' | 'health';

export const CHANNEL_OF_KIND: Record<EventKind, Channel> = {
  trade: 'trades',
  book_top: 'book_tops',
  book_ticker: 'tickers',
  derivative_ticker: 'tickers',
  liquidation: 'liquidations',
  open_interest: 'open_interest',
  long_short: 'long_short',
  gap: 'gaps',
};

/** A client only needs the newest item per key on these; older ones may be coalesced away. */
export const LATEST_STATE_CHANNELS: ReadonlySet<Channel> = new Set<Channel>([
  'tickers',
  'book_tops',
  'open_interest',
  'long_short',
  'metrics',
  'health',
]);

/**
 * Identity of a latest-state item within its channel and market: one ticker per exchange and
 * kind (book_ticker and derivative_ticker share the channel), one long/short row per exchange,
 * ratio type and period.
 */
export function eventStateKey(e: RecordedEvent): string {
  if (e.kind === 'long_short') return `${e.exchange}|${e.kind}|${e.ratio_type}|${e.period}`;
  return `${e.exchange}|${e.kind}`;
}

/** Published payloads are keyed by their `exchange` field when they have one (metrics per exchange). */
export function publishedStateKey(data: unknown): string {
  const exchange = typeof data === 'object' && data !== null ? (data as { exchange?: unknown }).exchange : undefined;
  return typeof exchange === 'string' ? exchange : '';
}
