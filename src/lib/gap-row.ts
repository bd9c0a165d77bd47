/** A gap as the islands list it, read from a relay item or a worker message (loosely typed JSON). */
import type { GapRow } from './snapshot-types.ts';
import { jsonObject, num, str } from './values.ts';

/** The gap in `item`, or null when it lacks its start or end time. */
export function gapRowFrom(item: unknown): GapRow | null {
  const g = jsonObject(item);
  const start = num(g.start_ts);
  const end = num(g.end_ts);
  if (start === null || end === null) return null;
  return {
    exchange: str(g.exchange) ?? '',
    market: str(g.market) ?? '',
    stream: str(g.stream) ?? '',
    start_ts: start,
    end_ts: end,
    cause: str(g.cause) ?? '',
  };
}
