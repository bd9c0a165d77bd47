/** Sequence numbers, gaps, duplicates and the local book, with hand-made frames and the 2022 capture. */
import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../../core/events.ts';
import { needsShared, sharedLines } from '../../../test/helpers/shared-data.ts';
import type { FrameResult } from '../types.ts';
import { IncrementalBook, type RawLevel } from './book.ts';
import { CRC32_START, crc32Feed, crc32Final } from './crc32.ts';
import { feed, fixtureLines, newParser, T0 } from './testing.ts';

type Levels = [string, string, string, string][];

function books5(seqId: number, prevSeqId: number | undefined, ts: number, bestBid = '100') {
  const bids: Levels = [
    [bestBid, '10', '0', '1'],
    ['99', '20', '0', '2'],
  ];
  const asks: Levels = [
    ['101', '5', '0', '1'],
    ['102', '7', '0', '1'],
  ];
  return {
    arg: { channel: 'books5', instId: 'BTC-USDT-SWAP' },
    data: [{ asks, bids, instId: 'BTC-USDT-SWAP', ts: String(ts), seqId, prevSeqId }],
  };
}

describe('books5 sequence (whole 5-level snapshots)', () => {
  it('reports a jump in prevSeqId as a gap before the frame that revealed it', () => {
    const p = newParser();
    expect(feed(p, books5(10, 9, 1000), T0).events.map((e) => e.kind)).toEqual(['book_top']);
    expect(feed(p, books5(11, 10, 1100), T0 + 100).events.map((e) => e.kind)).toEqual(['book_top']);
    const jump = feed(p, books5(15, 12, 1200, '100.5'), T0 + 200);
    expect(jump.result).toEqual({ type: 'data', events: 2 });
    expect(jump.events[0]).toEqual({
      kind: 'gap',
      exchange: 'okx-swap',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC/USDT:USDT',
      ts: T0 + 200,
      local_ts: T0 + 200,
      stream: 'books5',
      start_ts: T0 + 100,
      end_ts: T0 + 200,
      seq_before: '11',
      seq_after: '15',
      cause: 'sequence',
    });
    // a books5 push is complete in itself: the frame after the loss is still recorded
    expect(jump.events[1]).toMatchObject({
      kind: 'book_top',
      bids: [
        ['100.5', '0.1'],
        ['99', '0.2'],
      ],
      asks: [
        ['101', '0.05'],
        ['102', '0.07'],
      ],
    });
  });

  it('drops a duplicated or older push without calling it a gap', () => {
    const p = newParser();
    feed(p, books5(10, 9, 1000), T0);
    feed(p, books5(11, 10, 1100), T0 + 100);
    expect(feed(p, books5(11, 10, 1100), T0 + 200)).toEqual({ result: { type: 'ignored' }, events: [] });
    expect(feed(p, books5(10, 9, 1000), T0 + 300)).toEqual({ result: { type: 'ignored' }, events: [] });
    expect(feed(p, books5(12, 11, 1200), T0 + 400).events.map((e) => e.kind)).toEqual(['book_top']);
  });

  it('follows a sequence reset (seqId below prevSeqId, newer time) without a gap', () => {
    const p = newParser();
    feed(p, books5(16, 15, 1000), T0);
    expect(feed(p, books5(3, 16, 1100), T0 + 100).events.map((e) => e.kind)).toEqual(['book_top']);
    expect(feed(p, books5(4, 3, 1200), T0 + 200).events.map((e) => e.kind)).toEqual(['book_top']);
  });

  it('without prevSeqId (the documented books5 shape) only drops repeats', () => {
    const p = newParser();
    feed(p, books5(100, undefined, 1000), T0);
    expect(feed(p, books5(180, undefined, 1100), T0 + 100).events.map((e) => e.kind)).toEqual(['book_top']);
    expect(feed(p, books5(180, undefined, 1100), T0 + 200).result).toEqual({ type: 'ignored' });
  });

  it('forgets sequence numbers on reset(), as a new connection starts afresh', () => {
    const p = newParser();
    feed(p, books5(100, undefined, 1000), T0);
    p.reset();
    expect(feed(p, books5(100, undefined, 1000), T0 + 100).events.map((e) => e.kind)).toEqual(['book_top']);
  });
});

function books(
  action: 'snapshot' | 'update',
  seqId: number,
  prevSeqId: number,
  ts: number,
  bids: [string, string][],
  asks: [string, string][],
  checksum?: number,
) {
  const lv = (l: [string, string][]) => l.map(([px, sz]) => [px, sz, '0', '1']);
  return {
    arg: { channel: 'books', instId: 'BTC-USDT-SWAP' },
    action,
    data: [{ asks: lv(asks), bids: lv(bids), ts: String(ts), checksum, seqId, prevSeqId }],
  };
}

const SIX_BIDS: [string, string][] = [
  ['100', '1'],
  ['99', '2'],
  ['98', '3'],
  ['97', '4'],
  ['96', '5'],
  ['95', '6'],
];
const ASKS: [string, string][] = [
  ['101', '1'],
  ['102', '3'],
];

describe('books (400 levels, incremental)', () => {
  it('rebuilds the book and emits book_top when the top 5 levels change', () => {
    const p = newParser();
    const snap = feed(p, books('snapshot', 10, -1, 1000, SIX_BIDS, ASKS), T0);
    expect(snap.events).toMatchObject([
      {
        kind: 'book_top',
        bids: [
          ['100', '0.01'],
          ['99', '0.02'],
          ['98', '0.03'],
          ['97', '0.04'],
          ['96', '0.05'],
        ],
        asks: [
          ['101', '0.01'],
          ['102', '0.03'],
        ],
      },
    ]);
    // a new best bid and a deleted ask
    const u1 = feed(p, books('update', 12, 10, 1100, [['100.5', '4']], [['101', '0']]), T0 + 100);
    expect(u1.events).toMatchObject([
      {
        bids: [
          ['100.5', '0.04'],
          ['100', '0.01'],
          ['99', '0.02'],
          ['98', '0.03'],
          ['97', '0.04'],
        ],
        asks: [['102', '0.03']],
      },
    ]);
    // a change below the top 5 is applied but not emitted
    expect(feed(p, books('update', 13, 12, 1200, [['95', '9']], []), T0 + 200)).toEqual({
      result: { type: 'data', events: 0 },
      events: [],
    });
    // OKX's keep-alive: no change, prevSeqId = seqId
    expect(feed(p, books('update', 13, 13, 1300, [], []), T0 + 300)).toEqual({
      result: { type: 'data', events: 0 },
      events: [],
    });
  });

  it('drops an update it already applied', () => {
    const p = newParser();
    feed(p, books('snapshot', 10, -1, 1000, SIX_BIDS, ASKS), T0);
    feed(p, books('update', 12, 10, 1100, [['100.5', '4']], []), T0 + 100);
    expect(feed(p, books('update', 12, 10, 1100, [['100.5', '4']], []), T0 + 200)).toEqual({
      result: { type: 'ignored' },
      events: [],
    });
  });

  it('on a sequence gap emits the gap, stops book_top, and resumes at the next snapshot', () => {
    const p = newParser();
    feed(p, books('snapshot', 10, -1, 1000, SIX_BIDS, ASKS), T0);
    feed(p, books('update', 12, 10, 1100, [['100.5', '4']], []), T0 + 100);
    const jump = feed(p, books('update', 16, 14, 1300, [['100.7', '1']], []), T0 + 300);
    expect(jump.events).toEqual([
      expect.objectContaining({
        kind: 'gap',
        stream: 'books',
        seq_before: '12',
        seq_after: '16',
        start_ts: T0 + 100,
        end_ts: T0 + 300,
        cause: 'sequence',
      }),
    ]);
    // the book cannot be rebuilt from updates alone
    expect(feed(p, books('update', 17, 16, 1400, [['100.8', '1']], []), T0 + 400)).toEqual({
      result: { type: 'ignored' },
      events: [],
    });
    const again = feed(p, books('snapshot', 30, -1, 1500, SIX_BIDS, ASKS), T0 + 500);
    expect(again.events).toMatchObject([
      {
        kind: 'book_top',
        bids: [
          ['100', '0.01'],
          ['99', '0.02'],
          ['98', '0.03'],
          ['97', '0.04'],
          ['96', '0.05'],
        ],
      },
    ]);
  });

  it('treats a checksum mismatch as lost data: gap (cause error) and no book until a snapshot', () => {
    const p = newParser();
    const bad = feed(p, books('snapshot', 10, -1, 1000, SIX_BIDS, ASKS, 12345), T0);
    expect(bad.events).toEqual([expect.objectContaining({ kind: 'gap', stream: 'books', cause: 'error' })]);
    expect(feed(p, books('update', 12, 10, 1100, [['100.5', '4']], []), T0 + 100).result).toEqual({ type: 'ignored' });
  });
});

/**
 * Since 2026-06-23 OKX sends `checksum: 0` on books, books-l2-tbt and books50-l2-tbt and asks
 * clients to check seqId/prevSeqId instead. The frames are hand-written in the documented shape
 * (fixtures/README.md): a snapshot, updates, a keep-alive (prevSeqId = seqId) and a sequence
 * reset (seqId below prevSeqId) on `books`, and a snapshot plus updates on each tick-by-tick channel.
 */
describe('books channels after the checksum deprecation (checksum 0)', () => {
  const FRAMES = 'hand-written/okx-swap.books-checksum-0.jsonl';

  function run(lines: string[]) {
    const p = newParser();
    const events: MarketEvent[] = [];
    const results: FrameResult[] = [];
    lines.forEach((line, i) => results.push(p.parseFrame(line, T0 + i * 100, (e) => events.push(e))));
    return { events, results };
  }

  it('reads 0 as "no checksum": every book is rebuilt, no error gap', () => {
    const { events, results } = run(fixtureLines(FRAMES));
    expect(events.filter((e) => e.kind === 'gap')).toEqual([]);
    // Lines 3 (keep-alive) and 4 (sequence reset changing the 7th bid) leave the top 5 as it was.
    expect(results.map((r) => (r.type === 'data' ? r.events : r.type))).toEqual([1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    const tops = events.filter((e) => e.kind === 'book_top');
    // BTC-USDT-SWAP (ctVal 0.01) after its last update: new best bid 65000.05, best ask 65000.1 deleted, 65000.5 resized to 9.
    expect(tops[2]).toMatchObject({
      symbol: 'BTC-USDT-SWAP',
      bids: [
        ['65000.05', '0.03'],
        ['65000', '0.08'],
        ['64999.5', '0.2'],
        ['64999', '0.01'],
        ['64998.2', '0.06'],
      ],
      asks: [
        ['65000.5', '0.09'],
        ['65001', '0.3'],
      ],
    });
    // books-l2-tbt (ETH, ctVal 0.1): best bid deleted, then a new best ask inside the spread.
    expect(tops[5]).toMatchObject({
      symbol: 'ETH-USDT-SWAP',
      bids: [['3399.99', '1']],
      asks: [
        ['3400.01', '5'],
        ['3400.015', '0.2'],
        ['3400.02', '0.7'],
      ],
    });
    // books50-l2-tbt (SOL, ctVal 1): the bid resized.
    expect(tops[7]).toMatchObject({ symbol: 'SOL-USDT-SWAP', bids: [['150', '90']], asks: [['150.01', '300']] });
  });

  it('still reports a broken prevSeqId chain as a sequence gap', () => {
    const lines = fixtureLines(FRAMES);
    lines[4] = lines[4].replace('"prevSeqId":7,', '"prevSeqId":8,');
    const { events } = run(lines.slice(0, 5));
    expect(events.filter((e) => e.kind === 'gap')).toEqual([
      expect.objectContaining({
        stream: 'books',
        symbol: 'BTC-USDT-SWAP',
        cause: 'sequence',
        seq_before: '7',
        seq_after: '9',
      }),
    ]);
  });
});

describe.skipIf(needsShared('the OKX checksum test on the recorded 2022 books session'))(
  'IncrementalBook checksum against every real books message of the capture',
  () => {
    it("matches OKX's checksum after each of the 290 snapshot/update messages (3 instruments)", () => {
      const booksByInst = new Map<string, IncrementalBook>();
      let checked = 0;
      for (const line of sharedLines('captures/okx.2022-05-13.jsonl')) {
        const l = JSON.parse(line) as { t: string; data?: string };
        if (l.t !== 'recv') continue;
        const msg = JSON.parse(l.data as string) as {
          arg?: { channel: string; instId: string };
          action?: string;
          data?: { bids: string[][]; asks: string[][]; checksum: number }[];
        };
        if (msg.arg?.channel !== 'books' || !msg.data) continue;
        if (msg.action === 'snapshot') booksByInst.set(msg.arg.instId, new IncrementalBook());
        const book = booksByInst.get(msg.arg.instId) as IncrementalBook;
        const d = msg.data[0];
        const raw = (levels: string[][]): RawLevel[] => levels.map((l) => [l[0], l[1]]);
        book.apply(raw(d.bids), raw(d.asks));
        expect(book.checksum()).toBe(d.checksum);
        checked++;
      }
      // books frames in the capture: BTC-USD-220527 1 + 98, BTC-USDT 1 + 97, UNI-USD-SWAP 1 + 92
      expect(checked).toBe(290);
    });
  },
);

describe('crc32', () => {
  it('computes the standard CRC-32 check value', () => {
    // CRC-32/ISO-HDLC of "123456789" is 0xCBF43926, i.e. -873187034 as a signed 32-bit integer
    expect(crc32Final(crc32Feed(CRC32_START, '123456789'))).toBe(-873187034);
  });
});
