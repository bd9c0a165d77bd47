/**
 * Who may use the relay and the HTTP API: an Origin allowlist (browsers always send Origin;
 * a request without one comes from a non-browser client and is allowed) and an optional bearer
 * token, given as `Authorization: Bearer <token>` or `?token=<token>` (browsers cannot set
 * headers on a websocket).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AccessPolicy {
  /** Allowed Origin values; "*" allows any origin. */
  origins: readonly string[];
  token: string | null;
  /**
   * Bound to loopback without a token: requests must name a loopback host, so a web page
   * whose domain is re-pointed at 127.0.0.1 (DNS rebinding) cannot read the API.
   */
  loopbackOnly?: boolean;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; code: 'E_ORIGIN' | 'E_TOKEN' | 'E_HOST'; message: string };

function loopbackHost(host: string | undefined): boolean {
  if (!host) return true; // an HTTP/1.0 client sends none; a browser always does
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

export function originAllowed(origin: string | undefined, origins: readonly string[]): boolean {
  return origin === undefined || origins.includes('*') || origins.includes(origin);
}

// Hash both sides so the comparison takes the same time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

function tokenMatches(given: string | null, expected: string): boolean {
  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

function tokenOf(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token');
}

export function checkAccess(req: IncomingMessage, url: URL, policy: AccessPolicy): AccessDecision {
  if (policy.loopbackOnly && policy.token === null && !loopbackHost(req.headers.host))
    return {
      ok: false,
      status: 403,
      code: 'E_HOST',
      message: `Host ${req.headers.host} is not a loopback name; use 127.0.0.1 or localhost, or set http.token to serve other names`,
    };
  const origin = req.headers.origin;
  if (!originAllowed(origin, policy.origins))
    return { ok: false, status: 403, code: 'E_ORIGIN', message: `origin ${origin} is not allowed; add it to http.origins` };
  if (policy.token !== null && !tokenMatches(tokenOf(req, url), policy.token))
    return { ok: false, status: 401, code: 'E_TOKEN', message: 'a valid bearer token is required (Authorization: Bearer <token> or ?token=)' };
  return { ok: true };
}
