/**
 * What the opened file actually has. The metrics and alerts tables come with a later migration
 * and a recording may predate it: every reader asks here first and reads only what exists.
 */
import type { Db } from '../../core/db.ts';

export function tableColumns(db: Db, table: string): Set<string> {
  // PRAGMA arguments cannot be bound; `table` is always one of our own literal names.
  const rows = db.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}')`);
  return new Set(rows.map((r) => r.name));
}

export function hasTable(db: Db, table: string): boolean {
  return tableColumns(db, table).size > 0;
}

/** `col` when the table has it, else `NULL AS col`, so one query fits every schema version. */
export function columnOrNull(columns: Set<string>, col: string): string {
  return columns.has(col) ? col : `NULL AS ${col}`;
}
