/**
 * What a visitor chose for live alerts (toasts on or off, the lowest tier that toasts, the tiers
 * that beep), remembered in localStorage. Reading never fails: missing or bad JSON, or a bad
 * field, gives that field's default; a browser that refuses storage (privacy mode, a sandboxed
 * frame, a full quota) keeps the choices in memory for the page's life.
 */

export interface AlertPrefs {
  /** Live alerts pop up as toasts. */
  toasts: boolean;
  /** Only alerts of this tier or higher toast. */
  minTier: number;
  /** Tiers whose live alerts beep, ascending; empty (the default) is silent. */
  soundTiers: number[];
}

export const DEFAULT_ALERT_PREFS: AlertPrefs = { toasts: true, minTier: 1, soundTiers: [] };

/** Next to the theme's `fb-theme`. */
export const ALERT_PREFS_KEY = 'fb-alert-prefs';

const isTier = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** Prefs from stored text, field by field: whatever is missing or malformed takes its default. */
export function parseAlertPrefs(text: string | null): AlertPrefs {
  let raw: unknown = null;
  try {
    raw = text === null ? null : JSON.parse(text);
  } catch {
    // Not JSON (an older format, a hand edit): defaults.
  }
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    toasts: typeof o.toasts === 'boolean' ? o.toasts : DEFAULT_ALERT_PREFS.toasts,
    minTier: isTier(o.minTier) ? o.minTier : DEFAULT_ALERT_PREFS.minTier,
    soundTiers: Array.isArray(o.soundTiers)
      ? [...new Set(o.soundTiers.filter(isTier))].sort((a, b) => a - b)
      : DEFAULT_ALERT_PREFS.soundTiers,
  };
}

export interface AlertPrefsStore {
  load(): AlertPrefs;
  save(prefs: AlertPrefs): void;
}

/**
 * The store over `storage()` (a function: merely reading `window.localStorage` throws where
 * storage is blocked). Once a save has happened the in-memory copy is the truth, so a
 * browser that refuses to write still shows the visitor's choice until the page closes.
 */
export function alertPrefsStore(storage: () => Pick<Storage, 'getItem' | 'setItem'>): AlertPrefsStore {
  let memory: AlertPrefs | null = null;
  return {
    load() {
      if (memory) return memory;
      try {
        return parseAlertPrefs(storage().getItem(ALERT_PREFS_KEY));
      } catch {
        return DEFAULT_ALERT_PREFS;
      }
    },
    save(prefs) {
      memory = prefs;
      try {
        storage().setItem(ALERT_PREFS_KEY, JSON.stringify(prefs));
      } catch {
        // Storage refused: the choice lasts until the page closes.
      }
    },
  };
}
