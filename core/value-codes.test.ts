/**
 * Value codes must give back exactly the text the exchange sent: checked on edge cases, on random
 * decimals, and on every string and every book level in every real frame we have (../shared
 * samples and captures, fixtures/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsShared, SHARED_DIR } from '../test/helpers/shared-data.ts';
import { decodeDec, decodeDepth, decodeId, encodeDec, encodeDepth, encodeId, type Level } from './value-codes.ts';

const roundTrip = (s: string) => decodeDec(typeof encodeDec(s) === 'bigint' ? Number(encodeDec(s)) : encodeDec(s));

describe('decimal codes', () => {
  it.each([
    '0',
    '0.0',
    '0.00000000',
    '65114.30',
    '-0.0001',
    '0.000100000000',
    '1',
    '10',
    '123456789012345',
    '25.35190000',
    '99999999999.999',
  ])('%s reads back as sent, as an integer code', (s) => {
    expect(typeof encodeDec(s)).toBe('bigint');
    expect(roundTrip(s)).toBe(s);
  });

  it.each([
    '007',
    '.5',
    '5.',
    '1e-8',
    '-0',
    '-0.000',
    '',
    '-',
    '1.2.3',
    '0.0000000000000001', // 16 fraction digits
    '123456789012345678', // mantissa past 2^48
    '0.000012345678901234567',
    ' 1',
    '+1',
  ])('%j has no code and is kept as its text', (s) => {
    expect(encodeDec(s)).toBe(s);
    expect(decodeDec(s)).toBe(s);
  });

  it('round-trips random decimal text exactly', () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 4 }),
      )
      .map(([neg, digits, scale, zeros]) => {
        const text = digits.toString().padStart(scale + 1, '0');
        const body = scale ? `${text.slice(0, -scale)}.${text.slice(-scale)}${'0'.repeat(zeros)}` : text;
        return neg ? `-${body}` : body;
      });
    fc.assert(
      fc.property(decimal, (s) => roundTrip(s) === s),
      { numRuns: 20_000 },
    );
  });
});

describe('ids', () => {
  it.each([
    '0',
    '123456789',
    '999999999999999',
    'a8979d32-5633-505e-059b-00d2fac28f00',
    'A8979D32-5633-505E-059B-00D2FAC28F00',
    '0123',
    '1234567890123456',
    'abc',
    '',
  ])('%j reads back as sent', (id) => {
    const stored = encodeId(id);
    expect(decodeId(typeof stored === 'bigint' ? Number(stored) : stored)).toBe(id);
  });
  it('keeps null', () => expect(decodeId(encodeId(null))).toBeNull());
  it('stores a lower-case UUID in 16 bytes and a counter as an integer', () => {
    expect(encodeId('a8979d32-5633-505e-059b-00d2fac28f00')).toHaveLength(16);
    expect(encodeId('123')).toBe(123n);
  });
});

/** Every string leaf and every array of [price, qty] pairs in a JSON value. */
function collect(v: unknown, strings: string[], books: Level[][]): void {
  if (typeof v === 'string') {
    strings.push(v);
    if (v.startsWith('{') || v.startsWith('[')) {
      try {
        collect(JSON.parse(v), strings, books);
      } catch {
        // not JSON: a plain string
      }
    }
  } else if (Array.isArray(v)) {
    if (v.length && v.every((l) => Array.isArray(l) && l.length >= 2 && l.every((x) => typeof x === 'string')))
      books.push(v.map((l) => [l[0], l[1]] as Level));
    for (const x of v) collect(x, strings, books);
  } else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, strings, books);
}

function framesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith('.jsonl'))
    .map((f) => join(f.parentPath, f.name));
}

function checkFiles(files: string[]) {
  let values = 0;
  let coded = 0;
  let levels = 0;
  for (const file of files) {
    const strings: string[] = [];
    const books: Level[][] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        collect(JSON.parse(line), strings, books);
      } catch {
        // a malformed line in a capture is the parsers' business, not the codes'
      }
    }
    for (const s of strings) {
      const stored = encodeDec(s);
      if (typeof stored === 'bigint') coded++;
      expect(decodeDec(typeof stored === 'bigint' ? Number(stored) : stored), `${file}: ${s}`).toBe(s);
      values++;
    }
    for (const side of books) {
      const bytes = encodeDepth(side, []);
      if (bytes === null) continue;
      const [back] = decodeDepth(bytes, side[0] ?? null, null);
      expect(back, file).toEqual(side);
      levels += side.length;
    }
  }
  return { values, coded, levels };
}

describe('every value of the committed frames (fixtures/)', () => {
  it('reads back exactly', () => {
    const r = checkFiles(framesIn(new URL('../fixtures/', import.meta.url).pathname));
    expect(r.coded).toBeGreaterThan(50);
    expect(r.levels).toBeGreaterThan(20);
  });
});

describe.skipIf(needsShared('value codes over the real samples and captures'))(
  'every value of the real samples and captures (../shared)',
  () => {
    it('reads back exactly', { timeout: 120_000 }, () => {
      const r = checkFiles([...framesIn(join(SHARED_DIR, 'samples')), ...framesIn(join(SHARED_DIR, 'captures'))]);
      expect(r.values).toBeGreaterThan(100_000);
      expect(r.coded).toBeGreaterThan(50_000);
      expect(r.levels).toBeGreaterThan(10_000);
    });
  },
);
