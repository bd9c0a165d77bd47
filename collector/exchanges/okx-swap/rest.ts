/**
 * OKX REST bodies other than open interest (which shares the websocket handler): the rubik
 * "Trading Statistics" long/short series and the 24 h volume list.
 *
 * Shapes from the OKX v5 docs, section Trading Statistics (https://www.okx.com/docs-v5/en/,
 * anchors trading-statistics-rest-api-get-contract-long-short-ratio, ...-get-top-traders-contract-
 * long-short-ratio, ...-by-position, ...-get-contract-taker-volume; read via the mirror
 * qiuham/crypto-api-docs docs/okx/trading/statistics/, 2026): `data` is an array of rows,
 * [ts, ratio] for the ratios (long/short, from which the long and short shares are derived) and
 * [ts, sellVol, buyVol] for taker volume, newest first.
 * Note the names: `long-short-account-ratio-contract` is the ratio of ALL accounts on one
 * contract; the top-trader series carry a `-top-trader` suffix.
 */
import { divDec } from '../../../core/decimal.ts';
import type { LongShortEvent, LongShortType } from '../../../core/events.ts';
import type { Instrument } from '../../../core/instruments.ts';
import { contractsToBase } from './contracts.ts';
import { asArray, asRecord, dec, fail, msValue } from './fields.ts';
import { isSwap } from './instruments.ts';

export const RUBIK = {
  global_accounts: '/api/v5/rubik/stat/contracts/long-short-account-ratio-contract',
  top_accounts: '/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader',
  top_positions: '/api/v5/rubik/stat/contracts/long-short-position-ratio-contract-top-trader',
  taker_volume: '/api/v5/rubik/stat/taker-volume-contract',
} as const satisfies Record<LongShortType, string>;

const RATIO_TYPE_BY_PATH = new Map<string, LongShortType>(
  Object.entries(RUBIK).map(([type, path]) => [path, type as LongShortType]),
);

/** Digits kept for derived ratios and shares. */
const RATIO_SCALE = 8;

/** What the long/short parser needs from the parser that owns it. */
export interface RubikContext {
  marketOf(symbol: string): string;
  known(symbol: string, ctx: string): Instrument;
  /** Newest row ts already emitted per series, so that overlapping polls emit each row once. */
  readonly newestRow: Map<string, number>;
}

export function longShortTypeOf(path: string): LongShortType | undefined {
  return RATIO_TYPE_BY_PATH.get(path);
}

/**
 * Rows of one rubik series as long_short events, oldest first, skipping rows already emitted.
 * Returns null when the request is not about a swap (nothing for us).
 */
export function parseLongShort(
  type: LongShortType,
  path: string,
  params: URLSearchParams,
  data: unknown[],
  localTs: number,
  ctx: RubikContext,
): LongShortEvent[] | null {
  const symbol = params.get('instId');
  if (!symbol) fail(`${path}: request URL has no instId`);
  if (!isSwap(symbol)) return null;
  const period = params.get('period') ?? '5m'; // the documented default
  const market = ctx.marketOf(symbol);
  const key = `${path}|${symbol}|${period}`;
  const newest = ctx.newestRow.get(key) ?? -1;
  let latest = newest;
  const rows: LongShortEvent[] = [];
  for (const item of data) {
    const row = asArray(item, `${path}: row`);
    const ts = msValue(row[0], `${path}: row[0]`);
    if (ts <= newest) continue;
    const event =
      type === 'taker_volume'
        ? takerVolume(row, symbol, params.get('unit'), ctx, path)
        : ratioShares(dec(row, 1, `${path}: row`), path);
    if (!event) continue;
    rows.push({
      kind: 'long_short',
      exchange: 'okx-swap',
      symbol,
      market,
      ts,
      local_ts: localTs,
      ratio_type: type,
      period,
      ...event,
    });
    if (ts > latest) latest = ts;
  }
  rows.sort((a, b) => a.ts - b.ts);
  ctx.newestRow.set(key, latest);
  return rows;
}

/**
 * OKX sends only long/short = r; the shares are long = r / (1 + r) and short = 1 / (1 + r), each
 * rounded half-up to RATIO_SCALE digits (so they sum to 1 within 1e-8).
 */
function ratioShares(ratio: string, path: string): Pick<LongShortEvent, 'ratio' | 'long' | 'short'> {
  if (ratio.charCodeAt(0) === 45 /* - */) fail(`${path}: ratio ${ratio} is negative`);
  const dot = ratio.indexOf('.');
  const onePlus = dot < 0 ? String(BigInt(ratio) + 1n) : `${BigInt(ratio.slice(0, dot)) + 1n}${ratio.slice(dot)}`;
  return { ratio, long: divDec(ratio, onePlus, RATIO_SCALE), short: divDec('1', onePlus, RATIO_SCALE) };
}

/**
 * [ts, sellVol, buyVol] → long = taker buy, short = taker sell, in base units; ratio = buy/sell.
 * `unit=0` asks OKX for coin amounts (what the plan requests); the default unit 1 is contracts,
 * converted with ctVal (linear only: inverse contracts need a price this row does not carry).
 * A bucket without taker sells has no finite ratio and is skipped rather than stored as a number.
 */
function takerVolume(
  row: unknown[],
  symbol: string,
  unit: string | null,
  ctx: RubikContext,
  path: string,
): Pick<LongShortEvent, 'ratio' | 'long' | 'short'> | null {
  let sell = dec(row, 1, `${path}: row`);
  let buy = dec(row, 2, `${path}: row`);
  if (unit === null || unit === '1') {
    const inst = ctx.known(symbol, path);
    sell = contractsToBase(inst, sell, null, `${path} (use unit=0)`);
    buy = contractsToBase(inst, buy, null, `${path} (use unit=0)`);
  } else if (unit !== '0') {
    fail(`${path}: unit=${unit} is not a base-unit amount; request unit=0`);
  }
  if (Number(sell) === 0) return null;
  return { ratio: divDec(buy, sell, RATIO_SCALE), long: buy, short: sell };
}

/**
 * /api/v5/market/tickers?instType=SWAP → instId → 24 h quote volume, for ranking only (a JS
 * number is fine here). volCcy24h is in the base coin for every derivative (BTC for both
 * BTC-USDT-SWAP and BTC-USD-SWAP), so volCcy24h × last is the quote (USDT or USD) volume.
 */
export function parseVolumes(body: string): Map<string, number> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    fail('tickers: body is not JSON');
  }
  const root = asRecord(json, 'tickers body');
  if (root.code !== '0') fail(`tickers: OKX error ${String(root.code)}: ${String(root.msg)}`);
  const volumes = new Map<string, number>();
  for (const item of asArray(root.data, 'tickers data')) {
    const t = asRecord(item, 'ticker');
    if (typeof t.instId !== 'string' || !isSwap(t.instId)) continue;
    const volume = Number(t.volCcy24h) * Number(t.last);
    if (Number.isFinite(volume)) volumes.set(t.instId, volume);
  }
  return volumes;
}
