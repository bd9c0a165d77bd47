/**
 * The page side of the sql.js worker: starts it on first use, opens recordings, and exposes
 * loading progress, the opened recording's summary, and errors as React state. Other messages
 * (replay ticks, backtest progress) go to the caller's handler.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  LOAD_ERROR_CODES,
  type FromWorker,
  type PlayWindow,
  type RecordingSource,
  type RecordingSummary,
  type ToWorker,
} from './protocol.ts';

/** Largest recording a page will open, in MB: build-time PUBLIC_MAX_RECORDING_MB, or `?maxmb=`. */
export function maxRecordingBytes(search: string = location.search): number {
  const fromUrl = Number(new URLSearchParams(search).get('maxmb'));
  const fromBuild = Number(import.meta.env.PUBLIC_MAX_RECORDING_MB);
  const mb = fromUrl > 0 ? fromUrl : fromBuild > 0 ? fromBuild : 256;
  return Math.round(mb * 1048576);
}

export type LoadState =
  | { state: 'idle' }
  | { state: 'loading'; phase: string; loaded: number; total: number | null }
  | { state: 'ready'; summary: RecordingSummary }
  | { state: 'error'; code: string; message: string };

export function useRecording(onMessage: (m: FromWorker) => void) {
  const worker = useRef<Worker | null>(null);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const [load, setLoad] = useState<LoadState>({ state: 'idle' });

  const send = useCallback((m: ToWorker) => {
    if (!worker.current) {
      const w = new Worker(new URL('./sqlite.worker.ts', import.meta.url), {
        type: 'module',
        name: 'futuresboard-sqlite',
      });
      w.onmessage = (ev: MessageEvent<FromWorker>) => {
        const msg = ev.data;
        if (msg.type === 'progress')
          setLoad({ state: 'loading', phase: msg.phase, loaded: msg.loaded, total: msg.total });
        else if (msg.type === 'opened') setLoad({ state: 'ready', summary: msg.summary });
        else if (msg.type === 'error' && (LOAD_ERROR_CODES as readonly string[]).includes(msg.code))
          setLoad({ state: 'error', code: msg.code, message: msg.message });
        handler.current(msg);
      };
      w.onerror = (ev) =>
        setLoad({
          state: 'error',
          code: 'E_WORKER',
          message: `the recording worker failed: ${ev.message || 'unknown error'}`,
        });
      worker.current = w;
    }
    worker.current.postMessage(m);
  }, []);

  const open = useCallback(
    (source: RecordingSource, window?: PlayWindow) => {
      const maxBytes = maxRecordingBytes();
      // Refuse an oversized local file before copying it into the worker.
      if (source.kind === 'file' && source.file.size > maxBytes) {
        setLoad({
          state: 'error',
          code: 'E_TOO_LARGE',
          message: `${source.file.name} is ${(source.file.size / 1048576).toFixed(1)} MB, above the ${(maxBytes / 1048576).toFixed(0)} MB limit; open a shorter recording or raise the limit with ?maxmb=`,
        });
        return;
      }
      setLoad({ state: 'loading', phase: source.kind === 'file' ? 'read' : 'download', loaded: 0, total: null });
      send({ type: 'open', source, maxBytes, window });
    },
    [send],
  );

  const restart = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
  }, []);

  useEffect(() => () => worker.current?.terminate(), []);
  return { load, open, send, restart };
}
