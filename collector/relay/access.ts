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
   * Host names (lower case, IPv6 in brackets) requests may name in their Host header, so a web
   * page whose domain is re-pointed at this machine (DNS rebinding) cannot use the API, with or
   * without a token. From `allowedHostNames`; absent: no check.
   */
  allowedHosts?: ReadonlySet<string>;
}

export type AccessDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: 'E_ORIGIN' | 'E_TOKEN' | 'E_HOST'; message: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
/** Binding these serves every interface: no address of its own to allow. */
export const WILDCARD_BINDS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);

/** A host name as a Host header carries it: lower case, an IPv6 address in brackets. */
const hostName = (name: string) => (name.includes(':') && !name.startsWith('[') ? `[${name}]` : name).toLowerCase();

/** The names a server bound to `host` answers to: loopback, the bound address, and `http.allowedHosts`. */
export function allowedHostNames(http: { host: string; allowedHosts: readonly string[] }): ReadonlySet<string> {
  const bound = WILDCARD_BINDS.has(http.host) ? [] : [http.host];
  return new Set([...LOOPBACK_NAMES, ...bound, ...http.allowedHosts].map(hostName));
}

function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!host) return true; // an HTTP/1.0 client sends none; a browser always does
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return allowed.has(name.toLowerCase());
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
  if (policy.allowedHosts && !hostAllowed(req.headers.host, policy.allowedHosts))
    return {
      ok: false,
      status: 403,
      code: 'E_HOST',
      message: `Host ${req.headers.host} is not a name of this server; use 127.0.0.1 or localhost, or add the name to http.allowedHosts`,
    };
  const origin = req.headers.origin;
  if (!originAllowed(origin, policy.origins))
    return {
      ok: false,
      status: 403,
      code: 'E_ORIGIN',
      message: `origin ${origin} is not allowed; add it to http.origins`,
    };
  if (policy.token !== null && !tokenMatches(tokenOf(req, url), policy.token))
    return {
      ok: false,
      status: 401,
      code: 'E_TOKEN',
      message: 'a valid bearer token is required (Authorization: Bearer <token> or ?token=)',
    };
  return { ok: true };
}
