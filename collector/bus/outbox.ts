/**
 * The collector's side of the bus: every committed batch is published to JetStream, cut into
 * messages per subject chain (core/bus-message.ts), pipelined, and counted as handed over only
 * when JetStream acknowledges it. The local recording is the edge buffer: whenever publishing
 * fails (bus down, timeout) the outbox forgets its in-memory queue and, once the bus is back,
 * re-reads everything after the last acknowledged seq from the recording, in seq order, then
 * returns to publishing live batches. Events the recording no longer holds (deleted by retention
 * before the bus came back) are published as a gap (cause `error`, stream `bus`).
 */
import { hostname } from 'node:os';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { BUS_PROTOCOL, chainOf, messageIdOf, subjectOfChain, type EventBatchMessage } from '../../core/bus-message.ts';
import { gapEvent, type ExchangeId, type RecordedEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import type { BusConfig } from '../config/schema.ts';
import type { Telemetry } from '../telemetry.ts';
import type { BusLink } from './link.ts';
import type { OutboxPosition, OutboxState } from './outbox-state.ts';

export interface OutboxOptions {
  cfg: BusConfig;
  link: BusLink;
  state: OutboxState;
  /** The recording from `afterSeq` on, in seq order (opened afresh on every call). */
  readAfter: (afterSeq: number) => Iterable<RecordedEvent>;
  /** The writer's last committed seq. */
  lastSeq: () => number;
  /** Exchanges this collector records (whose data a retention loss may have hit). */
  exchanges: readonly ExchangeId[];
  logger: Logger;
  telemetry: Telemetry;
}

/** Live batches held in memory while publishing; beyond, the recording is re-read instead. */
const MAX_QUEUED_EVENTS = 200_000;
/** Messages awaiting JetStream's acknowledgement at once. */
const MAX_IN_FLIGHT = 256;
const CATCH_UP_CHUNK = 5_000;
const PUBLISH_TIMEOUT_MS = 10_000;
const SAVE_EVERY_MS = 250;

/** A run of consecutive seqs (lo, hi] and its events, published as a unit. */
interface Range {
  lo: number;
  hi: number;
  events: RecordedEvent[];
}

interface SentRange {
  hi: number;
  hiTs: number;
  /** Chains advanced by this range: chain → upto. */
  chains: Map<string, number>;
  pending: number;
  failed: boolean;
}

export class BusOutbox {
  readonly source: string;
  private acked: OutboxPosition;
  /** Chain → upto of the last message sent (acknowledged or not). */
  private sent: Map<string, number>;
  private sentThrough: number;
  private mode: 'live' | 'catch-up';
  private queue: RecordedEvent[][] = [];
  private queued = 0;
  private inFlight: SentRange[] = [];
  private messagesInFlight = 0;
  private pumping = false;
  private closed = false;
  private dirty = false;
  private saveTimer: ReturnType<typeof setInterval>;
  private wake: (() => void) | null = null;
  /** The open reader of the recording, and the seq and receipt time of the last event read from it. */
  private catchUp: { iterator: Iterator<RecordedEvent> | null; afterSeq: number; afterTs: number } | null = null;
  /** Publishes of an older generation were abandoned (the bus went away): their answers are ignored. */
  private generation = 0;
  /** Failures are logged once per episode, not once per message. */
  private failing = false;

  constructor(private readonly o: OutboxOptions) {
    this.source = `${o.cfg.source ?? hostname().replace(/[^A-Za-z0-9_-]/g, '-')}.${o.state.dbId}`;
    this.acked = o.state.load();
    this.sent = new Map(this.acked.chains);
    this.sentThrough = this.acked.acked;
    this.mode = this.sentThrough < o.lastSeq() ? 'catch-up' : 'live';
    this.saveTimer = setInterval(() => this.save(), SAVE_EVERY_MS);
    this.saveTimer.unref();
    o.link.onDisconnect(() => this.abandonInFlight());
    void this.pump();
  }

  /** Committed events not yet acknowledged by JetStream. */
  lag(): number {
    return Math.max(0, this.o.lastSeq() - this.acked.acked);
  }

  /** The writer's commit listener. */
  onCommit(batch: readonly RecordedEvent[]): void {
    if (this.closed || batch.length === 0) return;
    if (this.mode === 'live') {
      if (this.queued + batch.length > MAX_QUEUED_EVENTS) this.fallBack('the bus is too slow');
      else {
        this.queue.push([...batch]);
        this.queued += batch.length;
      }
    }
    this.wake?.();
    void this.pump();
  }

  /**
   * Publishes what it can within `graceMs` (the writer's last batch included), then records the
   * acknowledged position. What is left is published by the next start, from the recording.
   */
  async stop(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.o.link.connected() && this.lag() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.closed = true;
    this.wake?.();
    clearInterval(this.saveTimer);
    this.closeCatchUp();
    this.save();
    const left = this.lag();
    if (left)
      this.o.logger.warn(
        { events: left },
        'bus: stopping with events not yet published; the next start publishes them',
      );
  }

  private save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      this.o.state.save(this.acked);
    } catch (err) {
      // Only costs re-sending (de-duplicated downstream) after a restart.
      this.dirty = true;
      this.o.logger.error({ err: (err as Error).message }, 'bus: cannot save the published position');
    }
  }

  /** Publishing failed: forget what is queued and re-read the recording from the acknowledged seq. */
  private fallBack(why: string): void {
    if (this.mode === 'live')
      this.o.logger.warn({ why, acked: this.acked.acked }, 'bus: publishing from the local recording until caught up');
    this.mode = 'catch-up';
    this.queue = [];
    this.queued = 0;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const { js } = await this.o.link.ready;
      while (!this.closed) {
        if (this.inFlight.some((r) => r.failed)) {
          // Wait until every answer is in, then start again from what JetStream acknowledged.
          if (this.messagesInFlight > 0) await this.sleep();
          else this.restartFromAcked();
          continue;
        }
        if (this.messagesInFlight >= MAX_IN_FLIGHT || !this.o.link.connected()) {
          await this.sleep(this.o.link.connected() ? undefined : 500);
          continue;
        }
        const range = this.mode === 'live' ? this.nextLive() : this.nextCatchUp();
        if (!range) {
          if (this.mode === 'catch-up' && this.sentThrough >= this.o.lastSeq()) {
            this.closeCatchUp();
            this.mode = 'live';
            this.o.logger.info({ seq: this.sentThrough }, 'bus: caught up; publishing live');
            continue;
          }
          if (this.mode === 'live') break;
          await this.sleep(200);
          continue;
        }
        this.send(js, range);
      }
    } catch (err) {
      this.o.logger.error({ err: (err as Error).message }, 'bus: publisher stopped');
    } finally {
      this.pumping = false;
    }
  }

  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const t = ms === undefined ? null : setTimeout(done, ms);
      function done() {
        if (t) clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private nextLive(): Range | null {
    const events = this.queue.shift();
    if (!events) return null;
    this.queued -= events.length;
    const lo = this.sentThrough;
    const fresh = events.filter((e) => e.seq > lo);
    if (fresh.length === 0) return this.nextLive();
    return { lo, hi: fresh[fresh.length - 1].seq, events: fresh };
  }

  private closeCatchUp(): void {
    this.catchUp?.iterator?.return?.();
    this.catchUp = null;
  }

  /** The next chunk of the recording after what was sent; null when it holds nothing newer yet. */
  private nextCatchUp(): Range | null {
    const lo = this.sentThrough;
    if (this.catchUp?.afterSeq !== lo) {
      this.closeCatchUp();
      this.catchUp = { iterator: null, afterSeq: lo, afterTs: this.acked.ackedTs };
    }
    const reader = this.catchUp;
    // A reader sees the recording as of its start: a new one is opened for what came since.
    reader.iterator ??= this.o.readAfter(lo)[Symbol.iterator]();
    const events: RecordedEvent[] = [];
    let last = lo;
    let lastTs = reader.afterTs;
    while (events.length < CATCH_UP_CHUNK) {
      const r = reader.iterator.next();
      if (r.done) {
        reader.iterator = null;
        break;
      }
      const e = r.value;
      if (e.seq <= lo) continue;
      if (e.seq > last + 1) events.push(...this.lostGaps(last, lastTs, e));
      events.push(e);
      last = e.seq;
      lastTs = e.local_ts;
    }
    if (events.length === 0) return null;
    reader.afterSeq = last;
    reader.afterTs = lastTs;
    return { lo, hi: last, events };
  }

  /** Seqs (lo, first) are gone from the recording (retention): one gap per exchange, at seq lo + 1. */
  private lostGaps(lo: number, loTs: number, first: RecordedEvent): RecordedEvent[] {
    this.o.logger.error(
      { from: lo + 1, to: first.seq - 1 },
      'bus: events deleted from the local recording before they were published; publishing a gap',
    );
    return this.o.exchanges.map((exchange) => ({
      ...gapEvent({
        exchange,
        stream: 'bus',
        start_ts: Math.min(loTs, first.local_ts),
        end_ts: first.local_ts,
        cause: 'error',
      }),
      seq: lo + 1,
    }));
  }

  /** Cuts a range into messages and publishes them; the range counts once every message is acknowledged. */
  private send(js: Awaited<BusLink['ready']>['js'], range: Range): void {
    const byChain = new Map<string, RecordedEvent[]>();
    for (const e of range.events) {
      const chain = chainOf(e.exchange, e.kind);
      if (e.seq <= (this.sent.get(chain) ?? this.o.state.base)) continue;
      let list = byChain.get(chain);
      if (!list) byChain.set(chain, (list = []));
      list.push(e);
    }
    const last = range.events[range.events.length - 1];
    const sent: SentRange = { hi: range.hi, hiTs: last.local_ts, chains: new Map(), pending: 0, failed: false };
    const messages: EventBatchMessage[] = [];
    for (const [chain, events] of byChain) {
      let prev = this.sent.get(chain) ?? this.o.state.base;
      for (let i = 0; i < events.length; i += this.o.cfg.batchEvents) {
        const part = events.slice(i, i + this.o.cfg.batchEvents);
        const upto = i + this.o.cfg.batchEvents >= events.length ? range.hi : part[part.length - 1].seq;
        messages.push({ v: BUS_PROTOCOL, src: this.source, chain, base: this.o.state.base, prev, upto, events: part });
        prev = upto;
      }
      this.sent.set(chain, range.hi);
      sent.chains.set(chain, range.hi);
    }
    this.sentThrough = range.hi;
    this.inFlight.push(sent);
    for (const m of messages) {
      sent.pending++;
      this.messagesInFlight++;
      const h = natsHeaders();
      h.set('Nats-Msg-Id', messageIdOf(m));
      const generation = this.generation;
      js.publish(subjectOfChain(m.chain), JSON.stringify(m), { headers: h, timeout: PUBLISH_TIMEOUT_MS }).then(
        () => this.answered(sent, generation, null),
        (err) => this.answered(sent, generation, err as Error),
      );
    }
    if (sent.pending === 0) this.settle();
  }

  private answered(range: SentRange, generation: number, err: Error | null): void {
    if (generation !== this.generation) return;
    this.messagesInFlight--;
    range.pending--;
    if (err) {
      if (!this.failing) this.o.logger.warn({ err: err.message }, 'bus: publish failed');
      this.failing = true;
      range.failed = true;
      this.o.telemetry.busMessages.inc({ outcome: 'failed' });
    } else {
      this.o.telemetry.busMessages.inc({ outcome: 'published' });
    }
    this.settle();
    this.wake?.();
    void this.pump();
  }

  /** Ranges acknowledged in full, oldest first, move the acknowledged position. */
  private settle(): void {
    while (this.inFlight.length && this.inFlight[0].pending === 0 && !this.inFlight[0].failed) {
      const r = this.inFlight.shift()!;
      this.failing = false;
      this.acked.acked = r.hi;
      this.acked.ackedTs = r.hiTs;
      for (const [chain, upto] of r.chains) this.acked.chains.set(chain, upto);
      this.dirty = true;
    }
  }

  /**
   * The bus went away: publishes in flight will at best time out. Rather than wait for that, they
   * are abandoned (JetStream may still have stored some: re-sent, they are de-duplicated) and
   * publishing starts again from the acknowledged position once the bus is back.
   */
  private abandonInFlight(): void {
    if (this.inFlight.length === 0) return;
    this.generation++;
    this.messagesInFlight = 0;
    this.restartFromAcked();
    this.wake?.();
  }

  private restartFromAcked(): void {
    this.inFlight = [];
    this.sent = new Map(this.acked.chains);
    this.sentThrough = this.acked.acked;
    this.closeCatchUp();
    this.fallBack('a publish failed');
  }
}
