/**
 * One recorded session (a header line up to the next) normalized the way the collector did it
 * live, so that an import of `collect --raw` reproduces the live rows:
 * - the instruments are the ones the session recorded (header `feeds`), not the exchange's
 *   defaults: live parsers drop what they were not asked for (OKX liquidations of every swap);
 * - every `connect` starts a fresh parser, seeded with the latest REST bodies, as each live
 *   connection does; the parser state of the connection before must not carry over;
 * - a `gap` line arms the connection's gap, written before its next event, as live;
 * - restart gaps come before the session's first event (collector/feed/restart-gaps.ts).
 * Captures of other tools have no `feeds` or `gap` lines; their instruments come from the
 * exchanges' defaults and from instrument lists among their REST lines.
 */
import type Database from 'better-sqlite3';
import type { ExchangeId, MarketEvent } from '../../core/events.ts';
import { InstrumentBook, type Instrument } from '../../core/instruments.ts';
import { ADAPTERS, exchangeOfConnection } from '../exchanges/index.ts';
import { parseError, type ExchangeParser } from '../exchanges/types.ts';
import { GapGate } from '../feed/gap-gate.ts';
import type { ArchivedFeed } from '../feed/raw-recorder.ts';
import { LatestRestBodies } from '../feed/rest-bodies.ts';
import { restartGapsFirst, type StreamSink } from '../feed/restart-gaps.ts';
import type { CaptureLine } from './capture-line.ts';

interface Connection {
  exchange: ExchangeId;
  gate: GapGate;
  /** null until the connection's `connect` line. */
  parser: ExchangeParser | null;
}

interface RestSource {
  parser: ExchangeParser;
  gate: GapGate;
  bodies: LatestRestBodies;
}

/** What a line amounted to: a frame parsed, nothing to do, or a line for no known exchange. */
export type LineOutcome = 'frame' | 'none' | 'skipped';

/**
 * The stream a connection writes under: our own connection ids are `<exchange>/<stream>/…`
 * (and `<exchange>/rest`), as live, so feed_state and restart gaps match; other tools' are kept
 * apart as `import:<connection>`.
 */
function streamOf(conn: string): string {
  const [id, stream] = conn.split('/');
  return id in ADAPTERS && stream ? stream : `import:${conn}`;
}

export class CaptureSession {
  private readonly books = new Map<ExchangeId, InstrumentBook>();
  private readonly conns = new Map<string, Connection>();
  private readonly rest = new Map<ExchangeId, RestSource>();
  private readonly sink: StreamSink;
  /** Instruments that produced events (the `markets` rows of a capture without `feeds`). */
  private readonly recorded = new Set<string>();

  constructor(
    db: Database.Database,
    private readonly feeds: ArchivedFeed[] | null,
    sink: StreamSink,
  ) {
    for (const f of feeds ?? []) this.books.set(f.exchange, new InstrumentBook(f.exchange, f.instruments));
    const noted: StreamSink = (e, stream) => {
      if (e.symbol) this.recorded.add(`${e.exchange} ${e.symbol}`);
      sink(e, stream);
    };
    this.sink = feeds ? restartGapsFirst(db, feeds, noted) : noted;
  }

  /** The session's instruments, as the collector saved them (all it planned to record). */
  instruments(): Instrument[] {
    if (this.feeds) return this.feeds.flatMap((f) => f.instruments);
    return [...this.books.values()]
      .flatMap((b) => b.all())
      .filter((i) => this.recorded.has(`${i.exchange} ${i.symbol}`));
  }

  apply(line: CaptureLine): LineOutcome {
    switch (line.t) {
      case 'connect': {
        const c = this.connection(line.conn, line.addr);
        if (!c) return 'skipped';
        c.parser = this.newParser(c.exchange);
        return 'none';
      }
      case 'recv': {
        const c = this.connection(line.conn, line.addr ?? '');
        if (!c) return 'skipped';
        // A capture that starts mid-connection (no `connect` line) is parsed from its first frame.
        c.parser ??= this.newParser(c.exchange);
        c.parser.parseFrame(line.data, line.ts, (e) => c.gate.pass(e));
        return 'frame';
      }
      case 'http':
        return this.http(line.conn, line.url, line.data, line.ts);
      case 'gap': {
        const exchange = exchangeOfConnection(line.conn, '');
        if (!exchange) return 'skipped';
        const gate =
          streamOf(line.conn) === 'rest' ? this.restOf(exchange, line.conn).gate : this.connection(line.conn, '')?.gate;
        gate?.arm(line.start, line.cause);
        return 'none';
      }
      default:
        return 'none';
    }
  }

  private http(conn: string, url: string, body: string, localTs: number): LineOutcome {
    const exchange = exchangeOfConnection(conn, url);
    if (!exchange) return 'skipped';
    const adapter = ADAPTERS[exchange];
    if (pathOf(url, exchange) === pathOf(adapter.instrumentsUrl(adapter.defaultEndpoints), exchange)) {
      // The session's own instrument list (header `feeds`) is what the collector parsed with.
      if (!this.feeds) for (const i of adapter.parseInstruments(body)) this.bookOf(exchange).set(i);
      return 'frame';
    }
    const rest = this.restOf(exchange, conn);
    // As the collector's poller: events through its gate, then the body for the websocket parsers.
    if (rest.parser.parseRest(url, body, localTs, (e) => rest.gate.pass(e)).type === 'rejected') return 'frame';
    rest.bodies.record(url, body, localTs);
    for (const c of this.conns.values()) {
      if (c.exchange !== exchange) continue;
      try {
        c.parser?.parseRest(url, body, localTs, () => {});
      } catch {
        // State only, as the collector's observeRest: the body's own parse above counted.
      }
    }
    return 'frame';
  }

  private connection(conn: string, addr: string): Connection | undefined {
    let c = this.conns.get(conn);
    if (c) return c;
    const exchange = exchangeOfConnection(conn, addr);
    if (!exchange) return undefined;
    const stream = streamOf(conn);
    this.conns.set(conn, (c = { exchange, gate: this.gate(exchange, stream), parser: null }));
    return c;
  }

  private restOf(exchange: ExchangeId, conn: string): RestSource {
    let r = this.rest.get(exchange);
    if (!r)
      this.rest.set(
        exchange,
        (r = {
          parser: ADAPTERS[exchange].createParser(this.bookOf(exchange)),
          gate: this.gate(exchange, streamOf(conn)),
          bodies: new LatestRestBodies(),
        }),
      );
    return r;
  }

  private newParser(exchange: ExchangeId): ExchangeParser {
    const parser = ADAPTERS[exchange].createParser(this.bookOf(exchange));
    return this.rest.get(exchange)?.bodies.seed(parser) ?? parser;
  }

  private gate(exchange: ExchangeId, stream: string): GapGate {
    return new GapGate(exchange, stream, (e: MarketEvent, s: string) => this.sink(e, s));
  }

  private bookOf(exchange: ExchangeId): InstrumentBook {
    let b = this.books.get(exchange);
    if (!b)
      this.books.set(exchange, (b = new InstrumentBook(exchange, ADAPTERS[exchange].defaultInstruments?.() ?? [])));
    return b;
  }
}

function pathOf(url: string, exchange: ExchangeId): string {
  try {
    return new URL(url).pathname;
  } catch {
    throw parseError(`http line: url ${JSON.stringify(url.slice(0, 100))} is not an absolute URL`, exchange);
  }
}
