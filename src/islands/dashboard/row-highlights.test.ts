import { describe, expect, it } from 'vitest';
import { alertRowsFrom } from '../../lib/alert-row.ts';
import { expireHighlights, HIGHLIGHT_MS, highlightRows, NO_HIGHLIGHTS, nextHighlightEnd } from './row-highlights.ts';

const T0 = Date.UTC(2026, 0, 5, 12);

/** Alerts as the relay's items, read the way the dashboard reads them. */
const alerts = (...items: [string, string, number][]) =>
  alertRowsFrom(
    items.map(([exchange, market, tier]) => ({ exchange, market, tier, local_ts: T0, rule: 'z:cvd', direction: 'up' })),
  );

describe('row highlights', () => {
  it("lights the alert's own exchange row, in its tier, for a while", () => {
    const h = highlightRows(NO_HIGHLIGHTS, alerts(['bybit-linear', 'ETH/USDT:USDT', 2]), T0);
    expect([...h]).toEqual([['bybit-linear|ETH/USDT:USDT', { tier: 2, until: T0 + HIGHLIGHT_MS }]]);
    expect(nextHighlightEnd(h)).toBe(T0 + HIGHLIGHT_MS);
    expect(highlightRows(h, [], T0 + 1)).toBe(h);
  });

  it('keeps the strongest tier while alerts overlap and restarts the time with each', () => {
    let h = highlightRows(NO_HIGHLIGHTS, alerts(['okx-swap', 'BTC/USDT:USDT', 4]), T0);
    h = highlightRows(h, alerts(['okx-swap', 'BTC/USDT:USDT', 1]), T0 + 1_000);
    expect(h.get('okx-swap|BTC/USDT:USDT')).toEqual({ tier: 4, until: T0 + 1_000 + HIGHLIGHT_MS });
    // Once the strong one has gone, a weaker alert shows its own tier.
    h = highlightRows(h, alerts(['okx-swap', 'BTC/USDT:USDT', 1]), T0 + 20_000);
    expect(h.get('okx-swap|BTC/USDT:USDT')?.tier).toBe(1);
  });

  it('drops each highlight at its end', () => {
    let h = highlightRows(NO_HIGHLIGHTS, alerts(['okx-swap', 'BTC/USDT:USDT', 3]), T0);
    h = highlightRows(h, alerts(['binance-usdm', 'SOL/USDT:USDT', 6]), T0 + 2_000);
    expect(expireHighlights(h, T0 + HIGHLIGHT_MS - 1)).toBe(h);
    const later = expireHighlights(h, T0 + HIGHLIGHT_MS);
    expect([...later.keys()]).toEqual(['binance-usdm|SOL/USDT:USDT']);
    expect(nextHighlightEnd(expireHighlights(later, T0 + 2_000 + HIGHLIGHT_MS))).toBeNull();
  });
});
