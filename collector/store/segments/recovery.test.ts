import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TradeEvent } from '../../../core/events.ts';
import { silentLogger } from '../../../core/log.ts';
import { readCatalog } from '../../../replay/adapters/catalog-file.ts';
import { testSegmentStore } from '../../../test/helpers/segment-store.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { openStore } from '../open.ts';
import { EventWriter } from '../writer.ts';
import { hotStateWriter, readHotState } from './hot-state.ts';
import { packSegment } from './publish.ts';

const root = tempDir('fb-recovery-');
/** On a whole minute, so segment names carry no seconds. */
const T0 = 1_700_000_040_000;
const FIRST = { from: T0, to: T0 + 1000, seqFrom: 1, seqTo: 3 };
const NAME = 'seg-20231114T2214Z.sqlite.gz';

function trade(i: number, localTs: number): TradeEvent {
  return {
    kind: 'trade',
    exchange: 'binance-usdm',
    symbol: 'ETHUSDT',
    market: 'ETH/USDT:USDT',
    ts: localTs - 2,
    local_ts: localTs,
    id: `e${i}`,
    price: '3120.55',
    qty: '1.5',
    side: 'buy',
  };
}

/** Starts the store on `dir` with the clock at `now`, waits for `closes` closes, stops; returns the log lines. */
async function session(dir: string, now: number, closes: number) {
  const { db, log, store, writer } = testSegmentStore(dir, now);
  const closed = Array.from({ length: closes }, () => log.next('segment closed'));
  store.start(writer);
  await Promise.all(closed);
  writer.close();
  await store.stop();
  db.close();
  return log.lines.map((l) => `${l.level} ${l.msg}${l.obj.segment ? ` ${String(l.obj.segment)}` : ''}`);
}

/** Puts the hot database back in the state a kill -9 between the catalog update and the last step leaves. */
function unfinish(dir: string): void {
  const db = openStore(join(dir, 'hot.db'));
  const state = readHotState(db);
  db.transaction(() => hotStateWriter(db)({ ...state, closing: [FIRST], seqFloor: 0 }))();
  db.close();
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('segment store recovery', () => {
  it('removes unfinished and uncatalogued files, then closes a queued range again', async () => {
    const dir = join(root, 'redo');
    // A hot database whose period [T0, T0 + 1 s) holds three events, as a collector killed in
    // that period leaves it, and the files a kill during a close leaves.
    const hotPath = join(dir, 'hot.db');
    const db = openStore(hotPath);
    const writer = new EventWriter(db, { flushMs: 60_000, flushRows: 60_000, logger: silentLogger });
    db.transaction(() => hotStateWriter(db)({ periodFrom: T0, periodTo: T0 + 1000, closing: [], seqFloor: 0 }))();
    for (const [i, ts] of [T0 + 1, T0 + 2, T0 + 3].entries()) writer.push(trade(i, ts), 's');
    writer.close();
    db.close();
    writeFileSync(join(dir, `${NAME}.tmp`), 'half a gzip stream');
    writeFileSync(join(dir, 'seg-20231114T2214Z.sqlite.tmp'), 'half a segment');
    writeFileSync(join(dir, NAME), 'renamed but never catalogued');

    // The period ended while nothing ran: the start queues it, and closes it.
    const lines = await session(dir, T0 + 1500, 1);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn removed an unfinished or uncatalogued segment file',
      'warn removed an unfinished or uncatalogued segment file',
      'warn removed an unfinished or uncatalogued segment file',
    ]);
    expect(lines).toContain(`info closing segment ${NAME.replace('.sqlite.gz', '')}`);
    const [entry] = readCatalog(dir).segments.filter((s) => !s.open);
    expect(entry).toMatchObject({ file: NAME, from: T0, to: T0 + 1000, seq_from: 1, seq_to: 3, events: 3 });
    expect(sha(join(dir, NAME))).toBe(entry.sha256);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('only finishes a range the catalog already lists intact, and redoes one whose file was damaged', async () => {
    const dir = join(root, 'redo'); // continues the folder of the test above
    const before = sha(join(dir, NAME));

    unfinish(dir);
    const finished = await session(dir, T0 + 1500, 1);
    expect(finished.filter((l) => l.startsWith('info closing segment'))).toEqual([]);
    expect(sha(join(dir, NAME))).toBe(before);
    const db = openStore(join(dir, 'hot.db'));
    expect(readHotState(db)).toMatchObject({ closing: [], seqFloor: 3 });
    db.close();

    unfinish(dir);
    appendFileSync(join(dir, NAME), 'damage');
    const redone = await session(dir, T0 + 1500, 1);
    expect(redone).toContain(`info closing segment ${NAME.replace('.sqlite.gz', '')}`);
    const [entry] = readCatalog(dir).segments.filter((s) => !s.open);
    expect(sha(join(dir, NAME))).toBe(entry.sha256);
    expect(entry).toMatchObject({ seq_from: 1, seq_to: 3 });
  });

  it('refuses a plain segment that fails its integrity check and names no file after it', async () => {
    const dir = join(root, 'damaged');
    openStore(join(dir, 'hot.db')).close(); // creates the folder
    const plain = join(dir, 'seg-x.sqlite.tmp');
    writeFileSync(plain, Buffer.alloc(4096, 7));
    const summary = { events: 1, kinds: { trade: 1 }, markets: [], seqFrom: 1, seqTo: 1 };
    await expect(packSegment(dir, plain, 'seg-x', summary, { from: 0, to: 1000 })).rejects.toMatchObject({
      code: 'E_SEGMENT_CLOSE',
    });
    expect(existsSync(join(dir, 'seg-x.sqlite.gz'))).toBe(false);
    expect(existsSync(join(dir, 'seg-x.sqlite.gz.tmp'))).toBe(false);
  });
});
