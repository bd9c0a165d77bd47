/**
 * Binance USDⓈ-M stream names: validation, which routed endpoint carries them, and the
 * combined-stream envelope. Since the 2026 URL split, `/public` carries book tickers and depth,
 * `/market` everything else; a connection on the wrong path (or on the legacy unrouted one,
 * which acts as `/public`) is accepted and silently gets nothing (../shared/samples/PROTOCOLS.md §1.1).
 */

export type BinanceRoute = 'public' | 'market';

/** `btcusdt@aggTrade`, `btcusdt@depth5@100ms`, `!markPrice@arr@1s`, `!bookTicker`. */
const STREAM = /^(?:[a-z0-9_]+@[A-Za-z0-9_]+|![A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)*$/;

export function isValidStreamName(name: string): boolean {
  return STREAM.test(name);
}

/** The routed endpoint that delivers a stream. */
export function routeOf(stream: string): BinanceRoute {
  const type = stream.startsWith('!') ? stream.slice(1) : stream.slice(stream.indexOf('@') + 1);
  return type.startsWith('bookTicker') || type.startsWith('depth') ? 'public' : 'market';
}

/** The frame a `/stream` (combined) connection receives for one raw payload. */
export function combinedFrame(stream: string, payload: string): string {
  return '{"stream":"' + stream + '","data":' + payload + '}';
}
