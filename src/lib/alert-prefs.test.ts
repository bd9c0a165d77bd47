import { describe, expect, it } from 'vitest';
import { ALERT_PREFS_KEY, alertPrefsStore, DEFAULT_ALERT_PREFS, parseAlertPrefs } from './alert-prefs.ts';

/** The two Storage methods the store uses, over a Map, as a browser's localStorage behaves. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
  };
}

const refusing = () => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};

describe('parseAlertPrefs', () => {
  it('gives the defaults, silent, for nothing stored and for text that is not JSON', () => {
    expect(DEFAULT_ALERT_PREFS).toEqual({ toasts: true, minTier: 1, soundTiers: [] });
    for (const text of [null, '', '{', 'null', '42', '"on"', '[1,2]'])
      expect(parseAlertPrefs(text)).toEqual(DEFAULT_ALERT_PREFS);
  });

  it('keeps each good field and defaults each bad one on its own', () => {
    expect(parseAlertPrefs('{"toasts":false,"minTier":3,"soundTiers":[5,2,2]}')).toEqual({
      toasts: false,
      minTier: 3,
      soundTiers: [2, 5],
    });
    expect(parseAlertPrefs('{"toasts":"no","minTier":0,"soundTiers":[1,"2",2.5,-1,6]}')).toEqual({
      toasts: true,
      minTier: 1,
      soundTiers: [1, 6],
    });
    expect(parseAlertPrefs('{"minTier":7,"soundTiers":"all"}')).toEqual({ toasts: true, minTier: 7, soundTiers: [] });
  });
});

describe('alertPrefsStore', () => {
  it('saves to localStorage and a new store (a reload) reads the same choices back', () => {
    const storage = memoryStorage();
    const prefs = { toasts: false, minTier: 2, soundTiers: [2, 6] };
    alertPrefsStore(() => storage).save(prefs);
    expect(JSON.parse(storage.items.get(ALERT_PREFS_KEY) ?? '')).toEqual(prefs);
    expect(alertPrefsStore(() => storage).load()).toEqual(prefs);
  });

  it('reads defaults from a corrupt entry', () => {
    const storage = memoryStorage({ [ALERT_PREFS_KEY]: '{"toasts":' });
    expect(alertPrefsStore(() => storage).load()).toEqual(DEFAULT_ALERT_PREFS);
  });

  it('keeps choices in memory when storage is blocked or refuses writes', () => {
    const blocked = alertPrefsStore(refusing);
    expect(blocked.load()).toEqual(DEFAULT_ALERT_PREFS);
    blocked.save({ toasts: true, minTier: 4, soundTiers: [4] });
    expect(blocked.load()).toEqual({ toasts: true, minTier: 4, soundTiers: [4] });

    const full = { ...memoryStorage(), setItem: refusing };
    const store = alertPrefsStore(() => full);
    store.save({ toasts: false, minTier: 1, soundTiers: [] });
    expect(store.load()).toEqual({ toasts: false, minTier: 1, soundTiers: [] });
  });
});
