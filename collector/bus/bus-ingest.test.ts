/**
 * BusIngest over the real recording pipeline (openRecorder: EventWriter, live metrics, SQLite
 * file): what the store records from bus messages, and when it acknowledges them. Messages are
 * built as a collector cuts them (every event of a chain with collector seq in (prev, upto]) and
 * decoded from JSON for each delivery, as the consumer does. The writer flushes only when the test
 * says so (writer.flush()), so "before" and "after" commit are exact.
 */
import { openStoreIntake } from './store-intake.ts';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { chainOf, decodeEventBatch, type EventBatchMessage } from '../../core/bus-message.ts';
import type { ExchangeId, RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { fileRecording } from '../../replay/adapters/recordings-dir.ts';
import { recordingEvents } from '../../replay/player/parts.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { defaultConfig } from '../config.ts';
import type { Recorder } from '../recorder.ts';
import { createTelemetry } from '../telemetry.ts';
import type { BusIngest } from './bus-ingest.ts';

const dir = tempDir();
const SRC = 'tokyo-1.0a1b2c3d';
const T0 = 1_700_000_000_000;
const HOLD_MS = 5 * 60_000;

/** The collector's recording: seq 1..90 over three chains, prices that a float would not keep. */
const collector: RecordedEvent[] = Array.from({ length: 90 }, (_, i) => {
  const seq = i + 1;
  const base = { seq, symbol: 'BTCUSDT', market: 'BTC/USDT:USDT', ts: T0 + seq * 10, local_ts: T0 + seq * 10 + 3 };
  if (seq % 3 === 0)
    return {
      ...base,
      kind: 'book_ticker',
      exchange: 'bybit-linear',
      bid_price: `65114.${seq}0`,
      bid_qty: '5.954',
      ask_price: `65114.${seq}1`,
      ask_qty: '10.470',
    };
  return {
    ...base,
    kind: 'trade',
    exchange: seq % 3 === 1 ? 'bybit-linear' : 'okx-swap',
    id: `t${seq}`,
    price: seq === 1 ? '0.000012345678901234567' : `65114.${seq}`,
    qty: '0.0040',
    side: seq % 2 ? 'buy' : 'sell',
  };
});
const TRADES = chainOf('bybit-linear', 'trade');
const TICKERS = chainOf('bybit-linear', 'book_ticker');
const OKX = chainOf('okx-swap', 'trade');

const inChain = (chain: string, prev: number, upto: number) =>
  collector.filter((e) => chainOf(e.exchange, e.kind) === chain && e.seq > prev && e.seq <= upto);

/** A message as a collector cuts it, decoded afresh (a delivery never shares objects with another). */
function message(chain: string, prev: number, upto: number, base = 0): EventBatchMessage {
  const events = inChain(chain, prev, upto);
  return decodeEventBatch(JSON.stringify({ v: 1, src: SRC, chain, base, prev, upto, events }));
}

const withoutSeq = ({ seq: _seq, ...rest }: RecordedEvent) => rest;

/** The store's recording, in store seq order. */
function stored(path: string): RecordedEvent[] {
  return [...recordingEvents(fileRecording(path))];
}

interface StoreRig {
  path: string;
  rec: Recorder;
  ingest: BusIngest;
  /** Labels of acknowledged deliveries, in order, each with the events on disk at that moment. */
  acks: { label: string; onDisk: number }[];
  deliver(label: string, msg: EventBatchMessage): void;
  clock: { now: number };
  close(): Promise<void>;
}

const open: StoreRig[] = [];
afterEach(async () => {
  for (const rig of open.splice(0)) await rig.close();
});

/** The store role's wiring (collector/bus/store-role.ts) without the bus: recorder, positions, ingest. */
function openStoreRig(path: string, restartFrom: number | null = null): StoreRig {
  const config = defaultConfig();
  config.db = path;
  // Commits happen only at writer.flush(): the test decides what is on disk.
  config.writer.flushMs = 600_000;
  config.writer.flushRows = 1_000_000;
  const telemetry = createTelemetry();
  const clock = { now: T0 };
  const { recorder: rec, ingest } = openStoreIntake({
    config,
    logger: silentLogger,
    telemetry,
    now: () => clock.now,
    holdMs: HOLD_MS,
    restartFrom,
  });
  // A second connection: what an ack can rely on is what another process would read from the file.
  const reader = new Database(path, { readonly: true });
  const onDisk = () =>
    (
      reader.prepare('SELECT (SELECT count(*) FROM trades) + (SELECT count(*) FROM book_tickers) AS n').get() as {
        n: number;
      }
    ).n;
  const acks: StoreRig['acks'] = [];
  let closed = false;
  const rig: StoreRig = {
    path,
    rec,
    ingest,
    acks,
    clock,
    deliver: (label, msg) => ingest!.receive({ msg, ack: () => acks.push({ label, onDisk: onDisk() }) }),
    async close() {
      if (closed) return;
      closed = true;
      reader.close();
      await rec.stop();
      rec.db.close();
      telemetry.stop();
    },
  };
  open.push(rig);
  return rig;
}

/** What a kill -9 leaves: the database file as committed so far (the writer's queue is memory only). */
function crashImage(rig: StoreRig, name: string): string {
  const copy = join(dir, name);
  copyFileSync(rig.path, copy);
  if (existsSync(`${rig.path}-wal`)) copyFileSync(`${rig.path}-wal`, `${copy}-wal`);
  return copy;
}

const tablesOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  const positions = db.prepare('SELECT source, chain, last_seq, covered FROM bus_positions ORDER BY chain').all();
  db.close();
  return positions;
};

describe('BusIngest', () => {
  it('records each message once and acknowledges it only after the transaction holding it committed', () => {
    const rig = openStoreRig(join(dir, 'once.db'));
    rig.deliver('trades 0-30', message(TRADES, 0, 30));
    rig.deliver('tickers 0-30', message(TICKERS, 0, 30));
    rig.deliver('trades 30-60', message(TRADES, 30, 60));
    expect(rig.acks).toEqual([]);
    expect(stored(rig.path)).toEqual([]);

    rig.rec.writer.flush();
    const expected = [...inChain(TRADES, 0, 30), ...inChain(TICKERS, 0, 30), ...inChain(TRADES, 30, 60)];
    // Each ack came after the commit: a second connection already saw every event.
    expect(rig.acks).toEqual(
      ['trades 0-30', 'tickers 0-30', 'trades 30-60'].map((label) => ({ label, onDisk: expected.length })),
    );
    const rows = stored(rig.path);
    expect(rows.map(withoutSeq)).toEqual(expected.map(withoutSeq));
    // The store's own seq, in consumption order; prices are the exact text sent.
    expect(rows.map((e) => e.seq)).toEqual(expected.map((_, i) => i + 1));
    expect((rows[0] as { price: string }).price).toBe('0.000012345678901234567');
    expect(tablesOf(rig.path)).toEqual([
      { source: SRC, chain: TICKERS, last_seq: 30, covered: 30 },
      { source: SRC, chain: TRADES, last_seq: 58, covered: 60 },
    ]);
  });

  it('does not record a re-delivered message or a backlog re-sent in another cut twice', () => {
    const rig = openStoreRig(join(dir, 'dedup.db'));
    rig.deliver('0-20', message(TRADES, 0, 20));
    rig.deliver('20-40', message(TRADES, 20, 40));
    rig.rec.writer.flush();
    // JetStream re-delivers the same message; the collector re-sends its backlog cut differently,
    // overlapping what was recorded, both before and after a commit.
    rig.deliver('0-20 again', message(TRADES, 0, 20));
    rig.deliver('0-25 re-cut', message(TRADES, 0, 25));
    rig.deliver('25-55 re-cut', message(TRADES, 25, 55));
    rig.deliver('10-50 re-cut, uncommitted overlap', message(TRADES, 10, 50));
    rig.deliver('55-70', message(TRADES, 55, 70));
    rig.rec.writer.flush();
    rig.deliver('40-70 after commit', message(TRADES, 40, 70));
    rig.rec.writer.flush();

    expect(stored(rig.path).map(withoutSeq)).toEqual(inChain(TRADES, 0, 70).map(withoutSeq));
    expect(rig.acks.map((a) => a.label).sort()).toEqual(
      [
        '0-20',
        '20-40',
        '0-20 again',
        '0-25 re-cut',
        '25-55 re-cut',
        '10-50 re-cut, uncommitted overlap',
        '55-70',
        '40-70 after commit',
      ].sort(),
    );
    expect(tablesOf(rig.path)).toEqual([{ source: SRC, chain: TRADES, last_seq: 70, covered: 70 }]);
  });

  it('holds a message that arrives before an earlier one and records both in collector seq order', () => {
    const rig = openStoreRig(join(dir, 'early.db'));
    rig.deliver('0-10', message(OKX, 0, 10));
    rig.deliver('20-30 early', message(OKX, 20, 30));
    rig.deliver('20-30 early, re-delivered', message(OKX, 20, 30));
    rig.deliver('10-20 late', message(OKX, 10, 20));
    expect(rig.ingest.heldCount).toBe(0);
    rig.rec.writer.flush();
    expect(stored(rig.path).map(withoutSeq)).toEqual(inChain(OKX, 0, 30).map(withoutSeq));

    // The first message of a chain (from a store that never saw the source) may also come early.
    rig.deliver('tickers 30-60 early', message(TICKERS, 30, 60));
    rig.rec.writer.flush();
    expect(rig.ingest.heldCount).toBe(1);
    expect(rig.acks.map((a) => a.label)).not.toContain('tickers 30-60 early');
    rig.deliver('tickers 0-30', message(TICKERS, 0, 30));
    expect(rig.ingest.heldCount).toBe(0);
    rig.rec.writer.flush();
    expect(stored(rig.path).map(withoutSeq)).toEqual(
      [...inChain(OKX, 0, 30), ...inChain(TICKERS, 0, 60)].map(withoutSeq),
    );
    expect(rig.acks.map((a) => a.label)).toEqual([
      '0-10',
      '10-20 late',
      '20-30 early',
      'tickers 0-30',
      'tickers 30-60 early',
    ]);
  });

  it('records a gap (cause error, stream bus) for a hole held past holdMs, then moves on', () => {
    const rig = openStoreRig(join(dir, 'hole.db'));
    rig.deliver('0-30', message(TRADES, 0, 30));
    rig.rec.writer.flush();
    rig.deliver('60-75 early', message(TRADES, 60, 75));
    rig.clock.now += HOLD_MS - 1;
    rig.ingest.expireHeld();
    expect(rig.ingest.heldCount).toBe(1);
    rig.rec.writer.flush();
    expect(stored(rig.path)).toHaveLength(inChain(TRADES, 0, 30).length);

    rig.clock.now += 1;
    rig.ingest.expireHeld();
    expect(rig.ingest.heldCount).toBe(0);
    // Too late: the chain has moved on past it.
    rig.deliver('30-60 too late', message(TRADES, 30, 60));
    rig.deliver('75-90', message(TRADES, 75, 90));
    rig.rec.writer.flush();

    const rows = stored(rig.path);
    const before = inChain(TRADES, 0, 30);
    const after = inChain(TRADES, 60, 90);
    expect(rows.map(withoutSeq)).toEqual([
      ...before.map(withoutSeq),
      {
        kind: 'gap',
        exchange: 'bybit-linear',
        symbol: '',
        market: '',
        ts: after[0].local_ts,
        local_ts: after[0].local_ts,
        stream: 'bus',
        start_ts: before[before.length - 1].local_ts,
        end_ts: after[0].local_ts,
        seq_before: null,
        seq_after: null,
        cause: 'error',
      },
      ...after.map(withoutSeq),
    ]);
    expect(rig.acks.map((a) => a.label)).toEqual(['0-30', '30-60 too late', '60-75 early', '75-90']);
  });

  it('after a crash, re-delivery records only what was not committed', async () => {
    const rig = openStoreRig(join(dir, 'crash.db'));
    rig.deliver('trades 0-30', message(TRADES, 0, 30));
    rig.deliver('tickers 0-30', message(TICKERS, 0, 30));
    rig.rec.writer.flush();
    rig.deliver('trades 30-60', message(TRADES, 30, 60));
    rig.deliver('tickers 30-60', message(TICKERS, 30, 60));
    const image = crashImage(rig, 'crash-image.db');
    expect(rig.acks.map((a) => a.label)).toEqual(['trades 0-30', 'tickers 0-30']);
    await rig.close();

    const after = openStoreRig(image);
    // JetStream re-delivers what was not acknowledged, and here one acknowledged message too
    // (an ack lost on the way), with the collector's re-sent backlog cut in another way.
    after.deliver('tickers 0-30 again', message(TICKERS, 0, 30));
    after.deliver('trades 30-60 again', message(TRADES, 30, 60));
    after.deliver('tickers 30-45 re-cut', message(TICKERS, 30, 45));
    after.deliver('tickers 45-90', message(TICKERS, 45, 90));
    after.deliver('trades 60-90', message(TRADES, 60, 90));
    after.rec.writer.flush();

    const rows = stored(image);
    expect(rows.map(withoutSeq)).toEqual(
      [
        ...inChain(TRADES, 0, 30),
        ...inChain(TICKERS, 0, 30),
        ...inChain(TRADES, 30, 60),
        ...inChain(TICKERS, 30, 90),
        ...inChain(TRADES, 60, 90),
      ].map(withoutSeq),
    );
    expect(rows.map((e) => e.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(after.acks).toHaveLength(5);
  });

  it('a store restarting on its database records a restart gap before the first new event', async () => {
    const rig = openStoreRig(join(dir, 'restart.db'));
    rig.deliver('okx 0-30', message(OKX, 0, 30));
    await rig.close();
    const lastTs = inChain(OKX, 0, 30).at(-1)!.local_ts;

    const again = openStoreRig(rig.path, lastTs);
    again.deliver('okx 0-30 again', message(OKX, 0, 30));
    again.deliver('okx 30-60', message(OKX, 30, 60));
    again.rec.writer.flush();
    const rows = stored(rig.path);
    const fresh = inChain(OKX, 30, 60);
    expect(rows.map(withoutSeq)).toEqual([
      ...inChain(OKX, 0, 30).map(withoutSeq),
      {
        kind: 'gap',
        exchange: 'okx-swap' as ExchangeId,
        symbol: '',
        market: '',
        ts: fresh[0].local_ts,
        local_ts: fresh[0].local_ts,
        stream: 'store',
        start_ts: lastTs,
        end_ts: fresh[0].local_ts,
        seq_before: null,
        seq_after: null,
        cause: 'restart',
      },
      ...fresh.map(withoutSeq),
    ]);
  });

  it('after a crash, a message whose wider cover was acknowledged while its events were uncommitted loses nothing', async () => {
    // A collector's publish of trades (0, 28] timed out after JetStream stored it; the re-sent
    // backlog is cut wider, (0, 30] (seqs 29 and 30 are other chains), so it is another message with
    // the same events. Both reach the store within one writer batch, and the store is killed before
    // that batch commits.
    const rig = openStoreRig(join(dir, 'cover.db'));
    rig.deliver('trades 0-28', message(TRADES, 0, 28));
    rig.deliver('trades 0-30 re-cut', message(TRADES, 0, 30));
    expect(inChain(TRADES, 0, 30)).toEqual(inChain(TRADES, 0, 28));
    const ackedBeforeCommit = rig.acks.map((a) => a.label);
    const image = crashImage(rig, 'cover-image.db');
    await rig.close();

    const after = openStoreRig(image);
    // JetStream re-delivers, in stream order, what was not acknowledged.
    if (!ackedBeforeCommit.includes('trades 0-28')) after.deliver('trades 0-28 again', message(TRADES, 0, 28));
    if (!ackedBeforeCommit.includes('trades 0-30 re-cut')) after.deliver('trades 0-30 again', message(TRADES, 0, 30));
    after.deliver('trades 30-60', message(TRADES, 30, 60));
    after.rec.writer.flush();
    expect(stored(image).map(withoutSeq)).toEqual(inChain(TRADES, 0, 60).map(withoutSeq));
  });
});
