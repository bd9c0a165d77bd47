/**
 * Bybit v5 REST bodies that carry market data, chosen by the request path:
 * `/v5/market/account-ratio` → `long_short` (global_accounts). Other paths (instrument and
 * ticker lists, fetched for selection) are not market data: `ignored`.
 *
 * Body: {"retCode":0,"retMsg":"OK","result":{"list":[{"symbol","buyRatio","sellRatio","timestamp"}],
 * "nextPageCursor"},"time"}; buyRatio/sellRatio are the shares of accounts net long/short, so the
 * long/short ratio is their quotient (computed exactly). A retCode other than 0 is a refusal.
 */
import { divDec } from '../../../core/decimal.ts';
import type { EventSink, LongShortEvent } from '../../../core/events.ts';
import type { InstrumentBook } from '../../../core/instruments.ts';
import type { FrameResult } from '../types.ts';
import { arr, dec, epochMs, int, invalid, obj, parseObject, str } from './fields.ts';

export const ACCOUNT_RATIO_PATH = '/v5/market/account-ratio';

/** Bybit's envelope: the `result` object, or a refusal message when retCode is not 0. */
export function bybitResult(body: string, what: string): { result: Record<string, unknown> } | { refused: string } {
  const msg = parseObject(body, what);
  const code = int(msg, 'retCode', what);
  if (code !== 0) return { refused: `${what} retCode ${code}: ${typeof msg.retMsg === 'string' ? msg.retMsg : ''}` };
  return { result: obj(msg, 'result', what) };
}

export function parseRest(
  url: string,
  body: string,
  localTs: number,
  instruments: InstrumentBook,
  emit: EventSink,
): FrameResult {
  // The base URL may carry a path prefix (a simulator, a proxy): match the end of the path.
  const request = new URL(url, 'http://localhost');
  if (!request.pathname.endsWith(ACCOUNT_RATIO_PATH)) return { type: 'ignored' };
  const period = request.searchParams.get('period');
  if (period === null || period === '')
    throw invalid('account-ratio request period', 'a period query parameter (5min, 1h…)', period);

  const envelope = bybitResult(body, 'account-ratio');
  if ('refused' in envelope) return { type: 'rejected', message: envelope.refused };
  const list = arr(envelope.result, 'list', 'account-ratio result');
  // Checked in full before emitting, so a bad row does not leave half a response recorded.
  const events: LongShortEvent[] = [];
  for (let i = 0; i < list.length; i++) {
    const row = obj(list, i, 'account-ratio list');
    const symbol = str(row, 'symbol', 'account-ratio list[]');
    const long = dec(row, 'buyRatio', 'account-ratio list[]');
    const short = dec(row, 'sellRatio', 'account-ratio list[]');
    if (Number(short) === 0) throw invalid('account-ratio list[].sellRatio', 'a non-zero share', short);
    const ts = epochMs(row, 'timestamp', 'account-ratio list[]');
    events.push({
      kind: 'long_short',
      exchange: 'bybit-linear',
      symbol,
      market: instruments.get(symbol).market,
      ts,
      local_ts: localTs,
      ratio_type: 'global_accounts',
      period,
      ratio: divDec(long, short),
      long,
      short,
    });
  }
  for (const event of events) emit(event);
  return { type: 'data', events: events.length };
}
