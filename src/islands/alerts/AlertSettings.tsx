/**
 * The visitor's choices for live alerts, behind a disclosure next to the live pill: toasts on or
 * off and from which tier, and sound per tier (off by default). Ticking a sound box is the user
 * gesture that lets the page start audio; after a reload the remembered sound choice waits for
 * one click on "Allow sound", as browsers require.
 */
import type { AlertPrefs } from '../../lib/alert-prefs.ts';
import { ALERT_TIERS } from './tier-colors.ts';

interface Props {
  prefs: AlertPrefs;
  onPrefs(prefs: AlertPrefs): void;
  soundReady: boolean;
  /** Call from the click handler itself: that click is the gesture the browser wants. */
  onAllowSound(): void;
}

const control =
  'rounded-tremor-default border border-tremor-border bg-tremor-background px-2 py-1 text-sm dark:border-dark-tremor-border dark:bg-dark-tremor-background';

function summary(p: AlertPrefs, soundReady: boolean): string {
  const toasts = p.toasts ? `toasts from T${p.minTier}` : 'no toasts';
  if (p.soundTiers.length === 0) return `${toasts} · silent`;
  return `${toasts} · sound ${p.soundTiers.map((t) => `T${t}`).join(' ')}${soundReady ? '' : ' (needs a click)'}`;
}

export function AlertSettings({ prefs, onPrefs, soundReady, onAllowSound }: Props) {
  const toggleSound = (tier: number, on: boolean) => {
    if (on) onAllowSound();
    const soundTiers = on
      ? [...prefs.soundTiers, tier].sort((a, b) => a - b)
      : prefs.soundTiers.filter((t) => t !== tier);
    onPrefs({ ...prefs, soundTiers });
  };
  return (
    <details className="relative ml-auto text-sm" data-testid="alert-settings">
      <summary className="cursor-pointer select-none text-xs text-tremor-content dark:text-dark-tremor-content">
        Alert notifications: <span data-testid="alert-settings-summary">{summary(prefs, soundReady)}</span>
      </summary>
      <div className="absolute right-0 z-40 mt-2 w-72 space-y-3 rounded-tremor-default border border-tremor-border bg-tremor-background p-3 shadow-tremor-dropdown dark:border-dark-tremor-border dark:bg-dark-tremor-background">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            data-testid="toasts-on"
            checked={prefs.toasts}
            onChange={(e) => onPrefs({ ...prefs, toasts: e.target.checked })}
          />
          Show live alerts as toasts
        </label>
        <label className="flex items-center justify-between gap-2">
          <span>Toast from tier</span>
          <select
            className={control}
            data-testid="toast-min-tier"
            disabled={!prefs.toasts}
            value={prefs.minTier}
            onChange={(e) => onPrefs({ ...prefs, minTier: Number(e.target.value) })}
          >
            {ALERT_TIERS.map((t) => (
              <option key={t} value={t}>
                T{t}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend className="mb-1">Sound for tier</legend>
          <div className="flex flex-wrap gap-x-3 gap-y-1">
            {ALERT_TIERS.map((t) => (
              <label key={t} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  data-testid={`sound-tier-${t}`}
                  checked={prefs.soundTiers.includes(t)}
                  onChange={(e) => toggleSound(t, e.target.checked)}
                />
                T{t}
              </label>
            ))}
          </div>
          {prefs.soundTiers.length > 0 && !soundReady && (
            <p className="mt-2 text-xs">
              Browsers play sound only after a click on the page.{' '}
              <button type="button" className={control} data-testid="allow-sound" onClick={onAllowSound}>
                Allow sound
              </button>
            </p>
          )}
        </fieldset>
      </div>
    </details>
  );
}
