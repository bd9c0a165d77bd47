/**
 * The store role's recording side, without the bus: the recording pipeline (recorder.ts) with
 * BusIngest inside its transactions and on its commits, so positions move with the events and
 * messages are acknowledged once their events are on disk.
 */
import type { Logger } from '../../core/log.ts';
import type { Config } from '../config.ts';
import { openRecorder, type Recorder } from '../recorder.ts';
import { maxSeq } from '../store/insert.ts';
import type { Telemetry } from '../telemetry.ts';
import { BusIngest } from './bus-ingest.ts';
import { openBusPositions } from './positions.ts';

export interface StoreIntake {
  recorder: Recorder;
  ingest: BusIngest;
}

export function openStoreIntake(o: {
  config: Config;
  logger: Logger;
  telemetry: Telemetry;
  now: () => number;
  holdMs: number;
  /** Default: from the database (its last receipt time when it holds events, else null). */
  restartFrom?: number | null;
}): StoreIntake {
  let ingest: BusIngest | null = null;
  const recorder = openRecorder({ ...o, inTransaction: (b) => ingest?.inTransaction(b) });
  const { db, writer } = recorder;
  const lastTs = db.prepare('SELECT max(last_local_ts) FROM feed_state').pluck().get() as number | null;
  const created = new BusIngest({
    writer,
    positions: openBusPositions(db),
    logger: o.logger,
    telemetry: o.telemetry,
    restartFrom: o.restartFrom !== undefined ? o.restartFrom : maxSeq(db) > 0 ? (lastTs ?? 0) : null,
    holdMs: o.holdMs,
    now: o.now,
  });
  ingest = created;
  writer.onCommit((batch) => created.onCommit(batch));
  return { recorder, ingest: created };
}
