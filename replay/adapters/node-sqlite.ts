/** The Db port over better-sqlite3 (Node). */
import Database from 'better-sqlite3';
import type { Db, SqlValue } from '../core/db.ts';

export type NodeDb = Db & { raw: Database.Database };

export function openNodeDb(path: string, options: { readonly?: boolean } = {}): NodeDb {
  const raw = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  return wrapNodeDb(raw);
}

export function wrapNodeDb(raw: Database.Database): NodeDb {
  const cache = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = raw.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    raw,
    exec: (sql) => void raw.exec(sql),
    run: (sql, params = []) => stmt(sql).run(...(params as SqlValue[])).changes,
    all: <T extends object>(sql: string, params: readonly SqlValue[] = []) => stmt(sql).all(...(params as SqlValue[])) as T[],
    iterate: <T extends object>(sql: string, params: readonly SqlValue[] = []) => {
      const s = stmt(sql);
      // An open loop keeps its statement busy; a second loop over the same SQL gets its own.
      return (s.busy ? raw.prepare(sql) : s).iterate(...(params as SqlValue[])) as IterableIterator<T>;
    },
    transaction: <T>(fn: () => T) => raw.transaction(fn)(),
    close: () => raw.close(),
  };
}
