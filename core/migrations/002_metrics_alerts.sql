-- Quant metrics and alerts computed by core/metrics from the recorded events, and the
-- webhook delivery queue. Floats are REAL; JSON columns are JSON.stringify text. Every column is
-- documented in docs/schema.md (section "Metrics and alerts").

-- The engine configuration in force from `from_seq` on (until the next row), so that
-- `futuresboard metrics verify` recomputes with exactly what the collector ran with.
CREATE TABLE metrics_config (
  from_seq INTEGER PRIMARY KEY,
  config TEXT NOT NULL,
  recorded_ts INTEGER NOT NULL
);

-- One row per exchange market per closed bucket.
CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  bucket_ts INTEGER NOT NULL,
  local_ts INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  warmup INTEGER NOT NULL CHECK (warmup IN (0, 1)),
  price REAL, price_chg_pct REAL,
  volume REAL NOT NULL, quote_volume REAL NOT NULL, cvd REAL NOT NULL,
  oi_usd REAL, oi_chg_pct REAL,
  funding_rate REAL, predicted_rate REAL, basis_bps REAL,
  ls_global REAL, ls_top_accounts REAL, ls_top_positions REAL,
  taker_ratio REAL, imbalance REAL,
  liq_long_usd REAL NOT NULL, liq_short_usd REAL NOT NULL,
  rvol REAL, rsi14 REAL,
  composite REAL,
  regime TEXT NOT NULL CHECK (regime IN ('accumulation', 'expansion', 'distribution', 'exhaustion', 'neutral')),
  z_max REAL,
  z TEXT NOT NULL,
  timeframes TEXT NOT NULL,
  UNIQUE (exchange, symbol, bucket_ts)
);
CREATE INDEX metrics_market_bucket ON metrics (market, bucket_ts);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  local_ts INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 5),
  rule TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  price REAL,
  inputs TEXT NOT NULL,
  fwd_ret_5m REAL, fwd_ret_15m REAL, fwd_ret_60m REAL,
  UNIQUE (exchange, symbol, bucket_ts, rule, direction)
);
CREATE INDEX alerts_local_ts ON alerts (local_ts);

-- Webhook deliveries, one per alert and target. Target URLs are configuration, not stored here:
-- webhook URLs are secrets and this file is handed to browsers.
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  target TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ts INTEGER NOT NULL,
  last_error TEXT,
  created_ts INTEGER NOT NULL,
  updated_ts INTEGER NOT NULL,
  UNIQUE (alert_id, target)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_ts);
