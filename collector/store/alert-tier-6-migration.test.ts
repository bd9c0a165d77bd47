/**
 * Migration 004 lets alerts of tier 6 (clusters) and user rules of any tier 1–6 be stored, on a
 * real SQLite file that already holds alerts, returns and a webhook queue: nothing is lost, ids
 * are not reused, and the delivery queue still points at its alerts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../core/migrations.ts';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { loadMigrations } from './migrations.ts';

const dir = tempDir('fb-migration-004-');
const ALERT =
  'INSERT INTO alert_rows (exchange, symbol, market, local_ts, seq, bucket_ts, tier, rule, direction, value, threshold, price, inputs) ' +
  "VALUES ('binance-usdm', 'BTCUSDT', 'BTC/USDT:USDT', ?, ?, ?, ?, ?, 'up', 3, 2.5, 65000, '{}')";

describe('migration 004: alert tiers 1–6', () => {
  it('keeps the alerts, their ids and deliveries, and accepts tier 6 with a fresh id', () => {
    const db = openNodeDb(join(dir, 'v3.db'));
    const all = loadMigrations();
    migrate(db, all.slice(0, 3), () => 0);
    expect(() => db.run(ALERT, [1, 1, 0, 6, 'cluster'])).toThrow(/CHECK constraint failed/);
    db.run(ALERT, [1, 1, 0, 1, 'z:cvd']);
    db.run(ALERT, [2, 2, 10_000, 2, 'confluence']);
    // Alerts 3..9 were moved out to segments: their ids must never come back.
    db.run("UPDATE sqlite_sequence SET seq = 9 WHERE name = 'alert_rows'");
    db.run(
      "INSERT INTO alert_deliveries (alert_id, target, status, next_attempt_ts, created_ts, updated_ts) VALUES (2, 'desk', 'pending', 0, 0, 0)",
    );

    migrate(db, all, () => 0);
    expect(schemaVersion(db)).toBe(all.length);
    expect(db.all('SELECT id, tier, rule FROM alerts ORDER BY id')).toEqual([
      { id: 1, tier: 1, rule: 'z:cvd' },
      { id: 2, tier: 2, rule: 'confluence' },
    ]);
    db.run(ALERT, [3, 3, 20_000, 6, 'cluster']);
    expect(db.all("SELECT id, tier FROM alerts WHERE rule = 'cluster'")).toEqual([{ id: 10, tier: 6 }]);
    expect(() => db.run(ALERT, [4, 4, 30_000, 7, 'user:x'])).toThrow(/CHECK constraint failed/);
    expect(db.all('SELECT alert_id, target FROM alert_deliveries')).toEqual([{ alert_id: 2, target: 'desk' }]);
    expect(db.all('PRAGMA foreign_key_check')).toEqual([]);
    db.close();
  });
});
