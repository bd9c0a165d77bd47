import { FbError as MetricsConfigError } from '../errors.ts';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../events.ts';
import type { Logger } from '../log.ts';
import { resolveMetricsConfig } from './config.ts';
import { createMetricsEngine } from './engine.ts';
import { syntheticEvents } from './synthetic.ts';
import { collect, runEngine, Script, type Collected } from './test-support.ts';

/** 1 s buckets and one 3 s timeframe, so every figure can be worked out by hand. */
const SMALL = {
  bucketMs: 1000,
  timeframes: [{ name: '3s', ms: 3000 }],
  rvolTimeframe: '3s',
  timeframeZSeries: ['cvd'],
  regime: { timeframe: '3s' },
  warmupBuckets: 3,
  zMinSamples: 3,
  zWindowBuckets: 10,
  alerts: { tier3: { timeframe: '3s' }, tier4: { timeframe: '3s' }, tier5: { timeframe: '3s' } },
};

describe('metrics engine: figures', () => {
  const s = new Script()
    .ticker(0, { mark: '100', index: '99.9', funding: '0.0001', oi: '1000' })
    .book(100, ['99.9', '2'], ['100.1', '1'])
    .trade(200, '100', '2', 'buy')
    .trade(300, '101', '1', 'sell')
    .liquidation(400, '100.5', '2', 'sell') // a sell order liquidates a long
    .trade(1100, '102', '1', 'buy')
    .trade(2500, '99', '1', 'sell')
    .trade(3100, '101', '1', 'buy')
    .trade(4000, '101', '1', 'buy');
  const { rows } = runEngine(SMALL, s.events);

  it('closes a bucket when the market’s next event falls in a later bucket, with hand-computed figures', () => {
    expect(rows.map((r) => r.bucket_ts)).toEqual([0, 1000, 2000, 3000]);
    const r0 = rows[0];
    expect(r0).toMatchObject({
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      market: 'BTC/USDT:USDT',
      local_ts: 1100, // closed by the trade at 1100
      seq: 6,
      warmup: true,
      price: 101, // last trade
      price_chg_pct: null, // no previous bucket
      volume: 3,
      quote_volume: 301,
      cvd: 99, // 200 bought − 101 sold
      oi_usd: 100_000, // 1000 × mark 100
      funding_rate: 0.0001,
      liq_long_usd: 201,
      liq_short_usd: 0,
      regime: 'neutral',
    });
    expect(r0.taker_ratio).toBeCloseTo(200 / 101, 12);
    expect(r0.basis_bps).toBeCloseTo((0.1 / 99.9) * 10_000, 9);
    expect(r0.imbalance).toBeCloseTo(((199.8 - 100.1) / 299.9) * 100, 9);
    expect(rows[1].price_chg_pct).toBeCloseTo((102 / 101 - 1) * 100, 12);
    expect(rows[1].cvd).toBe(102);
    expect(rows[2].cvd).toBe(-99);
  });

  it('sums the rolling timeframe over its buckets and measures change from the bucket before it', () => {
    const tf2 = rows[2].timeframes['3s'];
    expect(tf2.volume).toBe(5); // buckets 0..2
    expect(tf2.cvd).toBe(102); // 99 + 102 − 99
    expect(tf2.price_chg_pct).toBeNull(); // bucket −1 never existed
    expect(tf2.buckets).toBe(3);
    const tf3 = rows[3].timeframes['3s'];
    expect(tf3.price_chg_pct).toBeCloseTo((101 / 101 - 1) * 100, 12); // bucket 3 vs bucket 0
    expect(tf3.volume).toBe(3); // buckets 1..3
    // Realized volatility: bucket returns 102/101, 99/102, 101/99.
    const r = [102 / 101 - 1, 99 / 102 - 1, 101 / 99 - 1];
    expect(tf3.rvol).toBeCloseTo(Math.sqrt(r.reduce((a, x) => a + x * x, 0)) * 100, 12);
    expect(rows[3].rvol).toBe(tf3.rvol);
  });

  it('keeps every figure finite or null, so a row survives JSON unchanged', () => {
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });
});

describe('metrics engine: empty buckets, gaps and silence', () => {
  it('closes buckets in which nothing arrived as zero flow at the carried price', () => {
    const s = new Script().trade(100, '100', '1', 'buy').trade(3100, '103', '1', 'buy').trade(4100, '103', '1', 'buy');
    const { rows } = runEngine(SMALL, s.events);
    expect(rows.map((r) => [r.bucket_ts, r.volume, r.price, r.price_chg_pct])).toEqual([
      [0, 1, 100, null],
      [1000, 0, 100, 0],
      [2000, 0, 100, 0],
      [3000, 1, 103, (103 / 100 - 1) * 100],
    ]);
  });

  it('leaves the buckets of a gap missing, closes the bucket before it without alerts, and warms up again', () => {
    const s = new Script();
    for (let t = 0; t < 6000; t += 1000) s.trade(t + 100, '100', '1', 'buy');
    s.gap(9000, 5100) // connection lost after 5.1 s, back at 9 s
      .trade(9100, '101', '1', 'buy')
      .trade(10_100, '101', '1', 'buy')
      .trade(11_100, '101', '1', 'buy');
    const { rows } = runEngine(SMALL, s.events);
    expect(rows.map((r) => r.bucket_ts)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 9000, 10_000]);
    const closedByGap = rows[5];
    expect(closedByGap.local_ts).toBe(9000);
    const after = rows[6];
    expect(after.price_chg_pct).toBeNull(); // no return across the gap
    expect(after.warmup).toBe(true);
    expect(rows[4].warmup).toBe(false);
    expect(after.timeframes['3s'].buckets).toBe(1); // 7000 and 8000 are missing, not zero
  });

  it('applies a connection-wide gap (symbol "") to every market of that exchange only', () => {
    const eth = { symbol: 'ETHUSDT', market: 'ETH/USDT:USDT' };
    const okx = { exchange: 'okx-swap' as const, symbol: 'BTC-USDT-SWAP' };
    const s = new Script();
    for (let t = 0; t < 4000; t += 1000)
      s.trade(t + 100, '100', '1', 'buy')
        .trade(t + 200, '10', '1', 'buy', eth)
        .trade(t + 300, '100', '1', 'buy', okx);
    s.gap(6000, 3300, 'disconnect', { symbol: '', market: '' });
    for (let t = 6000; t < 8000; t += 1000)
      s.trade(t + 100, '100', '1', 'buy')
        .trade(t + 200, '10', '1', 'buy', eth)
        .trade(t + 300, '100', '1', 'buy', okx);
    const { rows } = runEngine(SMALL, s.events);
    const buckets = (sym: string) => rows.filter((r) => r.symbol === sym).map((r) => r.bucket_ts);
    expect(buckets('BTCUSDT')).toEqual([0, 1000, 2000, 3000, 6000]);
    expect(buckets('ETHUSDT')).toEqual([0, 1000, 2000, 3000, 6000]);
    expect(buckets('BTC-USDT-SWAP')).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]); // OKX stayed connected: zeros
  });

  it('treats a silence longer than maxSilenceMs as an unrecorded gap', () => {
    const s = new Script()
      .trade(100, '100', '1', 'buy')
      .trade(1100, '100', '1', 'buy')
      .trade(20_100, '100', '1', 'buy')
      .trade(21_100, '100', '1', 'buy');
    const { rows } = runEngine({ ...SMALL, maxSilenceMs: 5000 }, s.events);
    expect(rows.map((r) => [r.bucket_ts, r.warmup])).toEqual([
      [0, true],
      [1000, true],
      [20_000, true],
    ]);
  });
});

describe('metrics engine: determinism', () => {
  const config = resolveMetricsConfig({ bucketMs: 2000, warmupBuckets: 10, zWindowBuckets: 60 });
  const events = syntheticEvents({ markets: 9, events: 30_000, startTs: Date.UTC(2025, 0, 1), rate: 100, seed: 42 });

  it('gives identical rows and alerts for identical events', () => {
    const a = collect(createMetricsEngine(config, { logger: silent() }), events);
    const b = collect(createMetricsEngine(config, { logger: silent() }), events);
    expect(a.rows.length).toBeGreaterThan(1000);
    expect(a.alerts.length).toBeGreaterThan(0);
    expectSameOutputs(b, a);
    expect(JSON.parse(JSON.stringify(a.outputs))).toEqual(a.outputs);
  });

  it('after a restart gap, agrees with a fresh engine that starts there (collector restart vs replay)', () => {
    const half = events.length / 2;
    const restart: RecordedEvent = {
      ...events[half],
      kind: 'gap',
      symbol: '',
      market: '',
      stream: 'market',
      start_ts: 0,
      end_ts: events[half].local_ts,
      seq_before: null,
      seq_after: null,
      cause: 'restart',
    };
    const rest = events.slice(half);
    const continued = createMetricsEngine(config, { logger: silent() });
    collect(continued, events.slice(0, half));
    const live = collect(continued, [restart, ...rest]);
    const fresh = collect(createMetricsEngine(config, { logger: silent() }), [restart, ...rest]);
    expect(live.rows.length).toBeGreaterThan(100);
    expectSameOutputs(live, fresh);
  });
});

/** Equal outputs; on failure, shows the first differing output rather than diffing thousands. */
function expectSameOutputs(got: Collected, want: Collected): void {
  const i = got.outputs.findIndex((o, k) => JSON.stringify(o) !== JSON.stringify(want.outputs[k]));
  if (i >= 0) expect(got.outputs[i]).toEqual(want.outputs[i]);
  expect(got.outputs.length).toBe(want.outputs.length);
}

describe('metrics engine: bad input and config', () => {
  it('counts and logs (once) an event whose number does not parse, without poisoning the sums', () => {
    const warnings: object[] = [];
    const logger: Logger = { ...silent(), warn: (o) => void warnings.push(o) };
    const engine = createMetricsEngine(resolveMetricsConfig(SMALL), { logger });
    const s = new Script()
      .trade(100, '100', '1', 'buy')
      .trade(200, 'abc', '1', 'buy')
      .trade(300, '100', 'x', 'buy')
      .trade(1100, '100', '1', 'buy');
    const { rows } = collect(engine, s.events);
    expect(rows[0].volume).toBe(1);
    expect(engine.stats().rejected).toBe(2);
    expect(warnings).toEqual([expect.objectContaining({ code: 'E_METRICS_INPUT', symbol: 'BTCUSDT', seq: 2 })]);
  });

  it('refuses an invalid config, naming the field', () => {
    const bad = { ...resolveMetricsConfig(), bucketMs: 0 };
    expect(() => createMetricsEngine(bad, { logger: silent() })).toThrow(MetricsConfigError);
    expect(() => createMetricsEngine(bad, { logger: silent() })).toThrow(/bucketMs/);
  });
});

function silent(): Logger {
  return { debug() {}, info() {}, warn() {}, error() {} };
}
