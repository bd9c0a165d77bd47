/**
 * `futuresboard migrate` of a real v1 recording (the replay fixture session written in the v1
 * tables, with the metric rows and alerts the engine produced, as a v1 collector wrote them) into
 * 1-minute segments: `replay` of the folder prints exactly what `replay` of the old file prints,
 * `metrics verify` passes over the segments, every alert is there with its forward returns, and
 * the catalog matches the files. Refusals and failures leave the folder as they found it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../core/catalog.ts';
import { silentLogger } from '../../core/log.ts';
import { defaultMetricsConfig } from '../../core/metrics/config.ts';
import { createMetricsEngine } from '../../core/metrics/engine.ts';
import { readAlerts, recordMetricsConfig, writeEngineOutput } from '../../core/metrics/store.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { readEvents } from '../../replay/player/read-events.ts';
import { FIXTURE_DB, fixtureEvents, writeFixture } from '../replay/make-fixture-db.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('fb-migrate-');
const oldDb = join(dir, 'old.db');
const MINUTE = 60_000;

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['bin/futuresboard', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** A v1 recording as a v1 collector left it: events, then each event's engine output in the same file. */
function writeV1Recording(path: string): void {
  const db = openNodeDb(path);
  writeFixture(db, 'v1');
  recordMetricsConfig(db, defaultMetricsConfig, 1, 0);
  const engine = createMetricsEngine(defaultMetricsConfig, { logger: silentLogger });
  const events = [...readEvents(db)];
  db.transaction(() => {
    for (const e of events) {
      const out = engine.onEvent(e);
      if (out) writeEngineOutput(db, out);
    }
  });
  db.close();
}

const count = (path: string, table: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  } finally {
    db.close();
  }
};

/** A closed segment of the folder as a plain SQLite file (for the sqlite3-level checks). */
function unpacked(rec: string, file: string): string {
  const path = join(dir, `${file}.sqlite`);
  writeFileSync(path, gunzipSync(readFileSync(join(rec, file))));
  return path;
}

beforeAll(() => writeV1Recording(oldDb));

describe('futuresboard migrate', () => {
  const rec = join(dir, 'rec');
  let catalog: Catalog;

  beforeAll(() => {
    const r = cli('migrate', '--db', oldDb, '--out', rec, '--segment', '1m');
    expect(r.stderr).toMatch(/^migrate 100% \d+ events$/m);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^migrated \d+ events, \d+ metric rows and \d+ alerts from .* into \d+ segments in /);
    catalog = JSON.parse(readFileSync(join(rec, 'catalog.json'), 'utf8')) as Catalog;
  }, 120_000);

  it('the v1 file has what the comparison is about', () => {
    const db = new Database(oldDb, { readonly: true });
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(2);
    db.close();
    for (const t of ['trades', 'gaps', 'liquidations', 'metrics', 'alerts'])
      expect(count(oldDb, t), t).toBeGreaterThan(0);
  });

  it('replays the folder exactly as the old file, event for event and field for field', () => {
    const before = cli('replay', '--db', oldDb);
    const after = cli('replay', '--recordings', rec);
    expect(before.status, before.stderr).toBe(0);
    expect(after.status, after.stderr).toBe(0);
    const lines = before.stdout.trim().split('\n');
    expect(lines.length).toBe(fixtureEvents().length);
    expect(after.stdout.trim().split('\n')).toEqual(lines);
  }, 120_000);

  it('catalogs one closed segment per minute with events, seq running on without hole or overlap', () => {
    const minutes = [...new Set(fixtureEvents().map((e) => Math.floor(e.local_ts / MINUTE) * MINUTE))];
    expect(catalog.segment).toBe('1m');
    expect(catalog.segments.map((s) => s.from)).toEqual(minutes);
    let next = 1;
    for (const s of catalog.segments) {
      const stamp = new Date(s.from).toISOString().replace(/[-:]/g, '').slice(0, 13);
      expect(s.file).toBe(`seg-${stamp}Z.sqlite.gz`);
      expect(s.to).toBe(s.from + MINUTE);
      expect(s.open).toBe(false);
      const bytes = readFileSync(join(rec, s.file));
      expect(s.bytes).toBe(bytes.length);
      expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(s.seq_from).toBe(next);
      expect(s.events).toBe((s.seq_to ?? 0) - (s.seq_from ?? 0) + 1);
      expect(Object.values(s.kinds).reduce((a, b) => a + b, 0)).toBe(s.events);
      next = (s.seq_to ?? 0) + 1;
    }
    expect(next - 1).toBe(fixtureEvents().length);
    // Nothing else was left in the folder (no build files).
    expect(readdirSync(rec).sort()).toEqual(['catalog.json', ...catalog.segments.map((s) => s.file)].sort());
  });

  it('writes self-contained, intact segments that hold every metric row and alert', () => {
    let metrics = 0;
    const alerts: unknown[] = [];
    for (const s of catalog.segments) {
      const path = unpacked(rec, s.file);
      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
      const meta = Object.fromEntries(
        (db.prepare('SELECT key, value FROM store_meta').all() as { key: string; value: unknown }[]).map((r) => [
          r.key,
          r.value,
        ]),
      );
      expect([meta.base_ts, meta.from, meta.to, meta.seq_from, meta.seq_to]).toEqual([
        s.from,
        s.from,
        s.to,
        s.seq_from,
        s.seq_to,
      ]);
      expect(db.prepare('SELECT count(*) FROM markets').pluck().get()).toBeGreaterThan(0);
      expect(db.prepare('SELECT count(*) FROM metrics_config').pluck().get()).toBe(1);
      db.close();
      metrics += count(path, 'metrics');
      const part = openNodeDb(path, { readonly: true });
      alerts.push(...readAlerts(part));
      part.close();
    }
    expect(metrics).toBe(count(oldDb, 'metrics'));
    const old = openNodeDb(oldDb, { readonly: true });
    // Ids, forward returns and all: the alerts are the old file's.
    expect(alerts).toEqual(readAlerts(old));
    old.close();
  });

  it('gives metric rows and alerts that metrics verify recomputes from the segments', () => {
    const r = cli('metrics', 'verify', '--recordings', rec);
    expect(r.stdout + r.stderr).toMatch(/OK, identical to what was recorded/);
    expect(r.status).toBe(0);
  }, 120_000);

  it('refuses an --out folder that holds a recording and a file that is not v1, with one line and nothing written', () => {
    const listing = readdirSync(rec).sort();
    const again = cli('migrate', '--db', oldDb, '--out', rec);
    expect(again.status).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([
      `futuresboard migrate: --out ${rec} already holds a recording (${join(rec, 'catalog.json')}); give a new or empty folder, or remove that one`,
    ]);
    expect(readdirSync(rec).sort()).toEqual(listing);

    const v2Out = join(dir, 'from-v2');
    const v2 = cli('migrate', '--db', FIXTURE_DB, '--out', v2Out);
    expect(v2.status).toBe(1);
    expect(v2.stderr.trim().split('\n')).toHaveLength(1);
    expect(v2.stderr).toMatch(/is already a v2 recording \(schema version \d+\): nothing to migrate/);
    expect(() => readdirSync(v2Out)).toThrow(/ENOENT/);

    const usage = cli('migrate', '--db', oldDb, '--out', join(dir, 'x'), '--segment', '2h');
    expect(usage.status).toBe(2);
    expect(usage.stderr.trim()).toBe('futuresboard migrate: --segment must be one of 1m, 5m, 15m, 1h, 1d, got "2h"');
  }, 120_000);

  it('removes everything it wrote when a segment cannot be written', () => {
    const out = join(dir, 'blocked');
    // A folder where the third segment's file must go: its rename fails after two were written.
    const blocked = catalog.segments[2].file;
    mkdirSync(join(out, blocked), { recursive: true });
    const r = cli('migrate', '--db', oldDb, '--out', out, '--segment', '1m');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^futuresboard migrate: cannot write segment .*${blocked}`),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([blocked]);
  }, 120_000);
});
