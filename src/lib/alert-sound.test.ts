/** The beep's choices; the Web Audio side plays in Chromium in test/site/live-alerts.test.ts. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_PREFS } from './alert-prefs.ts';
import { AlertSound, soundTier, toneFor } from './alert-sound.ts';

describe('toneFor', () => {
  it('rises in pitch and length with the tier, and beeps more often from tier 3 and 5', () => {
    const tones = [1, 2, 3, 4, 5, 6].map(toneFor);
    expect(tones.map((t) => t.frequency)).toEqual([440, 523, 622, 740, 880, 1047]);
    expect(tones.map((t) => t.durationMs)).toEqual([140, 180, 220, 260, 300, 340]);
    expect(tones.map((t) => t.beeps)).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('sounds any other number as the nearest known tier', () => {
    expect(toneFor(9)).toEqual(toneFor(6));
    expect(toneFor(0)).toEqual(toneFor(1));
    expect(toneFor(Number.NaN)).toEqual(toneFor(1));
  });
});

describe('soundTier', () => {
  it('is silent by default and picks the highest tier the prefs let beep', () => {
    const batch = [{ tier: 1 }, { tier: 4 }, { tier: 2 }];
    expect(soundTier(batch, DEFAULT_ALERT_PREFS)).toBeNull();
    expect(soundTier(batch, { ...DEFAULT_ALERT_PREFS, soundTiers: [1, 2] })).toBe(2);
    expect(soundTier(batch, { ...DEFAULT_ALERT_PREFS, soundTiers: [6] })).toBeNull();
  });
});

describe('AlertSound', () => {
  it('stays silent without Web Audio (here: Node), unlocked or not', async () => {
    const sound = new AlertSound();
    expect(sound.play(5)).toBe(false);
    expect(await sound.unlock()).toBe(false);
    expect(sound.ready).toBe(false);
    expect(sound.play(5)).toBe(false);
  });
});
