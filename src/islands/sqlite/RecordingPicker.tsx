/**
 * Choose a recording: a session this site publishes (streamed segment by segment), a local
 * recording file, or a local folder of segments (a recordings folder with its catalog.json, or
 * segment files picked together). Shows progress and errors.
 */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import { fmtDuration, fmtTime } from '../../lib/format.ts';
import { usePublishedSessions } from './published-sessions.ts';
import type { RecordingSource } from './protocol.ts';
import type { LoadState } from './use-recording.ts';

interface Props {
  manifestUrl: string;
  /** The published session open now, if any. */
  session: string | null;
  load: LoadState;
  onOpen(source: RecordingSource): void;
}

const PHASES: Record<string, string> = {
  download: 'Downloading',
  read: 'Reading file',
  wasm: 'Starting SQLite',
  open: 'Checking recording',
};

const FILE_TYPES = '.sqlite,.db,.sqlite3,.gz,.json,application/vnd.sqlite3,application/x-sqlite3';
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** One file is a recording; several (or a segment) are a folder's worth. */
function fromFiles(list: FileList | null): RecordingSource | null {
  const files = [...(list ?? [])];
  if (!files.length) return null;
  if (files.length === 1 && !files[0].name.endsWith('.gz')) return { kind: 'file', file: files[0] };
  return { kind: 'files', files };
}

export function RecordingPicker({ manifestUrl, session, load, onOpen }: Props) {
  const published = usePublishedSessions(manifestUrl);
  const pick = (list: FileList | null) => {
    const source = fromFiles(list);
    if (source) onOpen(source);
  };
  return (
    <Card className="space-y-3 p-4" data-testid="recording-picker">
      {published.state === 'ready' && published.sessions.length > 0 && (
        <ul className="space-y-1 text-sm" aria-label="Published sessions">
          {published.sessions.map((s) => (
            <li key={s.name} className="flex flex-wrap items-center gap-2">
              <button
                type="button"
                data-testid="open-session"
                data-session={s.name}
                aria-pressed={session === s.name}
                className="rounded-tremor-default bg-tremor-brand px-3 py-1 font-medium text-white hover:bg-tremor-brand-emphasis"
                onClick={() => onOpen({ kind: 'published', manifestUrl, session: s.name })}
              >
                Open {s.name}
              </button>
              <span className="tabular-nums">
                {fmtTime(s.from)} · {fmtDuration(s.to - s.from)} · {s.events.toLocaleString('en-US')} events ·{' '}
                {s.markets.length} markets · {mb(s.bytes)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {published.state === 'ready' && published.sessions.length === 0 && (
        <p className="text-sm">No recordings are published with this site; open your own below.</p>
      )}
      {published.state === 'error' && <p className="text-sm">{published.message}</p>}
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label className="flex items-center gap-2">
          <span>A local recording or segments:</span>
          <input
            type="file"
            multiple
            accept={FILE_TYPES}
            data-testid="open-file"
            onChange={(e) => pick(e.target.files)}
          />
        </label>
        <label className="flex items-center gap-2">
          <span>or a recordings folder:</span>
          <input
            type="file"
            data-testid="open-folder"
            // A directory picker: every browser this site supports honours the webkit-prefixed attribute.
            {...{ webkitdirectory: '' }}
            onChange={(e) => pick(e.target.files)}
          />
        </label>
      </div>
      {load.state === 'loading' && (
        <div data-testid="load-progress">
          <p className="text-sm">
            {PHASES[load.phase] ?? load.phase}…{' '}
            {load.total
              ? `${Math.round((100 * load.loaded) / load.total)}%`
              : load.loaded
                ? `${(load.loaded / 1048576).toFixed(1)} MB`
                : ''}
          </p>
          <progress className="w-full" max={load.total ?? undefined} value={load.total ? load.loaded : undefined} />
        </div>
      )}
      {load.state === 'error' && (
        <p
          role="alert"
          data-testid="load-error"
          data-code={load.code}
          className="rounded bg-red-50 p-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {load.message}
        </p>
      )}
      {load.state === 'ready' && (
        <p className="text-sm" data-testid="load-ready">
          <strong>{load.summary.name}</strong>: {load.summary.events.toLocaleString('en-US')} events,{' '}
          {load.summary.markets.length} markets, {mb(load.summary.bytes)}
          {load.summary.segments > 1 ? ` in ${load.summary.segments} segments, streamed as they play` : ''}
        </p>
      )}
    </Card>
  );
}
