/**
 * Opening bytes as a futuresboard recording, with an error a person can act on for each way it
 * can fail: not SQLite at all (or corrupt), SQLite but not a recording, a recording from a newer
 * futuresboard, or a recording with no events.
 */
import type { SqlJsStatic } from 'sql.js';
import { openSqlJsDb, type SqlJsDb } from '../../../replay/adapters/sqljs.ts';
import { checkSchema, migrationsFromFiles, SchemaError } from '../../../replay/core/migrations.ts';
import { summarizeEvents } from '../../../replay/core/replay/read-events.ts';
import { EVENT_TABLES } from '../../../replay/core/replay/tables.ts';
import type { RecordingSummary, WorkerErrorCode } from './protocol.ts';

// The migrations this build knows, to refuse files written by a newer futuresboard.
const MIGRATIONS = migrationsFromFiles(import.meta.glob<string>('../../../replay/core/migrations/*.sql', { query: '?raw', import: 'default', eager: true }));

export class OpenError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OpenError';
  }
}

export function openRecording(SQL: SqlJsStatic, bytes: Uint8Array, name: string): { db: SqlJsDb; summary: RecordingSummary } {
  const db = openSqlJsDb(SQL, bytes);
  try {
    let tables: Set<string>;
    try {
      tables = new Set(db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name));
    } catch (err) {
      throw new OpenError('E_NOT_SQLITE', `${name} is not a readable SQLite database (${(err as Error).message}); choose a .sqlite file written by futuresboard`);
    }
    const missing = EVENT_TABLES.map((t) => t.table).filter((t) => !tables.has(t));
    if (!tables.has('schema_migrations') || missing.length)
      throw new OpenError('E_NOT_RECORDING', `${name} is SQLite but not a futuresboard recording (missing ${missing.length ? missing.join(', ') : 'schema_migrations'})`);
    let schemaVersion: number;
    try {
      schemaVersion = checkSchema(db, MIGRATIONS);
    } catch (err) {
      if (err instanceof SchemaError) throw new OpenError('E_DB_TOO_NEW', err.message);
      throw err;
    }
    const s = summarizeEvents(db);
    if (s.count === 0) throw new OpenError('E_EMPTY', `${name} is a futuresboard recording with no events in it`);
    // Markets with prices in the recording (the markets table lists every instrument an exchange offers).
    const markets = db
      .all<{ market: string }>('SELECT DISTINCT market FROM trades UNION SELECT DISTINCT market FROM book_tickers ORDER BY 1')
      .map((r) => r.market)
      .filter(Boolean);
    return { db, summary: { name, bytes: bytes.length, events: s.count, firstTs: s.first_ts, lastTs: s.last_ts, markets, schemaVersion } };
  } catch (err) {
    db.close();
    throw err;
  }
}
