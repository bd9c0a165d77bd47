/**
 * The timed half of bench/storage.bench.ts, in a process of its own: ingest and Node replay rates
 * of schema v2 against v1 on the same events. The runner's process has run a collector (and, under
 * `npm run bench`, every earlier benchmark): here neither code path was warmed up on other objects
 * and no earlier heap slows the garbage collector. Prints one JSON line (StorageRates).
 *
 *   node --import tsx bench/storage-rates.ts <hot.db> <v1.sqlite> <segment.sqlite> <segment.sqlite.gz> <batch rows> <scratch dir>
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { prepareInserter } from '../collector/store/insert.ts';
import { loadMigrations } from '../collector/store/migrations.ts';
import { LAST_V1_VERSION } from '../collector/store/open.ts';
import { COMPACT_TABLES } from '../core/compact-tables.ts';
import type { Db } from '../core/db.ts';
import type { EventKind, MarketEvent, RecordedEvent } from '../core/events.ts';
import { migrate } from '../core/migrations.ts';
import { EVENT_TABLES, insertSql } from '../core/tables.ts';
import { openNodeDb, wrapNodeDb } from '../replay/adapters/node-sqlite.ts';
import { readEvents } from '../replay/player/read-events.ts';

export const INGEST_ROUNDS = 5;
export const REPLAY_ROUNDS = 5;

type Insert = (seq: number, e: MarketEvent) => void;

/** A writer connection with the collector's pragmas (collector/store/open.ts), migrated to v1 or v2. */
export function openWriter(path: string, schema: 'v1' | 'v2'): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 4000');
  const all = loadMigrations();
  migrate(wrapNodeDb(db), schema === 'v1' ? all.slice(0, LAST_V1_VERSION) : all, Date.now);
  return db;
}

/** The v1 write path as it was before schema v2: one prepared INSERT per registry table, values bound positionally. */
export function v1Inserter(db: Database.Database): Insert {
  const byKind = Object.fromEntries(
    EVENT_TABLES.map((t) => {
      const stmt = db.prepare(insertSql(t));
      const run = stmt.run.bind(stmt);
      const insert: Insert = (seq, e) => t.encode(seq, e, run);
      return [t.kind, insert];
    }),
  ) as Record<EventKind, Insert>;
  return (seq, e) => byKind[e.kind](seq, e);
}

/** Writes `events` (keeping their seqs) in transactions of `batch` rows, as the writer commits; returns the ms it took. */
export function ingest(db: Database.Database, insert: Insert, events: readonly RecordedEvent[], batch: number): number {
  const commit = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert(events[i].seq, events[i]);
  });
  const t = performance.now();
  for (let i = 0; i < events.length; i += batch) commit(i, Math.min(i + batch, events.length));
  return performance.now() - t;
}

export interface StorageRates {
  /** Ingest events/s, best of INGEST_ROUNDS. */
  ingest: { v1: number; v2: number };
  /** readEvents events/s, best of REPLAY_ROUNDS: v1 file, v2 segment gunzipped into memory, v2 segment as a file. */
  replay: { v1: number; memory: number; file: number };
  /** Milliseconds to gunzip the segment and open it in memory. */
  unzipMs: number;
}

function countEvents(db: Db): number {
  let n = 0;
  for (const _ of readEvents(db)) n++;
  return n;
}

/** Events per second of `run`, which returns how many events it handled. */
function rate(run: () => number): number {
  const t = performance.now();
  const n = run();
  return n / ((performance.now() - t) / 1000);
}

/** The best events/s of each case over `rounds`; the cases take turns within a round, so load from elsewhere hits all alike. */
function bestOf<K extends string>(cases: Record<K, () => number>, rounds: number): Record<K, number> {
  const best = {} as Record<K, number>;
  for (let i = 0; i < rounds; i++)
    for (const key of Object.keys(cases) as K[]) best[key] = Math.max(best[key] ?? 0, cases[key]());
  return best;
}

interface RateInputs {
  /** The collector's database (the events, read once). */
  hotPath: string;
  v1Path: string;
  /** The closed segment, plain and compressed. */
  segmentPath: string;
  gzPath: string;
  /** Rows per write transaction. */
  batch: number;
  /** Where the ingest files are written (and removed). */
  dir: string;
}

function measureRates({ hotPath, v1Path, segmentPath, gzPath, batch, dir }: RateInputs): StorageRates {
  const hot = openNodeDb(hotPath, { readonly: true });
  const events = [...readEvents(hot)];
  hot.close();
  let round = 0;
  /** Events/s of one ingest into a new file (the insert loop timed, not opening or checking it). */
  const ingestInto = (schema: 'v1' | 'v2') => {
    const path = join(dir, `ingest-${schema}-${round++}.db`);
    const db = openWriter(path, schema);
    const ms = ingest(db, schema === 'v1' ? v1Inserter(db) : prepareInserter(db), events, batch);
    const tables = schema === 'v1' ? EVENT_TABLES.map((t) => t.table) : COMPACT_TABLES.map((t) => t.table);
    const rows = tables.reduce((n, t) => n + Number(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()), 0);
    db.close();
    if (rows !== events.length) throw new Error(`${schema} ingest wrote ${rows} rows of ${events.length} events`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    return events.length / (ms / 1000);
  };
  const ingestRates = bestOf({ v1: () => ingestInto('v1'), v2: () => ingestInto('v2') }, INGEST_ROUNDS);

  const unzipStart = performance.now();
  const memory = wrapNodeDb(new Database(gunzipSync(readFileSync(gzPath))));
  const unzipMs = performance.now() - unzipStart;
  const segFile = openNodeDb(segmentPath, { readonly: true });
  const v1File = openNodeDb(v1Path, { readonly: true });
  try {
    if (JSON.stringify([...readEvents(memory)]) !== JSON.stringify([...readEvents(v1File)]))
      throw new Error('the v1 file and the v2 segment read back different events');
    const replay = bestOf(
      {
        v1: () => rate(() => countEvents(v1File)),
        memory: () => rate(() => countEvents(memory)),
        file: () => rate(() => countEvents(segFile)),
      },
      REPLAY_ROUNDS,
    );
    return { ingest: ingestRates, replay, unzipMs };
  } finally {
    for (const db of [memory, segFile, v1File]) db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [hotPath, v1Path, segmentPath, gzPath, batch, dir] = process.argv.slice(2);
  const rates = measureRates({ hotPath, v1Path, segmentPath, gzPath, batch: Number(batch), dir });
  process.stdout.write(`${JSON.stringify(rates)}\n`);
}
