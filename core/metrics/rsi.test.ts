import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rsi } from './rsi.ts';

/**
 * Wilder's RSI recomputed from the candles' closes, the forming candle last. Only neighbouring
 * candles make a change; the forming candle after missing ones has no RSI yet.
 */
function naiveRsi(candles: [number, number][], period: number): number {
  const n = candles.length;
  if (n < 2 || candles[n - 1][0] !== candles[n - 2][0] + 1) return NaN;
  const ch = candles.slice(1).flatMap(([c, close], i) => (c === candles[i][0] + 1 ? [close - candles[i][1]] : []));
  if (ch.length < period) return NaN;
  let ag = ch.slice(0, period).reduce((a, c) => a + Math.max(c, 0), 0) / period;
  let al = ch.slice(0, period).reduce((a, c) => a + Math.max(-c, 0), 0) / period;
  for (const c of ch.slice(period)) {
    ag = (ag * (period - 1) + Math.max(c, 0)) / period;
    al = (al * (period - 1) + Math.max(-c, 0)) / period;
  }
  if (al === 0) return ag === 0 ? 50 : 100;
  return 100 - 100 / (1 + ag / al);
}

describe('Rsi (Wilder, on candles of N buckets)', () => {
  it('hand-computed: period 2 on closes 10, 11, 10, 12', () => {
    const r = new Rsi(2, 1);
    expect(r.update(0, 10)).toBeNaN();
    expect(r.update(1, 11)).toBeNaN(); // one change; period 2 needs two
    expect(r.update(2, 10)).toBe(50); // gains 1, losses 1
    expect(r.update(3, 12)).toBeCloseTo(100 - 100 / 6, 12); // ag (0.5 + 2) / 2, al 0.5 / 2
  });

  it('is 100 on a steady rise and 0 on a steady fall', () => {
    const up = new Rsi(14, 1);
    const down = new Rsi(14, 1);
    let u = NaN;
    let d = NaN;
    for (let b = 0; b < 20; b++) {
      u = up.update(b, 100 + b);
      d = down.update(b, 100 - b);
    }
    expect(u).toBe(100);
    expect(d).toBe(0);
  });

  it('does not compare the closes on either side of missing candles (a gap)', () => {
    const r = new Rsi(2, 1);
    r.update(0, 10);
    r.update(1, 11);
    expect(r.update(2, 10)).toBe(50);
    // Buckets 3 and 4 missing: 10 → 30 is not a change, so there is no RSI until bucket 6.
    expect(r.update(5, 30)).toBeNaN();
    // The averages carried over (0.5, 0.5) take the change 30 → 31: ag (0.5 + 1) / 2, al 0.5 / 2.
    expect(r.update(6, 31)).toBeCloseTo(100 - 100 / (1 + 0.75 / 0.25), 12);
  });

  it('matches a recomputation from candle closes, forming candle included, across holes', () => {
    const steps = fc.array(
      fc.record({ advance: fc.integer({ min: 1, max: 4 }), price: fc.integer({ min: 1, max: 200 }) }),
      { minLength: 1, maxLength: 120 },
    );
    fc.assert(
      fc.property(fc.constantFrom(1, 3, 6), fc.constantFrom(2, 5, 14), steps, (per, period, path) => {
        const rsi = new Rsi(period, per);
        const closes = new Map<number, number>(); // candle -> latest close, in candle order
        let b = 0;
        for (const st of path) {
          b += st.advance;
          const got = rsi.update(b, st.price);
          closes.set(Math.floor(b / per), st.price);
          const want = naiveRsi([...closes.entries()], period);
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(got).toBeCloseTo(want, 9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
