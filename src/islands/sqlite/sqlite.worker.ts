/**
 * The module Web Worker that holds a recording: sql.js (its wasm imported with `?url`, because
 * the stock worker build fetches a path Vite never emits), one opened recording (a file held
 * whole, or a streamed one whose segments are fetched as play reaches them), and either a replay
 * session or a backtest run over the same core code the CLI uses.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { hasErrorCode } from '../../../core/errors.ts';
import { createBacktest, type Backtest } from '../../../replay/backtest/engine.ts';
import { equityCsv, tradesCsv } from '../../../replay/backtest/report/csv.ts';
import { getStrategy } from '../../../replay/backtest/strategies/index.ts';
import { defaultMetricsConfig, type MetricsConfig } from '../../../core/metrics/config.ts';
import { forEachStreamed, seekWarmupMs } from '../../../replay/player/stream.ts';
import { openRecording } from './open-recording.ts';
import { PricePoints } from './price-points.ts';
import { LOAD_ERROR_CODES, type FromWorker, type ToWorker } from './protocol.ts';
import { readRecording } from './read-bytes.ts';
import { fileHandle, type RecordingHandle } from './recording-handle.ts';
import { startReplay, type ReplaySession } from './replay-session.ts';
import { openFolder, openPublished, type StreamContext } from './streamed-recording.ts';

const post = (m: FromWorker) => self.postMessage(m);
/** Price points across a whole backtest's chart, at most about this many per instrument. */
const BACKTEST_POINTS = 3000;

let sqlJs: Promise<SqlJsStatic> | null = null;
let rec: RecordingHandle | null = null;
let replay: ReplaySession | null = null;
/** The settings the last replay ran with: a seek in a streamed recording warms up by their window (default before the first). */
let replayConfig: MetricsConfig = defaultMetricsConfig;

function fail(err: unknown, fallback: 'E_REPLAY' | 'E_BACKTEST' | 'E_NOT_SQLITE'): void {
  if (hasErrorCode(err, ...LOAD_ERROR_CODES)) post({ type: 'error', code: err.code, message: err.message });
  else post({ type: 'error', code: fallback, message: (err as Error)?.message ?? String(err) });
}

async function sqlite(): Promise<SqlJsStatic> {
  post({ type: 'progress', phase: 'wasm', loaded: 0, total: null });
  sqlJs ??= initSqlJs({ locateFile: () => wasmUrl });
  return sqlJs;
}

async function openSource(msg: Extract<ToWorker, { type: 'open' }>): Promise<RecordingHandle> {
  const { source, maxBytes } = msg;
  const window = msg.window ?? {};
  if (source.kind === 'url' || source.kind === 'file') {
    const name = source.kind === 'file' ? source.file.name : source.name;
    const bytes = await readRecording(source, maxBytes, (loaded, total) =>
      post({ type: 'progress', phase: source.kind === 'file' ? 'read' : 'download', loaded, total }),
    );
    const SQL = await sqlite();
    post({ type: 'progress', phase: 'open', loaded: 0, total: null });
    const opened = openRecording(SQL, bytes, name);
    return fileHandle(opened.db, opened.summary, window);
  }
  const ctx: StreamContext = { SQL: await sqlite(), maxBytes, window };
  post({ type: 'progress', phase: 'open', loaded: 0, total: null });
  return source.kind === 'published'
    ? openPublished(ctx, source.manifestUrl, source.session)
    : openFolder(ctx, source.files);
}

function stopReplay(): void {
  replay?.player.stop();
  replay = null;
}

async function open(msg: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  stopReplay();
  rec?.close();
  rec = null;
  replayConfig = defaultMetricsConfig;
  try {
    rec = await openSource(msg);
    post({ type: 'opened', summary: rec.summary });
  } catch (err) {
    fail(err, 'E_NOT_SQLITE');
  }
}

function play(speed: Extract<ToWorker, { type: 'play' }>['speed'], startAt: number | null): void {
  if (!rec) return post({ type: 'error', code: 'E_REPLAY', message: 'open a recording first' });
  stopReplay();
  try {
    const opened = rec;
    const session = startReplay(
      opened,
      { speed, startAt, warmupMs: seekWarmupMs(replayConfig), onConfig: (c) => (replayConfig = c) },
      post,
    );
    replay = session;
    session.done.catch((err: unknown) => {
      if (replay === session) fail(err, 'E_REPLAY');
    });
  } catch (err) {
    fail(err, 'E_REPLAY');
  }
}

async function backtest(msg: Extract<ToWorker, { type: 'backtest' }>): Promise<void> {
  if (!rec) return post({ type: 'error', code: 'E_BACKTEST', message: 'open a recording first' });
  try {
    const opened = rec;
    const strategy = getStrategy(msg.strategy);
    const total = opened.summary.events;
    const every = Math.max(1000, Math.floor(total / 100));
    const { firstTs, lastTs } = opened.summary;
    const span = firstTs !== null && lastTs !== null ? lastTs - firstTs : 0;
    const points = new PricePoints(Math.max(1000, Math.ceil(span / BACKTEST_POINTS / 1000) * 1000));
    // Settings from the first event, as `futuresboard backtest` takes those at its window's start.
    let bt: Backtest | null = null;
    let done = 0;
    await forEachStreamed(opened.events(), (e) => {
      bt ??= createBacktest({ strategy, params: msg.params, metricsConfig: opened.configAt(e) });
      bt.onEvent(e);
      points.add(e);
      if (++done % every === 0) post({ type: 'bt-progress', done, total });
    });
    post({ type: 'bt-progress', done, total });
    const report = (bt ?? createBacktest({ strategy, params: msg.params })).finish();
    post({
      type: 'bt-done',
      report,
      tradesCsv: tradesCsv(report),
      equityCsv: equityCsv(report),
      points: points.take(),
    });
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
      void backtest(msg);
      return;
    case 'play':
      return play(msg.speed, msg.from);
    case 'pause':
      replay?.player.pause();
      replay?.flush();
      return;
    case 'resume':
      replay?.player.resume();
      return;
    case 'seek': {
      // A streamed recording restarts near the target rather than fetching every segment before it.
      if (rec?.streamed && replay) {
        const { speed, paused } = replay.player.status();
        play(speed, msg.ts);
        if (paused) replay?.player.pause();
      } else replay?.player.seek(msg.ts);
      return;
    }
    case 'speed':
      replay?.player.setSpeed(msg.speed);
      return;
  }
};
