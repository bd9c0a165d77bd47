/**
 * Normalizes recorded raw frames (capture format, fixtures/captures/README.md) through the same
 * parsers as the live collector. Each recorded connection gets its own parser (parsers keep
 * per-connection state); the exchange is chosen by the connection's address.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type Database from 'better-sqlite3';
import type { ExchangeId } from '../../replay/core/events.ts';
import { InstrumentBook } from '../../replay/core/instruments.ts';
import type { Logger } from '../../replay/core/log.ts';
import { ADAPTERS, exchangeOfConnection } from '../exchanges/index.ts';
import { ParseError, type ExchangeParser } from '../exchanges/types.ts';
import { createLiveMetrics } from '../live-metrics.ts';
import { saveMarkets } from '../store/markets.ts';
import { EventWriter } from '../store/writer.ts';

export interface ImportResult {
  lines: number;
  frames: number;
  events: number;
  byKind: Record<string, number>;
  parseErrors: number;
  skippedLines: number;
}

interface CaptureLine {
  t?: string;
  conn?: string;
  ts?: number;
  addr?: string;
  url?: string;
  data?: string;
}

export async function importCaptures(
  db: Database.Database,
  files: string[],
  opts: {
    logger: Logger;
    /** Metrics settings (as in the config file's `metrics`); metrics and alerts are computed as the collector would. */
    metrics?: unknown;
    onProgress?: (bytes: number, total: number, events: number) => void;
  },
): Promise<ImportResult> {
  const result: ImportResult = { lines: 0, frames: 0, events: 0, byKind: {}, parseErrors: 0, skippedLines: 0 };
  const metrics = createLiveMetrics(db, opts.metrics ?? {}, opts.logger, Date.now);
  const writer = new EventWriter(db, {
    flushMs: 1000,
    flushRows: 5000,
    logger: opts.logger,
    inTransaction: (batch) => metrics.inTransaction(batch),
  });
  const books = new Map<ExchangeId, InstrumentBook>();
  const bookOf = (id: ExchangeId) => {
    let b = books.get(id);
    if (!b) books.set(id, (b = new InstrumentBook(id, ADAPTERS[id].defaultInstruments?.() ?? [])));
    return b;
  };
  /** Instruments that produced events: the `markets` table lists what was recorded, not the whole exchange. */
  const recorded = new Set<string>();
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  let bytes = 0;

  for (const file of files) {
    const conns = new Map<string, { exchange: ExchangeId; parser: ExchangeParser }>();
    // REST bodies also seed the websocket parsers' state (Binance's depth snapshot starts the
    // diff-depth book); bodies recorded before a connection opened are replayed into it.
    // Only the latest body per URL is kept: that is the state a new connection needs.
  const restSeen = new Map<ExchangeId, Map<string, { body: string; localTs: number }>>();
    const ignore = () => {};
    const connOf = (conn: string, addr: string | undefined) => {
      let c = conns.get(conn);
      if (!c && addr) {
        const exchange = exchangeOfConnection(conn, addr);
        if (exchange) {
          conns.set(conn, (c = { exchange, parser: ADAPTERS[exchange].createParser(bookOf(exchange)) }));
          for (const [url, r] of restSeen.get(exchange) ?? []) c.parser.parseRest(url, r.body, r.localTs, ignore);
        }
      }
      return c;
    };
    const restParsers = new Map<ExchangeId, ExchangeParser>();
    const restParserOf = (id: ExchangeId) => {
      let p = restParsers.get(id);
      if (!p) restParsers.set(id, (p = ADAPTERS[id].createParser(bookOf(id))));
      return p;
    };
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const text of lines) {
      bytes += Buffer.byteLength(text) + 1;
      result.lines++;
      if (!text.trim()) continue;
      let line: CaptureLine;
      try {
        line = JSON.parse(text);
      } catch {
        result.skippedLines++;
        opts.logger.warn({ file, line: result.lines }, 'capture line is not JSON; skipped');
        continue;
      }
      const localTs = Math.round((line.ts ?? 0) * 1000);
      const conn = line.conn ?? '';
      const emit = (e: Parameters<EventWriter['push']>[0]) => {
        if (e.symbol) recorded.add(`${e.exchange} ${e.symbol}`);
        result.events++;
        result.byKind[e.kind] = (result.byKind[e.kind] ?? 0) + 1;
        writer.push(e, `import:${conn}`);
      };
      try {
        if (line.t === 'connect') connOf(conn, line.addr);
        else if (line.t === 'recv' && typeof line.data === 'string') {
          const c = connOf(conn, line.addr);
          if (!c) {
            result.skippedLines++;
            continue;
          }
          result.frames++;
          c.parser.parseFrame(line.data, localTs, emit);
        } else if (line.t === 'http' && typeof line.data === 'string' && line.url) {
          const exchange = exchangeOfConnection(conn, line.url);
          if (!exchange) {
            result.skippedLines++;
            continue;
          }
          result.frames++;
          const adapter = ADAPTERS[exchange];
          const instrumentsPath = new URL(adapter.instrumentsUrl(adapter.defaultEndpoints)).pathname;
          if (new URL(line.url).pathname === instrumentsPath) {
            for (const i of adapter.parseInstruments(line.data)) bookOf(exchange).set(i);
          } else {
            restParserOf(exchange).parseRest(line.url, line.data, localTs, emit);
            const seen = restSeen.get(exchange) ?? new Map();
            seen.set(line.url, { body: line.data, localTs });
            restSeen.set(exchange, seen);
            for (const c of conns.values()) if (c.exchange === exchange) c.parser.parseRest(line.url, line.data, localTs, ignore);
          }
        }
      } catch (err) {
        if (!(err instanceof ParseError)) opts.logger.error({ err, file, line: result.lines }, 'unexpected error on a recorded frame');
        result.parseErrors++;
        if (result.parseErrors <= 10) opts.logger.warn({ file, line: result.lines, err: (err as Error).message }, 'malformed frame skipped');
      }
      if (result.lines % 500 === 0) opts.onProgress?.(bytes, total, result.events);
    }
  }
  writer.close();
  for (const book of books.values())
    saveMarkets(db, book.all().filter((i) => recorded.has(`${i.exchange} ${i.symbol}`)), Date.now());
  opts.onProgress?.(total, total, result.events);
  return result;
}
