-- Tier 6 (a cluster of lower-tier alerts) and user-defined rules, which may take any tier 1–6
-- (issue 16): alert_rows allowed tiers 1–5. SQLite cannot change a CHECK in place, so the table
-- is rebuilt with the same columns, rows and ids. Its AUTOINCREMENT counter is carried over, so
-- ids of alerts already moved out to segments are never reused. The webhook queue refers to
-- alert ids, so it is set aside while the table is rebuilt and put back after, ids unchanged
-- (foreign keys cannot be switched off inside the migration's transaction).
CREATE TEMP TABLE deliveries_v3 AS SELECT * FROM alert_deliveries;
DELETE FROM alert_deliveries;
DROP VIEW alerts;
CREATE TABLE alert_rows_v4 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  local_ts INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 6),
  rule TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  price REAL,
  inputs TEXT NOT NULL,
  fwd_ret_5m REAL, fwd_ret_15m REAL, fwd_ret_60m REAL,
  UNIQUE (exchange, symbol, bucket_ts, rule, direction)
);
INSERT INTO alert_rows_v4 SELECT * FROM alert_rows;
DELETE FROM sqlite_sequence WHERE name = 'alert_rows_v4';
INSERT INTO sqlite_sequence (name, seq) SELECT 'alert_rows_v4', seq FROM sqlite_sequence WHERE name = 'alert_rows';
DROP TABLE alert_rows;
ALTER TABLE alert_rows_v4 RENAME TO alert_rows;
INSERT INTO alert_deliveries SELECT * FROM deliveries_v3;
DROP TABLE deliveries_v3;
CREATE VIEW alerts AS SELECT
  a.id, a.exchange, a.symbol, a.market, a.local_ts, a.seq, a.bucket_ts, a.tier, a.rule, a.direction, a.value,
  a.threshold, a.price, a.inputs,
  coalesce(a.fwd_ret_5m, (SELECT x.value FROM alert_returns x WHERE x.exchange = a.exchange AND x.symbol = a.symbol
    AND x.bucket_ts = a.bucket_ts AND x.rule = a.rule AND x.direction = a.direction AND x.horizon = 'fwd_ret_5m')) AS fwd_ret_5m,
  coalesce(a.fwd_ret_15m, (SELECT x.value FROM alert_returns x WHERE x.exchange = a.exchange AND x.symbol = a.symbol
    AND x.bucket_ts = a.bucket_ts AND x.rule = a.rule AND x.direction = a.direction AND x.horizon = 'fwd_ret_15m')) AS fwd_ret_15m,
  coalesce(a.fwd_ret_60m, (SELECT x.value FROM alert_returns x WHERE x.exchange = a.exchange AND x.symbol = a.symbol
    AND x.bucket_ts = a.bucket_ts AND x.rule = a.rule AND x.direction = a.direction AND x.horizon = 'fwd_ret_60m')) AS fwd_ret_60m
FROM alert_rows a;
