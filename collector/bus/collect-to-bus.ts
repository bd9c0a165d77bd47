/**
 * `collect` with `bus` set: the outbox wired to the collector's writer and its local recording
 * (the one file, or the recordings folder when store.dir is set) as the edge buffer.
 */
import type Database from 'better-sqlite3';
import { EXCHANGES, type RecordedEvent } from '../../core/events.ts';
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
  /** Publishes what it can within `graceMs`, then disconnects. */
  stop(graceMs: number): Promise<void>;
}

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
  return {
    link,
    outbox,
    health: () => link.health(outbox.lag(), 'events', null),
    async stop(graceMs) {
      await outbox.stop(graceMs);
      await link.close();
    },
  };
}
