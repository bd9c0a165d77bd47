/**
 * Builds the tiny recorded session the replay and backtest golden tests run on:
 * test/replay/fixtures/session.sqlite. Deterministic (seeded generator, fixed clock), so
 * running it again gives the same events; the result is committed.
 *
 *   npx tsx test/replay/make-fixture-db.ts [out.sqlite]
 *
 * 30 minutes (07:45–08:15 UTC, 2025-06-13) of two markets on two exchanges, written as the
 * collector writes them (one global seq in receipt order):
 * - BTC/USDT:USDT on binance-usdm, ETH/USDT:USDT on bybit-linear;
 * - book tickers, trades, derivative tickers (funding at 08:00 inside the session: BTC
 *   +0.012 %, longs pay; ETH −0.015 %, shorts pay), book tops, open interest polls, long/short
 *   ratios and a few liquidations;
 * - prices that wander, overshoot and come back (something for mean reversion to find);
 * - one gap: the Binance `market` connection is lost 07:52:00–07:52:30 (nothing from it in
 *   between), recorded as a connection-wide gap at recovery.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import type { Db } from '../../core/db.ts';
import type { ExchangeId, MarketEvent } from '../../core/events.ts';
import { migrate } from '../../core/migrations.ts';
import { COMPACT_TABLE_OF, compactInsertSql } from '../../core/compact-tables.ts';
import { EVENT_TABLE_OF, insertSql } from '../../core/tables.ts';
import { loadMigrations } from '../../collector/store/migrations.ts';

export const FIXTURE_DB = fileURLToPath(new URL('./fixtures/session.sqlite', import.meta.url));

const START = Date.UTC(2025, 5, 13, 7, 45);
const END = Date.UTC(2025, 5, 13, 8, 15);
const FUNDING = Date.UTC(2025, 5, 13, 8, 0);
const NEXT_FUNDING = Date.UTC(2025, 5, 13, 16, 0);
const GAP = { start: Date.UTC(2025, 5, 13, 7, 52), end: Date.UTC(2025, 5, 13, 7, 52, 30) };

/** Park–Miller generator: the same numbers on every machine. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

interface MarketSpec {
  exchange: ExchangeId;
  symbol: string;
  market: string;
  base: string;
  price: number;
  tick: number;
  decimals: number;
  funding: [string, string];
  oi: number;
  seed: number;
}

const MARKETS: MarketSpec[] = [
  {
    exchange: 'binance-usdm',
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    base: 'BTC',
    price: 105_000,
    tick: 0.1,
    decimals: 1,
    funding: ['0.00012000', '0.00008000'],
    oi: 81_000,
    seed: 7,
  },
  {
    exchange: 'bybit-linear',
    symbol: 'ETHUSDT',
    market: 'ETH/USDT:USDT',
    base: 'ETH',
    price: 2_520,
    tick: 0.01,
    decimals: 2,
    funding: ['-0.00015', '-0.00005'],
    oi: 1_900_000,
    seed: 11,
  },
];

/** All events of one market; receipt times are exchange time plus a little latency. */
function marketEvents(m: MarketSpec): MarketEvent[] {
  const rand = rng(m.seed);
  const out: MarketEvent[] = [];
  const common = (ts: number) => ({
    exchange: m.exchange,
    symbol: m.symbol,
    market: m.market,
    ts,
    local_ts: ts + 5 + Math.floor(rand() * 40),
  });
  const px = (p: number) => (Math.round(p / m.tick) * m.tick).toFixed(m.decimals);
  const qty = (scale: number) => (0.001 + rand() * scale).toFixed(3);
  let fair = m.price;
  let shock = 0;
  let oi = m.oi;
  let tradeId = 5_000_000 + m.seed * 1000;
  const lost = (ts: number) => m.exchange === 'binance-usdm' && ts >= GAP.start && ts < GAP.end;
  for (let t = START; t < END; t += 1000) {
    // A slow random walk plus shocks that decay: overshoot, then revert.
    fair *= 1 + (rand() - 0.5) * 0.0004;
    if (rand() < 0.01) shock = (rand() < 0.5 ? -1 : 1) * m.price * (0.002 + rand() * 0.002);
    shock *= 0.93;
    const mid = fair + shock;
    const half = m.tick * (1 + Math.floor(rand() * 2));
    const bid = px(mid - half);
    const ask = px(Number(bid) + m.tick * (1 + Math.floor(rand() * 2)));
    if (lost(t)) continue;
    if ((t / 1000) % 2 === 0)
      out.push({ kind: 'book_ticker', ...common(t), bid_price: bid, bid_qty: qty(4), ask_price: ask, ask_qty: qty(4) });
    const trades = Math.floor(rand() * 3);
    for (let i = 0; i < trades; i++) {
      const buy = rand() < 0.5 + Math.sign(shock) * 0.2;
      out.push({
        kind: 'trade',
        ...common(t + 100 + i * 150),
        id: String(++tradeId),
        price: buy ? ask : bid,
        qty: qty(1.5),
        side: buy ? 'buy' : 'sell',
      });
    }
    if ((t / 1000) % 5 === 0) {
      oi *= 1 + (rand() - 0.48) * 0.0006;
      const after = t >= FUNDING;
      out.push({
        kind: 'derivative_ticker',
        ...common(t + 500),
        mark_price: px(mid),
        index_price: px(mid * 0.9998),
        last_price: bid,
        funding_rate: after ? m.funding[1] : m.funding[0],
        predicted_rate: null,
        next_funding_ts: after ? NEXT_FUNDING : FUNDING,
        open_interest: oi.toFixed(3),
      });
    }
    if ((t / 1000) % 10 === 0) {
      const levels = (side: 1 | -1, from: string): [string, string][] =>
        Array.from({ length: 5 }, (_, i) => [px(Number(from) + side * i * m.tick), qty(6)]);
      out.push({ kind: 'book_top', ...common(t + 200), bids: levels(-1, bid), asks: levels(1, ask) });
    }
    if ((t / 1000) % 60 === 30)
      out.push({
        kind: 'open_interest',
        ...common(t + 700),
        open_interest: oi.toFixed(3),
        value: (oi * mid).toFixed(2),
      });
    if ((t - START) % 300_000 === 150_000) {
      const long = (0.5 + (rand() - 0.5) * 0.3).toFixed(4);
      const short = (1 - Number(long)).toFixed(4);
      out.push({
        kind: 'long_short',
        ...common(t + 800),
        ratio_type: 'global_accounts',
        period: '5m',
        ratio: (Number(long) / Number(short)).toFixed(4),
        long,
        short,
      });
    }
    if (rand() < 0.004) {
      const side = rand() < 0.5 ? 'buy' : 'sell';
      out.push({
        kind: 'liquidation',
        ...common(t + 300),
        id: null,
        price: side === 'sell' ? bid : ask,
        qty: qty(3),
        side,
      });
    }
  }
  if (m.exchange === 'binance-usdm')
    out.push({
      kind: 'gap',
      exchange: m.exchange,
      symbol: '',
      market: '',
      ts: GAP.end,
      local_ts: GAP.end,
      stream: 'market',
      start_ts: GAP.start,
      end_ts: GAP.end,
      seq_before: null,
      seq_after: null,
      cause: 'disconnect',
    });
  return out;
}

/** The session's events in receipt order (what the writer would have numbered 1..n). */
export function fixtureEvents(): MarketEvent[] {
  const all = MARKETS.flatMap(marketEvents);
  // Stable sort: equal receipt times keep generation order, as a single writer would.
  return all
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.local_ts - b.e.local_ts || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Writes the session into `db`: schema v2 (compact rows, as the collector writes) by default, or
 * the v1 text tables (migrations 1 and 2 only) for the tests that v1 files stay readable.
 */
export function writeFixture(db: Db, schema: 'v1' | 'v2' = 'v2'): number {
  migrate(db, schema === 'v1' ? loadMigrations().slice(0, 2) : loadMigrations(), () => START);
  const events = fixtureEvents();
  db.transaction(() => {
    for (const m of MARKETS)
      db.run(
        'INSERT INTO markets (exchange, symbol, market, base, quote, settle, contract_size, inverse, tick_size, updated_ts) VALUES (?,?,?,?,?,?,?,?,?,?)',
        [m.exchange, m.symbol, m.market, m.base, 'USDT', 'USDT', '1', 0, String(m.tick), START],
      );
    const ids = new Map<string, number>();
    const idOf = (e: MarketEvent) => {
      const key = `${e.exchange} ${e.symbol} ${e.market}`;
      if (!ids.has(key)) {
        db.run('INSERT INTO market_keys (exchange, symbol, market) VALUES (?, ?, ?)', [e.exchange, e.symbol, e.market]);
        ids.set(key, ids.size + 1);
      }
      return ids.get(key) as number;
    };
    events.forEach((e, i) => {
      if (schema === 'v1') {
        const t = EVENT_TABLE_OF[e.kind];
        db.run(insertSql(t), t.encode(i + 1, e, Array.of));
        return;
      }
      const t = COMPACT_TABLE_OF[e.kind];
      db.run(compactInsertSql(t), t.encode(i + 1, e, idOf(e), 0, Array.of));
    });
  });
  return events.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? FIXTURE_DB;
  rmSync(out, { force: true });
  const db = openNodeDb(out);
  const n = writeFixture(db);
  // A plain rollback-journal file: what sql.js reads and what git stores compactly.
  db.exec('VACUUM');
  db.close();
  process.stdout.write(`wrote ${n} events to ${out}\n`);
}
