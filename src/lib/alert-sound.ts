/**
 * The opt-in alert beep: an OscillatorNode through a short gain envelope (Web Audio, no audio
 * files, nothing to fetch under the CSP). A higher tier beeps higher, longer and more often.
 *
 * Browsers start audio only from a user gesture: the AudioContext is created or resumed in
 * `unlock`, which the settings control calls from its click handler, and `play` stays silent
 * until then.
 */
import type { AlertPrefs } from './alert-prefs.ts';

export interface Tone {
  /** Hz: a major-third step per tier from A4 (440 Hz), rounded. */
  frequency: number;
  /** One beep's length. */
  durationMs: number;
  beeps: number;
}

/** Tiers past 6 sound as 6. */
export function toneFor(tier: number): Tone {
  const t = Math.max(1, Math.min(6, Math.trunc(tier) || 1));
  return {
    frequency: Math.round(440 * 2 ** ((t - 1) / 4)),
    durationMs: 100 + 40 * t,
    beeps: t <= 2 ? 1 : t <= 4 ? 2 : 3,
  };
}

/** The tier to beep for a batch of live alerts: the highest the prefs let beep (one beep per batch, not a din). */
export function soundTier(alerts: readonly { tier: number }[], prefs: AlertPrefs): number | null {
  const tiers = alerts.map((a) => a.tier).filter((t) => prefs.soundTiers.includes(t));
  return tiers.length ? Math.max(...tiers) : null;
}

const VOLUME = 0.15;
/** Fade in and out over this long: an abrupt start or stop clicks. */
const RAMP_S = 0.01;

export class AlertSound {
  private ctx: AudioContext | null = null;

  /** Only from a user gesture's handler: creates or resumes the context. True once audio can play. */
  async unlock(): Promise<boolean> {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state !== 'running') await this.ctx.resume();
      return this.ready;
    } catch {
      // No Web Audio in this browser, or it refused: the page stays silent.
      return false;
    }
  }

  get ready(): boolean {
    return this.ctx?.state === 'running';
  }

  /** Beeps for `tier`; false (silent) before `unlock` has succeeded. */
  play(tier: number): boolean {
    const ctx = this.ctx;
    if (ctx?.state !== 'running') return false;
    const tone = toneFor(tier);
    const length = tone.durationMs / 1000;
    for (let i = 0; i < tone.beeps; i++) {
      const start = ctx.currentTime + i * length * 1.6;
      const end = start + length;
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.frequency.value = tone.frequency;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(VOLUME, start + RAMP_S);
      gain.gain.setValueAtTime(VOLUME, end - RAMP_S);
      gain.gain.linearRampToValueAtTime(0, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(end);
    }
    return true;
  }
}
