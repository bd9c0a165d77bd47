/**
 * /health and /metrics of a collector writing a recordings folder: the `store` section, and the
 * low-disk tier. The threshold is made larger than any disk rather than a disk filled.
 */
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../core/health.ts';
import { scrapeMetrics } from '../faults/support.ts';
import { startRig, type Rig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fb-store-health-');
const rec = join(dir, 'rec');
const rigs: Rig[] = [];
afterAll(async () => {
  for (const rig of rigs) await rig.stop();
});

async function health(rig: Rig): Promise<HealthReport> {
  const res = await fetch(`http://127.0.0.1:${rig.service.port}/health`);
  expect(res.status).toBe(200);
  return (await res.json()) as HealthReport;
}

describe('/health with a recordings folder', () => {
  it('shows the store and turns degraded, naming low disk, when free disk is under health.minFreeDiskBytes', async () => {
    const rig = await startRig(dir, {
      exchanges: ['okx-swap'],
      tweak: (c) => {
        c.store.dir = rec;
        c.db = join(rec, 'hot.db');
        c.store.segment = '1h';
        // A petabyte: more than this machine has free, whatever it is.
        c.health.minFreeDiskBytes = 1e15;
      },
    });
    rigs.push(rig);
    await rig.next(() => true, 30_000, 'a committed event');
    const report = await health(rig);
    expect(report.status).toBe('degraded');
    expect(report.reasons).toContain(`low disk: ${Math.round(report.diskFreeBytes! / 1e6)} MB free < 1000000000 MB`);
    const fs = statfsSync(rec);
    expect(report.diskFreeBytes).toBeLessThanOrEqual(fs.blocks * fs.bsize);
    expect(report.store).toMatchObject({
      dir: rec,
      segments: 0,
      closedBytes: 0,
      oldestFrom: null,
      newestTo: null,
      pins: 0,
      error: null,
    });
    expect(report.store!.hotBytes).toBeGreaterThan(0);
    expect(report.store!.diskFreeBytes).toBeGreaterThan(0);
    const scrape = await scrapeMetrics(rig.service.port);
    expect(scrape('futuresboard_disk_free_bytes')).toBeGreaterThan(0);
    expect(scrape('futuresboard_store_bytes', { part: 'hot' })).toBeGreaterThan(0);
    expect(scrape('futuresboard_store_segments')).toBe(0);
  });

  it('is not degraded by disk with the threshold under the free space, and has no store without store.dir', async () => {
    const rig = await startRig(dir, {
      exchanges: ['okx-swap'],
      name: 'single',
      tweak: (c) => {
        c.health.minFreeDiskBytes = 0;
      },
    });
    rigs.push(rig);
    await rig.next(() => true, 30_000, 'a committed event');
    const report = await health(rig);
    expect(report.reasons.filter((r) => r.startsWith('low disk'))).toEqual([]);
    expect(report.store).toBeNull();
    expect(report.diskFreeBytes).toBeGreaterThan(0);
  });
});
