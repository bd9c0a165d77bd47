/**
 * Fault switches: what `POST /_sim/fault`, `Simulator.fault()` and `--fault-every` accept.
 * Parsing only; the simulator applies them.
 */
import { EXCHANGES, type ExchangeId } from '../core/events.ts';
import { FbError } from '../core/errors.ts';

export const FAULTS = [
  'drop',
  'stall',
  'malformed',
  'oversized',
  'skip-seq',
  'duplicate-seq',
  'rollover',
  'rest-429',
  'rest-418',
  'clear',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultSpec {
  exchange: ExchangeId | 'all';
  fault: FaultName;
  /** stall: how long to send nothing (default 5000); rollover: OKX notice-to-close delay (default 1000). */
  ms?: number;
  /** oversized: frame size (default 16 MiB). */
  bytes?: number;
  /** malformed, skip-seq, duplicate-seq, rest-429, rest-418: how many (default 1). */
  count?: number;
  /** rest-429/rest-418: Retry-After seconds (default 1 for 429, 10 for 418). */
  retryAfter?: number;
}

const LIMITS = { ms: 3_600_000, bytes: 256 << 20, count: 100_000, retryAfter: 86_400 } as const;

export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new FbError('E_SIM_FAULT', 'fault must be a JSON object such as {"exchange":"binance-usdm","fault":"drop"}');
  const o = input as Record<string, unknown>;
  const exchange = o.exchange;
  if (exchange !== 'all' && !EXCHANGES.includes(exchange as ExchangeId))
    throw new FbError(
      'E_SIM_FAULT',
      `exchange must be one of ${[...EXCHANGES, 'all'].join(', ')}, got ${JSON.stringify(exchange)}`,
    );
  if (!FAULTS.includes(o.fault as FaultName))
    throw new FbError('E_SIM_FAULT', `fault must be one of ${FAULTS.join(', ')}, got ${JSON.stringify(o.fault)}`);
  const spec: FaultSpec = { exchange: exchange as FaultSpec['exchange'], fault: o.fault as FaultName };
  for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS[key])
      throw new FbError('E_SIM_FAULT', `${key} must be an integer from 1 to ${LIMITS[key]}, got ${JSON.stringify(v)}`);
    spec[key] = v;
  }
  const unknown = Object.keys(o).filter((k) => !['exchange', 'fault', ...Object.keys(LIMITS)].includes(k));
  if (unknown.length)
    throw new FbError(
      'E_SIM_FAULT',
      `unknown fault parameter ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ms, bytes, count, retryAfter`,
    );
  return spec;
}
