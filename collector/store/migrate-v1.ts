/**
 * `futuresboard migrate`: a v1 recording (one file of text columns, schema versions 1 and 2)
 * becomes a recordings folder, v2 segments and a catalog, as if the collector had recorded it
 * with store.dir set. One pass over the events in seq order (readEvents reads v1 files); a
 * segment ends before the first event received at or after its period's end, where the
 * collector's rollover cuts too (segments/rollover.ts), so the segments are seq ranges without
 * hole or overlap and replay in the order of the old file. Every event keeps its seq; a segment
 * also gets the metric rows and alerts its events produced (they carry that event's seq) and the
 * file's markets and metrics settings.
 *
 * The catalog is written once, at the end: until then the folder is not a recording. A failure
 * removes every file written so far; a killed run leaves no catalog, so it can be run again.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { emptyCatalog, type SegmentEntry } from '../../core/catalog.ts';
import type { Db, SqlValue } from '../../core/db.ts';
import { FbError } from '../../core/errors.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { schemaVersion } from '../../core/migrations.ts';
import {
  hasTable,
  iterateStoredMetrics,
  metricFromSql,
  readAlerts,
  writeEngineOutput,
} from '../../core/metrics/store.ts';
import type { AlertRecord, MetricRow } from '../../core/metrics/types.ts';
import { EVENT_TABLES } from '../../core/tables.ts';
import { catalogPath, hasCatalog, writeCatalog } from '../../replay/adapters/catalog-file.ts';
import { wrapNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { openRecordingFile } from '../../replay/adapters/recording-file.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { finishSegment } from './extract.ts';
import { prepareInserter, type Inserter } from './insert.ts';
import { LAST_V1_VERSION, openStore } from './open.ts';
import { packSegment } from './segments/publish.ts';
import { periodStart, segmentName } from './segments/period.ts';

export interface MigrateOptions {
  /** Segment length as written in the catalog ("1h") and in ms. */
  segment: string;
  periodMs: number;
  codeVersion: string;
  onProgress?: (events: number, total: number) => void;
}

export interface MigrateResult {
  segments: SegmentEntry[];
  events: number;
  metrics: number;
  alerts: number;
}

const bad = (message: string) => new FbError('E_MIGRATE', message);

/** Events a long build commits at a time: bounded memory for the journal, few commits. */
const ROWS_PER_COMMIT = 20_000;

/** Rows in write order (id order, which is seq order), taken a segment at a time. */
class BySeq<T extends { seq: number }> {
  private next: IteratorResult<T>;
  constructor(private readonly rows: Iterator<T>) {
    this.next = rows.next();
  }
  /** The rows up to `seqTo` (all that are left when null). */
  take(seqTo: number | null): T[] {
    const out: T[] = [];
    while (!this.next.done && (seqTo === null || this.next.value.seq <= seqTo)) {
      out.push(this.next.value);
      this.next = this.rows.next();
    }
    return out;
  }
  /** Ends the rows' query: an open SQLite iterator keeps its connection busy. */
  close(): void {
    this.rows.return?.();
  }
}

/** A v2 segment file being built beside the folder's segments (hidden, removed on failure). */
class SegmentBuild {
  readonly path: string;
  readonly to: number;
  seqTo = 0;
  private readonly db: Database.Database;
  private readonly insert: Inserter;
  private uncommitted = 0;

  constructor(
    dir: string,
    readonly from: number,
    periodMs: number,
    src: Db,
  ) {
    this.to = from + periodMs;
    this.path = join(dir, `.${segmentName(from)}.migrating.sqlite`);
    removeBuild(this.path); // left by a killed run
    this.db = openStore(this.path);
    try {
      // The segment's times count from its period start, as in a segment the collector closes.
      this.db.prepare("UPDATE store_meta SET value = ? WHERE key = 'base_ts'").run(BigInt(from));
      for (const table of ['markets', 'metrics_config']) if (hasTable(src, table)) copyTable(src, this.db, table);
      this.insert = prepareInserter(this.db);
      this.db.exec('BEGIN');
    } catch (err) {
      this.discard();
      throw err;
    }
  }

  add(e: RecordedEvent): void {
    this.insert(e.seq, e);
    this.seqTo = e.seq;
    if (++this.uncommitted < ROWS_PER_COMMIT) return;
    this.db.exec('COMMIT; BEGIN');
    this.uncommitted = 0;
  }

  /** The metric rows and alerts of this segment's events, under their v1 ids. */
  addOutputs(metrics: (MetricRow & { id: number })[], alerts: (AlertRecord & { id: number })[]): void {
    // AUTOINCREMENT goes on from sqlite_sequence: the rows get the ids they had (v1 ids have no
    // holes), unique across the folder's segments as in a store the collector wrote.
    const continueIds = (table: string, first: { id: number } | undefined) => {
      if (!first) return;
      this.db.prepare('DELETE FROM sqlite_sequence WHERE name = ?').run(table);
      this.db.prepare('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)').run(table, first.id - 1);
    };
    continueIds('metric_rows', metrics[0]);
    continueIds('alert_rows', alerts[0]);
    writeEngineOutput(wrapNodeDb(this.db), { metrics, alerts, forwardReturns: [] });
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }

  /** Closes without committing and removes the file (after a failure). */
  discard(): void {
    if (this.db.open) this.db.close();
    removeBuild(this.path);
  }
}

/** The v1 file's metric rows, streamed (they are the bulk of a v1 file). */
function* storedMetrics(src: Db): Generator<MetricRow & { id: number }> {
  if (!hasTable(src, 'metrics')) return;
  for (const row of iterateStoredMetrics(src)) yield metricFromSql(row);
}

function removeBuild(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', '.lock']) rmSync(`${path}${suffix}`, { force: true });
}

function copyTable(src: Db, dest: Database.Database, table: string): void {
  const rows = src.all<Record<string, SqlValue>>(`SELECT * FROM ${table}`);
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const insert = dest.prepare(
    `INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  for (const r of rows) insert.run(...cols.map((c) => r[c]));
}

/** Refuses what migrate must not touch; returns the v1 file open read-only. */
function openV1(srcPath: string, outDir: string) {
  let outIsFile = false;
  try {
    outIsFile = !statSync(outDir).isDirectory();
  } catch {
    // A folder that does not exist yet is created.
  }
  if (outIsFile) throw bad(`--out ${outDir} is a file; give a folder for the segments and catalog.json`);
  if (hasCatalog(outDir))
    throw bad(
      `--out ${outDir} already holds a recording (${catalogPath(outDir)}); give a new or empty folder, or remove that one`,
    );
  const src = openRecordingFile(srcPath);
  const version = schemaVersion(src);
  if (version > LAST_V1_VERSION) {
    src.close();
    throw bad(
      `${srcPath} is already a v2 recording (schema version ${version}): nothing to migrate; read it with --db as it is`,
    );
  }
  return src;
}

export async function migrateV1(srcPath: string, outDir: string, opts: MigrateOptions): Promise<MigrateResult> {
  const src = openV1(srcPath, outDir);
  const result: MigrateResult = { segments: [], events: 0, metrics: 0, alerts: 0 };
  let build: SegmentBuild | null = null;
  let metrics: BySeq<MetricRow & { id: number }> | null = null;
  try {
    const total = EVENT_TABLES.reduce(
      (n, t) => n + Number(src.all<{ n: number }>(`SELECT count(*) AS n FROM ${t.table}`)[0].n),
      0,
    );
    if (total === 0) throw bad(`${srcPath} holds no events: nothing to migrate`);
    mkdirSync(outDir, { recursive: true });
    const stored = new BySeq(storedMetrics(src));
    metrics = stored;
    const alerts = new BySeq((hasTable(src, 'alerts') ? readAlerts(src) : [])[Symbol.iterator]());

    const seal = async (b: SegmentBuild, last: boolean) => {
      const m = stored.take(last ? null : b.seqTo);
      const a = alerts.take(last ? null : b.seqTo);
      b.addOutputs(m, a);
      b.close();
      const summary = finishSegment(b.path, { from: b.from, to: b.to, codeVersion: opts.codeVersion });
      result.segments.push(await packSegment(outDir, b.path, segmentName(b.from), summary, b));
      result.metrics += m.length;
      result.alerts += a.length;
    };
    for (const e of readEvents(src)) {
      if (!build || e.local_ts >= build.to) {
        if (build) await seal(build, false);
        build = new SegmentBuild(outDir, periodStart(e.local_ts, opts.periodMs), opts.periodMs, src);
      }
      build.add(e);
      if (++result.events % 5000 === 0) opts.onProgress?.(result.events, total);
    }
    if (build) await seal(build, true);
    build = null;
    writeCatalog(outDir, { ...emptyCatalog(opts.segment), segments: result.segments });
    opts.onProgress?.(result.events, total);
    return result;
  } catch (err) {
    build?.discard();
    for (const s of result.segments) rmSync(join(outDir, s.file), { force: true });
    throw err;
  } finally {
    metrics?.close();
    src.close();
  }
}
