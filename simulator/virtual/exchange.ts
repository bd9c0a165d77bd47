/**
 * The synthetic exchange in virtual time: the simulator's market, channels and REST data, with
 * the client's connections and polls attached in-process, run forward as fast as the caller
 * consumes what a collector would have received. Everything comes out as capture lines (connect,
 * recv, http, gap; docs/developer_guide.md, Raw archive and import) in receipt-time order, so the
 * collector's import path turns them into rows exactly as it does a recorded session.
 *
 * No timer and no wall clock: time moves only in `runUntil`, one scheduler tick at a time, so
 * the same options give the same lines. Outages cut one exchange's websocket connections for a
 * while, as a network drop would: the client sees a disconnect (a `gap` line from its last
 * frame), then reconnects and subscribes again (fresh snapshots).
 */
import type { ExchangeId } from '../../core/events.ts';
import { Hub } from '../hub.ts';
import { restAnswer } from '../rest-answer.ts';
import { createSyntheticSource, type SyntheticSource } from '../synthetic/source.ts';
import { VirtualConnection, type VirtualConnectionSpec } from './connection.ts';

/** What a collector receives, in the capture format's terms; times are epoch ms. */
export type WireLine =
  | { t: 'connect'; conn: string; ts: number; addr: string }
  | { t: 'recv'; conn: string; ts: number; data: string }
  | { t: 'http'; conn: string; ts: number; url: string; data: string }
  | { t: 'gap'; conn: string; ts: number; start: number; cause: 'disconnect' };

export interface VirtualPoll {
  exchange: ExchangeId;
  url: string;
  intervalMs: number;
}

export interface Outage {
  exchange: ExchangeId;
  /** When the connections drop, epoch ms. */
  at: number;
  /** How long until they are back. */
  ms: number;
}

export interface VirtualExchangeOptions {
  seed: number;
  /** Base assets as `simulate --markets` takes them (BTC, DOGE=0.15). */
  markets: readonly string[];
  /** The synthetic source's frames per second across everything (its --rate). */
  eventsPerSecond: number;
  /** Virtual start time, epoch ms. */
  start: number;
  outages?: readonly Outage[];
  /** Scheduler tick, ms (default 20, as the live source). */
  tickMs?: number;
}

/** A family of polls spreads its first round over at most this long, as the collector's poller does. */
const POLL_SPREAD_MS = 5000;

interface Scheduled {
  poll: VirtualPoll;
  nextAt: number;
}

export class VirtualExchange {
  private readonly source: SyntheticSource;
  private readonly hub = new Hub();
  private readonly connections: VirtualConnection[] = [];
  private readonly polls: Scheduled[] = [];
  private readonly outages: Outage[];
  /** Exchanges cut off, and when each comes back. */
  private readonly down = new Map<ExchangeId, number>();
  private readonly tickMs: number;
  private t: number;

  constructor(
    opts: VirtualExchangeOptions,
    private readonly out: (line: WireLine) => void,
  ) {
    this.t = opts.start;
    this.tickMs = opts.tickMs ?? 20;
    this.outages = [...(opts.outages ?? [])].sort((a, b) => a.at - b.at);
    this.source = createSyntheticSource({
      seed: opts.seed,
      markets: opts.markets,
      eventsPerSecond: opts.eventsPerSecond,
      clock: () => this.t,
      manual: true,
      fitTimed: true,
    });
    this.source.start(this.hub);
  }

  /** Virtual time now, epoch ms. */
  get now(): number {
    return this.t;
  }

  /** The body the exchange answers to a GET of `url` now (instrument lists before connecting); throws on an error answer. */
  get(url: string): string {
    const a = restAnswer(this.source.rest, new URL(url), this.t);
    if (!a?.ok)
      throw new Error(
        `the virtual exchange cannot answer GET ${url} (${a ? `HTTP ${a.status}: ${a.body}` : 'no such endpoint'})`,
      );
    return a.body;
  }

  /** Opens the client's connections and starts its polls now (polls of one exchange spread out, first at once). */
  attach(connections: readonly VirtualConnectionSpec[], polls: readonly VirtualPoll[]): void {
    const receive = (conn: string, ts: number, data: string) => this.out({ t: 'recv', conn, ts, data });
    // A frame's receipt time is the model's time as the frame was built (within the current tick).
    const frameTime = () => this.source.market.model.now;
    for (const spec of connections) {
      const c = new VirtualConnection(spec, this.hub, this.source, frameTime, receive);
      this.connections.push(c);
      this.open(c);
    }
    const byExchange = new Map<ExchangeId, VirtualPoll[]>();
    for (const p of polls) byExchange.set(p.exchange, [...(byExchange.get(p.exchange) ?? []), p]);
    for (const list of byExchange.values()) {
      const spread = Math.min(POLL_SPREAD_MS, ...list.map((p) => p.intervalMs));
      list.forEach((poll, i) => this.polls.push({ poll, nextAt: this.t + Math.round((i * spread) / list.length) }));
    }
    this.runPolls();
  }

  /** Runs virtual time forward to `until`, one tick at a time, handing out every line on the way. */
  runUntil(until: number): void {
    for (let t = this.t + this.tickMs; t <= until; t += this.tickMs) {
      this.source.tickAt(t);
      this.t = t;
      this.runPolls();
      this.runOutages();
    }
  }

  private open(c: VirtualConnection): void {
    this.out({ t: 'connect', conn: c.spec.id, ts: this.t, addr: c.spec.url });
    c.connect(this.t);
  }

  private runPolls(): void {
    for (const s of this.polls) {
      if (s.nextAt > this.t) continue;
      s.nextAt += s.poll.intervalMs;
      const conn = `${s.poll.exchange}/rest`;
      this.out({ t: 'http', conn, ts: this.t, url: s.poll.url, data: this.get(s.poll.url) });
    }
  }

  private runOutages(): void {
    for (const [exchange, back] of this.down) {
      if (back > this.t) continue;
      this.down.delete(exchange);
      for (const c of this.connections) if (c.exchange === exchange) this.open(c);
    }
    while (this.outages.length && this.outages[0].at <= this.t) {
      const o = this.outages.shift()!;
      if (this.down.has(o.exchange)) continue;
      this.down.set(o.exchange, this.t + o.ms);
      for (const c of this.connections) {
        if (c.exchange !== o.exchange) continue;
        c.disconnect();
        this.out({ t: 'gap', conn: c.spec.id, ts: this.t, start: c.lastDataAt ?? this.t, cause: 'disconnect' });
      }
    }
  }
}
