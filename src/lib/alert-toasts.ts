/**
 * The live alert toasts as a value: which are on screen (newest first, at most MAX_TOASTS), when
 * each goes, and a pause while the pointer or focus is on them (a toast must not vanish while it
 * is being read or its button reached). Pure: the component renders it and runs one timer for
 * `nextToastExpiry`.
 */
import type { AlertPrefs } from './alert-prefs.ts';
import { alertKey } from './alert-row.ts';
import type { AlertRow } from './snapshot-types.ts';

export const MAX_TOASTS = 5;

export interface Toast {
  /** The alert's key: the same alert never toasts twice at once. */
  id: string;
  alert: AlertRow;
  /** Epoch ms when it goes by itself. */
  expiresAt: number;
}

export interface ToastQueue {
  /** Newest first. */
  toasts: readonly Toast[];
  /** Set while paused: nothing expires. */
  pausedAt: number | null;
}

export const EMPTY_TOASTS: ToastQueue = { toasts: [], pausedAt: null };

/** 6 s for tier 1, two more per tier above, at most 16 s: a stronger alert stays longer. */
export function toastDurationMs(tier: number): number {
  const t = Math.max(1, Math.trunc(tier) || 1);
  return Math.min(16_000, 6_000 + (t - 1) * 2_000);
}

/** Whether the prefs let this alert toast. */
export const wantsToast = (prefs: AlertPrefs, alert: AlertRow): boolean => prefs.toasts && alert.tier >= prefs.minTier;

/** Live alerts arriving (any order): those the prefs let through go on top, newest first. */
export function pushToasts(queue: ToastQueue, alerts: readonly AlertRow[], prefs: AlertPrefs, now: number): ToastQueue {
  const shown = new Set(queue.toasts.map((t) => t.id));
  const fresh = alerts
    .filter((a) => wantsToast(prefs, a) && !shown.has(alertKey(a)))
    .sort((a, b) => b.local_ts - a.local_ts)
    .map((alert): Toast => ({ id: alertKey(alert), alert, expiresAt: now + toastDurationMs(alert.tier) }));
  if (fresh.length === 0) return queue;
  return { ...queue, toasts: [...fresh, ...queue.toasts].slice(0, MAX_TOASTS) };
}

/** The last one dismissed ends a pause too: the emptied stack gets no pointer-leave to resume it. */
export function dismissToast(queue: ToastQueue, id: string): ToastQueue {
  if (!queue.toasts.some((t) => t.id === id)) return queue;
  const toasts = queue.toasts.filter((t) => t.id !== id);
  return { toasts, pausedAt: toasts.length ? queue.pausedAt : null };
}

/** Drops the toasts whose time is up (none while paused). */
export function expireToasts(queue: ToastQueue, now: number): ToastQueue {
  if (queue.pausedAt !== null || !queue.toasts.some((t) => t.expiresAt <= now)) return queue;
  return { ...queue, toasts: queue.toasts.filter((t) => t.expiresAt > now) };
}

/** When the next toast goes: null when none is on screen or while paused. */
export function nextToastExpiry(queue: ToastQueue): number | null {
  if (queue.pausedAt !== null || queue.toasts.length === 0) return null;
  return Math.min(...queue.toasts.map((t) => t.expiresAt));
}

export function pauseToasts(queue: ToastQueue, now: number): ToastQueue {
  return queue.pausedAt === null ? { ...queue, pausedAt: now } : queue;
}

/** Every toast gets back the time the pause took. */
export function resumeToasts(queue: ToastQueue, now: number): ToastQueue {
  if (queue.pausedAt === null) return queue;
  const paused = Math.max(0, now - queue.pausedAt);
  return { pausedAt: null, toasts: queue.toasts.map((t) => ({ ...t, expiresAt: t.expiresAt + paused })) };
}
