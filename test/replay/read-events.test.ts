/**
 * Reading a recording back: the typed stream in receipt order, filters, the visible gap, and a
 * golden digest of the whole fixture stream.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../replay/adapters/node-sqlite.ts';
import type { Db } from '../../core/db.ts';
import type { RecordedEvent } from '../../core/events.ts';
import { readEvents, summarizeEvents } from '../../replay/player/read-events.ts';
import { fixtureEvents, writeFixture } from './make-fixture-db.ts';
import { expectGolden, openFixture } from './support.ts';

let db: Db;
let all: RecordedEvent[];
beforeAll(async () => {
  db = await openFixture('better-sqlite3');
  all = [...readEvents(db)];
});
afterAll(() => db.close());

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const GAP_END = Date.UTC(2025, 5, 13, 7, 52, 30);

describe('readEvents', () => {
  it('yields every recorded event once, in seq order, with receipt time never going back', () => {
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    for (let i = 1; i < all.length; i++) expect(all[i].local_ts).toBeGreaterThanOrEqual(all[i - 1].local_ts);
    expect(summarizeEvents(db)).toEqual({
      count: all.length,
      first_ts: all[0].local_ts,
      last_ts: all[all.length - 1].local_ts,
    });
  });

  it('gives back exactly the events the collector recorded (ids, decimals, parsed book levels)', () => {
    const recorded = fixtureEvents();
    expect(all).toEqual(recorded.map((e, i) => ({ ...e, seq: i + 1 })));
    const top = all.find((e) => e.kind === 'book_top');
    expect(top?.kind === 'book_top' && typeof top.bids[0][0]).toBe('string');
    const trade = all.find((e) => e.kind === 'trade' && e.market === BTC);
    expect(trade).toMatchObject({
      kind: 'trade',
      exchange: 'binance-usdm',
      symbol: 'BTCUSDT',
      id: expect.any(String),
      price: expect.stringMatching(/^\d+\.\d$/),
    });
  });

  it('shows the gap where it happened: nothing from the lost connection inside it, the gap event at recovery', () => {
    const gapAt = all.findIndex((e) => e.kind === 'gap');
    expect(all[gapAt]).toMatchObject({
      kind: 'gap',
      exchange: 'binance-usdm',
      symbol: '',
      market: '',
      cause: 'disconnect',
      start_ts: GAP_END - 30_000,
      end_ts: GAP_END,
    });
    const inside = all.filter(
      (e) => e.exchange === 'binance-usdm' && e.kind !== 'gap' && e.ts >= GAP_END - 30_000 && e.ts < GAP_END,
    );
    expect(inside).toEqual([]);
    expect(all.slice(gapAt + 1).find((e) => e.exchange === 'binance-usdm')!.local_ts).toBeGreaterThanOrEqual(GAP_END);
  });

  it('filters by receipt time, [from, to)', () => {
    const from = Date.UTC(2025, 5, 13, 8, 0);
    const to = Date.UTC(2025, 5, 13, 8, 1);
    const got = [...readEvents(db, { from, to })];
    expect(got).toEqual(all.filter((e) => e.local_ts >= from && e.local_ts < to));
    expect(got.length).toBeGreaterThan(100);
    expect(summarizeEvents(db, { from, to }).count).toBe(got.length);
  });

  it('filters by market and keeps connection-wide gaps, which concern every market of the connection', () => {
    const btc = [...readEvents(db, { markets: [BTC] })];
    expect(new Set(btc.map((e) => e.market))).toEqual(new Set([BTC, '']));
    expect(btc.filter((e) => e.kind === 'gap')).toHaveLength(1);
    expect(btc).toEqual(all.filter((e) => e.market === BTC || e.kind === 'gap'));
    expect([...readEvents(db, { markets: [ETH] })].every((e) => e.market === ETH || e.kind === 'gap')).toBe(true);
  });

  it('filters by kind', () => {
    const got = [...readEvents(db, { kinds: ['derivative_ticker', 'gap'] })];
    expect(got).toEqual(all.filter((e) => e.kind === 'derivative_ticker' || e.kind === 'gap'));
  });

  it('refuses a bad filter with E_REPLAY_FILTER naming the field', () => {
    expect(() => readEvents(db, { from: 10, to: 5 })).toThrow(
      expect.objectContaining({ code: 'E_REPLAY_FILTER', message: expect.stringContaining('filter.from') }),
    );
    expect(() => readEvents(db, { kinds: ['candle' as never] })).toThrow(/unknown kind\(s\) candle/);
    expect(() => readEvents(db, { from: 1.5 })).toThrow(/filter.from must be epoch milliseconds/);
  });

  it('streams: abandoning a read part-way leaves the database usable for the next one', () => {
    let n = 0;
    for (const _ of readEvents(db)) if (++n === 10) break;
    expect([...readEvents(db, { kinds: ['gap'] })]).toHaveLength(1);
  });

  it('matches the golden digest of the fixture stream', () => {
    const jsonl = all.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const byKind: Record<string, number> = {};
    for (const e of all) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    const digest = {
      events: all.length,
      by_kind: byKind,
      sha256: createHash('sha256').update(jsonl).digest('hex'),
      first: all.slice(0, 3),
      gaps: all.filter((e) => e.kind === 'gap'),
      last: all[all.length - 1],
    };
    expectGolden('replay-digest.json', JSON.stringify(digest, null, 2) + '\n');
  });
});

describe('make-fixture-db', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-fixture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('regenerates the committed fixture: the same events, so the golden files stay honest', () => {
    const fresh = openNodeDb(join(dir, 'session.sqlite'));
    expect(writeFixture(fresh)).toBe(all.length);
    expect([...readEvents(fresh)]).toEqual(all);
    fresh.close();
  });

  it('reads a v1 file (text columns) as the same events as the v2 fixture', () => {
    const v1 = openNodeDb(join(dir, 'session-v1.sqlite'));
    expect(writeFixture(v1, 'v1')).toBe(all.length);
    expect([...readEvents(v1)]).toEqual(all);
    expect(summarizeEvents(v1)).toEqual(summarizeEvents(db));
    for (const filter of [{ markets: ['ETH/USDT:USDT'] }, { from: all[40].local_ts, to: all[90].local_ts }])
      expect([...readEvents(v1, filter)]).toEqual([...readEvents(db, filter)]);
    v1.close();
  });
});
