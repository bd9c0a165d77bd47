-- Schema v2: the compact store (docs/schema.md, "Schema v2"). Applied to new files only: the
-- collector refuses to write a v1 file that holds events (`futuresboard migrate` converts one),
-- so the v1 event tables dropped here are empty.
--
-- Event rows name their market by an integer id into `market_keys` (first, with the values that
-- repeat row to row; the times last: gzip matches the repeats in one run), keep times as
-- t = local_ts - base (base_ts in store_meta: the segment's start, 0 in a hot database) and
-- lag = local_ts - ts, and store decimals as value codes (core/value-codes.ts): integers that read
-- back as exactly the text the exchange sent, or that text when no code reproduces it. No
-- secondary index: readers scan in seq (rowid) order. Views with the v1 names and columns show
-- plain rows (market names, decimal text) to the sqlite3 shell, Datasette and SQL readers.

DROP INDEX trades_market_ts;
DROP INDEX book_tickers_market_ts;
DROP INDEX derivative_tickers_market_ts;
DROP INDEX gaps_local_ts;
DROP TABLE trades;
DROP TABLE book_tickers;
DROP TABLE book_tops;
DROP TABLE derivative_tickers;
DROP TABLE liquidations;
DROP TABLE open_interest;
DROP TABLE long_short;
DROP TABLE gaps;
DROP INDEX metrics_market_bucket;
DROP TABLE metrics;
DROP INDEX alerts_local_ts;
DROP INDEX alert_deliveries_due;
DROP TABLE alert_deliveries;
DROP TABLE alerts;

-- Keys: base_ts (epoch ms the `t` columns count from), seq_floor (rows up to this seq have been
-- closed into segments; readers skip them), and in a closed segment its description: from, to,
-- events, kinds, markets, seq_from, seq_to, schema_version, code_version.
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO store_meta (key, value) VALUES ('base_ts', 0);
-- time_coding 'delta' (closed segments): each event table's t is the change since its previous
-- row in seq order; the views sum them back.
CREATE VIEW base_ts AS SELECT CAST(value AS INTEGER) AS base,
  coalesce((SELECT value FROM store_meta WHERE key = 'time_coding'), 'absolute') = 'delta' AS delta
  FROM store_meta WHERE key = 'base_ts';

-- The markets dictionary: (exchange, symbol, market) of every event row. Connection-wide gaps
-- have symbol and market ''.
CREATE TABLE market_keys (
  id INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  UNIQUE (exchange, symbol, market)
);

CREATE TABLE trade_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL, side INTEGER NOT NULL, -- 0 buy, 1 sell
  price NOT NULL, trade_id, qty NOT NULL, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE book_ticker_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL,
  bid_price NOT NULL, ask_price NOT NULL, bid_qty NOT NULL, ask_qty NOT NULL, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
-- Best bid and ask in columns; deeper levels in `depth`: bytes of core/value-codes.ts encodeDepth,
-- or JSON text {"bids":[[p,q],...],"asks":[...]} of every level when a value has no code.
CREATE TABLE book_top_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL,
  bid_price, ask_price, bid_qty, ask_qty, depth NOT NULL, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE derivative_ticker_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL,
  mark_price, index_price, last_price, funding_rate, predicted_rate, next_funding_ts INTEGER, open_interest,
  lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE liquidation_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL, side INTEGER NOT NULL,
  price NOT NULL, liquidation_id, qty NOT NULL, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE open_interest_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL, open_interest NOT NULL, value, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE long_short_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL,
  ratio_type TEXT NOT NULL, period TEXT NOT NULL, ratio NOT NULL, long, short, lag INTEGER NOT NULL, t INTEGER NOT NULL
);
CREATE TABLE gap_rows (
  seq INTEGER PRIMARY KEY, m INTEGER NOT NULL,
  stream TEXT NOT NULL, start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL,
  seq_before TEXT, seq_after TEXT, cause TEXT NOT NULL, lag INTEGER NOT NULL, t INTEGER NOT NULL
);

-- One row per market per closed bucket: the engine's figures as REAL columns, the bucket-level
-- z-scores as z_* columns (z_mask: bit i set when the i-th key of the row's z object was present,
-- in core/metrics/store.ts Z_KEYS order), regime as its index in REGIMES.
CREATE TABLE metric_rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT, m INTEGER NOT NULL, bucket_ts INTEGER NOT NULL, t INTEGER NOT NULL,
  seq INTEGER NOT NULL, warmup INTEGER NOT NULL,
  price REAL, price_chg_pct REAL, volume REAL NOT NULL, quote_volume REAL NOT NULL, cvd REAL NOT NULL,
  oi_usd REAL, oi_chg_pct REAL, funding_rate REAL, predicted_rate REAL, basis_bps REAL,
  ls_global REAL, ls_top_accounts REAL, ls_top_positions REAL, taker_ratio REAL, imbalance REAL,
  liq_long_usd REAL NOT NULL, liq_short_usd REAL NOT NULL, rvol REAL, rsi14 REAL, composite REAL,
  regime INTEGER NOT NULL, z_max REAL, z_mask INTEGER NOT NULL,
  z_price_chg_pct REAL, z_quote_volume REAL, z_cvd REAL, z_oi_chg_pct REAL, z_funding_rate REAL,
  z_basis_bps REAL, z_ls_global REAL, z_ls_top_accounts REAL, z_ls_top_positions REAL,
  z_taker_ratio REAL, z_imbalance REAL, z_liq_usd REAL, z_xex_oi REAL, z_xex_funding REAL
);
-- The rolling timeframes of each metric row, one row per timeframe, in the engine's order (ord).
CREATE TABLE metric_timeframes (
  metric_id INTEGER NOT NULL, ord INTEGER NOT NULL, name TEXT NOT NULL,
  price_chg_pct REAL, volume REAL NOT NULL, quote_volume REAL NOT NULL, cvd REAL NOT NULL,
  taker_ratio REAL, oi_chg_pct REAL, ls_global_chg REAL, ls_top_accounts_chg REAL,
  ls_top_positions_chg REAL, liq_long_usd REAL NOT NULL, liq_short_usd REAL NOT NULL,
  rvol REAL, rsi14 REAL, buckets INTEGER NOT NULL, z_mask INTEGER NOT NULL,
  z_price_chg_pct REAL, z_quote_volume REAL, z_cvd REAL, z_oi_chg_pct REAL,
  PRIMARY KEY (metric_id, ord)
) WITHOUT ROWID;

-- Alerts as in schema v1 (forward returns below), and the webhook queue. AUTOINCREMENT: ids are
-- never reused after rows move out to segments, so a delivery never points at a later alert and
-- segments of one store keep distinct ids.
CREATE TABLE alert_rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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

-- Webhook deliveries, one per alert and target. Target URLs are configuration, not stored here:
-- webhook URLs are secrets and this file is handed to browsers.
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alert_rows (id),
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

-- Forward returns that matured after their alert was written: an alert closed into an earlier
-- segment cannot change, so its returns are recorded where they happen; readers fold them in.
CREATE TABLE alert_returns (
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, bucket_ts INTEGER NOT NULL, rule TEXT NOT NULL,
  direction TEXT NOT NULL, horizon TEXT NOT NULL CHECK (horizon IN ('fwd_ret_5m', 'fwd_ret_15m', 'fwd_ret_60m')),
  value REAL,
  seq INTEGER NOT NULL, -- the event whose bucket close matured it: which segment holds the row
  PRIMARY KEY (exchange, symbol, bucket_ts, rule, direction, horizon)
) WITHOUT ROWID;

-- Readable views with the v1 names and columns.
CREATE VIEW trades AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.trade_id) WHEN 'integer' THEN CAST(r.trade_id AS TEXT) WHEN 'blob' THEN substr(lower(hex(r.trade_id)), 1, 8) || '-' || substr(lower(hex(r.trade_id)), 9, 4) || '-' || substr(lower(hex(r.trade_id)), 13, 4) || '-' || substr(lower(hex(r.trade_id)), 17, 4) || '-' || substr(lower(hex(r.trade_id)), 21) ELSE r.trade_id END AS trade_id,
  CASE typeof(r.price) WHEN 'integer' THEN (CASE WHEN r.price < 0 THEN '-' ELSE '' END) || CASE abs(r.price) % 16 WHEN 0 THEN CAST(abs(r.price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16), 1, length(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16)) - abs(r.price) % 16) || '.' || substr(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16), -(abs(r.price) % 16)) END ELSE r.price END AS price,
  CASE typeof(r.qty) WHEN 'integer' THEN (CASE WHEN r.qty < 0 THEN '-' ELSE '' END) || CASE abs(r.qty) % 16 WHEN 0 THEN CAST(abs(r.qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16), 1, length(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16)) - abs(r.qty) % 16) || '.' || substr(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16), -(abs(r.qty) % 16)) END ELSE r.qty END AS qty,
  CASE r.side WHEN 0 THEN 'buy' ELSE 'sell' END AS side
FROM trade_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW book_tickers AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.bid_price) WHEN 'integer' THEN (CASE WHEN r.bid_price < 0 THEN '-' ELSE '' END) || CASE abs(r.bid_price) % 16 WHEN 0 THEN CAST(abs(r.bid_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16), 1, length(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16)) - abs(r.bid_price) % 16) || '.' || substr(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16), -(abs(r.bid_price) % 16)) END ELSE r.bid_price END AS bid_price,
  CASE typeof(r.bid_qty) WHEN 'integer' THEN (CASE WHEN r.bid_qty < 0 THEN '-' ELSE '' END) || CASE abs(r.bid_qty) % 16 WHEN 0 THEN CAST(abs(r.bid_qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16), 1, length(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16)) - abs(r.bid_qty) % 16) || '.' || substr(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16), -(abs(r.bid_qty) % 16)) END ELSE r.bid_qty END AS bid_qty,
  CASE typeof(r.ask_price) WHEN 'integer' THEN (CASE WHEN r.ask_price < 0 THEN '-' ELSE '' END) || CASE abs(r.ask_price) % 16 WHEN 0 THEN CAST(abs(r.ask_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16), 1, length(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16)) - abs(r.ask_price) % 16) || '.' || substr(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16), -(abs(r.ask_price) % 16)) END ELSE r.ask_price END AS ask_price,
  CASE typeof(r.ask_qty) WHEN 'integer' THEN (CASE WHEN r.ask_qty < 0 THEN '-' ELSE '' END) || CASE abs(r.ask_qty) % 16 WHEN 0 THEN CAST(abs(r.ask_qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16), 1, length(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16)) - abs(r.ask_qty) % 16) || '.' || substr(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16), -(abs(r.ask_qty) % 16)) END ELSE r.ask_qty END AS ask_qty
FROM book_ticker_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW book_tops AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.bid_price) WHEN 'integer' THEN (CASE WHEN r.bid_price < 0 THEN '-' ELSE '' END) || CASE abs(r.bid_price) % 16 WHEN 0 THEN CAST(abs(r.bid_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16), 1, length(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16)) - abs(r.bid_price) % 16) || '.' || substr(printf('%0*d', abs(r.bid_price) % 16 + 1, abs(r.bid_price) / 16), -(abs(r.bid_price) % 16)) END ELSE r.bid_price END AS bid_price,
  CASE typeof(r.bid_qty) WHEN 'integer' THEN (CASE WHEN r.bid_qty < 0 THEN '-' ELSE '' END) || CASE abs(r.bid_qty) % 16 WHEN 0 THEN CAST(abs(r.bid_qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16), 1, length(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16)) - abs(r.bid_qty) % 16) || '.' || substr(printf('%0*d', abs(r.bid_qty) % 16 + 1, abs(r.bid_qty) / 16), -(abs(r.bid_qty) % 16)) END ELSE r.bid_qty END AS bid_qty,
  CASE typeof(r.ask_price) WHEN 'integer' THEN (CASE WHEN r.ask_price < 0 THEN '-' ELSE '' END) || CASE abs(r.ask_price) % 16 WHEN 0 THEN CAST(abs(r.ask_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16), 1, length(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16)) - abs(r.ask_price) % 16) || '.' || substr(printf('%0*d', abs(r.ask_price) % 16 + 1, abs(r.ask_price) / 16), -(abs(r.ask_price) % 16)) END ELSE r.ask_price END AS ask_price,
  CASE typeof(r.ask_qty) WHEN 'integer' THEN (CASE WHEN r.ask_qty < 0 THEN '-' ELSE '' END) || CASE abs(r.ask_qty) % 16 WHEN 0 THEN CAST(abs(r.ask_qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16), 1, length(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16)) - abs(r.ask_qty) % 16) || '.' || substr(printf('%0*d', abs(r.ask_qty) % 16 + 1, abs(r.ask_qty) / 16), -(abs(r.ask_qty) % 16)) END ELSE r.ask_qty END AS ask_qty,
  r.depth AS depth
FROM book_top_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW derivative_tickers AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.mark_price) WHEN 'integer' THEN (CASE WHEN r.mark_price < 0 THEN '-' ELSE '' END) || CASE abs(r.mark_price) % 16 WHEN 0 THEN CAST(abs(r.mark_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.mark_price) % 16 + 1, abs(r.mark_price) / 16), 1, length(printf('%0*d', abs(r.mark_price) % 16 + 1, abs(r.mark_price) / 16)) - abs(r.mark_price) % 16) || '.' || substr(printf('%0*d', abs(r.mark_price) % 16 + 1, abs(r.mark_price) / 16), -(abs(r.mark_price) % 16)) END ELSE r.mark_price END AS mark_price,
  CASE typeof(r.index_price) WHEN 'integer' THEN (CASE WHEN r.index_price < 0 THEN '-' ELSE '' END) || CASE abs(r.index_price) % 16 WHEN 0 THEN CAST(abs(r.index_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.index_price) % 16 + 1, abs(r.index_price) / 16), 1, length(printf('%0*d', abs(r.index_price) % 16 + 1, abs(r.index_price) / 16)) - abs(r.index_price) % 16) || '.' || substr(printf('%0*d', abs(r.index_price) % 16 + 1, abs(r.index_price) / 16), -(abs(r.index_price) % 16)) END ELSE r.index_price END AS index_price,
  CASE typeof(r.last_price) WHEN 'integer' THEN (CASE WHEN r.last_price < 0 THEN '-' ELSE '' END) || CASE abs(r.last_price) % 16 WHEN 0 THEN CAST(abs(r.last_price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.last_price) % 16 + 1, abs(r.last_price) / 16), 1, length(printf('%0*d', abs(r.last_price) % 16 + 1, abs(r.last_price) / 16)) - abs(r.last_price) % 16) || '.' || substr(printf('%0*d', abs(r.last_price) % 16 + 1, abs(r.last_price) / 16), -(abs(r.last_price) % 16)) END ELSE r.last_price END AS last_price,
  CASE typeof(r.funding_rate) WHEN 'integer' THEN (CASE WHEN r.funding_rate < 0 THEN '-' ELSE '' END) || CASE abs(r.funding_rate) % 16 WHEN 0 THEN CAST(abs(r.funding_rate) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.funding_rate) % 16 + 1, abs(r.funding_rate) / 16), 1, length(printf('%0*d', abs(r.funding_rate) % 16 + 1, abs(r.funding_rate) / 16)) - abs(r.funding_rate) % 16) || '.' || substr(printf('%0*d', abs(r.funding_rate) % 16 + 1, abs(r.funding_rate) / 16), -(abs(r.funding_rate) % 16)) END ELSE r.funding_rate END AS funding_rate,
  CASE typeof(r.predicted_rate) WHEN 'integer' THEN (CASE WHEN r.predicted_rate < 0 THEN '-' ELSE '' END) || CASE abs(r.predicted_rate) % 16 WHEN 0 THEN CAST(abs(r.predicted_rate) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.predicted_rate) % 16 + 1, abs(r.predicted_rate) / 16), 1, length(printf('%0*d', abs(r.predicted_rate) % 16 + 1, abs(r.predicted_rate) / 16)) - abs(r.predicted_rate) % 16) || '.' || substr(printf('%0*d', abs(r.predicted_rate) % 16 + 1, abs(r.predicted_rate) / 16), -(abs(r.predicted_rate) % 16)) END ELSE r.predicted_rate END AS predicted_rate,
  r.next_funding_ts AS next_funding_ts,
  CASE typeof(r.open_interest) WHEN 'integer' THEN (CASE WHEN r.open_interest < 0 THEN '-' ELSE '' END) || CASE abs(r.open_interest) % 16 WHEN 0 THEN CAST(abs(r.open_interest) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16), 1, length(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16)) - abs(r.open_interest) % 16) || '.' || substr(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16), -(abs(r.open_interest) % 16)) END ELSE r.open_interest END AS open_interest
FROM derivative_ticker_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW liquidations AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.liquidation_id) WHEN 'integer' THEN CAST(r.liquidation_id AS TEXT) WHEN 'blob' THEN substr(lower(hex(r.liquidation_id)), 1, 8) || '-' || substr(lower(hex(r.liquidation_id)), 9, 4) || '-' || substr(lower(hex(r.liquidation_id)), 13, 4) || '-' || substr(lower(hex(r.liquidation_id)), 17, 4) || '-' || substr(lower(hex(r.liquidation_id)), 21) ELSE r.liquidation_id END AS liquidation_id,
  CASE typeof(r.price) WHEN 'integer' THEN (CASE WHEN r.price < 0 THEN '-' ELSE '' END) || CASE abs(r.price) % 16 WHEN 0 THEN CAST(abs(r.price) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16), 1, length(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16)) - abs(r.price) % 16) || '.' || substr(printf('%0*d', abs(r.price) % 16 + 1, abs(r.price) / 16), -(abs(r.price) % 16)) END ELSE r.price END AS price,
  CASE typeof(r.qty) WHEN 'integer' THEN (CASE WHEN r.qty < 0 THEN '-' ELSE '' END) || CASE abs(r.qty) % 16 WHEN 0 THEN CAST(abs(r.qty) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16), 1, length(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16)) - abs(r.qty) % 16) || '.' || substr(printf('%0*d', abs(r.qty) % 16 + 1, abs(r.qty) / 16), -(abs(r.qty) % 16)) END ELSE r.qty END AS qty,
  CASE r.side WHEN 0 THEN 'buy' ELSE 'sell' END AS side
FROM liquidation_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW open_interest AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  CASE typeof(r.open_interest) WHEN 'integer' THEN (CASE WHEN r.open_interest < 0 THEN '-' ELSE '' END) || CASE abs(r.open_interest) % 16 WHEN 0 THEN CAST(abs(r.open_interest) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16), 1, length(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16)) - abs(r.open_interest) % 16) || '.' || substr(printf('%0*d', abs(r.open_interest) % 16 + 1, abs(r.open_interest) / 16), -(abs(r.open_interest) % 16)) END ELSE r.open_interest END AS open_interest,
  CASE typeof(r.value) WHEN 'integer' THEN (CASE WHEN r.value < 0 THEN '-' ELSE '' END) || CASE abs(r.value) % 16 WHEN 0 THEN CAST(abs(r.value) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.value) % 16 + 1, abs(r.value) / 16), 1, length(printf('%0*d', abs(r.value) % 16 + 1, abs(r.value) / 16)) - abs(r.value) % 16) || '.' || substr(printf('%0*d', abs(r.value) % 16 + 1, abs(r.value) / 16), -(abs(r.value) % 16)) END ELSE r.value END AS value
FROM open_interest_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW long_short AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  r.ratio_type AS ratio_type,
  r.period AS period,
  CASE typeof(r.ratio) WHEN 'integer' THEN (CASE WHEN r.ratio < 0 THEN '-' ELSE '' END) || CASE abs(r.ratio) % 16 WHEN 0 THEN CAST(abs(r.ratio) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.ratio) % 16 + 1, abs(r.ratio) / 16), 1, length(printf('%0*d', abs(r.ratio) % 16 + 1, abs(r.ratio) / 16)) - abs(r.ratio) % 16) || '.' || substr(printf('%0*d', abs(r.ratio) % 16 + 1, abs(r.ratio) / 16), -(abs(r.ratio) % 16)) END ELSE r.ratio END AS ratio,
  CASE typeof(r.long) WHEN 'integer' THEN (CASE WHEN r.long < 0 THEN '-' ELSE '' END) || CASE abs(r.long) % 16 WHEN 0 THEN CAST(abs(r.long) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.long) % 16 + 1, abs(r.long) / 16), 1, length(printf('%0*d', abs(r.long) % 16 + 1, abs(r.long) / 16)) - abs(r.long) % 16) || '.' || substr(printf('%0*d', abs(r.long) % 16 + 1, abs(r.long) / 16), -(abs(r.long) % 16)) END ELSE r.long END AS long,
  CASE typeof(r.short) WHEN 'integer' THEN (CASE WHEN r.short < 0 THEN '-' ELSE '' END) || CASE abs(r.short) % 16 WHEN 0 THEN CAST(abs(r.short) / 16 AS TEXT) ELSE substr(printf('%0*d', abs(r.short) % 16 + 1, abs(r.short) / 16), 1, length(printf('%0*d', abs(r.short) % 16 + 1, abs(r.short) / 16)) - abs(r.short) % 16) || '.' || substr(printf('%0*d', abs(r.short) % 16 + 1, abs(r.short) / 16), -(abs(r.short) % 16)) END ELSE r.short END AS short
FROM long_short_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

CREATE VIEW gaps AS SELECT
  r.seq, k.exchange, k.symbol, k.market, b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END - r.lag AS ts,
  b.base + CASE WHEN b.delta THEN sum(r.t) OVER (ORDER BY r.seq) ELSE r.t END AS local_ts,
  r.stream AS stream,
  r.start_ts AS start_ts,
  r.end_ts AS end_ts,
  r.seq_before AS seq_before,
  r.seq_after AS seq_after,
  r.cause AS cause
FROM gap_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

-- JSON built by SQLite shows doubles to 15 significant digits: fine to read, but exact readers
-- (metrics verify, the site) decode metric_rows in code (core/metrics/store.ts).
CREATE VIEW metrics AS SELECT
  r.id, k.exchange, k.symbol, k.market, r.bucket_ts, b.base + r.t AS local_ts, r.seq, r.warmup,
  r.price, r.price_chg_pct, r.volume, r.quote_volume, r.cvd, r.oi_usd, r.oi_chg_pct, r.funding_rate, r.predicted_rate, r.basis_bps, r.ls_global, r.ls_top_accounts, r.ls_top_positions, r.taker_ratio, r.imbalance, r.liq_long_usd, r.liq_short_usd, r.rvol, r.rsi14, r.composite,
  CASE r.regime WHEN 0 THEN 'accumulation' WHEN 1 THEN 'expansion' WHEN 2 THEN 'distribution' WHEN 3 THEN 'exhaustion' WHEN 4 THEN 'neutral' END AS regime, r.z_max,
  json_object('price_chg_pct', r.z_price_chg_pct, 'quote_volume', r.z_quote_volume, 'cvd', r.z_cvd, 'oi_chg_pct', r.z_oi_chg_pct, 'funding_rate', r.z_funding_rate, 'basis_bps', r.z_basis_bps, 'ls_global', r.z_ls_global, 'ls_top_accounts', r.z_ls_top_accounts, 'ls_top_positions', r.z_ls_top_positions, 'taker_ratio', r.z_taker_ratio, 'imbalance', r.z_imbalance, 'liq_usd', r.z_liq_usd, 'xex_oi', r.z_xex_oi, 'xex_funding', r.z_xex_funding) AS z,
  (SELECT json_group_object(f.name, json_object('price_chg_pct', f.price_chg_pct, 'volume', f.volume, 'quote_volume', f.quote_volume, 'cvd', f.cvd, 'taker_ratio', f.taker_ratio, 'oi_chg_pct', f.oi_chg_pct, 'ls_global_chg', f.ls_global_chg, 'ls_top_accounts_chg', f.ls_top_accounts_chg, 'ls_top_positions_chg', f.ls_top_positions_chg, 'liq_long_usd', f.liq_long_usd, 'liq_short_usd', f.liq_short_usd, 'rvol', f.rvol, 'rsi14', f.rsi14, 'buckets', f.buckets, 'z', json_object('price_chg_pct', f.z_price_chg_pct, 'quote_volume', f.z_quote_volume, 'cvd', f.z_cvd, 'oi_chg_pct', f.z_oi_chg_pct))) FROM metric_timeframes f WHERE f.metric_id = r.id) AS timeframes
FROM metric_rows r JOIN market_keys k ON k.id = r.m, base_ts b;

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
