/**
 * The relay this page talks to: `?relay=ws://host:port/` in the page URL, else the build's
 * PUBLIC_RELAY_URL (default ws://127.0.0.1:8787/). `?relay=off` (or an empty build setting)
 * means static only. The HTTP API (/health, /api/*) lives on the same host and port.
 */
export interface RelayEndpoints {
  ws: string;
  http: string;
}

export function relayEndpoints(search: string = location.search): RelayEndpoints | null {
  const given = new URLSearchParams(search).get('relay');
  const text = given ?? (import.meta.env.PUBLIC_RELAY_URL as string | undefined) ?? '';
  if (text === '' || text === 'off') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  const http = new URL(url.href);
  http.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  http.pathname = '/';
  return { ws: url.href, http: http.href };
}
