/**
 * Durations and byte sizes as people write them in a config file or on a command line ("14d",
 * "50GB", "1.5GiB"). Each parser takes the field's name so its one-line error says which setting
 * to fix and the form it expects.
 */
import { FbError } from '../../core/errors.ts';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

// Decimal units are what disks are sold in (and what `df -H` shows); the binary ones are there
// for people who think in `df -h` terms.
const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export const DURATION_FORM = 'a duration such as "30s", "15m", "1h", "14d" or "2w" (a plain integer is milliseconds)';
export const BYTES_FORM = 'a size such as "500MB", "50GB" or "1.5TiB" (a plain integer is bytes)';

/** `value` times its unit, or null when it is not `<number><unit>` with a known unit. */
function scaled(text: string, units: Record<string, number>): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return null;
  const unit = m[2].toLowerCase();
  // A bare number is the base unit, but only a whole one: "1.5" bytes or ms is a typo.
  if (unit === '' && m[1].includes('.')) return null;
  const factor = unit === '' ? 1 : units[unit];
  if (factor === undefined) return null;
  const n = Math.round(Number(m[1]) * factor);
  return Number.isSafeInteger(n) ? n : null;
}

const read = (value: string | number, units: Record<string, number>): number | null =>
  typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? value : null) : scaled(value, units);

/** Milliseconds in `value`, or null when it is not a duration (the config schema words its own error). */
export const readDuration = (value: string | number): number | null => read(value, DURATION_UNITS);

/** Bytes in `value`, or null when it is not a size. */
export const readBytes = (value: string | number): number | null => read(value, BYTE_UNITS);

function orThrow(n: number | null, value: string | number, field: string, form: string): number {
  if (n === null) throw new FbError('E_CONFIG', `${field}: must be ${form}, got ${JSON.stringify(value)}`);
  return n;
}

/** Milliseconds in `value` ("30s", "15m", "1h", "14d", "2w"; a plain integer is ms); E_CONFIG naming `field`. */
export const parseDuration = (value: string | number, field: string): number =>
  orThrow(readDuration(value), value, field, DURATION_FORM);

/** Bytes in `value` ("50GB" = 50e9, "1.5GiB" = 1.5 * 2^30; a plain integer is bytes); E_CONFIG naming `field`. */
export const parseBytes = (value: string | number, field: string): number =>
  orThrow(readBytes(value), value, field, BYTES_FORM);
