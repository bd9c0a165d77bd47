-- Market data recorded by the collector. Decimal values are TEXT holding the exchange's decimal
-- text exactly as sent (base units for quantities); times are INTEGER epoch milliseconds.
-- `seq` is the writer's global receipt order, unique across all event tables.

CREATE TABLE markets (
  exchange TEXT NOT NULL,
  symbol TEXT NOT NULL,
  market TEXT NOT NULL,
  base TEXT NOT NULL,
  quote TEXT NOT NULL,
  settle TEXT NOT NULL,
  contract_size TEXT NOT NULL,
  inverse INTEGER NOT NULL DEFAULT 0,
  tick_size TEXT,
  updated_ts INTEGER NOT NULL,
  PRIMARY KEY (exchange, symbol)
);

CREATE TABLE trades (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  trade_id TEXT,
  price TEXT NOT NULL, qty TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell'))
);

CREATE TABLE book_tickers (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  bid_price TEXT NOT NULL, bid_qty TEXT NOT NULL,
  ask_price TEXT NOT NULL, ask_qty TEXT NOT NULL
);

CREATE TABLE book_tops (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  bids TEXT NOT NULL, -- JSON [[price, qty], ...] best first
  asks TEXT NOT NULL
);

CREATE TABLE derivative_tickers (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  mark_price TEXT, index_price TEXT, last_price TEXT,
  funding_rate TEXT, predicted_rate TEXT, next_funding_ts INTEGER,
  open_interest TEXT
);

CREATE TABLE liquidations (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  liquidation_id TEXT,
  price TEXT NOT NULL, qty TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell'))
);

CREATE TABLE open_interest (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  open_interest TEXT NOT NULL,
  value TEXT
);

CREATE TABLE long_short (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  ratio_type TEXT NOT NULL,
  period TEXT NOT NULL,
  ratio TEXT NOT NULL,
  long TEXT, short TEXT
);

CREATE TABLE gaps (
  seq INTEGER PRIMARY KEY,
  exchange TEXT NOT NULL, symbol TEXT NOT NULL, market TEXT NOT NULL,
  ts INTEGER NOT NULL, local_ts INTEGER NOT NULL,
  stream TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  end_ts INTEGER NOT NULL,
  seq_before TEXT, seq_after TEXT,
  cause TEXT NOT NULL
);

-- Last receipt time written per connection stream, updated in every batch; on start-up the
-- collector turns the time since then into `restart` gaps.
CREATE TABLE feed_state (
  exchange TEXT NOT NULL,
  stream TEXT NOT NULL,
  last_local_ts INTEGER NOT NULL,
  PRIMARY KEY (exchange, stream)
);

CREATE INDEX trades_market_ts ON trades (market, local_ts);
CREATE INDEX book_tickers_market_ts ON book_tickers (market, local_ts);
CREATE INDEX derivative_tickers_market_ts ON derivative_tickers (market, local_ts);
CREATE INDEX gaps_local_ts ON gaps (local_ts);
