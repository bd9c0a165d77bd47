/**
 * The collector's outbox against a real `nats-server -js`: a collector-like setup (the real
 * recording pipeline on a SQLite file, startCollectorBus) publishes committed batches; a JetStream
 * consumer reads the stream back. The bus goes down at start, in the middle of publishing and
 * across a collector restart; whatever happens, the messages, fed through the store's BusIngest
 * into a second database, give back every event of the local recording exactly once.
 */
import { openStoreIntake } from './store-intake.ts';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chainOf,
  decodeEventBatch,
  isInstrumentsSubject,
  messageIdOf,
  subjectOfChain,
  type EventBatchMessage,
} from '../../core/bus-message.ts';
import type { MarketEvent, RecordedEvent } from '../../core/events.ts';
import { COMPACT_TABLES } from '../../core/compact-tables.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { fileRecording } from '../../replay/adapters/recordings-dir.ts';
import { recordingEvents } from '../../replay/player/parts.ts';
import { logWaiter } from '../../test/helpers/log-waiter.ts';
import { needsNatsServer, startNatsServer, type NatsServer } from '../../test/helpers/nats-server.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { until } from '../../test/helpers/until.ts';
import { busDefaults, defaultConfig } from '../config.ts';
import { openRecorder, type Recorder } from '../recorder.ts';
import { createTelemetry } from '../telemetry.ts';
import { startCollectorBus, type CollectorBus } from './collect-to-bus.ts';
import { openOutboxState } from './outbox-state.ts';

const T0 = 1_700_000_000_000;
const STREAM = busDefaults().stream.name;

/** Four chains over two exchanges, in turn; prices that a float would not keep. */
function marketEvent(n: number): MarketEvent {
  const base = { symbol: 'BTCUSDT', market: 'BTC/USDT:USDT', ts: T0 + n, local_ts: T0 + n + 2 };
  switch (n % 4) {
    case 0:
      return {
        ...base,
        kind: 'trade',
        exchange: 'bybit-linear',
        id: `b${n}`,
        price: `6511${n}.30`,
        qty: '0.0040',
        side: 'buy',
      };
    case 1:
      return {
        ...base,
        kind: 'book_ticker',
        exchange: 'bybit-linear',
        bid_price: `6511${n}.20`,
        bid_qty: '5.954',
        ask_price: `6511${n}.30`,
        ask_qty: '10.470',
      };
    case 2:
      return {
        ...base,
        symbol: 'BTC-USDT-SWAP',
        kind: 'trade',
        exchange: 'okx-swap',
        id: `o${n}`,
        price: '0.000012345678901234567',
        qty: `${n}.10`,
        side: 'sell',
      };
    default:
      return {
        ...base,
        symbol: 'BTC-USDT-SWAP',
        kind: 'open_interest',
        exchange: 'okx-swap',
        open_interest: `1${n}.5`,
        value: null,
      };
  }
}

/** An event in any recording: without the seq its database gave it, keys sorted. */
const canonical = ({ seq: _seq, ...rest }: RecordedEvent) => JSON.stringify(rest, Object.keys(rest).sort());

interface CollectorRig {
  path: string;
  rec: Recorder;
  bus: CollectorBus;
  /** Records `n` more events in one committed batch. */
  record(n: number): void;
  /** A collector restart: the bus side stopped (publishing what it can within graceMs) and started anew. */
  restartBus(graceMs: number): Promise<void>;
  /** Every event of the local recording after `afterSeq`, in seq order. */
  recorded(afterSeq?: number): RecordedEvent[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface CollectorOptions {
  logger?: Logger;
  batchEvents?: number;
  /** Events recorded before the collector ever published (they stay local: the base). */
  before?: number;
}

function openCollector(dir: string, url: string, opts: CollectorOptions = {}): CollectorRig {
  const { logger = silentLogger, batchEvents = 100, before = 0 } = opts;
  const config = defaultConfig();
  config.db = join(dir, 'collector.db');
  config.writer.flushMs = 600_000;
  config.writer.flushRows = 1_000_000;
  config.exchanges['binance-usdm'].enabled = false;
  const bus = { ...busDefaults(), url, source: 'c1', batchEvents };
  const telemetry = createTelemetry();
  const rec = openRecorder({ config, logger, telemetry, now: Date.now });
  const start = () =>
    startCollectorBus({ config, bus, db: rec.db, writer: rec.writer, telemetry, logger, now: Date.now });
  let n = 0;
  for (; n < before; n++) rec.writer.push(marketEvent(n), 'ws');
  rec.writer.flush();
  let closed = false;
  const rig: CollectorRig = {
    path: config.db,
    rec,
    bus: start(),
    record(count) {
      for (let i = 0; i < count; i++) rec.writer.push(marketEvent(n++), 'ws');
      rec.writer.flush();
    },
    async restartBus(graceMs) {
      await rig.bus.stop(graceMs);
      rig.bus = start();
    },
    recorded: (afterSeq = 0) => [...recordingEvents(fileRecording(config.db), { afterSeq })],
    async close() {
      if (closed) return;
      closed = true;
      await rig.bus.stop(0);
      await rec.stop();
      rec.db.close();
      telemetry.stop();
    },
  };
  cleanups.push(() => rig.close());
  return rig;
}

interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  streamSeq: number;
  msg: EventBatchMessage;
  /** The raw text, for a BusIngest that decodes each delivery afresh. */
  text: string;
}

/** The event stream as it is now, read by an ordered JetStream consumer from the first message. */
async function readStream(url: string): Promise<StreamMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const info = await (await jetstreamManager(nc)).streams.info(STREAM);
    const out: StreamMessage[] = [];
    if (info.state.messages === 0) return out;
    const consumer = await jetstream(nc).consumers.get(STREAM);
    const messages = await consumer.consume();
    for await (const m of messages) {
      const done = m.seq >= info.state.last_seq;
      // Markets (fb.<exchange>.instruments) share the stream; only event batches are read here.
      if (isInstrumentsSubject(m.subject)) {
        if (done) break;
        continue;
      }
      const text = m.string();
      out.push({
        subject: m.subject,
        msgId: m.headers?.get('Nats-Msg-Id'),
        streamSeq: m.seq,
        msg: decodeEventBatch(text),
        text,
      });
      if (done) break;
    }
    await messages.close();
    return out;
  } finally {
    await nc.close();
  }
}

/** The messages of each chain, in stream order. */
function byChain(messages: StreamMessage[]): Map<string, StreamMessage[]> {
  const chains = new Map<string, StreamMessage[]>();
  for (const m of messages) {
    let list = chains.get(m.msg.chain);
    if (!list) chains.set(m.msg.chain, (list = []));
    list.push(m);
  }
  return chains;
}

/**
 * Checks what a store relies on, for a stream published without failures: per chain, messages
 * chained prev → upto from the base, each event once and in seq order, subject and message id right.
 */
function expectCleanChains(messages: StreamMessage[], base: number): RecordedEvent[] {
  const published: RecordedEvent[] = [];
  for (const [chain, list] of byChain(messages)) {
    let upto = base;
    let lastSeq = base;
    for (const { subject, msgId, msg } of list) {
      expect(subject).toBe(subjectOfChain(chain));
      expect(msgId).toBe(messageIdOf(msg));
      expect(msg.base).toBe(base);
      expect(msg.prev).toBe(upto);
      expect(msg.events.length).toBeGreaterThan(0);
      for (const e of msg.events) {
        expect(chainOf(e.exchange, e.kind)).toBe(chain);
        expect(e.seq).toBeGreaterThan(lastSeq);
        lastSeq = e.seq;
      }
      upto = msg.upto;
      published.push(...msg.events);
    }
  }
  return published.sort((a, b) => a.seq - b.seq);
}

/** The store side: stream messages through BusIngest into a database of its own. */
async function ingestAll(dir: string, messages: StreamMessage[]): Promise<{ events: RecordedEvent[]; held: number }> {
  const config = defaultConfig();
  config.db = join(dir, `store-${Math.random().toString(16).slice(2)}.db`);
  config.writer.flushMs = 600_000;
  config.writer.flushRows = 1_000_000;
  const telemetry = createTelemetry();
  const { recorder: rec, ingest } = openStoreIntake({
    config,
    logger: silentLogger,
    telemetry,
    now: Date.now,
    holdMs: 5 * 60_000,
    restartFrom: null,
  });
  let acked = 0;
  for (const m of messages) ingest.receive({ msg: decodeEventBatch(m.text), ack: () => acked++ });
  rec.writer.flush();
  const held = ingest.heldCount;
  expect(acked + held).toBe(messages.length);
  await rec.stop();
  rec.db.close();
  telemetry.stop();
  return { events: [...recordingEvents(fileRecording(config.db))], held };
}

/** Each of `expected` once in `actual`, nothing else (multisets of events without their seq). */
function expectSameEvents(actual: RecordedEvent[], expected: RecordedEvent[]): void {
  const count = (list: RecordedEvent[]) => {
    const m = new Map<string, number>();
    for (const e of list) m.set(canonical(e), (m.get(canonical(e)) ?? 0) + 1);
    return m;
  };
  expect(actual.length).toBe(expected.length);
  expect(count(actual)).toEqual(count(expected));
}

/** Per chain, the store recorded the collector's events in the collector's order. */
function expectChainOrder(stored: RecordedEvent[], collected: RecordedEvent[]): void {
  const order = (list: RecordedEvent[]) => {
    const m = new Map<string, string[]>();
    for (const e of list) {
      const chain = chainOf(e.exchange, e.kind);
      if (!m.has(chain)) m.set(chain, []);
      m.get(chain)!.push(canonical(e));
    }
    return m;
  };
  expect(order(stored)).toEqual(order(collected));
}

async function natsIn(dir: string): Promise<NatsServer> {
  const nats = await startNatsServer(join(dir, 'js'));
  cleanups.push(() => nats.stop());
  return nats;
}

describe.skipIf(needsNatsServer('the outbox tests'))('BusOutbox on a real nats-server', () => {
  it('publishes committed batches: per chain chained from the base, each event once, with a message id', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    const c = openCollector(dir, nats.url, { before: 25 });
    const base = openOutboxState(c.rec.db, 0, Date.now).base;
    expect(base).toBe(25);

    for (let i = 0; i < 6; i++) c.record(i === 3 ? 1500 : 250);
    await until(() => c.bus.outbox.lag() === 0, 'the outbox to publish everything');
    const messages = await readStream(nats.url);
    expect(new Set(messages.map((m) => m.msg.src))).toEqual(new Set([c.bus.outbox.source]));
    expect(c.bus.outbox.source).toMatch(/^c1\.[0-9a-f]{8}$/);
    // The 1500-event batch is cut at batchEvents per chain.
    expect(Math.max(...messages.map((m) => m.msg.events.length))).toBe(100);
    const published = expectCleanChains(messages, base);
    expect(published).toEqual(c.recorded(base));
    expect(c.bus.health()).toMatchObject({ connected: true, lag: 0, lagUnit: 'events', stream: STREAM });
  });

  it('records locally while the bus is down at start, then publishes the backlog in order from the recording', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    await nats.stop();
    const log = logWaiter();
    const c = openCollector(dir, nats.url, { logger: log.logger });
    c.record(400);
    expect(c.bus.link.connected()).toBe(false);
    expect(c.bus.outbox.lag()).toBe(400);
    expect(c.bus.health()).toMatchObject({ connected: false, lag: 400, url: nats.url });
    // The collector restarts during the outage: what it had queued is on disk only.
    await c.restartBus(0);
    c.record(600);
    expect(c.bus.outbox.lag()).toBe(1000);

    const caughtUp = log.next('bus: caught up; publishing live');
    await nats.start();
    await caughtUp;
    await until(() => c.bus.outbox.lag() === 0, 'the backlog to be published');
    c.record(50);
    await until(() => c.bus.outbox.lag() === 0, 'the live batch to be published');
    const messages = await readStream(nats.url);
    expect(expectCleanChains(messages, 0)).toEqual(c.recorded());
    expect(c.bus.health()).toMatchObject({ connected: true, lag: 0 });
  });

  it('loses nothing when nats-server stops in the middle of publishing and comes back', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    const log = logWaiter();
    const c = openCollector(dir, nats.url, { logger: log.logger, batchEvents: 50 });
    await c.bus.link.ready;
    // Many committed batches: the acknowledged position moves batch by batch.
    for (let i = 0; i < 400; i++) c.record(100);
    const fellBack = log.next('bus: publishing from the local recording until caught up');
    await until(() => c.bus.outbox.lag() < 40_000, 'the first batches to be acknowledged', 60_000, 1);
    // Stopped while messages are in flight (their answers never come) and batches keep being committed.
    await nats.stop();
    c.record(500);
    await until(() => !c.bus.link.connected(), 'the link to notice the outage');
    c.record(500);
    expect(c.bus.outbox.lag()).toBeGreaterThan(0);
    expect(c.bus.health().connected).toBe(false);
    await nats.start();
    c.record(500);
    await until(() => c.bus.link.connected(), 'the link to reconnect');
    c.record(500);
    // The publishes lost with the server failed; the outbox re-read the recording from the acknowledged seq.
    await fellBack;
    await until(() => c.bus.outbox.lag() === 0, 'the backlog to be published');

    const messages = await readStream(nats.url);
    const collected = c.recorded();
    expect(collected).toHaveLength(42_000);
    const store = await ingestAll(dir, messages);
    expect(store.held).toBe(0);
    expectSameEvents(store.events, collected);
    expectChainOrder(store.events, collected);
    expect(store.events.filter((e) => e.kind === 'gap')).toEqual([]);
  });

  it('a clean restart resumes from the saved position without re-publishing', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    const c = openCollector(dir, nats.url);
    // stop(graceMs) waits for the bus only while connected: connect first.
    await c.bus.link.ready;
    c.record(700);
    await c.restartBus(30_000);
    const first = await readStream(nats.url);
    expect(expectCleanChains(first, 0)).toEqual(c.recorded());
    // The position was saved at the stop: the new outbox has nothing to publish.
    expect(c.bus.outbox.lag()).toBe(0);

    c.record(300);
    await until(() => c.bus.outbox.lag() === 0, 'the new events to be published');
    const all = await readStream(nats.url);
    // One chain across the restart, from the same source, each event once.
    expect(new Set(all.map((m) => m.msg.src)).size).toBe(1);
    expect(expectCleanChains(all, 0)).toEqual(c.recorded());
    for (const m of all.slice(first.length)) expect(m.msg.events.every((e) => e.seq > 700)).toBe(true);
  });

  it('after a crash that lost the last saved positions, re-sends the unsaved tail and a store records it once', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    const c = openCollector(dir, nats.url, { batchEvents: 70 });
    c.record(900);
    await until(() => c.bus.outbox.lag() === 0, 'the first events to be published');
    const state = openOutboxState(c.rec.db, 0, Date.now);
    // The position as a kill -9 would leave it: the last periodic save.
    const saved = await until(() => {
      const p = state.load();
      return p.acked === 900 && p;
    }, 'the position to be saved');
    for (let i = 0; i < 4; i++) c.record(800);
    await until(() => c.bus.outbox.lag() === 0, 'the rest to be published');
    await c.bus.stop(0);
    c.rec.db.exec('DELETE FROM bus_outbox');
    state.save(saved);

    await c.restartBus(0);
    expect(c.bus.outbox.lag()).toBe(3200);
    await until(() => c.bus.outbox.lag() === 0, 'the unsaved tail to be re-sent');
    const messages = await readStream(nats.url);
    const collected = c.recorded();
    // JetStream keeps a re-sent message cut in other ranges: events after 900 may be there twice.
    const copies = messages.reduce((n, m) => n + m.msg.events.length, 0);
    expect(copies).toBeGreaterThanOrEqual(collected.length);
    const store = await ingestAll(dir, messages);
    expect(store.held).toBe(0);
    expectSameEvents(store.events, collected);
    expectChainOrder(store.events, collected);
  });

  it('a collector stopped while its bus link is connecting stops at once and leaves no connection open', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    const c = openCollector(dir, nats.url);
    c.record(100);
    // Stops at moments before, during and after connecting (and creating the streams).
    for (let delay = 0; delay <= 60; delay += 4) {
      await c.restartBus(0);
      await new Promise((r) => setTimeout(r, delay));
      const link = c.bus.link;
      await c.bus.stop(0);
      const left = await link.ready.then(
        (conn) => (conn.nc.isClosed() ? null : 'open'),
        () => null,
      );
      expect(left, `stopped ${delay} ms after start`).toBeNull();
      expect(link.connected()).toBe(false);
    }
  });

  it('publishes a gap (cause error, stream bus) for events deleted from the recording before they were published', async () => {
    const dir = tempDir('fb-outbox-');
    const nats = await natsIn(dir);
    await nats.stop();
    const c = openCollector(dir, nats.url);
    const since = openOutboxState(c.rec.db, 0, Date.now).load().ackedTs;
    c.record(300);
    await c.restartBus(0);
    // Retention deleted the oldest 100 while the bus was down.
    for (const t of COMPACT_TABLES) c.rec.db.prepare(`DELETE FROM ${t.table} WHERE seq <= 100`).run();
    const kept = c.recorded();
    expect(kept[0].seq).toBe(101);

    await nats.start();
    await until(() => c.bus.outbox.lag() === 0, 'the backlog to be published');
    const messages = await readStream(nats.url);
    const gaps = messages.filter((m) => m.msg.chain.endsWith('.gap'));
    expect(gaps.map((m) => m.subject).sort()).toEqual(['fb.bybit-linear.gap', 'fb.okx-swap.gap']);
    for (const { msg } of gaps) {
      expect(msg.events).toEqual([
        {
          kind: 'gap',
          seq: 1,
          exchange: msg.chain.split('.')[0],
          symbol: '',
          market: '',
          ts: kept[0].local_ts,
          local_ts: kept[0].local_ts,
          stream: 'bus',
          // From the last event handed over (here: when publishing began), never after the gap's end.
          start_ts: Math.min(since, kept[0].local_ts),
          end_ts: kept[0].local_ts,
          seq_before: null,
          seq_after: null,
          cause: 'error',
        },
      ]);
    }
    const events = messages
      .filter((m) => !m.msg.chain.endsWith('.gap'))
      .flatMap((m) => m.msg.events)
      .sort((a, b) => a.seq - b.seq);
    expect(events).toEqual(kept);
    // A store records the gap, then the rest.
    const store = await ingestAll(dir, messages);
    expect(store.events.filter((e) => e.kind === 'gap')).toHaveLength(2);
    expectSameEvents(
      store.events.filter((e) => e.kind !== 'gap'),
      kept,
    );
  });
});
