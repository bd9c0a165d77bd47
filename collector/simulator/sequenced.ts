/**
 * Streams whose frames carry a sequence number a client checks for gaps: Binance aggTrade `a`
 * and depth `pu`/`u`, Bybit order book `u` (level 1 is snapshot-only, its `u` may repeat),
 * OKX books `seqId`/`prevSeqId`. The skip-seq and duplicate-seq faults act on these only.
 */
import type { ExchangeId } from '../../replay/core/events.ts';

export function isSequenced(exchange: ExchangeId, key: string): boolean {
  switch (exchange) {
    case 'binance-usdm':
      return key.includes('@aggTrade') || key.includes('@depth');
    case 'bybit-linear':
      return key.startsWith('orderbook.') && !key.startsWith('orderbook.1.');
    case 'okx-swap':
      return key.startsWith('books');
  }
}
