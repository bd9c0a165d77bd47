/**
 * The scale-out bus's messages (docs/scale-out.md), defined once for the collector that publishes
 * them, the store that records them and the relay nodes that serve them. Isomorphic.
 *
 * Subjects are `fb.<exchange>.<kind>`. One message carries events of one subject from one
 * collector (`src`), and the promise that it holds *every* event of that subject with a collector
 * seq in (prev, upto]. That promise is what lets a consumer see, per (source, subject), both a
 * duplicate (seqs it already has) and a hole (a `prev` beyond what it has covered), even when a
 * collector re-sends its backlog cut into different messages after a restart.
 */
import { EVENT_KINDS, EXCHANGES, type EventKind, type ExchangeId, type RecordedEvent } from './events.ts';
import type { Instrument } from './instruments.ts';
import type { AlertRecord, MetricRow } from './metrics/types.ts';

export const BUS_PROTOCOL = 1;
/** Subject prefix of event messages; derived output (metrics, alerts) goes under `fbd.`. */
export const EVENT_SUBJECT_PREFIX = 'fb';
export const DERIVED_SUBJECTS = { metrics: 'fbd.metrics', alerts: 'fbd.alerts' } as const;

export interface EventBatchMessage {
  v: typeof BUS_PROTOCOL;
  /** The publishing collector: its configured name and its database's id. */
  src: string;
  /** `<exchange>.<kind>`: the subject without its prefix. */
  chain: string;
  /** Collector seq publishing began after: a consumer's first message of a chain has prev ≤ base. */
  base: number;
  /** Collector seq: every event of this chain up to it was in earlier messages. */
  prev: number;
  /** Collector seq: every event of this chain in (prev, upto] is in this message. */
  upto: number;
  /** In collector seq order, each with the collector's `seq`. */
  events: RecordedEvent[];
}

/** What the store committed besides events, for relay nodes. */
export interface DerivedMessage {
  v: typeof BUS_PROTOCOL;
  metrics?: MetricRow[];
  alerts?: (AlertRecord & { id: number })[];
}

/**
 * What a collector's markets are (its `markets` table), published on `fb.<exchange>.instruments`
 * when it starts, so a store's /api/markets answers as a collector's does. Sharded with the events.
 */
export interface InstrumentsMessage {
  v: typeof BUS_PROTOCOL;
  src: string;
  instruments: Instrument[];
}
const INSTRUMENTS = 'instruments';
export const instrumentsSubject = (exchange: ExchangeId): string =>
  `${EVENT_SUBJECT_PREFIX}.${exchange}.${INSTRUMENTS}`;
export const isInstrumentsSubject = (subject: string): boolean => subject.endsWith(`.${INSTRUMENTS}`);

export const chainOf = (exchange: ExchangeId, kind: EventKind): string => `${exchange}.${kind}`;
export const subjectOfChain = (chain: string): string => `${EVENT_SUBJECT_PREFIX}.${chain}`;

/** JetStream's de-duplication id: the same (source, chain, range) is the same message. */
export const messageIdOf = (m: Pick<EventBatchMessage, 'src' | 'chain' | 'prev' | 'upto'>): string =>
  `${m.src}:${m.chain}:${m.prev}:${m.upto}`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Why an event cannot be recorded; null when it has what every reader relies on. */
function eventProblem(e: unknown, chain: string, after: number, upto: number): string | null {
  if (!isObject(e)) return 'an event is not an object';
  if (!isSeq(e.seq) || (e.seq as number) <= after || (e.seq as number) > upto)
    return `event seq ${String(e.seq)} is outside (${after}, ${upto}] or out of order`;
  if (`${String(e.exchange)}.${String(e.kind)}` !== chain)
    return `event ${e.seq} is ${e.exchange}.${e.kind}, not ${chain}`;
  if (!Number.isSafeInteger(e.ts) || !Number.isSafeInteger(e.local_ts))
    return `event ${e.seq} has no integer ts/local_ts`;
  if (typeof e.symbol !== 'string' || typeof e.market !== 'string') return `event ${e.seq} has no symbol/market text`;
  return null;
}

/**
 * Reads an event message; throws an Error naming the first problem (the consumer counts and logs
 * it, and drops the message). Unknown fields are kept: a newer collector may add some.
 */
export function decodeEventBatch(text: string): EventBatchMessage {
  const doc = parseJson(text);
  if (!isObject(doc)) throw new Error('not a JSON object');
  if (doc.v !== BUS_PROTOCOL) throw new Error(`protocol ${String(doc.v)} is not ${BUS_PROTOCOL}`);
  if (typeof doc.src !== 'string' || doc.src === '') throw new Error('src is missing');
  const [exchange, kind, ...rest] = typeof doc.chain === 'string' ? doc.chain.split('.') : [];
  if (rest.length || !EXCHANGES.includes(exchange as ExchangeId) || !EVENT_KINDS.includes(kind as EventKind))
    throw new Error(`chain ${String(doc.chain)} is not <exchange>.<kind>`);
  if (!isSeq(doc.base)) throw new Error('base is not a seq');
  if (!isSeq(doc.prev) || !isSeq(doc.upto) || doc.prev > doc.upto)
    throw new Error(`prev ${String(doc.prev)} / upto ${String(doc.upto)} are not an ascending seq range`);
  if (!Array.isArray(doc.events)) throw new Error('events is not a list');
  let after = doc.prev;
  for (const e of doc.events) {
    const problem = eventProblem(e, doc.chain as string, after, doc.upto);
    if (problem) throw new Error(problem);
    after = (e as { seq: number }).seq;
  }
  return doc as unknown as EventBatchMessage;
}

/** Reads a derived message; throws when it is not one. */
export function decodeDerived(text: string): DerivedMessage {
  const doc = parseJson(text);
  if (!isObject(doc) || doc.v !== BUS_PROTOCOL) throw new Error('not a derived message of this protocol');
  for (const key of ['metrics', 'alerts'] as const) {
    const list = doc[key];
    if (list !== undefined && (!Array.isArray(list) || !list.every((r) => isObject(r) && typeof r.market === 'string')))
      throw new Error(`${key} is not a list of rows with a market`);
  }
  return doc as unknown as DerivedMessage;
}

/** Reads an instruments message; throws when it is not one. */
export function decodeInstruments(text: string): InstrumentsMessage {
  const doc = parseJson(text);
  if (!isObject(doc) || doc.v !== BUS_PROTOCOL || typeof doc.src !== 'string')
    throw new Error('not an instruments message of this protocol');
  const ok = (i: unknown) =>
    isObject(i) &&
    EXCHANGES.includes(i.exchange as ExchangeId) &&
    ['symbol', 'market', 'base', 'quote', 'settle', 'contract_size'].every((k) => typeof i[k] === 'string');
  if (!Array.isArray(doc.instruments) || !doc.instruments.every(ok))
    throw new Error(
      'instruments is not a list of instruments (exchange, symbol, market, base, quote, settle, contract_size)',
    );
  return doc as unknown as InstrumentsMessage;
}
