/**
 * Opening bytes as a futuresboard recording, with an error a person can act on for each way it
 * can fail: not SQLite at all (or corrupt, or truncated), SQLite but not a recording, a recording
 * from a newer futuresboard (the same check as the CLI's), or a recording with no events.
 */
import type { SqlJsStatic } from 'sql.js';
import type { Db } from '../../../core/db.ts';
import { openSqlJsDb, type SqlJsDb } from '../../../replay/adapters/sqljs.ts';
import { checkRecordingSchema, checkSqliteHeader, SQLITE_HEADER_BYTES } from '../../../core/recording-check.ts';
import { summarizeEvents } from '../../../replay/player/read-events.ts';
// The migrations this build knows, to refuse files written by a newer futuresboard.
import { MIGRATIONS } from '../../lib/migrations.ts';
import type { RecordingSummary } from './protocol.ts';
import { FbError } from '../../../core/errors.ts';

/** `bytes` opened by sql.js after the header and schema checks every recording gets (core/recording-check.ts). */
export function openCheckedDb(SQL: SqlJsStatic, bytes: Uint8Array, name: string): SqlJsDb & { schemaVersion: number } {
  checkSqliteHeader({
    name,
    head: bytes.subarray(0, SQLITE_HEADER_BYTES),
    size: bytes.length,
    use: 'read',
    known: MIGRATIONS.length,
  });
  const db = openSqlJsDb(SQL, bytes);
  try {
    return Object.assign(db, { schemaVersion: checkRecordingSchema(db, name, MIGRATIONS, 'read') });
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Markets with prices in `db` (its markets table lists every instrument an exchange offers). */
export function pricedMarkets(db: Db): string[] {
  return db
    .all<{ market: string }>(
      'SELECT DISTINCT market FROM trades UNION SELECT DISTINCT market FROM book_tickers ORDER BY 1',
    )
    .map((r) => r.market)
    .filter(Boolean);
}

export function openRecording(
  SQL: SqlJsStatic,
  bytes: Uint8Array,
  name: string,
): { db: SqlJsDb; summary: RecordingSummary } {
  const db = openCheckedDb(SQL, bytes, name);
  try {
    const s = summarizeEvents(db);
    if (s.count === 0) throw new FbError('E_EMPTY', `${name} is a futuresboard recording with no events in it`);
    return {
      db,
      summary: {
        name,
        bytes: bytes.length,
        segments: 1,
        events: s.count,
        firstTs: s.first_ts,
        lastTs: s.last_ts,
        markets: pricedMarkets(db),
        schemaVersion: db.schemaVersion,
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
