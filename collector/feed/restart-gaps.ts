/**
 * Restart gaps. A session that starts on a database already holding some of its streams marks,
 * for each of them, the time since that stream's last write as a `restart` gap. All of them are
 * written before the session's first event, ending at it: the metrics engine starts afresh at a
 * restart gap, so gaps written as each stream started (interleaved with the first data of the
 * streams that started earlier) wiped the new session's first values, among them a long/short
 * ratio polled only every 5 minutes. The collector and `import` of its archive share this.
 */
import type Database from 'better-sqlite3';
import { gapEvent, type ExchangeId, type MarketEvent } from '../../core/events.ts';

export type StreamSink = (event: MarketEvent, stream: string) => void;

/** `sink`, preceded once, at the session's first event, by the restart gaps of its `feeds`. */
export function restartGapsFirst(
  db: Database.Database,
  feeds: { exchange: ExchangeId; streams: string[] }[],
  sink: StreamSink,
): StreamSink {
  const lastWrite = db.prepare('SELECT last_local_ts FROM feed_state WHERE exchange = ? AND stream = ?').pluck();
  const since = new Map<string, { exchange: ExchangeId; stream: string; start: number }>();
  for (const { exchange, streams } of feeds) {
    for (const stream of streams) {
      const start = lastWrite.get(exchange, stream) as number | undefined;
      if (start !== undefined) since.set(`${exchange} ${stream}`, { exchange, stream, start });
    }
  }
  let pending = [...since.values()];
  return (event, stream) => {
    if (pending.length) {
      const gaps = pending;
      pending = [];
      for (const g of gaps)
        sink(
          gapEvent({
            exchange: g.exchange,
            stream: g.stream,
            start_ts: g.start,
            end_ts: event.local_ts,
            cause: 'restart',
          }),
          g.stream,
        );
    }
    sink(event, stream);
  };
}
