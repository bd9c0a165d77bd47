/**
 * Opening bytes as a futuresboard recording, with an error a person can act on for each way it
 * can fail: not SQLite at all (or corrupt, or truncated), SQLite but not a recording, a recording
 * from a newer futuresboard (the same check as the CLI's), or a recording with no events.
 */
import type { SqlJsStatic } from 'sql.js';
import { openSqlJsDb, type SqlJsDb } from '../../../replay/adapters/sqljs.ts';
import { checkRecordingSchema, checkSqliteHeader, SQLITE_HEADER_BYTES } from '../../../core/recording-check.ts';
import { summarizeEvents } from '../../../replay/player/read-events.ts';
// The migrations this build knows, to refuse files written by a newer futuresboard.
import { MIGRATIONS } from '../../lib/migrations.ts';
import type { RecordingSummary } from './protocol.ts';
import { FbError } from '../../../core/errors.ts';

export function openRecording(
  SQL: SqlJsStatic,
  bytes: Uint8Array,
  name: string,
): { db: SqlJsDb; summary: RecordingSummary } {
  // The shared checks (core/recording-check.ts): a refusal reaches the page with its code and words.
  checkSqliteHeader({
    name,
    head: bytes.subarray(0, SQLITE_HEADER_BYTES),
    size: bytes.length,
    use: 'read',
    known: MIGRATIONS.length,
  });
  const db = openSqlJsDb(SQL, bytes);
  try {
    const schemaVersion = checkRecordingSchema(db, name, MIGRATIONS, 'read');
    const s = summarizeEvents(db);
    if (s.count === 0) throw new FbError('E_EMPTY', `${name} is a futuresboard recording with no events in it`);
    // Markets with prices in the recording (the markets table lists every instrument an exchange offers).
    const markets = db
      .all<{ market: string }>(
        'SELECT DISTINCT market FROM trades UNION SELECT DISTINCT market FROM book_tickers ORDER BY 1',
      )
      .map((r) => r.market)
      .filter(Boolean);
    return {
      db,
      summary: {
        name,
        bytes: bytes.length,
        events: s.count,
        firstTs: s.first_ts,
        lastTs: s.last_ts,
        markets,
        schemaVersion,
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
