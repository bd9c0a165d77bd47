/** Clocks for tests that must cross a time boundary without waiting for the real one. */

/**
 * A clock at real speed that reads `leadMs` before a UTC multiple of `periodMs` now, so a
 * collector given it rotates (segments, raw archive) `leadMs` after the call. `boundary` is that
 * multiple, in the clock's time.
 */
export function clockBeforeBoundary(periodMs: number, leadMs: number): { now: () => number; boundary: number } {
  const real = Date.now();
  const offset = (periodMs - ((real + leadMs) % periodMs)) % periodMs;
  return { now: () => Date.now() + offset, boundary: real + offset + leadMs };
}
