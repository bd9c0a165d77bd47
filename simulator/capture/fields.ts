/**
 * Where the timestamps and sequence numbers are in each recorded frame type, so a replay can
 * shift every time field by one offset and keep ids increasing across loops. Also the frame's
 * subscription key and whether it is a snapshot.
 */
import type { ExchangeId } from '../../core/events.ts';

export type FieldKind = 'time' | 'id';
/** Visit one field: `holder[name]` is a time or an id of `family` (ids of one family form one sequence). */
export type FieldVisitor = (holder: Record<string, unknown>, name: string, kind: FieldKind, family: string) => void;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const each = (x: unknown, f: (o: Obj) => void) => Array.isArray(x) && x.forEach((o) => isObj(o) && f(o));

function field(o: Obj, name: string, kind: FieldKind, family: string, visit: FieldVisitor): void {
  const v = o[name];
  // empty strings, zeros and negatives (`"T":0` on delivery contracts, `prevSeqId:-1`) mean "none"
  if ((typeof v === 'number' && v > 0) || (typeof v === 'string' && /^[1-9]\d*$/.test(v))) visit(o, name, kind, family);
}

function binancePayload(p: Obj, visit: FieldVisitor): void {
  field(p, 'E', 'time', '', visit);
  switch (p.e) {
    case 'aggTrade':
      field(p, 'T', 'time', '', visit);
      field(p, 'a', 'id', 'a', visit);
      field(p, 'f', 'id', 't', visit);
      field(p, 'l', 'id', 't', visit);
      return;
    case 'trade':
      field(p, 'T', 'time', '', visit);
      field(p, 't', 'id', 't', visit);
      return;
    case 'bookTicker':
    case 'depthUpdate':
      field(p, 'T', 'time', '', visit);
      for (const n of ['U', 'u', 'pu']) field(p, n, 'id', 'u', visit);
      return;
    case 'markPriceUpdate':
      field(p, 'T', 'time', '', visit);
      return;
    case 'kline':
      if (isObj(p.k)) {
        field(p.k, 't', 'time', '', visit);
        field(p.k, 'T', 'time', '', visit);
        field(p.k, 'f', 'id', 't', visit);
        field(p.k, 'L', 'id', 't', visit);
      }
      return;
    case 'forceOrder':
      if (isObj(p.o)) field(p.o, 'T', 'time', '', visit);
      return;
    case '24hrTicker':
      for (const n of ['O', 'C']) field(p, n, 'time', '', visit);
      for (const n of ['F', 'L']) field(p, n, 'id', 't', visit);
      return;
  }
}

function bybitFrame(f: Obj, visit: FieldVisitor): void {
  field(f, 'ts', 'time', '', visit);
  field(f, 'cts', 'time', '', visit);
  field(f, 'cs', 'id', 'seq', visit);
  const topic = String(f.topic);
  const d = f.data;
  if (topic.startsWith('orderbook.') && isObj(d)) {
    field(d, 'u', 'id', 'u', visit);
    field(d, 'seq', 'id', 'seq', visit);
  } else if (topic.startsWith('tickers.') && isObj(d)) {
    field(d, 'nextFundingTime', 'time', '', visit);
  } else if (topic.startsWith('liquidation.') && isObj(d)) {
    field(d, 'updatedTime', 'time', '', visit);
  } else {
    each(d, (o) => {
      field(o, 'T', 'time', '', visit);
      field(o, 'seq', 'id', 'seq', visit);
    });
  }
}

function okxFrame(f: Obj, visit: FieldVisitor): void {
  each(f.data, (o) => {
    field(o, 'ts', 'time', '', visit);
    field(o, 'fundingTime', 'time', '', visit);
    field(o, 'nextFundingTime', 'time', '', visit);
    field(o, 'tradeId', 'id', 'trade', visit);
    field(o, 'seqId', 'id', isObj(f.arg) && String(f.arg.channel).startsWith('books') ? 'book' : 'tradeSeq', visit);
    field(o, 'prevSeqId', 'id', 'book', visit);
    each(o.details, (d) => field(d, 'ts', 'time', '', visit));
  });
}

/** Visit every time and id field of one frame. */
export function visitFields(exchange: ExchangeId, frame: Obj, visit: FieldVisitor): void {
  if (exchange === 'binance-usdm') {
    if (Array.isArray(frame.data)) each(frame.data, (p) => binancePayload(p, visit));
    else if (isObj(frame.data)) binancePayload(frame.data, visit);
  } else if (exchange === 'bybit-linear') bybitFrame(frame, visit);
  else okxFrame(frame, visit);
}

/** The subscription key a data frame belongs to, or null for acks, errors and notices. */
export function keyOf(exchange: ExchangeId, frame: Obj): string | null {
  if (exchange === 'binance-usdm') return typeof frame.stream === 'string' && 'data' in frame ? frame.stream : null;
  if (exchange === 'bybit-linear') return typeof frame.topic === 'string' ? frame.topic : null;
  if (!isObj(frame.arg) || !Array.isArray(frame.data) || 'event' in frame) return null;
  const target = frame.arg.instId ?? frame.arg.instType;
  return typeof frame.arg.channel === 'string' && typeof target === 'string' ? `${frame.arg.channel}:${target}` : null;
}

/** The symbol part of a key (ids are sequences per symbol). */
export function symbolOfKey(exchange: ExchangeId, key: string): string {
  if (exchange === 'binance-usdm') return key.split('@')[0];
  if (exchange === 'bybit-linear') return key.slice(key.lastIndexOf('.') + 1);
  return key.slice(key.indexOf(':') + 1);
}

/** A frame that resets the book/ticker (Bybit `type:"snapshot"`, OKX `action:"snapshot"`), or a delta. */
export function snapshotKind(exchange: ExchangeId, frame: Obj): 'snapshot' | 'delta' | null {
  if (exchange === 'bybit-linear')
    return frame.type === 'delta' ? 'delta' : frame.type === 'snapshot' ? 'snapshot' : null;
  if (exchange === 'okx-swap')
    return frame.action === 'update' ? 'delta' : frame.action === 'snapshot' ? 'snapshot' : null;
  return null;
}

/** The exchange time that places a frame on the timeline (samples carry no receipt time). */
export function mainTime(exchange: ExchangeId, frame: Obj): number | null {
  let t: unknown;
  if (exchange === 'binance-usdm') {
    const d = Array.isArray(frame.data) ? frame.data[0] : frame.data;
    t = isObj(d) ? d.E : undefined;
  } else if (exchange === 'bybit-linear') t = frame.ts;
  else {
    const d = Array.isArray(frame.data) ? frame.data[0] : undefined;
    t = isObj(d)
      ? (d.ts ?? (Array.isArray(d.details) && isObj(d.details[0]) ? d.details[0].ts : undefined))
      : undefined;
  }
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : null;
}
