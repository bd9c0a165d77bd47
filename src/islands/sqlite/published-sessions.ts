/**
 * The sessions this site publishes (recordings/manifest.json beside the pages), for the pickers.
 * A site built without published recordings has no manifest: that is "none", not an error.
 */
import { useEffect, useState } from 'react';
import { parseManifest, type PublishedSession } from '../../../core/published.ts';

export type SessionsState =
  | { state: 'loading' }
  | { state: 'ready'; sessions: PublishedSession[] }
  | { state: 'error'; message: string };

export function usePublishedSessions(manifestUrl: string): SessionsState {
  const [state, setState] = useState<SessionsState>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    (async () => {
      const res = await fetch(manifestUrl, { cache: 'no-cache' });
      if (res.status === 404) return [];
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return parseManifest(await res.text(), manifestUrl).sessions;
    })().then(
      (sessions) => live && setState({ state: 'ready', sessions }),
      (err: unknown) =>
        live && setState({ state: 'error', message: `published recordings unavailable: ${(err as Error).message}` }),
    );
    return () => {
      live = false;
    };
  }, [manifestUrl]);
  return state;
}
