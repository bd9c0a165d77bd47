import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_PREFS } from './alert-prefs.ts';
import { alertRowFrom } from './alert-row.ts';
import {
  dismissToast,
  EMPTY_TOASTS,
  expireToasts,
  MAX_TOASTS,
  nextToastExpiry,
  pauseToasts,
  pushToasts,
  resumeToasts,
  toastDurationMs,
  type ToastQueue,
} from './alert-toasts.ts';
import type { AlertRow } from './snapshot-types.ts';

const T0 = Date.UTC(2026, 0, 5, 12);

/** An alert as the relay sends it, read the way the dashboard reads it. */
function alert(tier: number, local_ts: number, market = 'BTC/USDT:USDT'): AlertRow {
  const row = alertRowFrom({
    exchange: 'binance-usdm',
    market,
    local_ts,
    bucket_ts: local_ts - (local_ts % 2000),
    tier,
    rule: `z:oi_chg_pct`,
    direction: 'up',
    value: 3.1,
    threshold: 2.5,
  });
  if (!row) throw new Error('bad alert');
  return row;
}

const ids = (q: ToastQueue) => q.toasts.map((t) => t.alert.local_ts);

describe('toast queue', () => {
  it('puts new alerts on top, newest first, and keeps at most five', () => {
    let q = pushToasts(EMPTY_TOASTS, [alert(1, T0 + 1), alert(2, T0 + 3), alert(1, T0 + 2)], DEFAULT_ALERT_PREFS, T0);
    expect(ids(q)).toEqual([T0 + 3, T0 + 2, T0 + 1]);
    q = pushToasts(
      q,
      [4, 5, 6, 7].map((i) => alert(1, T0 + i)),
      DEFAULT_ALERT_PREFS,
      T0,
    );
    expect(q.toasts).toHaveLength(MAX_TOASTS);
    expect(ids(q)).toEqual([T0 + 7, T0 + 6, T0 + 5, T0 + 4, T0 + 3]);
  });

  it('does not toast the same alert twice while it is on screen', () => {
    const q = pushToasts(EMPTY_TOASTS, [alert(2, T0)], DEFAULT_ALERT_PREFS, T0);
    expect(pushToasts(q, [alert(2, T0)], DEFAULT_ALERT_PREFS, T0 + 100)).toBe(q);
  });

  it('follows the prefs: off, or below the minimum tier, nothing toasts', () => {
    const off = { ...DEFAULT_ALERT_PREFS, toasts: false };
    expect(pushToasts(EMPTY_TOASTS, [alert(5, T0)], off, T0).toasts).toEqual([]);
    const min3 = { ...DEFAULT_ALERT_PREFS, minTier: 3 };
    expect(ids(pushToasts(EMPTY_TOASTS, [alert(2, T0), alert(3, T0 + 1), alert(6, T0 + 2)], min3, T0))).toEqual([
      T0 + 2,
      T0 + 1,
    ]);
  });

  it('stays longer for a higher tier, within 6 to 16 seconds, for any number', () => {
    expect([1, 2, 3, 4, 5, 6].map(toastDurationMs)).toEqual([6000, 8000, 10000, 12000, 14000, 16000]);
    expect(toastDurationMs(9)).toBe(16_000);
    expect(toastDurationMs(0)).toBe(6_000);
    expect(toastDurationMs(Number.NaN)).toBe(6_000);
  });

  it('expires each toast at its own time, and the timer is set for the earliest', () => {
    const q = pushToasts(EMPTY_TOASTS, [alert(1, T0), alert(3, T0 + 1)], DEFAULT_ALERT_PREFS, T0);
    expect(nextToastExpiry(q)).toBe(T0 + 6_000);
    expect(expireToasts(q, T0 + 5_999)).toBe(q);
    const later = expireToasts(q, T0 + 6_000);
    expect(ids(later)).toEqual([T0 + 1]);
    expect(nextToastExpiry(later)).toBe(T0 + 10_000);
    expect(nextToastExpiry(expireToasts(later, T0 + 10_000))).toBeNull();
  });

  it('dismisses one toast by its id', () => {
    const q = pushToasts(EMPTY_TOASTS, [alert(1, T0), alert(2, T0 + 1)], DEFAULT_ALERT_PREFS, T0);
    const top = q.toasts[0];
    expect(ids(dismissToast(q, top.id))).toEqual([T0]);
    expect(dismissToast(q, 'no such toast')).toBe(q);
  });

  it('holds every toast while paused and gives the pause back on resume', () => {
    const q = pushToasts(EMPTY_TOASTS, [alert(1, T0)], DEFAULT_ALERT_PREFS, T0);
    const paused = pauseToasts(q, T0 + 5_000);
    expect(nextToastExpiry(paused)).toBeNull();
    expect(expireToasts(paused, T0 + 60_000)).toBe(paused);
    const resumed = resumeToasts(paused, T0 + 65_000);
    expect(nextToastExpiry(resumed)).toBe(T0 + 66_000);
    expect(resumeToasts(resumed, T0 + 70_000)).toBe(resumed);
  });

  it('ends a pause when the last toast is dismissed, so the next ones expire', () => {
    const q = pauseToasts(pushToasts(EMPTY_TOASTS, [alert(1, T0)], DEFAULT_ALERT_PREFS, T0), T0 + 1_000);
    const empty = dismissToast(q, q.toasts[0].id);
    expect(empty).toEqual(EMPTY_TOASTS);
    expect(nextToastExpiry(pushToasts(empty, [alert(2, T0 + 5)], DEFAULT_ALERT_PREFS, T0 + 2_000))).toBe(T0 + 10_000);
  });
});
