/**
 * A deterministic synthetic event stream (seeded PRNG) with the mix and rates of a live session:
 * many book updates, trades, tickers, a few depth snapshots, liquidations, open-interest polls and
 * long/short ratios, spread over markets that each trade on all three exchanges. Used by the
 * benchmark and by tests that need realistic volume rather than hand-computed values.
 */
import { EXCHANGES, type ExchangeId, type LongShortType, type RecordedEvent } from '../events.ts';

export interface SyntheticOptions {
  /** Exchange markets (spread round-robin over the three exchanges). */
  markets: number;
  events: number;
  /** Receipt time of the first event, epoch ms. */
  startTs: number;
  /** Events per second over all markets (sets how fast local_ts advances). */
  rate: number;
  seed: number;
  /** First `seq`. */
  seq?: number;
}

/** mulberry32: tiny, fast, and the same sequence in every JS engine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LS_TYPES: LongShortType[] = ['global_accounts', 'top_accounts', 'top_positions'];

export function syntheticEvents(o: SyntheticOptions): RecordedEvent[] {
  const rand = rng(o.seed);
  const markets = Array.from({ length: o.markets }, (_, i) => {
    const exchange: ExchangeId = EXCHANGES[i % EXCHANGES.length];
    const base = `C${Math.floor(i / EXCHANGES.length)}`;
    const symbol = exchange === 'okx-swap' ? `${base}-USDT-SWAP` : `${base}USDT`;
    return { exchange, symbol, market: `${base}/USDT:USDT`, price: 100 + 50 * rand(), oi: 1e6 * (1 + rand()), ls: 0 };
  });
  const out: RecordedEvent[] = [];
  const step = 1000 / o.rate;
  let seq = o.seq ?? 1;
  for (let n = 0; n < o.events; n++) {
    const m = markets[Math.floor(rand() * markets.length)];
    const local_ts = Math.floor(o.startTs + n * step);
    const { exchange, symbol, market } = m;
    const ts = local_ts - 5;
    // Object literals with one fixed key order per kind, as the parsers build them (and then the
    // writer adds `seq`): spread-built objects have unstable shapes that make every read slow.
    m.price *= 1 + (rand() - 0.5) * 0.002;
    const px = m.price.toFixed(2);
    const r = rand();
    let e: RecordedEvent;
    if (r < 0.45) {
      e = {
        kind: 'trade',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        id: String(n),
        price: px,
        qty: (rand() * 3).toFixed(3),
        side: rand() < 0.5 ? 'buy' : 'sell',
        seq: 0,
      };
    } else if (r < 0.75) {
      const bid = (m.price - 0.01).toFixed(2);
      e = {
        kind: 'book_ticker',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        bid_price: bid,
        bid_qty: (rand() * 9).toFixed(3),
        ask_price: px,
        ask_qty: (rand() * 9).toFixed(3),
        seq: 0,
      };
    } else if (r < 0.85) {
      m.oi *= 1 + (rand() - 0.5) * 0.001;
      e = {
        kind: 'derivative_ticker',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        mark_price: px,
        index_price: (m.price * (1 - 0.0002 * rand())).toFixed(2),
        last_price: px,
        funding_rate: ((rand() - 0.3) * 0.0003).toFixed(6),
        predicted_rate: null,
        next_funding_ts: null,
        open_interest: m.oi.toFixed(1),
        seq: 0,
      };
    } else if (r < 0.93) {
      const levels = (sign: number): [string, string][] =>
        Array.from({ length: 5 }, (_, i) => [(m.price + sign * 0.01 * (i + 1)).toFixed(2), (rand() * 5).toFixed(3)]);
      e = { kind: 'book_top', exchange, symbol, market, ts, local_ts, bids: levels(-1), asks: levels(1), seq: 0 };
    } else if (r < 0.95) {
      e = {
        kind: 'liquidation',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        id: null,
        price: px,
        qty: (rand() * 2).toFixed(3),
        side: rand() < 0.5 ? 'buy' : 'sell',
        seq: 0,
      };
    } else if (r < 0.98) {
      e = {
        kind: 'open_interest',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        open_interest: m.oi.toFixed(1),
        value: null,
        seq: 0,
      };
    } else {
      const long = 0.4 + rand() * 0.3;
      const ratio_type = LS_TYPES[m.ls++ % LS_TYPES.length];
      e = {
        kind: 'long_short',
        exchange,
        symbol,
        market,
        ts,
        local_ts,
        ratio_type,
        period: '5m',
        ratio: (long / (1 - long)).toFixed(4),
        long: long.toFixed(4),
        short: (1 - long).toFixed(4),
        seq: 0,
      };
    }
    e.seq = seq++;
    out.push(e);
  }
  return out;
}
