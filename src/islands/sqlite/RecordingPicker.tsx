/** Choose a recording: the sample shipped with the site, or a local .sqlite file. Shows progress and errors. */
// Deep import on purpose: the package root would ship all of Tremor (~240 KB gzip) to every island.
import Card from '@tremor/react/dist/components/layout-elements/Card/Card.js';
import type { RecordingSource } from './protocol.ts';
import type { LoadState } from './use-recording.ts';

interface Props {
  sampleUrl: string | null;
  load: LoadState;
  onOpen(source: RecordingSource): void;
}

const PHASES: Record<string, string> = {
  download: 'Downloading',
  read: 'Reading file',
  wasm: 'Starting SQLite',
  open: 'Checking recording',
};

export function RecordingPicker({ sampleUrl, load, onOpen }: Props) {
  return (
    <Card className="space-y-3 p-4" data-testid="recording-picker">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {sampleUrl ? (
          <button
            type="button"
            data-testid="open-sample"
            className="rounded-tremor-default bg-tremor-brand px-3 py-1.5 font-medium text-white hover:bg-tremor-brand-emphasis"
            onClick={() => onOpen({ kind: 'url', url: sampleUrl, name: 'sample.sqlite' })}
          >
            Open the sample recording
          </button>
        ) : (
          <span>No sample recording ships with this build.</span>
        )}
        <label className="flex items-center gap-2">
          <span>or a local file:</span>
          <input
            type="file"
            accept=".sqlite,.db,.sqlite3,application/vnd.sqlite3,application/x-sqlite3"
            data-testid="open-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) onOpen({ kind: 'file', file });
            }}
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
          {load.summary.markets.length} markets, {(load.summary.bytes / 1048576).toFixed(1)} MB
        </p>
      )}
    </Card>
  );
}
