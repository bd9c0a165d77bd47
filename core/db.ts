/**
 * The Db port: the few operations core code needs from SQLite. Implemented by
 * replay/adapters/node-sqlite.ts (better-sqlite3) and replay/adapters/sqljs.ts (sql.js), both
 * run through one contract test suite.
 */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type Row = Record<string, SqlValue>;

export interface Db {
  /** Run one or more statements with no parameters and no result (DDL, PRAGMA). */
  exec(sql: string): void;
  /** Run one statement with positional parameters; returns the number of changed rows. */
  run(sql: string, params?: readonly SqlValue[]): number;
  /** All result rows of one statement as plain objects keyed by column name. */
  all<T extends object = Row>(sql: string, params?: readonly SqlValue[]): T[];
  /** Rows one at a time, for scans too large to hold (replay). */
  iterate<T extends object = Row>(sql: string, params?: readonly SqlValue[]): Iterable<T>;
  /**
   * Rows one at a time as arrays of column values in SELECT order: the same scan as iterate()
   * without building an object per row, for the hot loops (replay reads every recorded row).
   * Each row is a new array the caller may keep.
   */
  iterateRaw<T extends readonly SqlValue[] = SqlValue[]>(sql: string, params?: readonly SqlValue[]): Iterable<T>;
  /** Run `fn` inside one transaction: all of it is committed or none. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
