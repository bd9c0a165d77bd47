/**
 * The fast contract conversions must give exactly the text core/decimal.ts gives, and the
 * common cases must actually take them: mulDec and divDec are wrapped in spies, so a fast path
 * that quietly fell back to them (and so still gave the right text) fails here.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { divDec, mulDec } from '../../../core/decimal.ts';
import type { Instrument } from '../../../core/instruments.ts';
import { contractsToBase, divideSmall, INVERSE_SCALE, shiftDecimal } from './contracts.ts';

/** Decimal text as exchanges send it: optional sign, integer digits, optional fraction. */
const decimalText = (opts: { negative?: boolean } = {}) =>
  fc
    .tuple(
      opts.negative ? fc.boolean() : fc.constant(false),
      fc.stringMatching(/^(0|[1-9][0-9]{0,11})$/),
      fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
    )
    .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);

const positiveDecimal = decimalText().filter((s) => /[1-9]/.test(s));

/** Decimal text with an integer part in [min, max] and up to `fracDigits` fraction digits. */
const plainDecimal = (min: number, max: number, fracDigits: number) =>
  fc
    .tuple(
      fc.integer({ min, max }),
      fc.option(fc.stringMatching(new RegExp(`^[0-9]{1,${fracDigits}}$`)), { nil: undefined }),
    )
    .map(([int, frac]) => (frac === undefined ? `${int}` : `${int}.${frac}`));

vi.mock('../../../core/decimal.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../core/decimal.ts')>();
  return { ...real, mulDec: vi.fn(real.mulDec), divDec: vi.fn(real.divDec) };
});

/** Calls of the general (slow) decimal arithmetic made by `fn`. */
function slowCallsIn(fn: () => void): number {
  vi.mocked(mulDec).mockClear();
  vi.mocked(divDec).mockClear();
  fn();
  return vi.mocked(mulDec).mock.calls.length + vi.mocked(divDec).mock.calls.length;
}

function swap(contractSize: string, inverse: boolean): Instrument {
  return {
    exchange: 'okx-swap',
    symbol: 'X-USDT-SWAP',
    market: 'X/USDT:USDT',
    base: 'X',
    quote: 'USDT',
    settle: 'USDT',
    contract_size: contractSize,
    inverse,
    tick_size: '0.1',
  };
}

describe('contract conversion fast paths', () => {
  it('shiftDecimal(s, k) equals mulDec(s, 10^k)', () => {
    fc.assert(
      fc.property(decimalText({ negative: true }), fc.integer({ min: -12, max: 9 }), (s, k) => {
        const power = k >= 0 ? `1${'0'.repeat(k)}` : `0.${'0'.repeat(-k - 1)}1`;
        expect(shiftDecimal(s, k)).toBe(mulDec(s, power));
      }),
      { numRuns: 2000 },
    );
  });

  it('divideSmall equals divDec whenever it answers, and answers for typical sizes', () => {
    let answered = 0;
    let declined = 0;
    fc.assert(
      fc.property(decimalText(), positiveDecimal, fc.integer({ min: 0, max: 14 }), (a, b, scale) => {
        const fast = divideSmall(a, b, scale);
        if (fast === null) declined++;
        else {
          answered++;
          expect(fast).toBe(divDec(a, b, scale));
        }
      }),
      { numRuns: 5000 },
    );
    // Both outcomes were exercised: the comparison above ran on real answers, not only on nulls.
    expect(answered).toBeGreaterThan(500);
    expect(declined).toBeGreaterThan(0);
    // a book level of 120 BTC-USD contracts (12000 USD) at 42999.9 takes the fast path
    expect(divideSmall('12000', '42999.9', INVERSE_SCALE)).toBe('0.279070416443');
    // halves round up, like divDec
    expect(divideSmall('1', '8', 2)).toBe(divDec('1', '8', 2));
    expect(divideSmall('1', '8', 2)).toBe('0.13');
  });

  it('contractsToBase equals sz × ctVal (linear) and sz × ctVal / price (inverse) for any ctVal', () => {
    const ctVal = fc.oneof(fc.constantFrom('0.01', '0.1', '1', '10', '100', '1000', '1000000'), positiveDecimal);
    fc.assert(
      fc.property(decimalText(), ctVal, positiveDecimal, (sz, ct, px) => {
        expect(contractsToBase(swap(ct, false), sz, px, 't')).toBe(ct === '1' ? sz : mulDec(sz, ct));
        expect(contractsToBase(swap(ct, true), sz, px, 't')).toBe(
          divDec(ct === '1' ? sz : mulDec(sz, ct), px, INVERSE_SCALE),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast paths for power-of-ten ctVal and typical inverse sizes, without mulDec or divDec', () => {
    const ctVal = fc.constantFrom('0.001', '0.01', '0.1', '1', '10', '100', '1000');
    // OKX inverse swaps are worth 10 or 100 USD a contract. Up to 9,000 contracts at prices from
    // 100 gives quotients below 9,000 coins at 12 digits: the range divideSmall is exact for.
    const inverseCtVal = fc.constantFrom('10', '100');
    const contracts = plainDecimal(0, 9000, 2);
    const price = plainDecimal(100, 999_999, 4);
    fc.assert(
      fc.property(contracts, ctVal, inverseCtVal, price, (sz, ct, inverseCt, px) => {
        const linear = ct === '1' ? sz : mulDec(sz, ct);
        const inverse = divDec(mulDec(sz, inverseCt), px, INVERSE_SCALE);
        let got: string[] = [];
        expect(
          slowCallsIn(
            () =>
              (got = [
                contractsToBase(swap(ct, false), sz, px, 't'),
                contractsToBase(swap(inverseCt, true), sz, px, 't'),
              ]),
          ),
        ).toBe(0);
        expect(got).toEqual([linear, inverse]);
      }),
      { numRuns: 3000 },
    );
    // And the slow path is still there for what the fast one cannot do exactly.
    expect(slowCallsIn(() => contractsToBase(swap('0.25', false), '3', null, 't'))).toBe(1);
    expect(slowCallsIn(() => contractsToBase(swap('100', true), '5', '0.000000000000001', 't'))).toBe(1);
  });

  it('refuses to size inverse contracts without a positive price', () => {
    expect(() => contractsToBase(swap('100', true), '5', null, 'open-interest')).toThrow(
      /open-interest: no usable price/,
    );
    expect(() => contractsToBase(swap('100', true), '5', '0', 'trades')).toThrow(/no usable price \(0\)/);
  });
});
