/**
 * Links that respect the configured base path (GitHub Pages serves the site under /<repo>/):
 * Astro does not rewrite hand-written links, so every internal link goes through `withBase`.
 */
const BASE = import.meta.env.BASE_URL ?? '/';

export function withBase(path: string): string {
  const base = BASE.endsWith('/') ? BASE : `${BASE}/`;
  return base + path.replace(/^\/+/, '');
}
