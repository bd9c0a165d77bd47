/**
 * URL-addressable page state: filters, tabs, replay position and backtest parameters live in
 * the query string, so a view can be bookmarked and shared. Reads tolerate anything; writes
 * replace the history entry (no back-button spam) and drop defaults to keep URLs short.
 */
export function readParams(search: string = typeof location === 'undefined' ? '' : location.search): URLSearchParams {
  return new URLSearchParams(search);
}

export function writeParams(
  values: Record<string, string | number | null | undefined>,
  defaults: Record<string, string> = {},
): void {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    const text = v === null || v === undefined ? '' : String(v);
    if (text === '' || defaults[k] === text) params.delete(k);
    else params.set(k, text);
  }
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}

export function pickParam<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = params.get(name);
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}
