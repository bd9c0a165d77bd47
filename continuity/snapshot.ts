/**
 * One health snapshot: /health, the database, disk, tracked-file hashes and phase, compared with
 * the previous snapshot (growth, new gaps, drift) and folded into the bounded uptime history.
 * With continuity.targets, every role's /health is read; the first target stands for the system
 * in the status, uptime and open gaps, and feeds are gathered from every role (each feed belongs
 * to exactly one collector).
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import type { Config } from '../collector/config.ts';
import { readDatabaseStats } from './database-stats.ts';
import { diffHashes, hashTrackedFiles } from './file-hashes.ts';
import { currentPhase, readPhases } from './phase.ts';
import { readState, STATE_FORMAT, STATE_VERSION, type ContinuityState, type Snapshot } from './state.ts';
import { fetchRoles, healthTargets } from './targets.ts';
import { appendHistory, collectorState, isLive, uptime } from './uptime.ts';

export interface SnapshotOptions {
  root: string;
  config: Config;
  now: () => number;
  /** Snapshots kept for the uptime figure. */
  historyLimit: number;
}

export async function takeSnapshot(opts: SnapshotOptions): Promise<ContinuityState> {
  const { root, config } = opts;
  const previous = readState(root);
  const prev = previous?.snapshot ?? null;
  const roles = await fetchRoles(healthTargets(config));
  const health = roles[0].health;
  const timeMs = opts.now();
  const inRoot = (path: string) => (isAbsolute(path) ? path : resolve(root, path));
  const dbFile = inRoot(config.db);
  const store = config.store.dir;
  const database = readDatabaseStats(
    dbFile,
    config.db,
    prev?.timeMs ?? null,
    store === null ? null : { dir: inRoot(store), label: store },
  );
  const feeds = roles
    .flatMap((r) => (r.health.running ? r.health.feeds : []))
    .map((f) => ({ ...f, live: isLive(f.lastMessageAgeMs, config.health.staleMs) }));
  const history = appendHistory(
    previous?.history ?? [],
    {
      time: new Date(timeMs).toISOString(),
      state: collectorState(health),
      feedsLive: feeds.filter((f) => f.live).length,
      feedsTotal: feeds.length,
    },
    opts.historyLimit,
  );
  const files = hashTrackedFiles(root);
  const snapshot: Snapshot = {
    time: new Date(timeMs).toISOString(),
    timeMs,
    phase: currentPhase(readPhases(root)),
    version: packageVersion(root),
    commit: await headCommit(root),
    health,
    roles,
    uptime: uptime(history),
    feeds,
    staleMs: config.health.staleMs,
    database,
    growth: Object.fromEntries(
      Object.entries(database.rows).map(([t, n]) => [
        t,
        prev && t in prev.database.rows ? n - prev.database.rows[t] : null,
      ]),
    ),
    gaps: {
      total: database.gapsTotal,
      sincePrevious: database.gapsSince,
      previousInterval: prev?.gaps.sincePrevious ?? null,
      open: health.running ? health.openGaps : null,
    },
    disk: diskSpace(existsSync(dirname(dbFile)) ? dirname(dbFile) : root),
    files,
    drift: prev ? diffHashes(prev.files, files) : null,
    previousTime: prev?.time ?? null,
  };
  return { format: STATE_FORMAT, version: STATE_VERSION, snapshot, history };
}

function packageVersion(root: string): string | null {
  try {
    const v = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

async function headCommit(root: string): Promise<string | null> {
  try {
    return (await simpleGit({ baseDir: root }).revparse(['--verify', '--quiet', 'HEAD'])).trim() || null;
  } catch {
    // Not a git checkout, or no commit yet: the snapshot is still useful.
    return null;
  }
}

function diskSpace(dir: string): Snapshot['disk'] {
  try {
    const s = statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}
