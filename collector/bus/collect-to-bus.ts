/**
 * `collect` with `bus` set: the outbox wired to the collector's writer and its local recording
 * (the one file, or the recordings folder when store.dir is set) as the edge buffer.
 */
import type Database from 'better-sqlite3';
import { BUS_PROTOCOL, instrumentsSubject, type InstrumentsMessage } from '../../core/bus-message.ts';
import { EXCHANGES, type ExchangeId, type RecordedEvent } from '../../core/events.ts';
import type { Instrument } from '../../core/instruments.ts';
import type { HealthInput } from '../relay/health.ts';
import type { Logger } from '../../core/log.ts';
import { fileRecording, openRecordingsDir } from '../../replay/adapters/recordings-dir.ts';
import { recordingEvents } from '../../replay/player/parts.ts';
import type { Config } from '../config.ts';
import type { BusConfig } from '../config/schema.ts';
import type { EventWriter } from '../store/writer.ts';
import type { Telemetry } from '../telemetry.ts';
import { connectBus, type BusLink } from './link.ts';
import { BusOutbox } from './outbox.ts';
import { openOutboxState } from './outbox-state.ts';

export interface CollectorBus {
  link: BusLink;
  outbox: BusOutbox;
  health(): NonNullable<HealthInput['bus']>;
  /** Publishes the exchange's markets once the bus is reachable (retried until it takes them). */
  publishInstruments(exchange: ExchangeId, instruments: Instrument[]): void;
  /** Publishes what it can within `graceMs`, then disconnects. */
  stop(graceMs: number): Promise<void>;
}

const RETRY_MS = 5000;

/** The recording after `afterSeq`: closed segments that reach past it, then the hot database. */
function recordingAfter(config: Config): (afterSeq: number) => Iterable<RecordedEvent> {
  return (afterSeq) => {
    const dir = config.store.dir;
    const rec = dir ? openRecordingsDir(dir) : fileRecording(config.db);
    const parts = rec.parts.filter((p) => !p.entry || p.entry.open || (p.entry.seq_to ?? Infinity) > afterSeq);
    return recordingEvents({ ...rec, parts }, { afterSeq });
  };
}

export function startCollectorBus(opts: {
  config: Config;
  bus: BusConfig;
  db: Database.Database;
  writer: EventWriter;
  telemetry: Telemetry;
  logger: Logger;
  now: () => number;
}): CollectorBus {
  const { config, bus, writer, telemetry, logger } = opts;
  const state = openOutboxState(opts.db, writer.lastSeq, opts.now);
  const link = connectBus(bus, logger, 'futuresboard collect');
  const outbox = new BusOutbox({
    cfg: bus,
    link,
    state,
    readAfter: recordingAfter(config),
    lastSeq: () => writer.lastSeq,
    exchanges: EXCHANGES.filter((id) => config.exchanges[id].enabled),
    logger,
    telemetry,
  });
  writer.onCommit((batch) => outbox.onCommit(batch));
  telemetry.setBusSource(() => ({ connected: link.connected(), lag: outbox.lag() }));
  logger.info({ bus: link.url, source: outbox.source, stream: bus.stream.name }, 'publishing to the bus');
  let stopped = false;
  return {
    link,
    outbox,
    publishInstruments(exchange, instruments) {
      const msg: InstrumentsMessage = { v: BUS_PROTOCOL, src: outbox.source, instruments };
      const attempt = async () => {
        const { js } = await link.ready;
        await js.publish(instrumentsSubject(exchange), JSON.stringify(msg));
      };
      const retry = (): void =>
        void attempt().catch((err: Error) => {
          if (stopped) return;
          logger.warn({ exchange, err: err.message }, 'bus: markets not published; retrying');
          setTimeout(retry, RETRY_MS).unref();
        });
      retry();
    },
    health: () => link.health(outbox.lag(), 'events', null),
    async stop(graceMs) {
      stopped = true;
      await outbox.stop(graceMs);
      await link.close();
    },
  };
}
