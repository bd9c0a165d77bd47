/**
 * The store's intake: bus messages become events for the single writer, each event recorded
 * exactly once. Per (source, chain) a message is
 *   - a duplicate where its events are at or below the last collector seq recorded (skipped),
 *   - early when its `prev` is beyond what the chain has covered: an earlier message is still to
 *     come (a collector re-sent after a failed publish), so it is held, unacknowledged, until then,
 *   - recorded otherwise; it is acknowledged once the transaction holding its last event commits.
 * A message held longer than `holdMs` means the ones before it are gone (dropped by the stream's
 * limits while the store was down, or never re-sent): the hole is recorded as a gap and the chain
 * moves on, rather than stopping for good.
 * The store's own seq is the writer's: consumption order.
 */
import type { EventBatchMessage } from '../../core/bus-message.ts';
import { gapEvent, type ExchangeId, type RecordedEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import type { EventWriter } from '../store/writer.ts';
import type { Telemetry } from '../telemetry.ts';
import { positionKey, type BusPositions, type ChainPosition } from './positions.ts';

export interface Delivery {
  msg: EventBatchMessage;
  /** Tells JetStream the message is done with (after its events committed). */
  ack(): void;
}

interface Origin {
  source: string;
  chain: string;
  /** The collector's seq (the writer replaces `seq` with the store's). */
  seq: number;
  /** What the chain covers once this event is committed. */
  covered: number;
  /** Set on a message's last event. */
  delivery: Delivery | null;
}

export interface BusIngestOptions {
  writer: EventWriter;
  positions: BusPositions;
  logger: Logger;
  telemetry: Telemetry;
  /**
   * Receipt time of the database's last event when the store restarts on one (null when empty):
   * a `restart` gap then goes first, so metrics recomputed later restart where the live engine did.
   */
  restartFrom: number | null;
  /** How long a message waits for earlier ones before the hole is recorded as a gap. */
  holdMs: number;
  now: () => number;
}

export class BusIngest {
  private readonly chains: Map<string, ChainPosition>;
  private readonly origins = new WeakMap<object, Origin>();
  /** Early messages per chain key, waiting for the ones before them. */
  private readonly held = new Map<string, (Delivery & { since: number })[]>();
  private restartFrom: number | null;
  /** Receipt time of the last event recorded per chain key (where a hole's gap starts). */
  private readonly lastTs = new Map<string, number>();

  constructor(private readonly o: BusIngestOptions) {
    this.chains = o.positions.load();
    this.restartFrom = o.restartFrom;
  }

  /** Messages held back waiting for earlier ones. */
  get heldCount(): number {
    let n = 0;
    for (const list of this.held.values()) n += list.length;
    return n;
  }

  receive(d: Delivery): void {
    const { msg } = d;
    const key = positionKey(msg.src, msg.chain);
    const pos = this.chains.get(key);
    if (pos ? msg.prev > pos.covered : msg.prev > msg.base) return this.hold(key, d);
    this.record(key, d);
    this.release(key);
  }

  /** The writer's in-transaction hook: positions move with the events that moved them. */
  inTransaction(batch: readonly RecordedEvent[]): void {
    const moved = new Map<string, { source: string; chain: string; p: ChainPosition }>();
    for (const e of batch) {
      const o = this.origins.get(e);
      if (!o) continue;
      const key = positionKey(o.source, o.chain);
      const m = moved.get(key);
      if (m) {
        m.p.lastSeq = Math.max(m.p.lastSeq, o.seq);
        m.p.covered = Math.max(m.p.covered, o.covered);
      } else moved.set(key, { source: o.source, chain: o.chain, p: { lastSeq: o.seq, covered: o.covered } });
    }
    for (const { source, chain, p } of moved.values()) this.o.positions.advance(source, chain, p);
  }

  /** The writer's commit listener: messages whose last event is on disk are acknowledged. */
  onCommit(batch: readonly RecordedEvent[]): void {
    for (const e of batch) {
      const d = this.origins.get(e)?.delivery;
      if (d) {
        d.ack();
        this.o.telemetry.busMessages.inc({ outcome: 'consumed' });
      }
    }
  }

  private record(key: string, d: Delivery): void {
    const { msg } = d;
    const pos = this.chains.get(key) ?? { lastSeq: msg.prev, covered: msg.prev };
    this.chains.set(key, pos);
    const fresh = msg.events.filter((e) => e.seq > pos.lastSeq);
    const coveredBefore = pos.covered;
    pos.covered = Math.max(pos.covered, msg.upto);
    if (fresh.length === 0) {
      // Nothing new to write; a wider cover still has to be on disk before the ack lets it go. Only
      // the cover: pos.lastSeq may be events still queued, which a crash would lose (advance keeps the max).
      if (pos.covered > coveredBefore)
        this.o.positions.advance(msg.src, msg.chain, { lastSeq: 0, covered: pos.covered });
      this.o.telemetry.busMessages.inc({ outcome: 'duplicate' });
      d.ack();
      return;
    }
    pos.lastSeq = fresh[fresh.length - 1].seq;
    this.lastTs.set(key, fresh[fresh.length - 1].local_ts);
    const { writer } = this.o;
    if (this.restartFrom !== null) {
      const first = fresh[0];
      const t = Math.max(this.restartFrom, 0);
      writer.push(
        gapEvent({
          exchange: first.exchange,
          stream: 'store',
          start_ts: Math.min(t, first.local_ts),
          end_ts: first.local_ts,
          cause: 'restart',
        }),
        'store',
      );
      this.restartFrom = null;
    }
    fresh.forEach((e, i) => {
      const last = i === fresh.length - 1;
      this.origins.set(e, {
        source: msg.src,
        chain: msg.chain,
        seq: e.seq,
        covered: last ? msg.upto : e.seq,
        delivery: last ? d : null,
      });
      writer.push(e, msg.src);
    });
  }

  private hold(key: string, d: Delivery): void {
    let list = this.held.get(key);
    if (!list) this.held.set(key, (list = []));
    // JetStream re-delivers an unacknowledged message after its ack wait: keep one copy.
    if (list.some((h) => h.msg.prev === d.msg.prev && h.msg.upto === d.msg.upto)) return;
    list.push({ ...d, since: this.o.now() });
    this.o.telemetry.busMessages.inc({ outcome: 'held' });
    this.o.logger.warn(
      { source: d.msg.src, chain: d.msg.chain, prev: d.msg.prev, covered: this.chains.get(key)?.covered ?? null },
      'bus: message ahead of its chain held until the ones before it arrive',
    );
  }

  /** Gives up on holes older than `holdMs`: a gap, then the held message that waited longest. */
  expireHeld(): void {
    const now = this.o.now();
    for (const [key, list] of this.held) {
      const oldest = list.reduce((a, b) => (b.since < a.since ? b : a));
      if (now - oldest.since < this.o.holdMs) continue;
      const next = list.reduce((a, b) => (b.msg.prev < a.msg.prev ? b : a));
      const { msg } = next;
      const pos = this.chains.get(key) ?? { lastSeq: msg.base, covered: msg.base };
      this.o.logger.error(
        { source: msg.src, chain: msg.chain, from: pos.covered, to: msg.prev },
        'bus: events of a chain never arrived; recording a gap and moving on',
      );
      const first = msg.events[0];
      const end = first?.local_ts ?? now;
      this.o.writer.push(
        gapEvent({
          exchange: first?.exchange ?? (msg.chain.split('.')[0] as ExchangeId),
          stream: 'bus',
          start_ts: Math.min(this.lastTs.get(key) ?? end, end),
          end_ts: end,
          cause: 'error',
        }),
        msg.src,
      );
      pos.covered = msg.prev;
      this.chains.set(key, pos);
      this.release(key);
    }
  }

  /** Records held messages the chain has now reached. */
  private release(key: string): void {
    const list = this.held.get(key);
    while (list?.length) {
      const pos = this.chains.get(key)!;
      const i = list.findIndex((h) => h.msg.prev <= pos.covered);
      if (i < 0) return;
      const [d] = list.splice(i, 1);
      this.record(key, d);
    }
    this.held.delete(key);
  }
}
