/**
 * What a live alert does on the dashboard, as one hook: a toast (if the visitor's prefs want
 * it), a beep (if they chose sound for its tier and have clicked to allow audio) and a lit-up
 * market table row. The prefs are read from localStorage after hydration, so the first render
 * matches the static HTML. The models are pure (src/lib/alert-toasts.ts, row-highlights.ts);
 * this hook only holds their state and runs a timer for each one's next deadline.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { alertPrefsStore, DEFAULT_ALERT_PREFS, type AlertPrefs } from '../../lib/alert-prefs.ts';
import { AlertSound, soundTier } from '../../lib/alert-sound.ts';
import {
  dismissToast,
  EMPTY_TOASTS,
  expireToasts,
  nextToastExpiry,
  pauseToasts,
  pushToasts,
  resumeToasts,
} from '../../lib/alert-toasts.ts';
import type { AlertRow } from '../../lib/snapshot-types.ts';
import { expireHighlights, highlightRows, nextHighlightEnd, NO_HIGHLIGHTS } from '../dashboard/row-highlights.ts';

/** Calls `onDue` once `at` (epoch ms) has passed; a new `at` replaces the old one, null cancels. */
function useDeadline(at: number | null, onDue: () => void): void {
  const due = useRef(onDue);
  due.current = onDue;
  useEffect(() => {
    if (at === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A timer may fire a little early by Date.now(): wait again rather than miss the deadline.
    const wait = () => {
      const left = at - Date.now();
      if (left > 0) timer = setTimeout(wait, left);
      else due.current();
    };
    wait();
    return () => clearTimeout(timer);
  }, [at]);
}

export function useLiveAlerts() {
  const [store] = useState(() => alertPrefsStore(() => window.localStorage));
  const [sound] = useState(() => new AlertSound());
  const [prefs, setPrefsState] = useState(DEFAULT_ALERT_PREFS);
  const [soundReady, setSoundReady] = useState(false);
  const [queue, setQueue] = useState(EMPTY_TOASTS);
  const [highlights, setHighlights] = useState(NO_HIGHLIGHTS);
  // Alerts arrive in the relay's callback, which must see the prefs of now.
  const prefsNow = useRef(prefs);
  prefsNow.current = prefs;

  useEffect(() => setPrefsState(store.load()), [store]);

  const setPrefs = useCallback(
    (next: AlertPrefs) => {
      setPrefsState(next);
      store.save(next);
    },
    [store],
  );

  /** Only from a click or key handler: browsers start audio only in a user gesture. */
  const allowSound = useCallback(() => {
    void sound.unlock().then(setSoundReady);
  }, [sound]);

  /** Alerts new since the page subscribed (never the relay's snapshot of recent ones). */
  const arrived = useCallback(
    (alerts: readonly AlertRow[]) => {
      if (alerts.length === 0) return;
      const now = Date.now();
      setQueue((q) => pushToasts(q, alerts, prefsNow.current, now));
      setHighlights((h) => highlightRows(h, alerts, now));
      const tier = soundTier(alerts, prefsNow.current);
      if (tier !== null) sound.play(tier);
    },
    [sound],
  );

  useDeadline(nextToastExpiry(queue), () => setQueue((q) => expireToasts(q, Date.now())));
  useDeadline(nextHighlightEnd(highlights), () => setHighlights((h) => expireHighlights(h, Date.now())));

  return {
    prefs,
    setPrefs,
    soundReady,
    allowSound,
    arrived,
    toasts: queue.toasts,
    highlights,
    dismiss: useCallback((id: string) => setQueue((q) => dismissToast(q, id)), []),
    pause: useCallback(() => setQueue((q) => pauseToasts(q, Date.now())), []),
    resume: useCallback(() => setQueue((q) => resumeToasts(q, Date.now())), []),
  };
}
