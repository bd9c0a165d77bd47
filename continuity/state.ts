/**
 * The continuity state file, data/continuity_state.json: the newest snapshot plus a bounded
 * history (for uptime). Format:
 * `{ "format": "futuresboard-continuity-state", "version": 1, "snapshot": Snapshot, "history": HistoryEntry[] }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import type { DatabaseStats } from './database-stats.ts';
import type { Drift } from './file-hashes.ts';
import type { FeedHealth, HealthResult } from './health.ts';
import { STATE_PATH } from './paths.ts';
import type { PhaseEntry } from './phase.ts';
import type { Redact } from './redact.ts';
import type { RoleHealth } from './targets.ts';
import type { HistoryEntry, Uptime } from './uptime.ts';
import { FbError } from '../core/errors.ts';

export const STATE_FORMAT = 'futuresboard-continuity-state';
export const STATE_VERSION = 1;

export interface FeedStatus extends FeedHealth {
  /** Had a data message within the collector's stale limit. */
  live: boolean;
}

export interface Snapshot {
  /** ISO-8601 UTC. */
  time: string;
  timeMs: number;
  phase: PhaseEntry | null;
  /** package.json version of the checkout. */
  version: string | null;
  /** git HEAD the snapshot was taken on. */
  commit: string | null;
  /**
   * The first target's answer (the local daemon without continuity.targets); `{ running: false,
   * detail }` when /health did not answer: "collector not running".
   */
  health: HealthResult;
  /**
   * Every target's answer, in continuity.targets order; `health` is the first one's. Empty in a
   * state written before targets existed.
   */
  roles: RoleHealth[];
  uptime: Uptime;
  feeds: FeedStatus[];
  /** Stale limit the feeds were judged by. */
  staleMs: number;
  database: DatabaseStats;
  /** Rows added per table since the previous snapshot (null for a table it did not have). */
  growth: Record<string, number | null>;
  gaps: {
    total: number;
    /** Gaps recorded since the previous snapshot. */
    sincePrevious: number | null;
    /** The same figure one snapshot earlier, to see whether gaps are becoming more frequent. */
    previousInterval: number | null;
    /** Gaps the daemon reports as still open. */
    open: number | null;
  };
  disk: { freeBytes: number; totalBytes: number } | null;
  /** SHA-256 per tracked file. */
  files: Record<string, string>;
  /** Changes to the tracked files since the previous snapshot; null for the first one. */
  drift: Drift | null;
  previousTime: string | null;
}

export interface ContinuityState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  snapshot: Snapshot;
  history: HistoryEntry[];
}

export function readState(root: string): ContinuityState | null {
  const file = join(root, STATE_PATH);
  if (!existsSync(file)) return null;
  let doc: Partial<ContinuityState> | null;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FbError(
      'E_STATE',
      `${STATE_PATH}: not valid JSON (${(err as Error).message}); delete it to start a new history`,
    );
  }
  if (doc?.format !== STATE_FORMAT || doc.version !== STATE_VERSION || !doc.snapshot || !Array.isArray(doc.history))
    throw new FbError(
      'E_STATE',
      `${STATE_PATH}: not a version ${STATE_VERSION} continuity state; delete it to start a new history`,
    );
  return upgrade(doc as ContinuityState);
}

/** A state from before the scale-out roles: no `roles`, and a health answer without role or bus. */
function upgrade(state: ContinuityState): ContinuityState {
  const s = state.snapshot as Snapshot & Partial<Pick<Snapshot, 'roles'>>;
  const withRole = (h: HealthResult): HealthResult =>
    h?.running ? { ...h, role: h.role ?? null, bus: h.bus ?? null } : h;
  const snapshot: Snapshot = {
    ...s,
    health: withRole(s.health),
    roles: Array.isArray(s.roles) ? s.roles.map((r) => ({ ...r, health: withRole(r.health) })) : [],
  };
  return { ...state, snapshot };
}

export function writeState(root: string, state: ContinuityState, redact: Redact): void {
  writeFileAtomic(join(root, STATE_PATH), redact(JSON.stringify(state, null, 2) + '\n'));
}
