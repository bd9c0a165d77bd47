import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BV, BV_LEN, BV_SUMS, SlotRing } from './slot-ring.ts';

function vector(volume: number, price: number): Float64Array {
  const v = new Float64Array(BV_LEN);
  v[BV.volume] = volume;
  v[BV.quote] = volume * price;
  v[BV.price] = price;
  return v;
}

describe('SlotRing (rolling timeframe sums and reference levels)', () => {
  it('matches a from-scratch sum over the window and the level just before it, with missing buckets', () => {
    const path = fc.array(
      fc.record({
        advance: fc.integer({ min: 1, max: 9 }),
        volume: fc.integer({ min: 0, max: 1000 }),
        price: fc.integer({ min: 1, max: 500 }),
      }),
      {
        minLength: 1,
        maxLength: 150,
      },
    );
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 8 }), path, (per, slots, steps) => {
        const ring = new SlotRing(per, slots);
        const seen: { b: number; volume: number; price: number }[] = [];
        const out = new Float64Array(BV_SUMS);
        let b = 0;
        for (const st of steps) {
          b += st.advance;
          ring.add(b, vector(st.volume, st.price));
          seen.push({ b, volume: st.volume, price: st.price });
          const s = Math.floor(b / per);
          const inWindow = seen.filter((x) => Math.floor(x.b / per) > s - slots);
          const buckets = ring.sums(b, out);
          expect(buckets).toBe(inWindow.length);
          expect(out[BV.volume]).toBe(inWindow.reduce((a, x) => a + x.volume, 0));
          const before = seen.filter((x) => Math.floor(x.b / per) === s - slots).at(-1);
          const ref = ring.reference(b, BV.price);
          if (before) expect(ref).toBe(before.price);
          else expect(ref).toBeNaN();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a long timeframe at slot resolution that divides it', () => {
    expect(SlotRing.forTimeframe(8640, 360)).toMatchObject({ bucketsPerSlot: 24, slots: 360 }); // 24 h of 10 s buckets
    expect(SlotRing.forTimeframe(43_200, 360)).toMatchObject({ bucketsPerSlot: 120, slots: 360 }); // 24 h of 2 s buckets
    expect(SlotRing.forTimeframe(6, 360)).toMatchObject({ bucketsPerSlot: 1, slots: 6 });
    expect(SlotRing.forTimeframe(1000, 360)).toMatchObject({ bucketsPerSlot: 4, slots: 250 });
  });
});
