/**
 * The Db port over sql.js (SQLite compiled to WebAssembly): what the browser's replay and
 * backtest run on. Isomorphic: the caller loads sql.js (in a module worker, or in Node for the
 * contract tests) and hands over a Database.
 *
 * Differences from better-sqlite3 smoothed over here, so one contract suite passes on both:
 * - sql.js binds a bigint as text; integers in the safe range are bound as numbers instead;
 * - iterate() and iterateRaw() step a statement of their own and free it when the loop ends or is
 *   abandoned;
 * - nested transaction() calls become savepoints, as in better-sqlite3.
 */
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { Db, Row, SqlValue } from '../../core/db.ts';
import { FbError } from '../../core/errors.ts';

export type SqlJsDb = Db & { raw: Database };

type SqlJsValue = number | string | Uint8Array | null;

function bindable(params: readonly SqlValue[]): SqlJsValue[] {
  return params.map((p) => {
    if (typeof p !== 'bigint') return p;
    if (p > BigInt(Number.MAX_SAFE_INTEGER) || p < BigInt(Number.MIN_SAFE_INTEGER))
      throw new FbError('E_SQLJS_BIGINT', `sql.js cannot bind ${p} exactly: integers must be within ±(2^53 − 1)`);
    return Number(p);
  });
}

/** Rows of a prepared, bound statement as objects keyed by column name. */
function* rowsOf<T>(stmt: Statement): Generator<T, void, undefined> {
  const names = stmt.getColumnNames();
  while (stmt.step()) {
    const values = stmt.get();
    const row: Record<string, SqlJsValue> = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = values[i] as SqlJsValue;
    yield row as T;
  }
}

/** Rows of a prepared, bound statement as the arrays sql.js returns (one new array per row). */
function* arraysOf<T>(stmt: Statement): Generator<T, void, undefined> {
  while (stmt.step()) yield stmt.get() as T;
}

/** Open a database file's bytes (or a new empty database) with a loaded sql.js. */
export function openSqlJsDb(SQL: SqlJsStatic, bytes?: Uint8Array): SqlJsDb {
  return wrapSqlJsDb(new SQL.Database(bytes));
}

export function wrapSqlJsDb(raw: Database): SqlJsDb {
  const cache = new Map<string, Statement>();
  const cached = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = raw.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  /** A statement per loop: two loops over the same SQL may be open at once (merges). */
  const loop = <T>(sql: string, params: readonly SqlValue[], rows: (s: Statement) => Iterable<T>): Iterable<T> => ({
    *[Symbol.iterator]() {
      const s = raw.prepare(sql);
      try {
        s.bind(bindable(params));
        yield* rows(s);
      } finally {
        s.free();
      }
    },
  });
  let depth = 0;
  return {
    raw,
    exec: (sql) => void raw.exec(sql),
    run(sql, params = []) {
      const s = cached(sql);
      try {
        s.run(bindable(params));
      } finally {
        s.reset();
      }
      return raw.getRowsModified();
    },
    all<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
      const s = cached(sql);
      try {
        s.bind(bindable(params));
        return [...rowsOf<T>(s)];
      } finally {
        s.reset();
      }
    },
    iterate<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Iterable<T> {
      return loop(sql, params, rowsOf<T>);
    },
    iterateRaw<T extends readonly SqlValue[] = SqlValue[]>(sql: string, params: readonly SqlValue[] = []): Iterable<T> {
      return loop(sql, params, arraysOf<T>);
    },
    transaction<T>(fn: () => T): T {
      const name = `fb_tx_${depth}`;
      raw.exec(depth === 0 ? 'BEGIN' : `SAVEPOINT ${name}`);
      depth++;
      try {
        const out = fn();
        depth--;
        raw.exec(depth === 0 ? 'COMMIT' : `RELEASE ${name}`);
        return out;
      } catch (err) {
        depth--;
        raw.exec(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      }
    },
    close() {
      for (const s of cache.values()) s.free();
      cache.clear();
      raw.close();
    },
  };
}
