/**
 * Binance USDⓈ-M REST bodies → normalized events, routed by the request URL's path (the base
 * may carry a prefix when it points at the simulator, so the path's tail is matched).
 *
 * Response shapes relied on, with their sources:
 * - /fapi/v1/openInterest → `{"symbol":"BTCUSDT","openInterest":"84617.188","time":1654336844754}`,
 *   open interest in base units; 2020-era bodies have no `time`, then ts = receipt time
 *   (fixtures/samples/binance-usdm.rest.openInterest.jsonl; PROTOCOLS.md §1.5).
 * - /fapi/v1/premiumIndex → one object, or an array without `?symbol=`: `{symbol, markPrice,
 *   indexPrice, estimatedSettlePrice, lastFundingRate, interestRate, nextFundingTime, time}`
 *   (samples/binance-usdm.rest.premiumIndex.jsonl; PROTOCOLS.md §1.5).
 * - /futures/data/globalLongShortAccountRatio | topLongShortAccountRatio | topLongShortPositionRatio
 *   → `[{"symbol","longShortRatio","longAccount","shortAccount","timestamp":"1583139600000"}]`
 *   (PROTOCOLS.md §6; Binance docs "Long/Short Ratio", "Top Trader Long/Short Ratio (Accounts)"
 *   and "(Positions)": USDⓈ-M keeps the longAccount/shortAccount names for positions, COIN-M
 *   names them longPosition/shortPosition, so both are read). `timestamp` is a string on
 *   USDⓈ-M and a number on COIN-M: both accepted.
 * - /futures/data/takerlongshortRatio → `[{"buySellRatio","buyVol","sellVol","timestamp"}]`, no
 *   symbol (it comes from the query); volumes in base units (PROTOCOLS.md §6; docs "Taker Buy/Sell Volume").
 * - /fapi/v1/depth → `{"lastUpdateId","E","T","bids":[["p","q"]…],"asks":[…]}` seeds the
 *   diff-depth book (http lines of fixtures/captures/binance-usdm.2021-07-22.jsonl).
 * - any endpoint, on failure → `{"code":-1121,"msg":"Invalid symbol."}`: rejected.
 * exchangeInfo and ticker/24hr are read by exchange-info.ts; they and other paths are ignored here.
 */
import type { EventSink, LongShortType } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import type { MergedTickers } from '../shared/ticker-merge.ts';
import type { FrameResult } from '../types.ts';
import type { DiffDepthBooks } from './diff-depth.ts';
import {
  EXCHANGE,
  badField,
  dec,
  epochMs,
  int,
  isObject,
  levels,
  optInt,
  parseJson,
  str,
  type Json,
} from './fields.ts';
import { fundingUpdate } from './funding.ts';

const IGNORED: FrameResult = { type: 'ignored' };

type Endpoint = 'openInterest' | 'premiumIndex' | 'depth' | LongShortType;

/** Path tail → endpoint. */
const ENDPOINTS: [string, Endpoint][] = [
  ['/fapi/v1/openInterest', 'openInterest'],
  ['/fapi/v1/premiumIndex', 'premiumIndex'],
  ['/fapi/v1/depth', 'depth'],
  ['/futures/data/globalLongShortAccountRatio', 'global_accounts'],
  ['/futures/data/topLongShortAccountRatio', 'top_accounts'],
  ['/futures/data/topLongShortPositionRatio', 'top_positions'],
  ['/futures/data/takerlongshortRatio', 'taker_volume'],
];

function endpointOf(path: string): Endpoint | undefined {
  for (const [tail, endpoint] of ENDPOINTS) if (path.endsWith(tail)) return endpoint;
  return undefined;
}

interface RestContext {
  instruments: InstrumentBook;
  tickers: MergedTickers;
  books: DiffDepthBooks;
  query: URLSearchParams;
  localTs: number;
  emit: EventSink;
}

export function parseRestBody(
  instruments: InstrumentBook,
  tickers: MergedTickers,
  books: DiffDepthBooks,
  url: string,
  body: string,
  localTs: number,
  emit: EventSink,
): FrameResult {
  const u = new URL(url, 'http://localhost');
  const endpoint = endpointOf(u.pathname);
  // Not parsed at all when not ours: exchangeInfo bodies are hundreds of kilobytes.
  if (endpoint === undefined) return IGNORED;
  const json = parseJson(body, endpoint);
  if (isObject(json) && typeof json.code === 'number' && typeof json.msg === 'string') {
    return { type: 'rejected', message: `binance error ${json.code} on ${u.pathname}: ${json.msg}` };
  }
  const ctx: RestContext = { instruments, tickers, books, query: u.searchParams, localTs, emit };
  switch (endpoint) {
    case 'openInterest':
      return openInterest(ctx, expectObject(json, endpoint));
    case 'premiumIndex':
      return Array.isArray(json)
        ? eachItem(ctx, json, endpoint, premiumIndex)
        : premiumIndex(ctx, expectObject(json, endpoint));
    case 'depth':
      return depthSnapshot(ctx, expectObject(json, endpoint));
    default:
      if (!Array.isArray(json)) throw badField(endpoint, 'body', json, 'an array');
      return eachItem(ctx, json, endpoint, endpoint === 'taker_volume' ? takerVolume : accountRatio);
  }
}

function expectObject(json: unknown, what: string): Json {
  if (isObject(json)) return json;
  throw badField(what, 'body', json, 'an object');
}

type ItemParser = (ctx: RestContext, item: Json, endpoint: Endpoint) => FrameResult;

function eachItem(ctx: RestContext, items: unknown[], endpoint: Endpoint, parse: ItemParser): FrameResult {
  let events = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObject(item)) throw badField(endpoint, `[${i}]`, item, 'an object');
    const r = parse(ctx, item, endpoint);
    if (r.type === 'data') events += r.events;
  }
  return { type: 'data', events };
}

/** The symbol of a body item, else the one in the query (taker volume items carry none). */
function symbolOf(ctx: RestContext, item: Json, what: string): string {
  if (item.symbol !== undefined) return str(item, 'symbol', what);
  const q = ctx.query.get('symbol');
  if (q) return q;
  throw badField(what, 'symbol', undefined, 'a symbol');
}

function openInterest(ctx: RestContext, body: Json): FrameResult {
  const symbol = symbolOf(ctx, body, 'openInterest');
  const oi = dec(body, 'openInterest', 'openInterest');
  const time = optInt(body, 'time', 'openInterest');
  ctx.tickers.merge(symbol, { open_interest: oi });
  ctx.emit({
    kind: 'open_interest',
    exchange: EXCHANGE,
    symbol,
    market: ctx.instruments.get(symbol).market,
    ts: time ?? ctx.localTs,
    local_ts: ctx.localTs,
    open_interest: oi,
    value: null,
  });
  return { type: 'data', events: 1 };
}

function premiumIndex(ctx: RestContext, item: Json): FrameResult {
  const symbol = symbolOf(ctx, item, 'premiumIndex');
  const mark = dec(item, 'markPrice', 'premiumIndex');
  const index = dec(item, 'indexPrice', 'premiumIndex');
  const rate = item.lastFundingRate === '' ? '' : dec(item, 'lastFundingRate', 'premiumIndex');
  const nextTs = int(item, 'nextFundingTime', 'premiumIndex');
  const ts = int(item, 'time', 'premiumIndex');
  ctx.tickers.merge(symbol, { mark_price: mark, index_price: index, ...fundingUpdate(rate, nextTs) });
  ctx.emit(ctx.tickers.event(symbol, ctx.instruments.get(symbol).market, ts, ctx.localTs));
  return { type: 'data', events: 1 };
}

function depthSnapshot(ctx: RestContext, body: Json): FrameResult {
  const symbol = ctx.query.get('symbol');
  if (!symbol) throw badField('depth', 'symbol (query)', undefined, 'a symbol');
  const lastUpdateId = int(body, 'lastUpdateId', 'depth');
  ctx.books.seed(symbol, lastUpdateId, levels(body, 'bids', 'depth'), levels(body, 'asks', 'depth'), ctx.localTs);
  // The snapshot only seeds the book; the first bridging diff emits its book_top.
  return { type: 'data', events: 0 };
}

function periodOf(ctx: RestContext, what: string): string {
  const period = ctx.query.get('period');
  if (period) return period;
  throw badField(what, 'period (query)', undefined, 'an aggregation period such as 5m');
}

/** global_accounts, top_accounts and top_positions share one shape. */
function accountRatio(ctx: RestContext, item: Json, ratioType: Endpoint): FrameResult {
  const what = ratioType as LongShortType;
  const symbol = symbolOf(ctx, item, what);
  const longKey = item.longAccount === undefined && item.longPosition !== undefined ? 'longPosition' : 'longAccount';
  const shortKey =
    item.shortAccount === undefined && item.shortPosition !== undefined ? 'shortPosition' : 'shortAccount';
  ctx.emit({
    kind: 'long_short',
    exchange: EXCHANGE,
    symbol,
    market: ctx.instruments.get(symbol).market,
    ts: epochMs(item, 'timestamp', what),
    local_ts: ctx.localTs,
    ratio_type: what,
    period: periodOf(ctx, what),
    ratio: dec(item, 'longShortRatio', what),
    long: dec(item, longKey, what),
    short: dec(item, shortKey, what),
  });
  return { type: 'data', events: 1 };
}

function takerVolume(ctx: RestContext, item: Json): FrameResult {
  const what = 'taker_volume';
  const symbol = symbolOf(ctx, item, what);
  ctx.emit({
    kind: 'long_short',
    exchange: EXCHANGE,
    symbol,
    market: ctx.instruments.get(symbol).market,
    ts: epochMs(item, 'timestamp', what),
    local_ts: ctx.localTs,
    ratio_type: 'taker_volume',
    period: periodOf(ctx, what),
    ratio: dec(item, 'buySellRatio', what),
    long: dec(item, 'buyVol', what),
    short: dec(item, 'sellVol', what),
  });
  return { type: 'data', events: 1 };
}
