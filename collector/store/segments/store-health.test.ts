/** The `store` part of /health, from a real catalog file (and a broken one). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SegmentEntry } from '../../../core/catalog.ts';
import { assessHealth } from '../../relay/health.ts';
import { healthyInput } from '../../relay/test-support.ts';
import { defaultConfig } from '../../config.ts';
import { catalogPath, writeCatalog } from '../../../replay/adapters/catalog-file.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { storeHealth } from './store-health.ts';
import type { StoreStatus } from './store.ts';

const root = tempDir('fb-store-health-');
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

const entry = (h: number, bytes: number, open = false): SegmentEntry => ({
  file: open ? 'hot.db' : `seg-${h}.sqlite.gz`,
  from: T0 + h * HOUR,
  to: T0 + (h + 1) * HOUR,
  events: 5,
  bytes,
  sha256: open ? null : 'ab'.repeat(32),
  markets: [],
  open,
  seq_from: h * 5 + 1,
  seq_to: h * 5 + 5,
  kinds: {},
});

function folder(name: string): { dir: string; status: StoreStatus; hot: string } {
  const dir = join(root, name);
  mkdirSync(dir);
  const hot = join(dir, 'hot.db');
  writeFileSync(hot, Buffer.alloc(4096));
  writeFileSync(`${hot}-wal`, Buffer.alloc(1000));
  return {
    dir,
    hot,
    status: { dir, segments: 2, closedBytes: 300, hotBytes: 0, closing: 1, lastCloseError: null },
  };
}

describe('storeHealth', () => {
  it('gives the closed segments, their bytes and period, the pins, the hot bytes with WAL and free disk', () => {
    const { dir, status, hot } = folder('sound');
    writeCatalog(dir, {
      version: 1,
      segment: '1h',
      segments: [entry(2, 200), entry(0, 100), entry(3, 999, true)],
      pins: [{ name: 'p', from: T0, to: T0 + 1, pinned_ts: T0 }],
    });
    const h = storeHealth(status, hot);
    expect({ ...h, diskFreeBytes: typeof h.diskFreeBytes }).toEqual({
      dir,
      segments: 2,
      closedBytes: 300,
      hotBytes: 5096,
      oldestFrom: T0,
      newestTo: T0 + 3 * HOUR,
      pins: 1,
      closing: 1,
      diskFreeBytes: 'number',
      error: null,
    });
    const failing = storeHealth({ ...status, lastCloseError: 'ENOSPC: no space left on device' }, hot);
    expect(failing.error).toBe('segment close failing: ENOSPC: no space left on device');
    expect(assessHealth({ ...healthyInput(), store: failing }, defaultConfig().health)).toMatchObject({
      status: 'degraded',
      reasons: ['recordings store: segment close failing: ENOSPC: no space left on device'],
      store: failing,
    });
  });

  it('reports an unreadable catalog as the store error (degraded), keeping the running store figures', () => {
    const { dir, status, hot } = folder('broken');
    writeFileSync(catalogPath(dir), '{"version": 1, "segm');
    const h = storeHealth(status, hot);
    expect(h).toMatchObject({ segments: 2, closedBytes: 300, oldestFrom: null, pins: 0 });
    expect(h.error).toMatch(/catalog\.json is not a futuresboard recordings catalog \(invalid JSON/);
    expect(assessHealth({ ...healthyInput(), store: h }, defaultConfig().health).status).toBe('degraded');
  });
});
