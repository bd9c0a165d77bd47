/** Durations and sizes as written in the config and on the command line. */
import { describe, expect, it } from 'vitest';
import { FbError } from '../../core/errors.ts';
import { parseBytes, parseDuration } from './sizes.ts';

/** The E_CONFIG line `parse` throws for `value`. */
function refusal(parse: () => number): string {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(FbError);
    expect((err as FbError).code).toBe('E_CONFIG');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['14d', 14 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1000', 1000],
    [' 7D ', 7 * 86_400_000],
    [60_000, 60_000],
    ['0d', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text, 'store.retain.maxAge')).toBe(ms);
  });

  it.each(['', 'd', '14 days', '-1d', '1e3s', '14y', '1.5', '1,5h'])(
    'refuses %j naming the field and the form',
    (text) => {
      expect(refusal(() => parseDuration(text, '--max-age'))).toBe(
        `--max-age: must be a duration such as "30s", "15m", "1h", "14d" or "2w" (a plain integer is milliseconds), got ${JSON.stringify(text)}`,
      );
    },
  );

  it('refuses numbers that are not whole non-negative milliseconds', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(refusal(() => parseDuration(n, 'x'))).toMatch(/^x: must be a duration/);
  });
});

describe('parseBytes', () => {
  it.each([
    ['50GB', 50e9],
    ['1.5GB', 1.5e9],
    ['500mb', 500e6],
    ['2KB', 2000],
    ['1TB', 1e12],
    ['1KiB', 1024],
    ['3MiB', 3 * 2 ** 20],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['2tib', 2 * 2 ** 40],
    ['512B', 512],
    ['4096', 4096],
    [1_000_000_000, 1e9],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseBytes(text, 'store.retain.maxBytes')).toBe(bytes);
  });

  it.each(['', 'GB', '50 gigabytes', '50GBs', '-5GB', '1.5', '5XB', '99999999999TB'])(
    'refuses %j naming the field and the form',
    (text) => {
      expect(refusal(() => parseBytes(text, 'health.minFreeDiskBytes'))).toBe(
        `health.minFreeDiskBytes: must be a size such as "500MB", "50GB" or "1.5TiB" (a plain integer is bytes), got ${JSON.stringify(text)}`,
      );
    },
  );
});
