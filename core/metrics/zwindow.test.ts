import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZWindow } from './zwindow.ts';

/** The definition, recomputed from scratch: sample mean/std of the values in buckets [b − size, b − 1]. */
function naive(history: { b: number; x: number[] }[], b: number, size: number, s: number, minSamples: number) {
  const xs = history
    .filter((h) => h.b >= b - size && h.b < b)
    .map((h) => h.x[s])
    .filter((v) => !Number.isNaN(v));
  const n = xs.length;
  if (n < Math.max(2, minSamples)) return { n, mean: NaN, std: NaN, scale: 1, constant: false };
  const mean = xs.reduce((a, v) => a + v, 0) / n;
  const std = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, scale: Math.max(1, ...xs.map(Math.abs)), constant: xs.every((v) => v === xs[0]) };
}

function score(w: ZWindow, b: number, x: number[]) {
  const z = new Float64Array(w.series);
  const mean = new Float64Array(w.series);
  const std = new Float64Array(w.series);
  w.scoreThenAdd(b, x, z, mean, std);
  return { z: [...z], mean: [...mean], std: [...std] };
}

const SIZE = 12;
const SERIES = 3;
const MIN = 4;

const value = fc.oneof(
  { weight: 1, arbitrary: fc.constant(NaN) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) }, // ties and constant stretches
  { weight: 4, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 65_000, max: 65_001, noNaN: true }) }, // far from zero, small spread
);
const steps = fc.array(
  fc.record({
    // Mostly the next bucket; sometimes a hole, sometimes one longer than the window.
    advance: fc.oneof(
      { weight: 6, arbitrary: fc.constant(1) },
      { weight: 2, arbitrary: fc.integer({ min: 2, max: 5 }) },
      { weight: 1, arbitrary: fc.integer({ min: SIZE, max: SIZE + 4 }) },
    ),
    x: fc.array(value, { minLength: SERIES, maxLength: SERIES }),
  }),
  { minLength: 1, maxLength: 120 },
);

describe('ZWindow (rolling z-score over a time window of buckets)', () => {
  it('matches a from-scratch recomputation of mean, std and z, scoring each value before adding it', () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 1_000_000 }), (path, start) => {
        const w = new ZWindow(SIZE, SERIES, MIN);
        const history: { b: number; x: number[] }[] = [];
        let b = start;
        for (const step of path) {
          b += step.advance;
          const got = score(w, b, step.x);
          for (let s = 0; s < SERIES; s++) {
            const want = naive(history, b, SIZE, s, MIN);
            if (Number.isNaN(want.mean)) {
              expect(got.z[s]).toBeNaN();
              expect(got.mean[s]).toBeNaN();
              continue;
            }
            expect(Math.abs(got.mean[s] - want.mean)).toBeLessThanOrEqual(1e-9 * want.scale);
            expect(Math.abs(got.std[s] - want.std)).toBeLessThanOrEqual(1e-7 * want.scale);
            const x = step.x[s];
            // A constant window has no spread to score against. (A std that merely underflows
            // to 0 here, e.g. values near 1e-162, is in the "either answer" band below.)
            if (Number.isNaN(x) || want.constant) expect(got.z[s]).toBeNaN();
            else if (want.std > 1e-5 * want.scale) {
              const z = (x - want.mean) / want.std;
              expect(Math.abs(got.z[s] - z)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(z)));
            }
            // Between the two, the spread is rounding noise: either answer is acceptable.
          }
          history.push({ b, x: step.x });
        }
      }),
      {
        numRuns: 1000,
        // Found by fast-check in CI: 65,000 leaving a window of values near 0 left rounding
        // residue in the running sum of squares (now recomputed exactly when that happens).
        examples: [
          [
            [
              { advance: 1, x: [0, 0, 0] },
              { advance: 1, x: [0, 65000, NaN] },
              { advance: 2, x: [0, 0.0004882812500000001, 0] },
              { advance: 3, x: [0, NaN, 0] },
              { advance: 1, x: [0, NaN, 0] },
              { advance: 2, x: [65000, 0, 0] },
              { advance: 1, x: [NaN, 0, NaN] },
              { advance: 3, x: [0, 0, NaN] },
              { advance: 1, x: [65000, 0, 65000] },
            ],
            0,
          ],
        ],
      },
    );
  });

  it('scores a value against the window without it, then adds it', () => {
    const w = new ZWindow(10, 1, 3);
    score(w, 1, [1]);
    score(w, 2, [2]);
    score(w, 3, [3]);
    expect(score(w, 4, [100]).z[0]).toBeCloseTo(98, 12); // mean 2, std 1 of [1, 2, 3]
    const next = score(w, 5, [2]); // now against [1, 2, 3, 100]
    expect(next.mean[0]).toBeCloseTo(26.5, 12);
  });

  it('forgets values older than the window however few buckets arrived since', () => {
    const w = new ZWindow(5, 1, 2);
    for (let b = 0; b < 5; b++) score(w, b, [b]);
    expect(score(w, 20, [7]).z[0]).toBeNaN(); // buckets 0..4 are all older than 20 − 5
    expect(score(w, 21, [7]).z[0]).toBeNaN(); // one value in the window is not enough
  });

  it('gives no z for a constant window, even far from zero', () => {
    const w = new ZWindow(8, 1, 3);
    for (let b = 0; b < 8; b++) score(w, b, [65_000.1]);
    expect(score(w, 8, [65_000.2]).z[0]).toBeNaN();
  });

  it('gives no z when the values differ only by the rounding of the arithmetic that made them', () => {
    // A −20 % book imbalance computed at two prices: (0.8·101 − 1.2·101) / (2·101) · 100.
    const noisy = ((0.8 * 101 - 1.2 * 101) / (0.8 * 101 + 1.2 * 101)) * 100;
    expect(noisy).not.toBe(-20);
    const w = new ZWindow(12, 1, 3);
    for (let b = 0; b < 10; b++) score(w, b, [b % 4 === 0 ? noisy : -20]);
    expect(score(w, 10, [noisy]).z[0]).toBeNaN();
    // A spread of 5·10⁻¹¹ of the values' size is real: funding 0.0001 against 0.00010000000001.
    const f = new ZWindow(12, 1, 3);
    for (let b = 0; b < 10; b++) score(f, b, [b % 2 ? 0.00010000000001 : 0.0001]);
    expect(Math.abs(score(f, 10, [0.00010000000001]).z[0])).toBeGreaterThan(0.5);
  });

  it('refuses buckets that do not increase', () => {
    const w = new ZWindow(4, 1, 2);
    score(w, 5, [1]);
    expect(() => score(w, 5, [1])).toThrow(RangeError);
  });
});
