/** The exchange adapters by id. Adding an exchange = a folder with parse.ts and feed.ts, plus one line here. */
import type { ExchangeId } from '../../core/events.ts';
import type { ExchangeAdapter } from './types.ts';
import { adapter as binance } from './binance-usdm/feed.ts';
import { adapter as bybit } from './bybit-linear/feed.ts';
import { adapter as okx } from './okx-swap/feed.ts';

export const ADAPTERS: Record<ExchangeId, ExchangeAdapter> = {
  'binance-usdm': binance,
  'bybit-linear': bybit,
  'okx-swap': okx,
};

/**
 * Which exchange a recorded connection belongs to (used by `import`): our own archives name
 * connections `<exchange id>/…`; other captures are recognized by the address.
 */
export function exchangeOfConnection(conn: string, addr: string): ExchangeId | null {
  const id = conn.split('/')[0];
  return id in ADAPTERS ? (id as ExchangeId) : exchangeOfAddress(addr);
}

export function exchangeOfAddress(addr: string): ExchangeId | null {
  const a = addr.toLowerCase();
  if (a.includes('binance') || a.includes('fstream') || a.includes('/fapi/') || a.includes('/futures/data/'))
    return 'binance-usdm';
  if (a.includes('okx') || a.includes('okex') || a.includes('/ws/v5/') || a.includes('/api/v5/')) return 'okx-swap';
  // Only Bybit's linear category: spot/inverse/option connections share the wire format but not the markets.
  if (a.includes('/v5/public/')) return a.includes('/v5/public/linear') ? 'bybit-linear' : null;
  if (a.includes('/v5/market/')) return 'bybit-linear';
  return null;
}
