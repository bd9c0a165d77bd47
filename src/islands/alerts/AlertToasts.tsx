/**
 * Live alerts as toasts in the top-right corner, newest on top. Each is its own live region:
 * tier 1 polite (role="status"), higher tiers assertive (role="alert"). A toast goes by itself
 * after its time (src/lib/alert-toasts.ts), held while the pointer or focus is on the stack;
 * its button or Escape dismisses it (Escape: the focused toast, else the newest).
 */
import { useEffect, useRef } from 'react';
import type { Toast } from '../../lib/alert-toasts.ts';
import { fmtNumber, fmtTime } from '../../lib/format.ts';
import { tierAccentClass } from './tier-colors.ts';
import { TierBadge } from './TierBadge.tsx';

interface Props {
  toasts: readonly Toast[];
  onDismiss(id: string): void;
  onPause(): void;
  onResume(): void;
}

export function AlertToasts({ toasts, onDismiss, onPause, onResume }: Props) {
  const stack = useRef<HTMLElement>(null);
  const newest = toasts[0]?.id;

  useEffect(() => {
    if (newest === undefined) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const focused = document.activeElement?.closest<HTMLElement>('[data-toast-id]');
      const id = focused && stack.current?.contains(focused) ? focused.dataset.toastId : newest;
      if (id) onDismiss(id);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [newest, onDismiss]);

  return (
    <section
      ref={stack}
      aria-label="Live alerts"
      data-testid="alert-toasts"
      className="pointer-events-none fixed right-4 top-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
      onMouseEnter={onPause}
      onMouseLeave={onResume}
      onFocus={onPause}
      onBlur={onResume}
    >
      {toasts.map(({ id, alert: a }) => (
        <div
          key={id}
          data-toast-id={id}
          data-testid="alert-toast"
          data-alert-exchange={a.exchange}
          data-alert-market={a.market}
          data-alert-tier={a.tier}
          data-alert-rule={a.rule}
          role={a.tier >= 2 ? 'alert' : 'status'}
          aria-live={a.tier >= 2 ? 'assertive' : 'polite'}
          aria-atomic="true"
          className={`pointer-events-auto rounded-tremor-default border-l-4 bg-tremor-background p-3 text-sm shadow-tremor-dropdown ring-1 ring-tremor-ring dark:bg-dark-tremor-background dark:ring-dark-tremor-ring ${tierAccentClass(a.tier)}`}
        >
          <div className="flex items-start gap-2">
            <TierBadge tier={a.tier} />
            <div className="min-w-0 flex-1">
              <p className="truncate font-semibold text-tremor-content-strong dark:text-dark-tremor-content-strong">
                {a.market} <span className="text-xs font-normal">{a.exchange}</span>
              </p>
              <p className="font-mono text-xs">
                {a.rule}{' '}
                <span
                  className={
                    a.direction === 'up' ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400'
                  }
                >
                  {a.direction === 'up' ? '▲ up' : '▼ down'}
                </span>
              </p>
              <p className="text-xs tabular-nums text-tremor-content dark:text-dark-tremor-content">
                {fmtNumber(a.value, 3)} vs {fmtNumber(a.threshold, 3)} · {fmtTime(a.local_ts).slice(11)}
              </p>
            </div>
            <button
              type="button"
              aria-label={`Dismiss ${a.market} tier ${a.tier} alert`}
              data-testid="dismiss-toast"
              className="rounded px-1 text-lg leading-none text-tremor-content hover:text-tremor-content-strong dark:text-dark-tremor-content"
              onClick={() => onDismiss(id)}
            >
              ×
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
