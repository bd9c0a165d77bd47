/**
 * The `/health` endpoints continuity reads: `continuity.targets` (one per scale-out role), or
 * when none is listed the local daemon at http.host/http.port with http.token, as before.
 */
import type { Config } from '../collector/config.ts';
import { fetchHealth, healthUrl, type HealthResult } from './health.ts';

export interface HealthTarget {
  name: string;
  url: string;
  /** A secret: sent as the bearer token, never stored or printed. */
  token: string | null;
}

/** One target's answer as a snapshot records it (no token). */
export interface RoleHealth {
  name: string;
  url: string;
  health: HealthResult;
}

/** The name of the implicit target when continuity.targets is empty. */
export const LOCAL_TARGET = 'local';

export function healthTargets(config: Config): HealthTarget[] {
  const listed = config.continuity.targets;
  if (!listed.length)
    return [{ name: LOCAL_TARGET, url: healthUrl(config.http.host, config.http.port), token: config.http.token }];
  // A listed target gets only its own token: the local one must not travel to another machine.
  return listed.map((t) => ({ name: t.name, url: t.url, token: t.token ?? null }));
}

/** Tokens of every target, for the redactor. */
export function targetTokens(config: Config): string[] {
  return config.continuity.targets.flatMap((t) => (t.token ? [t.token] : []));
}

/** Every target's /health at once; an unreachable one is `running: false`, never an error. */
export async function fetchRoles(
  targets: readonly HealthTarget[],
  opts: { signal?: AbortSignal } = {},
): Promise<RoleHealth[]> {
  return Promise.all(
    targets.map(async (t) => ({
      name: t.name,
      url: t.url,
      health: await fetchHealth(t.url, { token: t.token, signal: opts.signal }),
    })),
  );
}
