/**
 * The rows of a recording, table by table, for comparing two recordings of one session (live and
 * imported): every column except the storage-internal keys `seq` (events) and `id` (metrics,
 * alerts), in write order.
 */
import Database from 'better-sqlite3';
import { EVENT_TABLES } from '../../core/tables.ts';

export const RECORDED_TABLES = [...EVENT_TABLES.map((t) => t.table), 'metrics', 'alerts'];

export function recordedRows(path: string, table: string): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true });
  const key = table === 'metrics' || table === 'alerts' ? 'id' : 'seq';
  const rows = db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all() as Record<string, unknown>[];
  db.close();
  return rows.map(({ seq: _seq, id: _id, ...rest }) => rest);
}
