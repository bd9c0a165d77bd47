/**
 * Recorded sessions replayed as a live exchange: every frame is delivered at its recorded
 * offset from "now", with every timestamp field shifted by the same offset; the timeline loops,
 * each loop adding one loop length to the times and one id span to every sequence, so neither
 * time nor ids go backwards. REST answers with the responses recorded in the captures.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EXCHANGES, type ExchangeId } from '../../core/events.ts';
import type { Clock } from '../../core/log.ts';
import type { RestData } from '../rest-data.ts';
import { isSequenced } from '../sequenced.ts';
import type { FrameSink, FrameSource } from '../source.ts';
import { symbolOfKey, visitFields } from './fields.ts';
import { loadTimelines, type Timeline, type TimelineFrame } from './timeline.ts';
import { FbError } from '../../core/errors.ts';

/**
 * The real sessions and frames live beside the repository in ../shared (captures/, samples/):
 * they come from other public projects and are not vendored (fixtures/README.md).
 */
const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** The recorded sessions in ../shared/captures plus the sample frames of the stream types they lack. */
export function defaultCaptureFiles(shared = SHARED): string[] {
  const [captures, samples] = [join(shared, 'captures'), join(shared, 'samples')];
  if (!existsSync(captures) || !existsSync(samples)) {
    throw new FbError(
      'E_SIM_CAPTURE',
      `no recorded sessions at ${captures} and ${samples}: this checkout lacks the shared data folder beside it; pass --capture <file.jsonl> (repeatable) to replay recordings of your own`,
    );
  }
  const files = (dir: string, keep: (f: string) => boolean) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl') && keep(f))
      .sort()
      .map((f) => join(dir, f));
  return [...files(captures, () => true), ...files(samples, (f) => !f.includes('.rest.') && !f.includes('.control.'))];
}

export interface CaptureSourceOptions {
  files?: readonly string[];
  clock: Clock;
  /** Scheduler tick, ms (default 10). */
  tickMs?: number;
}

interface Cursor {
  t: Timeline;
  index: number;
  loop: number;
  /** Extra id offset per `symbol|family` from skip-seq faults. */
  extra: Map<string, number>;
  skips: number;
  published: number;
}

function recordedRest(timelines: Record<ExchangeId, Timeline>): RestData {
  const recorded = (ex: ExchangeId, path: string, query: Record<string, string> = {}) =>
    timelines[ex].http.findLast((h) => h.path === path && Object.entries(query).every(([k, v]) => h.query.get(k) === v))
      ?.body ?? null;
  const okxSwaps = () => {
    const body = recorded('okx-swap', '/api/v5/public/instruments', { instType: 'SWAP' });
    const data = body === null ? [] : (JSON.parse(body) as { data?: { instId?: string }[] }).data;
    return Array.isArray(data) ? data : [];
  };
  const emptyList = (symbol: string | null, empty: string) => (symbol === null ? empty : null);
  return {
    'binance-usdm': {
      exchangeInfo: () => recorded('binance-usdm', '/fapi/v1/exchangeInfo'),
      ticker24hr: (symbol) => emptyList(symbol, '[]'),
      openInterest: () => null,
      premiumIndex: (symbol) => emptyList(symbol, '[]'),
      ratio: () => null,
    },
    'bybit-linear': {
      instruments: (symbol) => emptyList(symbol, '{"category":"linear","list":[],"nextPageCursor":""}'),
      tickers: (symbol) => emptyList(symbol, '{"category":"linear","list":[]}'),
      accountRatio: () => null,
    },
    'okx-swap': {
      instruments(instId) {
        const list = okxSwaps().filter((i) => instId === null || i.instId === instId);
        return instId !== null && list.length === 0 ? null : JSON.stringify(list);
      },
      tickers: (instId) => emptyList(instId, '[]'),
      openInterest: (instId) => emptyList(instId, '[]'),
      longShortRatio: () => null,
      takerVolume: () => null,
    },
  };
}

export function createCaptureSource(opts: CaptureSourceOptions): FrameSource {
  const files = opts.files ?? defaultCaptureFiles();
  const timelines = loadTimelines(files);
  const cursors = EXCHANGES.map(
    (ex): Cursor => ({ t: timelines[ex], index: 0, loop: 0, extra: new Map(), skips: 0, published: 0 }),
  );
  let loopStart = 0;
  let timer: NodeJS.Timeout | null = null;

  /** The frame as it is sent in loop `c.loop`: times shifted to now, ids moved on by whole loops. */
  const rewrite = (c: Cursor, f: TimelineFrame, seasoned: boolean): string => {
    const ex = c.t.exchange;
    const frame = structuredClone(f.frame);
    const timeShift = loopStart + c.loop * c.t.loopMs - f.anchor;
    const sym = symbolOfKey(ex, f.key);
    if (c.skips > 0 && seasoned && isSequenced(ex, f.key)) {
      const families = new Set<string>();
      visitFields(ex, frame, (_h, _n, kind, family) => kind === 'id' && families.add(`${sym}|${family}`));
      // a frame without sequence numbers (OKX books before 2023) cannot show a skip: keep it armed
      if (families.size > 0) c.skips--;
      for (const fk of families) c.extra.set(fk, (c.extra.get(fk) ?? 0) + 1);
    }
    visitFields(ex, frame, (holder, name, kind, family) => {
      const fk = `${sym}|${family}`;
      const shift = kind === 'time' ? timeShift : c.loop * (c.t.idSpans.get(fk) ?? 0) + (c.extra.get(fk) ?? 0);
      const v = Number(holder[name]) + shift;
      holder[name] = typeof holder[name] === 'string' ? String(v) : v;
    });
    return JSON.stringify(ex === 'binance-usdm' ? frame.data : frame);
  };

  return {
    kind: 'capture',
    rest: recordedRest(timelines),
    has: (exchange, key) => timelines[exchange].keys.has(key),
    onSubscribe: (exchange, key) => ({ initial: null, awaitSnapshot: timelines[exchange].gated.has(key) }),
    armSkip(exchange, count) {
      cursors.find((c) => c.t.exchange === exchange)!.skips += count;
    },
    start(sink: FrameSink) {
      loopStart = opts.clock();
      const tick = () => {
        const now = opts.clock();
        for (const c of cursors) {
          const frames = c.t.frames;
          if (frames.length === 0) continue;
          for (;;) {
            const f = frames[c.index];
            if (loopStart + c.loop * c.t.loopMs + f.at > now) break;
            if (sink.wants(c.t.exchange, f.key)) {
              sink.publish(c.t.exchange, f.key, rewrite(c, f, sink.seasoned(c.t.exchange, f.key)), f.snapshot);
              c.published++;
            }
            if (++c.index === frames.length) {
              c.index = 0;
              c.loop++;
            }
          }
        }
      };
      timer = setInterval(tick, opts.tickMs ?? 10);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    describe: () => ({
      files: files.length,
      exchanges: Object.fromEntries(
        cursors.map((c) => [
          c.t.exchange,
          {
            loopMs: c.t.loopMs,
            frames: c.t.frames.length,
            keys: c.t.keys.size,
            loop: c.loop,
            framesPublished: c.published,
          },
        ]),
      ),
    }),
  };
}
