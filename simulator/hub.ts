/**
 * Subscriptions: which connections want which keys, per exchange. Sources publish each frame
 * once; the hub hands it to the subscribers. Also where duplicate-seq faults act, since a
 * duplicate is the same frame delivered twice.
 */
import { EXCHANGES, type ExchangeId } from '../core/events.ts';
import { isSequenced } from './sequenced.ts';
import type { FrameSink } from './source.ts';

export interface Subscriber {
  deliver(key: string, text: string): void;
}

enum Reception {
  /** Waits for a snapshot before deltas may be delivered. */
  AwaitingSnapshot,
  Nothing,
  Something,
}

export class Hub implements FrameSink {
  /** key → subscriber → what it has received on the key */
  private readonly subs = new Map<ExchangeId, Map<string, Map<Subscriber, Reception>>>();
  private readonly duplicates = new Map<ExchangeId, number>();

  constructor() {
    for (const ex of EXCHANGES) this.subs.set(ex, new Map());
  }

  wants(exchange: ExchangeId, key: string): boolean {
    return this.subs.get(exchange)!.has(key);
  }

  subscribe(exchange: ExchangeId, key: string, sub: Subscriber, awaitSnapshot = false): void {
    const byKey = this.subs.get(exchange)!;
    let set = byKey.get(key);
    if (!set) byKey.set(key, (set = new Map()));
    set.set(sub, awaitSnapshot ? Reception.AwaitingSnapshot : Reception.Nothing);
  }

  /**
   * Whether every subscriber of the key has received a frame on it: only then does a skipped
   * sequence number show as a gap (a client cannot tell a skip in its first frame).
   */
  seasoned(exchange: ExchangeId, key: string): boolean {
    const set = this.subs.get(exchange)!.get(key);
    if (!set) return false;
    for (const r of set.values()) if (r !== Reception.Something) return false;
    return true;
  }

  unsubscribe(exchange: ExchangeId, key: string, sub: Subscriber): void {
    const byKey = this.subs.get(exchange)!;
    const set = byKey.get(key);
    if (!set) return;
    set.delete(sub);
    if (set.size === 0) byKey.delete(key);
  }

  /** Number of (connection, key) subscriptions on an exchange. */
  count(exchange: ExchangeId): number {
    let n = 0;
    for (const set of this.subs.get(exchange)!.values()) n += set.size;
    return n;
  }

  /** Deliver the next `count` sequenced frames of an exchange twice. */
  armDuplicate(exchange: ExchangeId, count: number): void {
    this.duplicates.set(exchange, (this.duplicates.get(exchange) ?? 0) + count);
  }

  publish(exchange: ExchangeId, key: string, text: string, snapshot = false): void {
    const set = this.subs.get(exchange)!.get(key);
    if (!set) return;
    const pending = this.duplicates.get(exchange);
    const twice = pending !== undefined && pending > 0 && isSequenced(exchange, key);
    if (twice) this.duplicates.set(exchange, pending - 1);
    for (const [sub, got] of set) {
      if (got === Reception.AwaitingSnapshot && !snapshot) continue;
      if (got !== Reception.Something) set.set(sub, Reception.Something);
      sub.deliver(key, text);
      if (twice) sub.deliver(key, text);
    }
  }
}
