/**
 * The replay player on the fixture recording, with a fake clock: pacing at 1×/10×/100×, no
 * waiting at max, pause/resume without a catch-up burst, seek forward and back with silent
 * warm-up of derived state, stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../core/db.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { silentLogger } from '../../core/log.ts';
import { defaultMetricsConfig } from '../../core/metrics/config.ts';
import { createMetricsEngine } from '../../core/metrics/engine.ts';
import type { MetricRow } from '../../core/metrics/types.ts';
import { createReplayPlayer, type DerivedState, type Scheduler } from '../../replay/player/player.ts';
import { dbSource, readEvents } from '../../replay/player/read-events.ts';
import { parseSpeed } from '../../replay/player/speed.ts';
import { openFixture } from './support.ts';

let db: Db;
let all: RecordedEvent[];
beforeAll(async () => {
  db = await openFixture('better-sqlite3');
  all = [...readEvents(db)];
});
afterAll(() => db.close());

/** A clock that only moves when the player sleeps (or the test moves it). */
function fakeClock(): Scheduler & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    async sleep(ms: number) {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

/** Lets every pending promise callback run (the player parks on a promise while paused). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Derived state that remembers which events it saw since its last reset. */
function recorder(): DerivedState & { seen: number[]; resets: number } {
  const d = {
    seen: [] as number[],
    resets: 0,
    reset() {
      d.seen = [];
      d.resets++;
    },
    onEvent(e: RecordedEvent) {
      d.seen.push(e.seq);
    },
  };
  return d;
}

/** The metrics engine as the player's derived state, keeping every row it produced since its last reset. */
function metricsState(): DerivedState & { rows: MetricRow[] } {
  const fresh = () => createMetricsEngine(defaultMetricsConfig, { logger: silentLogger });
  let engine = fresh();
  const d = {
    rows: [] as MetricRow[],
    reset() {
      engine = fresh();
      d.rows = [];
    },
    onEvent(e: RecordedEvent) {
      const out = engine.onEvent(e);
      if (out) d.rows.push(...out.metrics);
    },
  };
  return d;
}

/** The fixture's Binance connection drops for 30 s; the gap event is recorded at recovery. */
const GAP_END = Date.UTC(2025, 5, 13, 7, 52, 30);

const FIVE_MIN = { from: Date.UTC(2025, 5, 13, 7, 50), to: Date.UTC(2025, 5, 13, 7, 55) };

describe('replay player', () => {
  it.each([1, 10, 100])('at %d× emits each event when its receipt time, scaled, has passed', async (speed) => {
    const clock = fakeClock();
    const player = createReplayPlayer({ open: dbSource(db, FIVE_MIN), scheduler: clock, speed });
    const at: [number, number][] = [];
    const status = await player.run((e) => at.push([e.local_ts, clock.now()]));
    const expected = all.filter((e) => e.local_ts >= FIVE_MIN.from && e.local_ts < FIVE_MIN.to);
    expect(status).toMatchObject({ emitted: expected.length, done: true });
    const [ts0] = at[0];
    for (const [ts, wall] of at) expect(wall).toBeCloseTo((ts - ts0) / speed, 6);
    // Five minutes of recording take five minutes / speed.
    expect(clock.now()).toBeCloseTo((at[at.length - 1][0] - ts0) / speed, 6);
  });

  it('at max speed never waits, but yields to the host every yieldEvery events', async () => {
    const clock = fakeClock();
    const player = createReplayPlayer({ open: dbSource(db), scheduler: clock, speed: 'max', yieldEvery: 1000 });
    const got: number[] = [];
    await player.run((e) => got.push(e.seq));
    expect(got).toEqual(all.map((e) => e.seq));
    expect(clock.sleeps.every((ms) => ms === 0)).toBe(true);
    expect(clock.sleeps).toHaveLength(Math.floor(all.length / 1000));
  });

  it('shortens a long silence to maxIdleMs at a paced speed', async () => {
    const clock = fakeClock();
    const quiet = all.slice(0, 20).map((e, i) => ({ ...e, local_ts: e.local_ts + (i >= 10 ? 86_400_000 : 0) }));
    const at: number[] = [];
    const player = createReplayPlayer({ open: () => quiet, scheduler: clock, speed: 1, maxIdleMs: 2000 });
    await player.run(() => at.push(clock.now()));
    // A day of silence between events 10 and 11 costs 2 s of wall time, not a day.
    expect(at[10] - at[9]).toBe(2000);
    expect(at[at.length - 1] - at[0]).toBeLessThan(2000 + (quiet[19].local_ts - 86_400_000 - quiet[0].local_ts) + 1);
  });

  it('pause holds the stream; resume continues where it stopped without bursting to catch up', async () => {
    const clock = fakeClock();
    const player = createReplayPlayer({ open: dbSource(db, FIVE_MIN), scheduler: clock, speed: 10 });
    const at: [number, number][] = [];
    const run = player.run((e) => {
      at.push([e.local_ts, clock.now()]);
      if (at.length === 50) player.pause();
    });
    await settle();
    expect(player.status()).toMatchObject({ paused: true, emitted: 50, done: false });
    clock.t += 3_600_000; // an hour passes while paused
    await settle();
    expect(player.status().emitted).toBe(50);
    player.resume();
    await run;
    const [ts50, wall50] = at[50];
    expect(wall50).toBe(3_600_000 + at[49][1]);
    for (const [ts, wall] of at.slice(50)) expect(wall - wall50).toBeCloseTo((ts - ts50) / 10, 6);
  });

  it('seek forward emits from the target on and feeds the skipped events to derived state silently', async () => {
    const derived = recorder();
    const target = Date.UTC(2025, 5, 13, 8, 5);
    const player = createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 'max', derived });
    const emitted: RecordedEvent[] = [];
    await player.run((e) => {
      emitted.push(e);
      if (emitted.length === 100) player.seek(target);
    });
    const after = all.filter((e) => e.local_ts >= target);
    expect(emitted.slice(100)).toEqual(after);
    expect(derived.seen).toEqual(all.map((e) => e.seq));
    expect(player.status().warmed).toBe(all.length - 100 - after.length);
  });

  it('seek backward restarts derived state and warms it exactly as a straight run would', async () => {
    const derived = recorder();
    const target = Date.UTC(2025, 5, 13, 7, 50);
    const player = createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 'max', derived });
    const emitted: number[] = [];
    let seeked = false;
    await player.run((e) => {
      emitted.push(e.seq);
      if (!seeked && e.local_ts >= Date.UTC(2025, 5, 13, 8, 10)) {
        seeked = true;
        player.seek(target);
      }
    });
    expect(derived.resets).toBe(1);
    expect(derived.seen).toEqual(all.map((e) => e.seq));
    const firstAfterSeek = emitted.findIndex((seq, i) => i > 0 && seq < emitted[i - 1]);
    expect(emitted.slice(firstAfterSeek)).toEqual(all.filter((e) => e.local_ts >= target).map((e) => e.seq));
  });

  it('a seek while paused warms state at once and stays paused', async () => {
    const derived = recorder();
    const player = createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 'max', derived });
    player.pause();
    const emitted: number[] = [];
    const run = player.run((e) => emitted.push(e.seq));
    const target = Date.UTC(2025, 5, 13, 8, 0);
    player.seek(target);
    await settle();
    expect(emitted).toEqual([]);
    expect(player.status()).toMatchObject({ paused: true });
    player.stop();
    await run;
    // It read up to the first event at the target and holds it for emission after resume.
    expect(derived.seen).toEqual(
      all
        .filter((e) => e.local_ts < target)
        .map((e) => e.seq)
        .concat(all.find((e) => e.local_ts >= target)!.seq),
    );
  });

  it('shows a gap where it happened and warms derived state up again after it, also when a seek jumps past it', async () => {
    const straight = metricsState();
    const emitted: RecordedEvent[] = [];
    await createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 'max', derived: straight }).run((e) =>
      emitted.push(e),
    );
    // The gap is in the replayed stream at recovery, and nothing of the lost connection inside it.
    const gapAt = emitted.findIndex((e) => e.kind === 'gap');
    expect(emitted[gapAt]).toMatchObject({
      kind: 'gap',
      exchange: 'binance-usdm',
      cause: 'disconnect',
      start_ts: GAP_END - 30_000,
      end_ts: GAP_END,
    });
    expect(
      emitted.filter(
        (e) => e.exchange === 'binance-usdm' && e.kind !== 'gap' && e.ts >= GAP_END - 30_000 && e.ts < GAP_END,
      ),
    ).toEqual([]);
    // Warm-up restarts after it: the market's first warmupBuckets rows after the gap are marked warm-up again.
    const { warmupBuckets } = defaultMetricsConfig;
    const btc = (rows: MetricRow[]) =>
      rows.filter((r) => r.exchange === 'binance-usdm' && r.market === 'BTC/USDT:USDT');
    const before = btc(straight.rows).filter((r) => r.bucket_ts < GAP_END);
    const after = btc(straight.rows).filter((r) => r.bucket_ts >= GAP_END);
    expect(before.at(-1)!.warmup).toBe(false);
    expect(after.slice(0, warmupBuckets).map((r) => r.warmup)).toEqual(Array(warmupBuckets).fill(true));
    expect(after[warmupBuckets].warmup).toBe(false);
    // A seek to just after the gap warms silently through it and lands in the same warm-up state.
    const seeked = metricsState();
    const player = createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 'max', derived: seeked });
    const target = GAP_END + 5_000;
    player.seek(target);
    const afterSeek: RecordedEvent[] = [];
    await player.run((e) => afterSeek.push(e));
    expect(afterSeek).toEqual(emitted.filter((e) => e.local_ts >= target));
    expect(seeked.rows).toEqual(straight.rows);
  });

  it('stop ends the run early and can be awaited', async () => {
    const player = createReplayPlayer({ open: dbSource(db), scheduler: fakeClock(), speed: 1 });
    let n = 0;
    const status = await player.run(() => {
      if (++n === 10) player.stop();
    });
    expect(status).toMatchObject({ emitted: 10, done: false });
    await expect(player.run(() => undefined)).rejects.toMatchObject({ code: 'E_REPLAY_STATE' });
  });

  it('parses speeds people type, and names the accepted forms otherwise', () => {
    expect(['1', '10x', '100×', 'max', '0.5'].map(parseSpeed)).toEqual([1, 10, 100, 'max', 0.5]);
    expect(() => parseSpeed('fast')).toThrow(
      expect.objectContaining({ code: 'E_REPLAY_SPEED', message: expect.stringContaining('10x, 100x, or max') }),
    );
    expect(() => parseSpeed('-1')).toThrow(/positive/);
  });
});
