/**
 * What the Binance USDⓈ-M collector polls over REST, and how often, within each endpoint
 * family's limit (rate-limit.ts). The poller paces every family evenly, so the intervals chosen
 * here only need to fit the family's pace; at scale they stretch and the plan says so in a note.
 */
import type { RestPoll } from '../types.ts';
import { EXCHANGE } from './fields.ts';
import { FAPI, FUTURES_DATA, fittingIntervalMs } from './rate-limit.ts';

/** Open interest is not streamed on USDⓈ-M; weight 1 per request. */
export const OPEN_INTEREST_POLL_MS = 10_000;
/** The ratio endpoints publish one value per 5-minute period; polling each minute catches it promptly. */
export const RATIO_POLL_MS = 60_000;
export const RATIO_PERIOD = '5m';
export const RATIO_PERIOD_MS = 5 * 60_000;
export const RATIO_PATHS = [
  '/futures/data/globalLongShortAccountRatio',
  '/futures/data/topLongShortAccountRatio',
  '/futures/data/topLongShortPositionRatio',
  '/futures/data/takerlongshortRatio',
] as const;

export interface PollSchedule {
  openInterestMs: number;
  ratioMs: number;
  /** One line per interval stretched beyond its default. */
  notes: string[];
}

const minutes = (ms: number) => `${ms / 60_000} min`;

/**
 * Intervals for `symbols` markets. Open interest stretches to whole seconds. The ratios stretch
 * to whole minutes while every period is still polled at least once; past one period per poll
 * they go to whole periods (every 2nd, 3rd… period), so the values kept are evenly spaced.
 */
export function pollSchedule(symbols: number): PollSchedule {
  const notes: string[] = [];
  const oiFit = Math.ceil(fittingIntervalMs(FAPI, symbols) / 1000) * 1000;
  const openInterestMs = Math.max(OPEN_INTEREST_POLL_MS, oiFit);
  if (openInterestMs > OPEN_INTEREST_POLL_MS) {
    notes.push(
      `binance-usdm: ${symbols} markets: open interest polled every ${openInterestMs / 1000} s instead of every ${OPEN_INTEREST_POLL_MS / 1000} s, ` +
        `to stay within the request weight of 2400 per minute per IP`,
    );
  }
  const ratioFit = fittingIntervalMs(FUTURES_DATA, symbols * RATIO_PATHS.length);
  const ratioMs =
    ratioFit <= RATIO_POLL_MS
      ? RATIO_POLL_MS
      : ratioFit <= RATIO_PERIOD_MS
        ? Math.ceil(ratioFit / 60_000) * 60_000
        : Math.ceil(ratioFit / RATIO_PERIOD_MS) * RATIO_PERIOD_MS;
  if (ratioMs > RATIO_POLL_MS) {
    const nth = ratioMs / RATIO_PERIOD_MS;
    const kept =
      nth > 1
        ? `only every ${ordinal(nth)} 5-minute value is recorded`
        : 'every 5-minute value is still recorded, later';
    notes.push(
      `binance-usdm: ${symbols} markets: each of the ${RATIO_PATHS.length} long/short ratios polled every ${minutes(ratioMs)} instead of every ` +
        `${minutes(RATIO_POLL_MS)} (${kept}), to stay within /futures/data's 1000 requests per 5 min per IP`,
    );
  }
  return { openInterestMs, ratioMs, notes };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function polls(rest: string, symbols: string[], schedule: PollSchedule): RestPoll[] {
  const out: RestPoll[] = [];
  for (const symbol of symbols) {
    const q = encodeURIComponent(symbol);
    out.push({
      id: `${EXCHANGE}/openInterest/${symbol}`,
      url: `${rest}/fapi/v1/openInterest?symbol=${q}`,
      intervalMs: schedule.openInterestMs,
      family: FAPI,
    });
    for (const path of RATIO_PATHS) {
      out.push({
        id: `${EXCHANGE}/${path.slice(path.lastIndexOf('/') + 1)}/${symbol}`,
        url: `${rest}${path}?symbol=${q}&period=${RATIO_PERIOD}&limit=1`,
        intervalMs: schedule.ratioMs,
        family: FUTURES_DATA,
      });
    }
  }
  return out;
}
