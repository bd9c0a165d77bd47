/**
 * What to do with a client whose send buffer is filling up (it reads slower than we publish).
 * Tiers are fractions of `maxBufferedBytes` so one setting scales the whole policy:
 *   below 1/4: everything is sent;
 *   from 1/4:  latest-state channels are coalesced to the newest item per market and key;
 *   from 1/2:  trades are dropped too (counted, and reported to the client in `dropped`);
 *   from 1/1:  the client is closed with 1008 (also after staying in the drop tier too long).
 * Stream channels other than trades (liquidations, gaps, alerts) are rare and never dropped.
 */
import type { RelayItem } from './latest.ts';

export type Pressure = 'normal' | 'coalesce' | 'drop' | 'close';

export function pressureOf(bufferedBytes: number, maxBufferedBytes: number): Pressure {
  if (bufferedBytes >= maxBufferedBytes) return 'close';
  if (bufferedBytes >= maxBufferedBytes / 2) return 'drop';
  if (bufferedBytes >= maxBufferedBytes / 4) return 'coalesce';
  return 'normal';
}

/** Keep only the newest item per (market, key), in their original order. */
export function coalesce(items: readonly RelayItem[]): RelayItem[] {
  const seen = new Set<string>();
  const kept: RelayItem[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const id = `${items[i].market}\u0000${items[i].key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    kept.push(items[i]);
  }
  return kept.reverse();
}
