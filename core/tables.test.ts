/**
 * The event-table registry is the one description of the event tables, so it is held to the two
 * other places that spell them out: the schema the migrations create, and docs/schema.md. A
 * column added to one and not the others fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../replay/adapters/migration-files.ts';
import { openNodeDb } from '../replay/adapters/node-sqlite.ts';
import { fixtureEvents } from '../test/replay/make-fixture-db.ts';
import { migrate } from './migrations.ts';
import { COMMON_COLUMNS, EVENT_TABLES, type Column } from './tables.ts';
import { COMPACT_TABLES, compactColumnNames } from './compact-tables.ts';

const allColumns = (t: (typeof EVENT_TABLES)[number]): Column[] => [...COMMON_COLUMNS, ...t.columns];

describe('the v1 event tables against the v1 schema (migrations 1 and 2)', () => {
  const db = openNodeDb(':memory:');
  migrate(db, loadMigrations().slice(0, 2), () => 0);
  const columnsOf = (table: string) =>
    db.all<Column>(`SELECT name, type FROM pragma_table_info('${table}') ORDER BY cid`);

  it.each(EVENT_TABLES.map((t) => [t.table, t]))('%s has the registry columns, in order, with their types', (_, t) => {
    expect(columnsOf(t.table)).toEqual(allColumns(t));
  });

  it('lists every table that starts with the common event columns', () => {
    const tables = db
      .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .map((r) => r.name);
    const eventLike = tables.filter((name) => COMMON_COLUMNS.every((c, i) => columnsOf(name)[i]?.name === c.name));
    expect(eventLike.sort()).toEqual(EVENT_TABLES.map((t) => t.table).sort());
  });
});

describe('the v2 schema: compact tables, and views with the v1 names and columns', () => {
  const db = openNodeDb(':memory:');
  migrate(db, loadMigrations(), () => 0);
  const namesOf = (table: string) =>
    db.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).map((c) => c.name);

  it.each(COMPACT_TABLES.map((t) => [t.table, t]))('%s has the compact registry columns, in order', (_, t) => {
    expect(namesOf(t.table)).toEqual(compactColumnNames(t));
  });

  it.each(EVENT_TABLES.map((t) => [t.table, t]))('view %s shows the v1 columns, in order', (_, t) => {
    const view = db.all<{ type: string }>('SELECT type FROM sqlite_master WHERE name = ?', [t.table]);
    expect(view).toEqual([{ type: 'view' }]);
    expect(namesOf(t.table)).toEqual(
      t.kind === 'book_top'
        ? [...COMMON_COLUMNS.map((c) => c.name), 'bid_price', 'bid_qty', 'ask_price', 'ask_qty', 'depth']
        : allColumns(t).map((c) => c.name),
    );
  });

  it('has no secondary index on an event table', () => {
    const indexes = db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE '%\\_rows' ESCAPE '\\'",
    );
    expect(indexes).toEqual([]);
  });
});

describe('the event tables against docs/schema.md', () => {
  const doc = readFileSync(new URL('../docs/schema.md', import.meta.url), 'utf8');
  const section = doc.slice(
    doc.indexOf('### Event tables'),
    doc.indexOf('\n### ', doc.indexOf('### Event tables') + 1),
  );
  /** Documented column name → type, per `#### \`table\`` heading; a row may document several columns ("bid_price, bid_qty"). */
  const documented = new Map(
    section
      .split(/^#### /m)
      .slice(1)
      .map((part) => {
        const name = /^`(\w+)`/.exec(part)?.[1] ?? part.slice(0, 40);
        const rows = [...part.matchAll(/^\| ([\w, ]+) \| (\w+) \|/gm)].filter((m) => m[1] !== 'column');
        return [name, new Map(rows.flatMap((m) => m[1].split(', ').map((col) => [col, m[2]] as const)))] as const;
      }),
  );

  it('states the common columns every event table starts with', () => {
    expect(section).toContain(
      `Every event table starts with \`seq INTEGER PRIMARY KEY, ${COMMON_COLUMNS.slice(1)
        .map((c) => c.name)
        .join(', ')}\`.`,
    );
  });

  it('documents exactly the event tables of the registry', () => {
    expect([...documented.keys()].sort()).toEqual(EVENT_TABLES.map((t) => t.table).sort());
  });

  it.each(EVENT_TABLES.map((t) => [t.table, t]))('%s: every column documented with its type, and no other', (_, t) => {
    const cols = documented.get(t.table) ?? new Map();
    for (const c of t.columns) expect(cols.get(c.name), `${t.table}.${c.name}`).toBe(c.type);
    // The doc may repeat a common column to say what it means in this table (gaps: symbol, market).
    for (const [name, type] of cols)
      expect(allColumns(t), `${t.table}.${name} in the doc`).toContainEqual({ name, type });
  });
});

describe('encode and toEvent', () => {
  const events = fixtureEvents();

  it.each(EVENT_TABLES.map((t) => [t.kind, t]))('%s: a row read back is the event written', (kind, t) => {
    const e = events.find((x) => x.kind === kind);
    expect(e, `the fixture session has a ${kind} event`).toBeDefined();
    const row = t.encode(42, e!, Array.of);
    expect(row).toHaveLength(allColumns(t).length);
    expect(t.toEvent(row)).toStrictEqual({ kind, seq: 42, ...e });
  });
});
