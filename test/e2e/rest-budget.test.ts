/**
 * Binance REST budgets at 300 markets (issue 11 item 12), against the real simulator and its
 * rate limits: the real plan and RestPoller over real HTTP, on a virtual clock shared with the
 * simulator so that whole 5-minute limit windows pass without waiting for them. Then the real
 * collector service, which logs the reduced schedule once and lists it in /health.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../collector/config.ts';
import { adapter } from '../../collector/exchanges/binance-usdm/feed.ts';
import { FUTURES_DATA } from '../../collector/exchanges/binance-usdm/rate-limit.ts';
import type { FeedPlan } from '../../collector/exchanges/types.ts';
import { RestPoller } from '../../collector/feed/rest-poller.ts';
import { VirtualTime } from '../../collector/feed/virtual-time.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import type { BinanceLimits } from '../../simulator/options.ts';
import { startService } from '../../collector/daemon.ts';
import { createTelemetry, type Telemetry } from '../../collector/telemetry.ts';
import type { MarketEvent } from '../../core/events.ts';
import { InstrumentBook } from '../../core/instruments.ts';
import type { Logger } from '../../core/log.ts';
import { tempDir } from '../helpers/tmp.ts';

const MARKETS = Array.from({ length: 300 }, (_, i) => `M${String(i).padStart(3, '0')}=${(1 + i / 10).toFixed(1)}`);
/** A virtual start on a 5-minute boundary, where the simulator's /futures/data window begins. */
const T0 = Date.UTC(2026, 0, 5, 12, 0);

interface Request {
  at: number;
  path: string;
  symbol: string;
  status: number;
  retryAfter: number;
}

interface Rig {
  time: VirtualTime;
  plan: FeedPlan;
  requests: Request[];
  warnings: { obj: object; msg?: string }[];
  events: MarketEvent[];
  poller(polls: FeedPlan['polls']): RestPoller;
  /** Runs the poller's schedule up to `until` (virtual ms), awaiting each instant's requests. */
  run(poller: RestPoller, until: number): Promise<void>;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function rig(start: number, limits: Partial<BinanceLimits> = {}): Promise<Rig> {
  const time = new VirtualTime(start);
  const sim: Simulator = await startSimulator({
    port: 0,
    markets: MARKETS,
    eventsPerSecond: 1,
    seed: 3,
    clock: time.now,
    limits: { binance: limits },
  });
  const telemetry: Telemetry = createTelemetry();
  cleanup.push(async () => {
    telemetry.stop();
    await sim.close();
  });
  const endpoints = sim.endpoints['binance-usdm'];
  const instruments = adapter.parseInstruments(await (await fetch(adapter.instrumentsUrl(endpoints))).text());
  expect(instruments).toHaveLength(300);
  const plan = adapter.plan(endpoints, instruments);
  const requests: Request[] = [];
  const warnings: Rig['warnings'] = [];
  const events: MarketEvent[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (obj, msg) => warnings.push({ obj, msg }),
    error: (obj, msg) => warnings.push({ obj, msg }),
  };
  const logged: typeof fetch = async (input, init) => {
    const at = time.now();
    const res = await fetch(input, init);
    const url = new URL(String(input));
    requests.push({
      at,
      path: url.pathname,
      symbol: url.searchParams.get('symbol') ?? '',
      status: res.status,
      retryAfter: Number(res.headers.get('retry-after')),
    });
    return res;
  };
  return {
    time,
    plan,
    requests,
    warnings,
    events,
    poller(polls) {
      const p = new RestPoller(polls, {
        exchange: 'binance-usdm',
        parser: adapter.createParser(new InstrumentBook('binance-usdm', instruments)),
        sink: (e) => events.push(e),
        logger,
        telemetry,
        timeoutMs: 10_000,
        backoff: { baseMs: 1000, capMs: 30_000 },
        now: time.now,
        timers: time,
        fetch: logged,
      });
      cleanup.push(() => p.stop());
      return p;
    },
    async run(poller, until) {
      poller.start();
      await time.runUntil(until, () => poller.idle());
    },
  };
}

const isData = (r: Request) => r.path.startsWith('/futures/data/');

describe('Binance REST polls at 300 markets', () => {
  it('keep /futures/data inside its documented limit for a whole poll period, polling every ratio on every 2nd period', async () => {
    const r = await rig(T0);
    const ratioPolls = r.plan.polls.filter((p) => p.family === FUTURES_DATA);
    expect(ratioPolls).toHaveLength(1200);
    const period = ratioPolls[0].intervalMs;
    expect(period).toBe(10 * 60_000);
    // One whole period (two of the simulator's 5-minute windows) and the start of the next.
    await r.run(r.poller(ratioPolls), T0 + period + 30_000);
    expect(r.requests.filter((q) => q.status !== 200)).toEqual([]);
    const byPoll = new Map<string, number[]>();
    for (const q of r.requests)
      byPoll.set(`${q.path} ${q.symbol}`, [...(byPoll.get(`${q.path} ${q.symbol}`) ?? []), q.at]);
    expect(byPoll.size).toBe(1200);
    // The polls that came round again did so one period later, in their own slots: the schedule
    // stays spread out instead of bunching at the period boundary.
    const repeated = [...byPoll.values()].filter((times) => times.length > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const times of repeated) expect(times).toEqual([times[0], times[0] + period]);
    expect(r.events.filter((e) => e.kind === 'long_short').length).toBe(r.requests.length);
  });

  it('keep the request weight inside 2400 a minute while polling every open interest every 10 s, and never pause for it', async () => {
    const r = await rig(T0);
    // One whole minute of the simulator's weight window, and the start of the next.
    await r.run(r.poller(r.plan.polls), T0 + 70_000);
    expect(r.requests.filter((q) => q.status !== 200)).toEqual([]);
    const oi = r.requests.filter((q) => q.path === '/fapi/v1/openInterest');
    // 300 markets, each first polled within 10 s and then every 10 s: at least 7 polls in 70 s.
    const perSymbol = new Map<string, number>();
    for (const q of oi) perSymbol.set(q.symbol, (perSymbol.get(q.symbol) ?? 0) + 1);
    expect(perSymbol.size).toBe(300);
    expect(Math.min(...perSymbol.values())).toBeGreaterThanOrEqual(7);
    expect(r.warnings).toEqual([]);
  });

  it('pause only open interest, until the next minute, when another program has used most of the request weight', async () => {
    const r = await rig(T0);
    // Another program on the same IP: 45 unfiltered ticker/24hr requests of weight 40.
    const tickers = `${new URL(r.plan.polls[0].url).origin}/fapi/v1/ticker/24hr`;
    for (let i = 0; i < 45; i++) expect((await fetch(tickers)).status).toBe(200);
    await r.run(r.poller(r.plan.polls), T0 + 65_000);
    expect(r.requests.filter((q) => q.status !== 200)).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ family: 'fapi', pauseMs: expect.any(Number) }) }),
    ]);
    const pausedAt = T0 + 60_000 - (r.warnings[0].obj as { pauseMs: number }).pauseMs;
    const during = r.requests.filter((q) => q.at > pausedAt && q.at < T0 + 60_000);
    expect(during.filter((q) => !isData(q))).toEqual([]);
    expect(during.filter(isData).length).toBeGreaterThan(0);
    expect(r.requests.some((q) => q.at >= T0 + 60_000 && q.path === '/fapi/v1/openInterest')).toBe(true);
  });

  it('pause only /futures/data after its 429, for Retry-After, while open interest keeps being polled', async () => {
    // A limit switch of 40 /futures/data requests per window forces the 429; starting 35 s before
    // the window ends makes its Retry-After short enough to see the family resume.
    const start = T0 - 35_000;
    const r = await rig(start, { futuresDataRequestsPer5Min: 40 });
    await r.run(r.poller(r.plan.polls), start + 45_000);
    const refused = r.requests.filter((q) => q.status !== 200);
    expect(refused).toHaveLength(1);
    const [hit] = refused;
    expect(isData(hit) && hit.status === 429 && hit.retryAfter > 0).toBe(true);
    const resumeAt = hit.at + hit.retryAfter * 1000;
    const during = r.requests.filter((q) => q.at > hit.at && q.at < resumeAt);
    expect(during.filter(isData)).toEqual([]);
    const oiDuring = new Set(
      during.filter((q) => q.path === '/fapi/v1/openInterest' && q.status === 200).map((q) => q.symbol),
    );
    expect(oiDuring.size).toBe(300);
    const after = r.requests.filter((q) => q.at >= resumeAt && isData(q));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((q) => q.status === 200)).toBe(true);
    expect(r.warnings).toEqual([
      expect.objectContaining({ obj: expect.objectContaining({ family: 'futures/data', status: 429 }) }),
    ]);
  });
});

describe('The collector at 300 Binance markets', () => {
  it('logs its reduced ratio schedule once and lists it in /health notes, without degrading the status for it', async () => {
    const sim = await startSimulator({ port: 0, markets: MARKETS, eventsPerSecond: 50, seed: 3 });
    cleanup.push(() => sim.close());
    const config = defaultConfig();
    config.db = join(tempDir(), 'budget.db');
    config.http.port = 0;
    for (const id of ['bybit-linear', 'okx-swap'] as const) config.exchanges[id].enabled = false;
    config.exchanges['binance-usdm'].endpoints = sim.endpoints['binance-usdm'];
    config.exchanges['binance-usdm'].markets = { symbols: MARKETS.map((m) => `${m.slice(0, m.indexOf('='))}USDT`) };
    const warnings: { obj: object; msg?: string }[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (obj, msg) => warnings.push({ obj, msg }), error() {} };
    const service = await startService({ config, logger });
    cleanup.push(() => service.stop());
    const note =
      "binance-usdm: 300 markets: each of the 4 long/short ratios polled every 10 min instead of every 1 min (only every 2nd 5-minute value is recorded), to stay within /futures/data's 1000 requests per 5 min per IP";
    expect(warnings.filter((w) => w.msg === note)).toEqual([{ obj: { exchange: 'binance-usdm' }, msg: note }]);
    const health = await (await fetch(`http://127.0.0.1:${service.port}/health`)).json();
    expect(health.notes).toEqual([note]);
    expect(health.reasons.join('\n')).not.toContain('long/short');
  });
});
