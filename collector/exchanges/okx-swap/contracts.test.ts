/** The fast contract conversions must give exactly the text replay/core/decimal.ts gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divDec, mulDec } from '../../../replay/core/decimal.ts';
import type { Instrument } from '../../../replay/core/instruments.ts';
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

function swap(contractSize: string, inverse: boolean): Instrument {
  return { exchange: 'okx-swap', symbol: 'X-USDT-SWAP', market: 'X/USDT:USDT', base: 'X', quote: 'USDT', settle: 'USDT', contract_size: contractSize, inverse, tick_size: '0.1' };
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
    fc.assert(
      fc.property(decimalText(), positiveDecimal, fc.integer({ min: 0, max: 14 }), (a, b, scale) => {
        const fast = divideSmall(a, b, scale);
        if (fast !== null) expect(fast).toBe(divDec(a, b, scale));
      }),
      { numRuns: 5000 },
    );
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
        expect(contractsToBase(swap(ct, true), sz, px, 't')).toBe(divDec(ct === '1' ? sz : mulDec(sz, ct), px, INVERSE_SCALE));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses to size inverse contracts without a positive price', () => {
    expect(() => contractsToBase(swap('100', true), '5', null, 'open-interest')).toThrow(/open-interest: no usable price/);
    expect(() => contractsToBase(swap('100', true), '5', '0', 'trades')).toThrow(/no usable price \(0\)/);
  });
});
