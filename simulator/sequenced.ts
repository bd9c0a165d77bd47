/**
 * Streams whose frames carry a sequence number a client checks for gaps: Binance aggTrade `a`
 * and depth `pu`/`u`, Bybit order book `u` (level 1 is snapshot-only, its `u` may repeat),
 * OKX `seqId`/`prevSeqId` on the incremental books (`books`, `books-l2-tbt`, `books50-l2-tbt`;
 * `books5` and `bbo-tbt` carry a seqId but no prevSeqId, so a lost push cannot be told). The
 * skip-seq and duplicate-seq faults act on these only.
 */
import type { ExchangeId } from '../core/events.ts';

const OKX_CHAINED_BOOKS = ['books', 'books-l2-tbt', 'books50-l2-tbt'];

export function isSequenced(exchange: ExchangeId, key: string): boolean {
  switch (exchange) {
    case 'binance-usdm':
      return key.includes('@aggTrade') || key.includes('@depth');
    case 'bybit-linear':
      return key.startsWith('orderbook.') && !key.startsWith('orderbook.1.');
    case 'okx-swap':
      return OKX_CHAINED_BOOKS.includes(key.slice(0, key.indexOf(':')));
  }
}
