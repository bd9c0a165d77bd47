/**
 * Disk full under a running collector: the database lives on a small tmpfs that a ballast file
 * fills. /health goes down naming the cause, nothing is corrupted, ingest resumes when the
 * ballast is deleted, and the interval whose events could not be held is a gap (cause `error`)
 * with no recorded rows inside it.
 *
 * Where mounting is not permitted (EPERM outside root or a container without CAP_SYS_ADMIN),
 * the same SQLITE_FULL comes from SQLite's own limit: `max_page_count` on the collector's
 * connection, lowered to the current size and raised again.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';
import { getHealth, integrity, MiB, scrapeMetrics, withDb } from './support.ts';

const MAX_PENDING = 3000;
const dir = tempDir('fb-diskfull-');
const mnt = join(dir, 'mnt');
mkdirSync(mnt);

/** Mount a 48 MiB tmpfs on `mnt`; false when this machine does not allow it. */
function mountTmpfs(): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Write zeros until the filesystem refuses (ENOSPC). */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(MiB);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

let rig: Rig | null = null;
let mounted = false;
afterAll(async () => {
  await rig?.stop();
  if (mounted) execFileSync('umount', [mnt]);
});

describe('disk full', () => {
  it('goes down with the reason, keeps the file intact, resumes, and records the lost interval as a gap', async () => {
    mounted = mountTmpfs();
    const dbDir = mounted ? mnt : dir;
    rig = await startRig(dbDir, {
      rate: 4000,
      name: 'diskfull',
      tweak: (c) => {
        c.writer.maxPendingRows = MAX_PENDING;
        c.health.minFreeDiskBytes = 0;
      },
    });
    const { service, config } = rig;
    const port = service.port;
    await rig.next((e) => e.kind === 'trade', 20_000, 'first trade');

    // Fill the disk (or cap the file at its current size).
    const ballast = join(dbDir, 'ballast.bin');
    const fullAt = Date.now();
    if (mounted) fillDisk(ballast);
    else {
      const pages = service.collector.db.pragma('page_count', { simple: true }) as number;
      service.collector.db.pragma(`max_page_count = ${pages}`);
    }

    // /health: down (HTTP 503), the first reason naming the full disk.
    await expect.poll(async () => (await getHealth(port)).httpStatus, { timeout: 20_000, interval: 100 }).toBe(503);
    const downAfterMs = Date.now() - fullAt;
    const down = await getHealth(port);
    expect(down.status).toBe('down');
    expect(down.reasons[0]).toMatch(/^writer failing: database or disk is full/);
    const failing = await scrapeMetrics(port);
    expect(failing('futuresboard_write_errors_total', { code: 'SQLITE_FULL' })).toBeGreaterThan(0);

    // Events keep arriving; beyond maxPendingRows they are dropped (memory stays bounded).
    await expect.poll(() => service.collector.writer.pendingRows, { timeout: 20_000, interval: 50 }).toBe(MAX_PENDING);
    // The events held wait longer and longer: /metrics shows the writer lag.
    expect((await scrapeMetrics(port))('futuresboard_writer_lag_seconds')).toBeGreaterThan(0);
    // The file is intact while the writer is failing.
    withDb(config.db, (db) => expect(integrity(db)).toBe('ok'));

    // Space returns: the writer commits what it held, then the dropped interval as a gap.
    if (mounted) rmSync(ballast);
    else service.collector.db.pragma('max_page_count = 1073741823');
    const gap = await rig.next(
      (e) => e.kind === 'gap' && e.cause === 'error',
      20_000,
      'the error gap after space returned',
    );
    if (gap.kind !== 'gap') throw new Error('unreachable');
    expect(gap.start_ts).toBeGreaterThanOrEqual(fullAt);
    expect(gap.end_ts).toBeGreaterThanOrEqual(gap.start_ts);
    expect(gap.end_ts).toBeLessThanOrEqual(Date.now());
    await rig.next((e) => e.kind === 'trade' && e.seq > gap.seq, 20_000, 'a trade after the gap');
    await expect.poll(async () => (await getHealth(port)).status, { timeout: 20_000, interval: 100 }).not.toBe('down');
    const after = await scrapeMetrics(port);

    const gaps = withDb(config.db, (db) => {
      expect(integrity(db)).toBe('ok');
      const rows = db.prepare("SELECT exchange, start_ts, end_ts FROM gaps WHERE cause = 'error'").all() as {
        exchange: string;
        start_ts: number;
        end_ts: number;
      }[];
      // Nothing of an exchange was recorded inside its gap: the missing interval is exactly the gap.
      for (const g of rows) {
        const inside = db
          .prepare('SELECT count(*) AS n FROM trades WHERE exchange = ? AND local_ts > ? AND local_ts < ?')
          .get(g.exchange, g.start_ts, g.end_ts) as { n: number };
        expect(inside.n, `${g.exchange} trades inside its error gap`).toBe(0);
      }
      return rows;
    });
    expect(after('futuresboard_gaps_total', { cause: 'error' })).toBe(gaps.length);
    console.log(
      `disk full (${mounted ? 'tmpfs 48 MiB + ballast' : 'max_page_count'}): /health down ${downAfterMs} ms after the disk filled; ` +
        gaps.map((g) => `${g.exchange} gap ${g.end_ts - g.start_ts} ms`).join(', '),
    );
  }, 90_000);
});
