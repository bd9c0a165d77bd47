/**
 * Retention by the running store: the real writer and segment store close short periods while a
 * synthetic stream flows, and the catalog is checked at every close (in the close's own turn, from
 * its log line) and at the end:
 * - maxBytes: the oldest unpinned closed segments go first, pinned ones stay, the hot database is
 *   never touched, and closed segments plus the hot database never exceed maxBytes by more than one
 *   segment; also when a restart finds the folder over the limit;
 * - maxAge: no unpinned closed segment that ended longer ago than maxAge survives a close, a pinned
 *   one does;
 * - a deleted segment is gone from the catalog and from the disk; every file on disk is listed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Catalog, SegmentEntry } from '../../core/catalog.ts';
import type { TradeEvent } from '../../core/events.ts';
import { readCatalog, updateCatalog } from '../../replay/adapters/catalog-file.ts';
import { openStore } from '../../collector/store/open.ts';
import { fileBytes } from '../../collector/store/segments/disk.ts';
import { overlapsPin } from '../../collector/store/segments/retention.ts';
import { SegmentStore } from '../../collector/store/segments/store.ts';
import { EventWriter } from '../../collector/store/writer.ts';
import { logWaiter, type LogWaiter } from '../helpers/log-waiter.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = tempDir('fb-retention-');
const PERIOD_MS = 250;

interface Running {
  dir: string;
  hotPath: string;
  log: LogWaiter;
  /** The clock value the store read last (its retention decision's `now`, at a close's log line). */
  lastNow(): number;
  /** Resolves after `n` more closes. */
  closes(n: number): Promise<void>;
  stop(): Promise<void>;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** The real writer and segment store on `<dir>/hot.db`, fed trades (with incompressible ids, for segments of some size). */
function runStore(dir: string, retain: { maxAgeMs: number | null; maxBytes: number | null }): Running {
  const hotPath = join(dir, 'hot.db');
  const db: Database.Database = openStore(hotPath);
  // Frequent checkpoints keep the hot database's WAL within a few hundred KB, so the tests can
  // count the size limit in segments (the collector's 16 MB WAL would dwarf these tiny ones).
  db.pragma('wal_autocheckpoint = 32');
  const log = logWaiter();
  let last = 0;
  const store = new SegmentStore({
    db,
    hotPath,
    dir,
    segment: `${PERIOD_MS}ms`,
    periodMs: PERIOD_MS,
    ...retain,
    codeVersion: 'retention-test',
    purgeRows: 2000,
    logger: log.logger,
    now: () => {
      last = Date.now();
      return last;
    },
  });
  const writer = new EventWriter(db, {
    flushMs: 10,
    flushRows: 500,
    logger: log.logger,
    periods: store.periods,
    seqFloor: store.seqFloor,
  });
  store.start(writer);
  let k = 0;
  const feed = setInterval(() => {
    for (let i = 0; i < 10; i++) {
      const now = Date.now();
      const e: TradeEvent = {
        kind: 'trade',
        exchange: 'okx-swap',
        symbol: 'BTC-USDT-SWAP',
        market: 'BTC/USDT:USDT',
        ts: now - 1,
        local_ts: now,
        id: randomBytes(64).toString('hex'),
        price: `${60000 + (k++ % 1000) / 10}`,
        qty: '0.01',
        side: k % 2 ? 'buy' : 'sell',
      };
      writer.push(e, 'public');
    }
  }, 1);
  let stopped = false;
  const r: Running = {
    dir,
    hotPath,
    log,
    lastNow: () => last,
    async closes(n) {
      await Promise.all(Array.from({ length: n }, () => log.next('segment closed')));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(feed);
      writer.close();
      await store.stop();
      db.close();
    },
  };
  running.push(r);
  return r;
}

const closedOf = (c: Catalog) => c.segments.filter((s) => !s.open);
const bytesOf = (segments: readonly SegmentEntry[]) => segments.reduce((n, s) => n + s.bytes, 0);

/** The segments the store reported deleting by retention. */
const deletedFiles = (log: LogWaiter): string[] =>
  log.lines.filter((l) => l.msg === 'segment deleted by retention').map((l) => String(l.obj.segment));

/** Every segment file on disk is listed and every listed file is on disk (deleted means gone from both). */
function expectCatalogMatchesDisk(dir: string): void {
  const catalog = readCatalog(dir);
  const onDisk = readdirSync(dir).filter((f) => f.endsWith('.sqlite.gz'));
  expect(onDisk.sort()).toEqual(
    closedOf(catalog)
      .map((s) => s.file)
      .sort(),
  );
  const open = catalog.segments.filter((s) => s.open);
  expect(open.map((s) => s.file)).toEqual(['hot.db']);
  expect(existsSync(join(dir, 'hot.db'))).toBe(true);
}

/** The unpinned closed segments kept are the newest ones: everything deleted was older. */
function expectOldestWentFirst(everClosed: Map<string, SegmentEntry>, catalog: Catalog): void {
  const kept = new Set(closedOf(catalog).map((s) => s.file));
  const unpinned = [...everClosed.values()]
    .filter((s) => !overlapsPin(s, catalog.pins))
    .sort((a, b) => a.from - b.from);
  const firstKept = unpinned.findIndex((s) => kept.has(s.file));
  const keptAfter = firstKept < 0 ? [] : unpinned.slice(firstKept);
  expect(keptAfter.filter((s) => !kept.has(s.file)).map((s) => s.file)).toEqual([]);
}

describe('retention in the running store', () => {
  it('keeps the folder within maxBytes plus one segment, deleting the oldest unpinned segments, at start and at every close', async () => {
    const dir = join(root, 'bytes');
    // Without limits first: a folder of closed segments, as a store that ran for a while leaves it.
    const first = runStore(dir, { maxAgeMs: null, maxBytes: null });
    let hotHigh = 0;
    first.log.watch((l) => {
      if (l.msg === 'segment closed') hotHigh = Math.max(hotHigh, l.obj.hotBytes as number);
    });
    await first.closes(8);
    await first.stop();
    const before = closedOf(readCatalog(dir));
    // The second-oldest period is a pinned session, as `futuresboard recordings pin` records it.
    const pinned = before[1];
    updateCatalog(dir, (c) => ({ ...c, pins: [{ name: 'keep', from: pinned.from, to: pinned.to, pinned_ts: 0 }] }));
    const segment = Math.max(...before.map((s) => s.bytes));
    const everClosed = new Map(before.map((s) => [s.file, s]));

    // A restart with a limit the folder exceeds: retention runs before any close.
    // Below what the folder holds in any case: periods of a loaded machine differ in size, and
    // three of the largest could otherwise hold every smaller one.
    const tight = Math.min(
      fileBytes(first.hotPath) + 64 * 1024 + pinned.bytes + 3 * segment,
      bytesOf(before) + fileBytes(first.hotPath) - 1,
    );
    const restarted = runStore(dir, { maxAgeMs: null, maxBytes: tight });
    const atStart = readCatalog(dir);
    await restarted.stop();
    expect(closedOf(atStart).length).toBeLessThan(before.length);
    expect(closedOf(atStart).map((s) => s.file)).toContain(pinned.file);
    expect(bytesOf(closedOf(atStart)) + fileBytes(restarted.hotPath)).toBeLessThanOrEqual(tight + segment);
    expectOldestWentFirst(everClosed, atStart);
    expectCatalogMatchesDisk(dir);

    // Running: room for the hot database at its largest so far (WAL included) and half as much again
    // (it grows while closes lag behind), the pinned segment and three others.
    const maxBytes = Math.round(hotHigh * 1.5) + pinned.bytes + 3 * segment;
    const second = runStore(dir, { maxAgeMs: null, maxBytes });

    const over: string[] = [];
    let withinLimit = 0;
    second.log.watch((l) => {
      if (l.msg !== 'segment closed') return;
      // In the close's own turn: the catalog as retention left it, and the hot size it counted,
      // which is what is on disk (a WAL and a database file only grow while open).
      const catalog = readCatalog(dir);
      const closed = closedOf(catalog);
      for (const s of closed) everClosed.set(s.file, s);
      const hotBytes = l.obj.hotBytes as number;
      if (!(hotBytes > 0 && hotBytes <= fileBytes(second.hotPath)))
        over.push(`hot database counted as ${hotBytes} bytes`);
      const total = bytesOf(closed) + hotBytes;
      const largest = Math.max(...closed.map((s) => s.bytes));
      // Over the limit is allowed only once nothing deletable is left (the hot database and pins alone).
      const deletable = closed.filter((s) => !overlapsPin(s, catalog.pins)).length;
      if (total > maxBytes + largest && deletable > 0)
        over.push(`${total} bytes after ${String(l.obj.segment)} (limit ${maxBytes})`);
      if (total <= maxBytes && deletable > 0) withinLimit++;
    });
    await second.closes(12);
    await second.stop();

    expect(over).toEqual([]);
    expect(withinLimit, 'closes that kept unpinned segments within the limit').toBeGreaterThan(0);
    const end = readCatalog(dir);
    expect(closedOf(end).map((s) => s.file)).toContain(pinned.file);
    expect(deletedFiles(second.log).length, 'segments deleted while running').toBeGreaterThan(0);
    expectOldestWentFirst(everClosed, end);
    expectCatalogMatchesDisk(dir);
  });

  it('deletes unpinned segments that ended more than maxAge ago at every close, and keeps a pinned one', async () => {
    const dir = join(root, 'age');
    const maxAgeMs = 4 * PERIOD_MS;
    const first = runStore(dir, { maxAgeMs: null, maxBytes: null });
    await first.closes(2);
    await first.stop();
    const [pinned] = closedOf(readCatalog(dir));
    updateCatalog(dir, (c) => ({ ...c, pins: [{ name: 'keep', from: pinned.from, to: pinned.to, pinned_ts: 0 }] }));

    const second = runStore(dir, { maxAgeMs, maxBytes: null });
    const tooOld: string[] = [];
    second.log.watch((l) => {
      if (l.msg !== 'segment closed') return;
      const now = second.lastNow();
      for (const s of closedOf(readCatalog(dir))) {
        if (s.file !== pinned.file && s.to <= now - maxAgeMs) tooOld.push(`${s.file} ended ${now - s.to} ms ago`);
      }
    });
    await second.closes(10);
    await second.stop();

    expect(tooOld).toEqual([]);
    const end = readCatalog(dir);
    expect(closedOf(end).map((s) => s.file)).toContain(pinned.file);
    expect(pinned.to).toBeLessThanOrEqual(second.lastNow() - maxAgeMs);
    const deleted = deletedFiles(second.log);
    expect(deleted.length, 'segments deleted by age').toBeGreaterThan(0);
    expect(closedOf(end).filter((s) => deleted.includes(s.file))).toEqual([]);
    expectCatalogMatchesDisk(dir);
  });
});
