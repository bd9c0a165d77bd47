/**
 * Recording store v2 (issue 13) against v1 and against tardis-style CSV.gz, on the same events,
 * all measured in one run. Input: about 60 s of the real simulator (1,500 events/s) recorded by
 * the real collector (schema v2), closed into one segment the way the collector closes one
 * (extractSegment, then packSegment's gzip), and the same events and metric rows written again as
 * a v1 file (migrations 1–2, the v1 registry's inserts, VACUUMed like an export).
 *
 * Sizes come from SQLite's dbstat (pages of a table and its indexes). Ingest and replay rates are
 * measured in a process of their own (bench/storage-rates.ts), best of interleaved rounds.
 *
 *   npx tsx bench/storage.bench.ts
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { defaultConfig } from '../collector/config.ts';
import { extractSegment } from '../collector/store/extract.ts';
import { packSegment } from '../collector/store/segments/publish.ts';
import { periodStart, segmentName } from '../collector/store/segments/period.ts';
import { COMPACT_TABLES } from '../core/compact-tables.ts';
import type { RecordedEvent } from '../core/events.ts';
import { readAlerts, readMetrics, writeEngineOutput } from '../core/metrics/store.ts';
import { EVENT_TABLES } from '../core/tables.ts';
import { openNodeDb, wrapNodeDb } from '../replay/adapters/node-sqlite.ts';
import { readEvents } from '../replay/player/read-events.ts';
import { recordLive } from './live-recording.ts';
import { INGEST_ROUNDS, ingest, openWriter, REPLAY_ROUNDS, type StorageRates, v1Inserter } from './storage-rates.ts';

const RATE = 1_500;
/** About 60 s at RATE. */
const EVENTS = 90_000;
const MINUTE = 60_000;

/** Runs bench/storage-rates.ts with `args` and returns what it prints. */
async function measureInChild(args: string[]): Promise<StorageRates> {
  const script = fileURLToPath(new URL('./storage-rates.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  for await (const chunk of child.stdout) out += chunk;
  const code = await exited;
  if (code !== 0) throw new Error(`bench/storage-rates.ts exited with code ${code}`);
  return JSON.parse(out) as StorageRates;
}

/** The v1 file of the recording: its events, metric rows, alerts, markets and metrics settings, VACUUMed. */
function writeV1(path: string, hotPath: string, events: readonly RecordedEvent[], batch: number): void {
  const db = openWriter(path, 'v1');
  try {
    ingest(db, v1Inserter(db), events, batch);
    const hot = openNodeDb(hotPath, { readonly: true });
    try {
      const out = { metrics: readMetrics(hot), alerts: readAlerts(hot), forwardReturns: [] };
      db.transaction(() => writeEngineOutput(wrapNodeDb(db), out))();
    } finally {
      hot.close();
    }
    db.prepare('ATTACH ? AS hot').run(hotPath);
    db.exec(
      'INSERT INTO markets SELECT * FROM hot.markets; INSERT INTO metrics_config SELECT * FROM hot.metrics_config',
    );
    db.exec('DETACH hot');
    db.pragma('journal_mode = DELETE');
    db.exec('VACUUM');
  } finally {
    db.close();
  }
}

/** Bytes of the pages of `tables` and their indexes, and their row counts (of the first table). */
function pages(path: string, tables: readonly string[]): { bytes: number; rows: number } {
  const db = new Database(path, { readonly: true });
  try {
    const size = db
      .prepare(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ? OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?)",
      )
      .pluck();
    let bytes = 0;
    for (const t of tables) bytes += Number(size.get(t, t));
    return { bytes, rows: Number(db.prepare(`SELECT count(*) FROM ${tables[0]}`).pluck().get()) };
  } finally {
    db.close();
  }
}

const EVENT_TABLES_V1 = EVENT_TABLES.map((t) => t.table);
const EVENT_TABLES_V2 = COMPACT_TABLES.map((t) => t.table);

/** Bytes of the event tables with their indexes, and the events they hold. */
function eventPages(path: string, tables: readonly string[]): { bytes: number; rows: number } {
  let bytes = 0;
  let rows = 0;
  for (const t of tables) {
    const p = pages(path, [t]);
    bytes += p.bytes;
    rows += p.rows;
  }
  return { bytes, rows };
}

/**
 * Tardis-style CSV of the events: one line each, exchange, symbol, ts and local_ts in µs, then the
 * event's own fields (a book top's asks then bids, flattened). The same as checks/11-segments.
 */
function tardisCsv(events: readonly RecordedEvent[]): string {
  const head = new Set(['kind', 'seq', 'exchange', 'symbol', 'market', 'ts', 'local_ts']);
  let out = '';
  for (const e of events) {
    const own =
      e.kind === 'book_top'
        ? [...e.asks.flat(), ...e.bids.flat()]
        : Object.entries(e)
            .filter(([k]) => !head.has(k))
            .map(([, v]) => v);
    out += `${[e.exchange, e.symbol, e.ts * 1000, e.local_ts * 1000, ...own].map((v) => v ?? '').join(',')}\n`;
  }
  return out;
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const kb = (bytes: number) => `${fmt(bytes / 1024)} KiB`;
const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
const gbPerDay = (bytesPerEvent: number, rate: number) => ((bytesPerEvent * rate * 86_400) / 1e9).toFixed(1);

export async function runStorageBench(): Promise<{ lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-storage-bench-'));
  try {
    const recordStart = performance.now();
    const hotPath = await recordLive(dir, { rate: RATE, events: EVENTS, name: 'hot' });
    const recordSeconds = (performance.now() - recordStart) / 1000;
    const hot = openNodeDb(hotPath, { readonly: true });
    const events = [...readEvents(hot)];
    hot.close();
    const first = events[0];
    const last = events[events.length - 1];
    const markets = new Set(events.map((e) => e.market).filter((m) => m !== '')).size;

    // The closed segment, as the collector's closer makes it (close-worker.ts).
    const period = { from: periodStart(first.local_ts, MINUTE), to: periodStart(last.local_ts, MINUTE) + MINUTE };
    const name = segmentName(period.from);
    const plain = join(dir, `${name}.sqlite`);
    const summary = extractSegment(hotPath, plain, { seqFrom: first.seq, seqTo: last.seq, ...period }, 'bench');
    const packing = join(dir, `${name}.sqlite.tmp`);
    copyFileSync(plain, packing);
    const entry = await packSegment(dir, packing, name, summary, period);
    const gz = readFileSync(join(dir, entry.file));
    const gz9 = gzipSync(readFileSync(plain), { level: 9 }).length;

    const batch = defaultConfig().writer.flushRows;
    const v1Path = join(dir, 'v1.sqlite');
    writeV1(v1Path, hotPath, events, batch);

    // 1. Event tables with their indexes.
    const segEvents = eventPages(plain, EVENT_TABLES_V2);
    const hotEvents = eventPages(hotPath, EVENT_TABLES_V2);
    const v1Events = eventPages(v1Path, EVENT_TABLES_V1);
    if (segEvents.rows !== events.length || v1Events.rows !== events.length)
      throw new Error(
        `event counts differ: recording ${events.length}, segment ${segEvents.rows}, v1 file ${v1Events.rows}`,
      );
    const bpe = (p: { bytes: number }) => p.bytes / events.length;

    // 2. The compressed segment, metrics and alerts included, against CSV.gz of its events.
    const csv = tardisCsv(events);
    const csvGz = gzipSync(csv, { level: 6 }).length;
    const segBytes = statSync(plain).size;
    const segMetrics = pages(plain, ['metric_rows', 'metric_timeframes']);
    const segAlerts = pages(plain, ['alert_rows', 'alert_returns']);

    // 3. Metric rows.
    const v1Metrics = pages(v1Path, ['metrics']);
    const perMetric = (p: { bytes: number; rows: number }) => p.bytes / Math.max(p.rows, 1);

    // 4 and 5. Ingest and replay rates, in a process of their own.
    const rates = await measureInChild([hotPath, v1Path, plain, join(dir, entry.file), String(batch), dir]);
    const { ingest, replay } = rates;

    const ratio = {
      bytes: bpe(segEvents) / bpe(v1Events),
      csv: gz.length / csvGz,
      ingest: ingest.v2 / ingest.v1,
      replay: replay.memory / replay.v1,
    };
    const perEvent = { gz: gz.length / events.length, plain: segBytes / events.length };
    const v1PerEvent = statSync(v1Path).size / events.length;
    const pct = (part: number) => `${((part / segBytes) * 100).toFixed(0)} %`;
    return {
      lines: [
        `${fmt(events.length)} events over ${markets} markets: the real simulator at ${fmt(RATE)} events/s recorded by the real collector ` +
          `(${recordSeconds.toFixed(0)} s), closed into one segment as the collector closes one (extractSegment + packSegment), ` +
          `and the same events, ${fmt(segMetrics.rows)} metric rows and ${fmt(segAlerts.rows)} alerts written again as a v1 file ` +
          '(migrations 1–2, the v1 inserts, VACUUMed). Command: `npx tsx bench/storage.bench.ts`.',
        '',
        '| measure | v2 | v1 or peer | ratio | target |',
        '|---|---|---|---|---|',
        `| event tables with their indexes, bytes per event | ${bpe(segEvents).toFixed(1)} (closed segment); ${bpe(hotEvents).toFixed(1)} (hot database as written) | ${bpe(v1Events).toFixed(1)} (v1 file) | ${ratio.bytes.toFixed(2)} | v2 ≤ 40: ${ok(bpe(segEvents) <= 40)} |`,
        `| closed segment .sqlite.gz (metrics and alerts included) vs tardis-style CSV.gz (gzip 6) of its events | ${kb(gz.length)} (${perEvent.gz.toFixed(1)} B/event; ${kb(gz9)} at gzip 9) | ${kb(csvGz)} (${(csvGz / events.length).toFixed(1)} B/event) | ${ratio.csv.toFixed(2)}× | ≤ 1.0×: ${ok(ratio.csv <= 1)}; stretch ≤ 0.7×: ${ok(ratio.csv <= 0.7)} |`,
        `| bytes per metric row (v2: metric_rows + metric_timeframes; v1: metrics; indexes included) | ${perMetric(segMetrics).toFixed(0)} | ${perMetric(v1Metrics).toFixed(0)} | ${(perMetric(segMetrics) / perMetric(v1Metrics)).toFixed(2)} | ≤ 400: ${ok(perMetric(segMetrics) <= 400)} |`,
        `| ingest, events/s (inserts in transactions of ${fmt(batch)} rows, WAL, best of ${INGEST_ROUNDS}) | ${fmt(ingest.v2)} | ${fmt(ingest.v1)} | ${ratio.ingest.toFixed(2)}× | ≥ 1.3×: ${ok(ratio.ingest >= 1.3)} |`,
        `| Node replay, readEvents events/s (best of ${REPLAY_ROUNDS}) | ${fmt(replay.memory)} (segment gunzipped into memory, ${rates.unzipMs.toFixed(0)} ms to gunzip and open); ${fmt(replay.file)} (segment as a file) | ${fmt(replay.v1)} (v1 file) | ${ratio.replay.toFixed(2)}× (file vs file: ${(replay.file / replay.v1).toFixed(2)}×) | ≥ 1.3×: ${ok(ratio.replay >= 1.3)} |`,
        '',
        `The segment file (${kb(segBytes)} uncompressed) is ${pct(segEvents.bytes)} event tables, ${pct(segMetrics.bytes)} metrics and ${pct(segAlerts.bytes)} alerts; ` +
          'the rest is the schema, views, dictionaries and settings.',
        '',
        'Projected disk use from these bytes per event (metrics and alerts included):',
        '',
        '| events/s | closed segments, compressed | closed segments, uncompressed | v1 file |',
        '|---|---|---|---|',
        ...[5_000, 20_000].map(
          (r) =>
            `| ${fmt(r)} | ${gbPerDay(perEvent.gz, r)} GB/day | ${gbPerDay(perEvent.plain, r)} GB/day | ${gbPerDay(v1PerEvent, r)} GB/day |`,
        ),
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runStorageBench().then(({ lines }) => process.stdout.write(`${lines.join('\n')}\n`));
}
