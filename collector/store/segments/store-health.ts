/**
 * The `store` part of /health: the catalog's facts (segments, bytes, period covered, pins) read
 * from the folder, joined with what only the running store knows (ranges waiting to close, the
 * last close error), and the free disk of the folder's filesystem.
 */
import type { StoreHealth } from '../../../core/health.ts';
import { readCatalog } from '../../../replay/adapters/catalog-file.ts';
import { fileBytes, freeDiskBytes } from './disk.ts';
import type { StoreStatus } from './store.ts';

export function storeHealth(status: StoreStatus, hotPath: string): StoreHealth {
  const base = {
    dir: status.dir,
    closing: status.closing,
    hotBytes: fileBytes(hotPath),
    diskFreeBytes: freeDiskBytes(status.dir),
  };
  try {
    const catalog = readCatalog(status.dir);
    const closed = catalog.segments.filter((s) => !s.open);
    return {
      ...base,
      segments: closed.length,
      closedBytes: closed.reduce((n, s) => n + s.bytes, 0),
      oldestFrom: closed.length ? Math.min(...closed.map((s) => s.from)) : null,
      newestTo: closed.length ? Math.max(...closed.map((s) => s.to)) : null,
      pins: catalog.pins.length,
      error: status.lastCloseError && `segment close failing: ${status.lastCloseError}`,
    };
  } catch (err) {
    // An unreadable catalog is worth a degraded /health, not a failed one.
    return {
      ...base,
      segments: status.segments,
      closedBytes: status.closedBytes,
      oldestFrom: null,
      newestTo: null,
      pins: 0,
      error: (err as Error).message,
    };
  }
}
