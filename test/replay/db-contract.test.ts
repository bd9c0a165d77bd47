/**
 * The Db port contract: the same assertions run against better-sqlite3 and sql.js. Then the
 * point of it all: both adapters read the fixture recording as identical event streams and give
 * identical backtest reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openSqlJsDb } from '../../replay/adapters/sqljs.ts';
import { backtestEvents } from '../../replay/backtest/engine.ts';
import { reportFiles } from '../../replay/backtest/report/files.ts';
import { STRATEGIES } from '../../replay/backtest/strategies/index.ts';
import type { Db } from '../../core/db.ts';
import { migrate, schemaVersion } from '../../core/migrations.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { loadMigrations } from '../../collector/store/migrations.ts';
import { ADAPTERS, loadSqlJs, openFixture, type AdapterName } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'fb-db-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new, empty database through the adapter: a real file for better-sqlite3, memory for sql.js. */
async function emptyDb(adapter: AdapterName, name: string): Promise<Db> {
  return adapter === 'better-sqlite3' ? openNodeDb(join(dir, `${name}.sqlite`)) : openSqlJsDb(await loadSqlJs());
}

describe.each(ADAPTERS)('Db contract: %s', (adapter) => {
  it('keeps decimal text exact and returns each SQLite type as the port promises', async () => {
    const db = await emptyDb(adapter, 'types');
    db.exec('CREATE TABLE t (txt TEXT, i INTEGER, r REAL, b BLOB, n TEXT)');
    expect(
      db.run('INSERT INTO t VALUES (?, ?, ?, ?, ?)', [
        '65114.30',
        1749801600000,
        0.5,
        new Uint8Array([1, 2, 255]),
        null,
      ]),
    ).toBe(1);
    const [row] = db.all<{ txt: string; i: number; r: number; b: Uint8Array; n: null }>(
      'SELECT txt, i, r, b, n FROM t',
    );
    expect(row.txt).toBe('65114.30');
    expect(row.i).toBe(1749801600000);
    expect(row.r).toBe(0.5);
    expect(row.b).toBeInstanceOf(Uint8Array);
    expect([...row.b]).toEqual([1, 2, 255]);
    expect(row.n).toBeNull();
    expect(Object.keys(row)).toEqual(['txt', 'i', 'r', 'b', 'n']);
    db.close();
  });

  it('binds a bigint as an integer', async () => {
    const db = await emptyDb(adapter, 'bigint');
    expect(db.all('SELECT typeof(?) AS t, ? + 1 AS v', [42n, 42n])).toEqual([{ t: 'integer', v: 43 }]);
    db.close();
  });

  it('reports how many rows a statement changed', async () => {
    const db = await emptyDb(adapter, 'changes');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
    for (let k = 1; k <= 5; k++) db.run('INSERT INTO t VALUES (?, ?)', [k, 'x']);
    expect(db.run('UPDATE t SET v = ? WHERE k > ?', ['y', 2])).toBe(3);
    expect(db.run('DELETE FROM t WHERE k = ?', [99])).toBe(0);
    db.close();
  });

  it('iterates lazily; an abandoned loop releases its statement, and loops over the same SQL can be open at once', async () => {
    const db = await emptyDb(adapter, 'iterate');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY)');
    db.transaction(() => {
      for (let k = 1; k <= 5000; k++) db.run('INSERT INTO t VALUES (?)', [k]);
    });
    const sql = 'SELECT k FROM t WHERE k > ? ORDER BY k';
    const seen: number[] = [];
    for (const r of db.iterate<{ k: number }>(sql, [0])) {
      seen.push(r.k);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    // Two loops over the same statement interleaved (what a k-way merge does).
    const a = db.iterate<{ k: number }>(sql, [0])[Symbol.iterator]();
    const b = db.iterate<{ k: number }>(sql, [4998])[Symbol.iterator]();
    expect([a.next().value, b.next().value, a.next().value, b.next().value, b.next().done]).toEqual([
      { k: 1 },
      { k: 4999 },
      { k: 2 },
      { k: 5000 },
      true,
    ]);
    a.return?.();
    // Everything was released: writing works again.
    expect(db.run('DELETE FROM t WHERE k > ?', [10])).toBe(4990);
    expect([...db.iterate(sql, [8])]).toEqual([{ k: 9 }, { k: 10 }]);
    db.close();
  });

  it('iterates rows as arrays in SELECT order, with the same values and laziness as iterate()', async () => {
    const db = await emptyDb(adapter, 'iterate-raw');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, price TEXT, b BLOB, n TEXT)');
    db.transaction(() => {
      for (let k = 1; k <= 3000; k++)
        db.run('INSERT INTO t VALUES (?, ?, ?, ?)', [k, `65114.${k}0`, new Uint8Array([k & 255]), null]);
    });
    const sql = 'SELECT n, price, k, b FROM t WHERE k > ? ORDER BY k';
    const tail = [...db.iterateRaw<[null, string, number, Uint8Array]>(sql, [2998])];
    expect(tail.map(([n, price, k, b]) => [n, price, k, b instanceof Uint8Array, [...b]])).toEqual([
      [null, '65114.29990', 2999, true, [2999 & 255]],
      [null, '65114.30000', 3000, true, [3000 & 255]],
    ]);
    // The same scan as iterate(), value for value.
    expect([...db.iterateRaw(sql, [0])]).toEqual([...db.iterate(sql, [0])].map((row) => Object.values(row)));
    // Abandoned after two rows; then array and object loops over the same SQL interleaved, each keeping its shape.
    let seen = 0;
    for (const _ of db.iterateRaw(sql, [0])) if (++seen === 2) break;
    const a = db.iterateRaw<[null, string, number]>(sql, [0])[Symbol.iterator]();
    const b = db.iterateRaw<[null, string, number]>(sql, [2999])[Symbol.iterator]();
    const o = db.iterate<{ k: number }>(sql, [1])[Symbol.iterator]();
    expect([
      a.next().value?.[2],
      b.next().value?.[2],
      o.next().value?.k,
      a.next().value?.[2],
      b.next().done,
      o.next().value?.k,
    ]).toEqual([1, 3000, 2, 2, true, 3]);
    a.return?.();
    o.return?.();
    // Everything was released: writing works again.
    expect(db.run('DELETE FROM t WHERE k > ?', [2])).toBe(2998);
    expect([...db.iterateRaw('SELECT k FROM t ORDER BY k')]).toEqual([[1], [2]]);
    db.close();
  });

  it('commits a transaction whole, rolls it back whole on error, and nests as savepoints', async () => {
    const db = await emptyDb(adapter, 'tx');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY)');
    expect(db.transaction(() => db.run('INSERT INTO t VALUES (1)') + db.run('INSERT INTO t VALUES (2)'))).toBe(2);
    expect(() =>
      db.transaction(() => {
        db.run('INSERT INTO t VALUES (3)');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    db.transaction(() => {
      db.run('INSERT INTO t VALUES (4)');
      expect(() =>
        db.transaction(() => {
          db.run('INSERT INTO t VALUES (5)');
          db.run('INSERT INTO t VALUES (1)'); // primary key clash
        }),
      ).toThrow(/UNIQUE/);
    });
    expect(db.all('SELECT k FROM t ORDER BY k')).toEqual([{ k: 1 }, { k: 2 }, { k: 4 }]);
    db.close();
  });

  it('runs the project migrations and reads the schema version back', async () => {
    const db = await emptyDb(adapter, 'migrate');
    const migrations = loadMigrations();
    expect(migrate(db, migrations, () => 1)).toEqual(migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(migrate(db, migrations, () => 2)).toEqual([]);
    db.close();
  });
});

describe('better-sqlite3 and sql.js on the same recording', () => {
  it('read identical event streams, byte for byte', async () => {
    const [node, wasm] = await Promise.all(ADAPTERS.map((a) => openFixture(a)));
    const lines = (db: Db) => [...readEvents(db)].map((e) => JSON.stringify(e));
    const a = lines(node);
    expect(a.length).toBeGreaterThan(6000);
    expect(lines(wasm)).toEqual(a);
    const filter = { from: Date.UTC(2025, 5, 13, 7, 51), to: Date.UTC(2025, 5, 13, 7, 53), markets: ['BTC/USDT:USDT'] };
    expect([...readEvents(wasm, filter)]).toEqual([...readEvents(node, filter)]);
    node.close();
    wasm.close();
  });

  it.each(STRATEGIES.map((s) => s.name))('give identical backtest reports for %s', async (name) => {
    const strategy = STRATEGIES.find((s) => s.name === name)!;
    const [node, wasm] = await Promise.all(ADAPTERS.map((a) => openFixture(a)));
    const [a, b] = [node, wasm].map((db) => reportFiles(backtestEvents(readEvents(db), { strategy })));
    expect(b).toEqual(a);
    node.close();
    wasm.close();
  });
});
