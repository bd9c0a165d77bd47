/**
 * One client connection to the virtual exchange: it subscribes to what its subscribe requests
 * name, as the exchange's websocket would (snapshots first), and hands every delivered frame on
 * in the wire form the client receives (Binance combined streams in their envelope), stamped
 * with the model's time. No socket: the frames go straight to the recorder.
 */
import type { ExchangeId } from '../../core/events.ts';
import { combinedFrame, routeOf } from '../binance/streams.ts';
import { parseBinancePath } from '../binance/ws.ts';
import type { Hub, Subscriber } from '../hub.ts';
import { okxKey } from '../okx/ws.ts';
import type { FrameSource } from '../source.ts';

export interface VirtualConnectionSpec {
  /** The client's connection id, e.g. `binance-usdm/market/0`. */
  id: string;
  exchange: ExchangeId;
  url: string;
  /** The subscribe requests the client sends after opening, as text. */
  subscribe: string[];
}

/** What the client receives on the connection, and when. */
export type Receive = (conn: string, ts: number, data: string) => void;

/** The subscription keys a request names (the exchange's own parsing of it: Binance params, Bybit topics, OKX args). */
function requestedKeys(exchange: ExchangeId, text: string): string[] {
  const r = JSON.parse(text) as { params?: unknown; args?: unknown };
  const list = (exchange === 'binance-usdm' ? r.params : r.args) as unknown[] | undefined;
  if (!Array.isArray(list)) return [];
  if (exchange !== 'okx-swap') return list.filter((k): k is string => typeof k === 'string');
  return list.map((a) => okxKey(a as Record<string, unknown>)).filter((k): k is string => k !== null);
}

export class VirtualConnection implements Subscriber {
  private readonly keys: string[];
  private readonly combined: boolean;
  /** Receipt time of the last frame delivered (where a collector's disconnect gap starts). */
  lastDataAt: number | null = null;

  constructor(
    readonly spec: VirtualConnectionSpec,
    private readonly hub: Hub,
    private readonly source: FrameSource,
    private readonly now: () => number,
    private readonly receive: Receive,
  ) {
    const { exchange } = spec;
    const url = new URL(spec.url);
    const path = exchange === 'binance-usdm' ? parseBinancePath(url.pathname, url.searchParams) : null;
    this.combined = path?.combined ?? false;
    // As the exchange: a Binance stream on the wrong route, or a topic it does not serve, never delivers.
    const route = path?.route === 'market' ? 'market' : 'public';
    this.keys = spec.subscribe
      .flatMap((text) => requestedKeys(exchange, text))
      .filter((k) => (path ? routeOf(k) === route : source.has(exchange, k)));
  }

  get exchange(): ExchangeId {
    return this.spec.exchange;
  }

  /** Subscribes every key at `now`, delivering each key's initial snapshot. */
  connect(now: number): void {
    for (const key of this.keys) {
      const start = this.source.onSubscribe(this.exchange, key, now);
      this.hub.subscribe(this.exchange, key, this, start.awaitSnapshot);
      if (start.initial !== null) this.deliver(key, start.initial);
    }
  }

  disconnect(): void {
    for (const key of this.keys) this.hub.unsubscribe(this.exchange, key, this);
  }

  deliver(key: string, text: string): void {
    const ts = this.now();
    this.lastDataAt = ts;
    this.receive(this.spec.id, ts, this.combined ? combinedFrame(key, text) : text);
  }
}
