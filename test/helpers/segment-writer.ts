/**
 * A child process for the rollover kill -9 test: the real writer and segment store on a hot
 * database in `dir`, with a short period, fed a synthetic trade stream as fast as timers allow.
 * Every line on stdout is JSON: `{"type":"commit","lastSeq":n}` after each commit (every seq up to
 * n is on disk when the line is written: stdout is a pipe, written synchronously on Linux) and
 * `{"type":"log","msg":...}` for each log line of the store.
 *
 *   node --import tsx test/helpers/segment-writer.ts <dir> <periodMs> write <run>
 *   node --import tsx test/helpers/segment-writer.ts <dir> <periodMs> drain
 *
 * `write` runs until killed. `drain` writes nothing: it recovers, waits until every period has
 * been closed into a catalogued segment, stops cleanly and exits 0.
 */
import { join } from 'node:path';
import type { TradeEvent } from '../../core/events.ts';
import type { Logger } from '../../core/log.ts';
import { openStore } from '../../collector/store/open.ts';
import { SegmentStore } from '../../collector/store/segments/store.ts';
import { EventWriter } from '../../collector/store/writer.ts';

const [dir, periodArg, mode, run = '0'] = process.argv.slice(2);
const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const log =
  (level: string) =>
  (obj: object, msg = '') => {
    const err = (obj as { err?: Error }).err;
    out({ type: 'log', level, msg, ...obj, ...(err ? { err: err.message } : {}) });
  };
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };

const hotPath = join(dir, 'hot.db');
const db = openStore(hotPath);
const store = new SegmentStore({
  db,
  hotPath,
  dir,
  segment: `${periodArg}ms`,
  periodMs: Number(periodArg),
  maxAgeMs: null,
  maxBytes: null,
  codeVersion: 'kill9-test',
  purgeRows: 2000,
  logger,
});
const writer = new EventWriter(db, {
  flushMs: 10,
  flushRows: 500,
  logger,
  periods: store.periods,
  seqFloor: store.seqFloor,
});
writer.onCommit((batch) => out({ type: 'commit', lastSeq: batch[batch.length - 1].seq }));
store.start(writer);

if (mode === 'write') {
  let k = 0;
  setInterval(() => {
    for (let i = 0; i < 10; i++) {
      const now = Date.now();
      const e: TradeEvent = {
        kind: 'trade',
        exchange: 'binance-usdm',
        symbol: 'BTCUSDT',
        market: 'BTC/USDT:USDT',
        ts: now - 2,
        local_ts: now,
        // Unique across runs: a doubled event would show as a repeated id under two seqs.
        id: `${run}-${k++}`,
        price: `${65000 + (k % 997) / 10}`,
        qty: '0.004',
        side: k % 2 ? 'buy' : 'sell',
      };
      writer.push(e, 'market');
    }
  }, 1);
} else {
  const done = setInterval(async () => {
    if (store.status().closing > 0 || store.periods.seqFloor < writer.lastSeq) return;
    clearInterval(done);
    writer.close();
    await store.stop();
    db.close();
    out({ type: 'drained', lastSeq: writer.lastSeq });
  }, 20);
}
