/**
 * The real hot database, segment store and writer on `dir`, as the store's unit tests drive them:
 * 1-second periods, a clock the test holds still, and batches committed only when the test
 * flushes (no timers of their own).
 */
import { join } from 'node:path';
import { silentLogger } from '../../core/log.ts';
import { openStore } from '../../collector/store/open.ts';
import { SegmentStore } from '../../collector/store/segments/store.ts';
import { EventWriter } from '../../collector/store/writer.ts';
import { logWaiter } from './log-waiter.ts';

export function testSegmentStore(dir: string, now: number) {
  const hotPath = join(dir, 'hot.db');
  const db = openStore(hotPath);
  const log = logWaiter();
  const store = new SegmentStore({
    db,
    hotPath,
    dir,
    segment: '1s',
    periodMs: 1000,
    maxAgeMs: null,
    maxBytes: null,
    codeVersion: 'test',
    purgeRows: 100,
    logger: log.logger,
    now: () => now,
  });
  const writer = new EventWriter(db, {
    flushMs: 60_000,
    flushRows: 60_000,
    logger: silentLogger,
    periods: store.periods,
    seqFloor: store.seqFloor,
  });
  return { db, hotPath, log, store, writer };
}
