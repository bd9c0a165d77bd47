/**
 * `kill -9` of the collector, 20 times, while it writes as fast as the simulator (25,000 events/s
 * offered) and this machine allow: every time the file passes integrity_check, every batch the
 * collector reported committed is there, what it had received but not committed is at most one
 * batch, and each restart records a `restart` gap covering the interval it lost. The rate reached
 * is printed, never asserted: speed is measured by `npm run bench`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index.ts';
import { EXCHANGES } from '../../core/events.ts';
import { spawnCollector, writeCollectorConfig, type CommitReport } from '../helpers/collector-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { integrity, rowsUpTo, withDb } from './support.ts';

const CYCLES = 20;
const SIM_RATE = 25_000;
const FLUSH_MS = 20;
const FLUSH_ROWS = 5000;
/**
 * A hang detector, not a speed bound: 21 collector start-ups (each a tsx process that resolves
 * its markets and opens its connections) take about a minute on an idle 2-core machine and
 * several times that on a loaded one.
 */
const KILL_TEST_TIMEOUT_MS = 480_000;

const dir = tempDir('fb-kill9-');
const dbPath = join(dir, 'kill9.db');
const configPath = join(dir, 'futuresboard.config.json');
let sim: Awaited<ReturnType<typeof startSimulator>>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, source: 'synthetic', eventsPerSecond: SIM_RATE, seed: 11 });
  writeCollectorConfig(configPath, {
    db: dbPath,
    writer: { flushMs: FLUSH_MS, flushRows: FLUSH_ROWS },
    exchanges: Object.fromEntries(EXCHANGES.map((id) => [id, { endpoints: sim.endpoints[id] }])),
  });
});
afterAll(async () => sim?.close());

interface Kill {
  at: number;
  /** Events committed after the cycle's first batch, and over how long. */
  rows: number;
  ms: number;
  /** Last receipt time per stream on disk after the kill. */
  streams: { exchange: string; stream: string; last_local_ts: number }[];
  /** Received but not committed: time between the newest committed event and the kill. */
  lostWindowMs: number;
}

/**
 * Run the collector until it has written for `writeMs` after its first batch and committed at
 * least one more, then SIGKILL it. On a starved machine the second batch may come after
 * `writeMs`: the kill then waits for it, so every cycle kills a collector that was writing.
 */
async function killDuringWrites(
  writeMs: number,
): Promise<{ at: number; rows: number; ms: number; last: CommitReport; commits: CommitReport[] }> {
  const commits: CommitReport[] = [];
  let at = 0;
  let due = false;
  const killIfDue = () => {
    if (!due || commits.length < 2 || at) return;
    at = Date.now();
    proc.child.kill('SIGKILL');
  };
  const proc = spawnCollector(configPath, (c) => {
    if (commits.push(c) === 1)
      setTimeout(() => {
        due = true;
        killIfDue();
      }, writeMs);
    else killIfDue();
  });
  expect(await proc.exited).toBe(null);
  const last = commits.at(-1);
  if (!last) throw new Error('the collector was killed before it reported a commit');
  // From the first batch (start-up backlog) to the kill, the rows written and the time taken.
  return { at, rows: last.lastSeq - commits[0].lastSeq, ms: at - commits[0].at, last, commits };
}

describe('collector killed with SIGKILL during writes', () => {
  it(
    `survives ${CYCLES} kills during writes with no reported batch lost, at most one batch in memory, and a restart gap for each`,
    async () => {
      const kills: Kill[] = [];
      const batches: number[] = [];
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        // Kill at varied points of the write cycle, not in step with the flush timer. The first run
        // also warms up the simulator (JIT) and creates the file, so it writes longer.
        const { at, rows, ms, last, commits } = await killDuringWrites(cycle === 0 ? 1500 : 400 + ((cycle * 53) % 300));
        batches.push(...commits.map((c) => c.rows));
        const kill = withDb(dbPath, (db) => {
          expect(integrity(db), `integrity_check after kill ${cycle + 1}`).toBe('ok');
          // seq is dense (1, 2, 3, …): every seq the collector reported committed is on disk.
          expect(rowsUpTo(db, last.lastSeq), `rows up to the reported seq after kill ${cycle + 1}`).toBe(last.lastSeq);
          const streams = db.prepare('SELECT exchange, stream, last_local_ts FROM feed_state').all() as Kill['streams'];
          const newest = Math.max(...streams.map((s) => s.last_local_ts));
          return { at, rows, ms, streams, lostWindowMs: at - newest };
        });
        kills.push(kill);
      }

      // A clean run after the last kill, until every stream has delivered (and so closed its gap).
      const lastKill = kills[kills.length - 1].at;
      const streams = kills[kills.length - 1].streams;
      let checking = false;
      const final = spawnCollector(configPath, () => {
        if (checking) return;
        checking = true;
        const closed = withDb(dbPath, (db) =>
          streams.every((s) =>
            db
              .prepare("SELECT 1 FROM gaps WHERE cause = 'restart' AND exchange = ? AND stream = ? AND end_ts >= ?")
              .get(s.exchange, s.stream, lastKill),
          ),
        );
        if (closed) final.child.kill('SIGTERM');
        else checking = false;
      });
      expect(await final.exited).toBe(0);

      const rateOf = (rows: number, ms: number) => Math.round((rows * 1000) / ms);
      const overall = rateOf(
        kills.reduce((n, k) => n + k.rows, 0),
        kills.reduce((n, k) => n + k.ms, 0),
      );
      console.log(
        `kill -9 x${CYCLES}: ${overall} events/s committed while writing (per cycle ${kills.map((k) => rateOf(k.rows, k.ms)).join(', ')}); ` +
          `received-not-committed window ms ${kills.map((k) => k.lostWindowMs).join(', ')}`,
      );
      // What a kill can take is what the writer held uncommitted. It commits synchronously as soon
      // as flushRows events are queued, so it never holds more: every batch it reported, start-up
      // backlog included, is at most flushRows events plus the gap rows it writes itself (a reset
      // marker and one dropped-interval gap per exchange). Counted, not estimated from timings.
      expect(Math.max(...batches), 'events in one batch').toBeLessThanOrEqual(FLUSH_ROWS + 1 + EXCHANGES.length);

      withDb(dbPath, (db) => {
        expect(integrity(db)).toBe('ok');
        const gaps = db
          .prepare("SELECT exchange, stream, start_ts, end_ts FROM gaps WHERE cause = 'restart'")
          .all() as {
          exchange: string;
          stream: string;
          start_ts: number;
          end_ts: number;
        }[];
        // Every stream's lost interval (its last write before the kill → after the restart) is covered.
        for (const [i, k] of kills.entries()) {
          for (const s of k.streams) {
            const covering = gaps.some(
              (g) =>
                g.exchange === s.exchange && g.stream === s.stream && g.start_ts <= s.last_local_ts && g.end_ts >= k.at,
            );
            expect(covering, `restart gap for ${s.exchange} ${s.stream} after kill ${i + 1}`).toBe(true);
          }
        }
        expect(new Set(gaps.map((g) => g.exchange))).toEqual(new Set(EXCHANGES));
      });
    },
    KILL_TEST_TIMEOUT_MS,
  );
});
