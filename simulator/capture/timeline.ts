/**
 * Recorded sessions as replay timelines, one per exchange. A capture file (cryptofeed format 2,
 * ../shared/captures/README.md) is one session placed by receipt time; a sample file
 * (../shared/samples, one frame a line) is split into sessions of consecutive frames placed by
 * exchange time. Each stream key is served by one session only (captures first, then the
 * longest sample runs), so ids and times never interleave two recordings. The loop length exceeds every session's span, so the next
 * loop's times (shifted by one loop length) never go back.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EXCHANGES, type ExchangeId } from '../../core/events.ts';
import { keyOf, mainTime, snapshotKind, symbolOfKey, visitFields } from './fields.ts';
import { FbError } from '../../core/errors.ts';

export interface TimelineFrame {
  /** Delivery offset from the loop start, ms. */
  at: number;
  /** Exchange time of the loop start in the frame's recording: time fields shift by (loopStart − anchor). */
  anchor: number;
  key: string;
  /** The recorded frame, parsed once (Binance: with its combined-stream envelope). */
  frame: Record<string, unknown>;
  snapshot: boolean;
}

export interface RecordedHttp {
  path: string;
  query: URLSearchParams;
  body: string;
}

export interface Timeline {
  exchange: ExchangeId;
  frames: TimelineFrame[];
  loopMs: number;
  keys: Set<string>;
  /** Keys that carry deltas: a new subscriber waits for their next snapshot. */
  gated: Set<string>;
  /** Per `symbol|family`: how far ids move per loop (max − min + 1). */
  idSpans: Map<string, number>;
  http: RecordedHttp[];
}

const HEADER_EXCHANGES: Record<string, ExchangeId> = {
  BINANCE_FUTURES: 'binance-usdm',
  BYBIT: 'bybit-linear',
  OKX: 'okx-swap',
};
/** Sample frames older than this are docs examples with made-up times (E = 123456789). */
const EARLIEST_REAL_MS = 1.5e12;
/** Time fields within this distance of a frame's event time count towards the loop length. */
const TIME_NEAR_MS = 5 * 60_000;
/** Sample frames further apart than this start a new session. */
const SESSION_GAP_MS = 60_000;

function exchangeFromName(file: string): ExchangeId | null {
  const name = basename(file);
  if (name.startsWith('okx')) return 'okx-swap';
  return EXCHANGES.find((ex) => name.startsWith(ex + '.')) ?? null;
}

interface RawSession {
  exchange: ExchangeId;
  /** Whole recorded sessions (captures) take precedence over sample runs. */
  capture: boolean;
  /** [delivery time, frame] in recording time (ms). */
  frames: [number, Record<string, unknown>][];
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function readCapture(file: string, lines: string[], http: Map<ExchangeId, RecordedHttp[]>): RawSession[] {
  let exchange = exchangeFromName(file);
  const frames: RawSession['frames'] = [];
  for (const line of lines) {
    const rec = parseJson(line);
    if (!rec) throw new FbError('E_SIM_CAPTURE', `${file}: a line is not a JSON object: ${line.slice(0, 80)}`);
    if (rec.t === 'header' && typeof rec.exchange === 'string') exchange = HEADER_EXCHANGES[rec.exchange] ?? exchange;
    if (!exchange)
      throw new FbError(
        'E_SIM_CAPTURE',
        `${file}: cannot tell the exchange (header "exchange" or a file name starting with binance-usdm., bybit-linear. or okx)`,
      );
    if (rec.t === 'http' && typeof rec.url === 'string' && typeof rec.data === 'string') {
      const u = new URL(rec.url);
      http.get(exchange)!.push({ path: u.pathname, query: u.searchParams, body: rec.data });
    }
    if (rec.t !== 'recv' || typeof rec.data !== 'string' || typeof rec.ts !== 'number') continue;
    const frame = parseJson(rec.data);
    if (frame) frames.push([Math.round(rec.ts * 1000), frame]);
  }
  return exchange ? [{ exchange, capture: true, frames }] : [];
}

/** Sample lines as runs of frames whose exchange times move forward by less than a minute. */
function readSamples(file: string, lines: string[]): RawSession[] {
  const exchange = exchangeFromName(file);
  if (!exchange)
    throw new FbError(
      'E_SIM_CAPTURE',
      `${file}: sample files are named <exchange>.<stream>.jsonl (binance-usdm., bybit-linear., okx-swap.)`,
    );
  const sessions: RawSession[] = [];
  let current: RawSession | null = null;
  let last = 0;
  for (const line of lines) {
    const frame = parseJson(line);
    if (!frame) throw new FbError('E_SIM_CAPTURE', `${file}: a line is not a JSON object: ${line.slice(0, 80)}`);
    const t = mainTime(exchange, frame);
    if (t === null || t < EARLIEST_REAL_MS) continue;
    if (!current || t < last || t - last > SESSION_GAP_MS)
      sessions.push((current = { exchange, capture: false, frames: [] }));
    current.frames.push([t, frame]);
    last = t;
  }
  return sessions;
}

export function loadTimelines(files: readonly string[]): Record<ExchangeId, Timeline> {
  const http = new Map<ExchangeId, RecordedHttp[]>(EXCHANGES.map((ex) => [ex, []]));
  const sessions: RawSession[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new FbError('E_SIM_CAPTURE', `cannot read capture file ${file}: ${(err as Error).message}`);
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const isCapture = /^\s*\{\s*"t"\s*:/.test(lines[0]);
    sessions.push(...(isCapture ? readCapture(file, lines, http) : readSamples(file, lines)));
  }

  // captures first, then the longest sample runs: a key goes to the richest recording of it
  sessions.sort((a, b) => Number(b.capture) - Number(a.capture) || (a.capture ? 0 : b.frames.length - a.frames.length));
  const out = {} as Record<ExchangeId, Timeline>;
  for (const ex of EXCHANGES) {
    const t: Timeline = {
      exchange: ex,
      frames: [],
      loopMs: 1000,
      keys: new Set(),
      gated: new Set(),
      idSpans: new Map(),
      http: http.get(ex)!,
    };
    const ranges = new Map<string, [number, number]>();
    for (const s of sessions) {
      if (s.exchange !== ex || s.frames.length === 0) continue;
      const mine = new Set<string>();
      const start = s.frames[0][0];
      let end = start;
      let first = Infinity;
      let last = -Infinity;
      for (const [at, frame] of s.frames) {
        const key = keyOf(ex, frame);
        // a key recorded by an earlier session stays with that one
        if (key === null || (t.keys.has(key) && !mine.has(key))) continue;
        mine.add(key);
        const kind = snapshotKind(ex, frame);
        if (kind === 'delta') t.gated.add(key);
        end = Math.max(end, at);
        t.frames.push({ at: at - start, anchor: start, key, frame, snapshot: kind === 'snapshot' });
        const sym = symbolOfKey(ex, key);
        const main = mainTime(ex, frame) ?? at;
        visitFields(ex, frame, (holder, name, fieldKind, family) => {
          const v = Number(holder[name]);
          if (fieldKind === 'time') {
            // times near the event (kline open, trade time) bound the loop; next funding times do not
            if (Math.abs(v - main) > TIME_NEAR_MS) return;
            first = Math.min(first, v);
            last = Math.max(last, v);
            return;
          }
          const fk = `${sym}|${family}`;
          const r = ranges.get(fk);
          ranges.set(fk, r ? [Math.min(r[0], v), Math.max(r[1], v)] : [v, v]);
        });
      }
      for (const k of mine) t.keys.add(k);
      // one loop must outlast both the delivery span and the exchange-time span of the session
      const span = Math.max(end - start, last > first ? last - first : 0);
      t.loopMs = Math.max(t.loopMs, span + 1000);
    }
    for (const [fk, [lo, hi]] of ranges) t.idSpans.set(fk, hi - lo + 1);
    t.frames.sort((a, b) => a.at - b.at);
    out[ex] = t;
  }
  return out;
}
