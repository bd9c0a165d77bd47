// Where the site may connect: itself, the configured relay (websocket and its HTTP API), and
// any relay on this machine, so `?relay=ws://127.0.0.1:<port>/` works without a rebuild.
// Plain .mjs: astro.config.mjs imports it before any TypeScript tooling is loaded.

export const DEFAULT_RELAY_URL = 'ws://127.0.0.1:8787/';

/** PUBLIC_RELAY_URL: unset -> the local default; "" or "off" -> no relay (static only). */
export function relayUrlFromEnv(value) {
  if (value === undefined) return DEFAULT_RELAY_URL;
  const v = value.trim();
  if (v === '' || v === 'off') return '';
  let url;
  try {
    url = new URL(v);
  } catch {
    throw new Error(
      `PUBLIC_RELAY_URL: "${value}" is not a URL; use ws://host:port/ or wss://host/ (or "off" for a static-only site)`,
    );
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new Error(`PUBLIC_RELAY_URL: must start with ws:// or wss://, got "${value}"`);
  return url.href;
}

export function connectSources(relayUrl) {
  const sources = ["'self'", 'ws://127.0.0.1:*', 'ws://localhost:*', 'http://127.0.0.1:*', 'http://localhost:*'];
  if (relayUrl) {
    const ws = new URL(relayUrl);
    const http = new URL(relayUrl);
    http.protocol = ws.protocol === 'wss:' ? 'https:' : 'http:';
    sources.push(ws.origin, http.origin);
  }
  return [...new Set(sources)];
}
