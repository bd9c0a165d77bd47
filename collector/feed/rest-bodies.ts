/**
 * The latest REST body per URL of one exchange. Websocket parsers merge some polled values into
 * streamed events (Binance open interest into derivative_ticker), so a parser created for a new
 * connection is seeded with these: what it emits then does not depend on when the next poll
 * lands after a reconnect. `import` seeds the parsers it creates at `connect` lines the same way.
 */
import type { ExchangeParser } from '../exchanges/types.ts';

export class LatestRestBodies {
  private readonly bodies = new Map<string, { body: string; localTs: number }>();

  record(url: string, body: string, localTs: number): void {
    // Re-inserted so that seeding replays the bodies in the order they arrived.
    this.bodies.delete(url);
    this.bodies.set(url, { body, localTs });
  }

  seed<P extends ExchangeParser>(parser: P): P {
    // Only bodies that parsed when polled are recorded; their events were written then.
    for (const [url, { body, localTs }] of this.bodies) parser.parseRest(url, body, localTs, () => {});
    return parser;
  }
}
