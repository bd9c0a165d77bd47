/** The Db port over better-sqlite3 (Node). */
import Database from 'better-sqlite3';
import type { Db, SqlValue } from '../../core/db.ts';

export type NodeDb = Db & { raw: Database.Database };

export function openNodeDb(path: string, options: { readonly?: boolean } = {}): NodeDb {
  const raw = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  return wrapNodeDb(raw);
}

export function wrapNodeDb(raw: Database.Database): NodeDb {
  // .raw(true) switches a statement to arrays for good, so array loops keep statements of their own.
  const caches = { objects: new Map<string, Database.Statement>(), arrays: new Map<string, Database.Statement>() };
  type Mode = keyof typeof caches;
  const prepare = (sql: string, mode: Mode) => (mode === 'arrays' ? raw.prepare(sql).raw(true) : raw.prepare(sql));
  const stmt = (sql: string, mode: Mode = 'objects') => {
    let s = caches[mode].get(sql);
    if (!s) {
      s = prepare(sql, mode);
      caches[mode].set(sql, s);
    }
    return s;
  };
  // An open loop keeps its statement busy; a second loop over the same SQL gets its own.
  const loop = (sql: string, mode: Mode, params: readonly SqlValue[]) => {
    const s = stmt(sql, mode);
    return (s.busy ? prepare(sql, mode) : s).iterate(...(params as SqlValue[]));
  };
  return {
    raw,
    exec: (sql) => void raw.exec(sql),
    run: (sql, params = []) => stmt(sql).run(...(params as SqlValue[])).changes,
    all: <T extends object>(sql: string, params: readonly SqlValue[] = []) =>
      stmt(sql).all(...(params as SqlValue[])) as T[],
    iterate: <T extends object>(sql: string, params: readonly SqlValue[] = []) =>
      loop(sql, 'objects', params) as IterableIterator<T>,
    iterateRaw: <T extends readonly SqlValue[]>(sql: string, params: readonly SqlValue[] = []) =>
      loop(sql, 'arrays', params) as IterableIterator<T>,
    transaction: <T>(fn: () => T) => raw.transaction(fn)(),
    close: () => raw.close(),
  };
}
