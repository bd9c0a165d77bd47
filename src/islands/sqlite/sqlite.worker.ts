/**
 * The module Web Worker that holds a recording: sql.js (its wasm imported with `?url`, because
 * the stock worker build fetches a path Vite never emits), one open database, and either a
 * replay session or a backtest run over the same core code the CLI uses.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsDb } from '../../../replay/adapters/sqljs.ts';
import { backtestEvents } from '../../../replay/backtest/engine.ts';
import { equityCsv, tradesCsv } from '../../../replay/backtest/report/csv.ts';
import { getStrategy } from '../../../replay/backtest/strategies/index.ts';
import { readEvents, summarizeEvents } from '../../../replay/player/read-events.ts';
import { recordedMetricsConfig } from '../../../replay/player/recorded-metrics-config.ts';
import { openRecording } from './open-recording.ts';
import { LOAD_ERROR_CODES, type FromWorker, type ToWorker } from './protocol.ts';
import { readRecording } from './read-bytes.ts';
import { startReplay, type ReplaySession } from './replay-session.ts';
import { hasErrorCode } from '../../../core/errors.ts';

const post = (m: FromWorker) => self.postMessage(m);

let sqlJs: Promise<SqlJsStatic> | null = null;
let db: SqlJsDb | null = null;
let replay: ReplaySession | null = null;

function fail(err: unknown, fallback: 'E_REPLAY' | 'E_BACKTEST' | 'E_NOT_SQLITE'): void {
  if (hasErrorCode(err, ...LOAD_ERROR_CODES)) post({ type: 'error', code: err.code, message: err.message });
  else post({ type: 'error', code: fallback, message: (err as Error)?.message ?? String(err) });
}

async function open(msg: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  replay?.player.stop();
  replay = null;
  db?.close();
  db = null;
  const name = msg.source.kind === 'file' ? msg.source.file.name : msg.source.name;
  try {
    const bytes = await readRecording(msg.source, msg.maxBytes, (loaded, total) =>
      post({ type: 'progress', phase: msg.source.kind === 'file' ? 'read' : 'download', loaded, total }),
    );
    post({ type: 'progress', phase: 'wasm', loaded: 0, total: null });
    sqlJs ??= initSqlJs({ locateFile: () => wasmUrl });
    const SQL = await sqlJs;
    post({ type: 'progress', phase: 'open', loaded: 0, total: null });
    const opened = openRecording(SQL, bytes, name);
    db = opened.db;
    post({ type: 'opened', summary: opened.summary });
  } catch (err) {
    fail(err, 'E_NOT_SQLITE');
  }
}

function backtest(msg: Extract<ToWorker, { type: 'backtest' }>): void {
  if (!db) return post({ type: 'error', code: 'E_BACKTEST', message: 'open a recording first' });
  try {
    const strategy = getStrategy(msg.strategy);
    const total = summarizeEvents(db).count;
    let first: number | null = null;
    for (const e of readEvents(db)) {
      first = e.seq;
      break;
    }
    const report = backtestEvents(readEvents(db), {
      strategy,
      params: msg.params,
      metricsConfig: recordedMetricsConfig(db, first),
      every: Math.max(1000, Math.floor(total / 100)),
      onProgress: (done) => post({ type: 'bt-progress', done, total }),
    });
    post({ type: 'bt-done', report, tradesCsv: tradesCsv(report), equityCsv: equityCsv(report) });
  } catch (err) {
    fail(err, 'E_BACKTEST');
  }
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'open':
      void open(msg);
      return;
    case 'backtest':
      return backtest(msg);
    case 'play': {
      if (!db) return post({ type: 'error', code: 'E_REPLAY', message: 'open a recording first' });
      replay?.player.stop();
      try {
        replay = startReplay(db, msg.speed, post);
        if (msg.from !== null) replay.player.seek(msg.from);
        replay.done.catch((err: unknown) => fail(err, 'E_REPLAY'));
      } catch (err) {
        fail(err, 'E_REPLAY');
      }
      return;
    }
    case 'pause':
      replay?.player.pause();
      replay?.flush();
      return;
    case 'resume':
      replay?.player.resume();
      return;
    case 'seek':
      replay?.player.seek(msg.ts);
      return;
    case 'speed':
      replay?.player.setSpeed(msg.speed);
      return;
  }
};
