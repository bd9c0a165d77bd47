/** Recommendations derived from one snapshot: each names what is wrong and what to do (none: all clear). */
import { HORIZONS } from './database-stats.ts';
import { fmtBytes, fmtDuration, fmtPct } from './format.ts';
import type { Snapshot } from './state.ts';

export interface Thresholds {
  /** A feed without data for longer than this is called out. */
  staleMinutes: number;
  /** Free disk below this is "nearly full" (the collector's own health limit). */
  minFreeDiskBytes: number;
  /** ...as is free disk below this share of the volume. */
  minFreeDiskRatio: number;
  uptimeTargetPct: number;
  /** Hit rates are judged only on this many evaluated alerts or more. */
  minAlertsForHitRate: number;
}

export const DEFAULT_THRESHOLDS: Omit<Thresholds, 'minFreeDiskBytes'> = {
  staleMinutes: 5,
  minFreeDiskRatio: 0.1,
  uptimeTargetPct: 99,
  minAlertsForHitRate: 20,
};

export const ALL_CLEAR = 'No action needed: every check passed.';

export function recommend(s: Snapshot, t: Thresholds): string[] {
  const out: string[] = [];
  const h = s.health;
  if (!h.running)
    out.push(
      `The collector is not running (${h.detail}). Start it with \`futuresboard collect\` (or \`npm run demo\` for simulated feeds).`,
    );
  else if (h.status !== 'ok')
    out.push(
      `The collector reports **${h.status}**: ${h.reasons.join('; ') || 'no reason given'}. Check \`/health\` and the daemon log.`,
    );
  // The first target is the one above; the other roles get a line each when they are down.
  for (const r of s.roles.slice(1)) {
    const rh = r.health;
    if (!rh.running)
      out.push(`Role ${r.name} is not running (${rh.detail}): start it, or check its URL in continuity.targets.`);
    else if (rh.status === 'down')
      out.push(
        `Role ${r.name} (${rh.role ?? 'collector'}) reports **down**: ${rh.reasons.join('; ') || 'no reason given'}. Check its \`/health\` and its log.`,
      );
  }

  for (const f of s.feeds)
    if (f.lastMessageAgeMs === null || f.lastMessageAgeMs > t.staleMinutes * 60_000)
      out.push(
        `Feed ${f.exchange}/${f.stream} has had no data for ${fmtDuration(f.lastMessageAgeMs)} (limit ${t.staleMinutes} min): check the network and the ${f.exchange} endpoints in futuresboard.config.json.`,
      );

  const g = s.gaps;
  if (g.sincePrevious !== null && g.previousInterval !== null && g.sincePrevious > g.previousInterval)
    out.push(
      `Gaps are becoming more frequent: ${g.sincePrevious} since the previous snapshot against ${g.previousInterval} in the interval before. Look at their causes in the \`gaps\` table.`,
    );
  if (g.open) out.push(`${g.open} gap(s) are still open: the affected statistics are warming up again.`);

  if (s.disk) {
    const ratio = s.disk.freeBytes / s.disk.totalBytes;
    if (s.disk.freeBytes < t.minFreeDiskBytes || ratio < t.minFreeDiskRatio)
      out.push(
        `Disk nearly full: ${fmtBytes(s.disk.freeBytes)} free of ${fmtBytes(s.disk.totalBytes)} (${fmtPct(100 * ratio)}). Lower store.retain (maxAge, maxBytes) or run \`futuresboard recordings prune\`, after pinning or exporting what you want to keep.`,
      );
  }

  const u = s.uptime;
  if (u.pct !== null && u.snapshots > 1 && u.pct < t.uptimeTargetPct)
    out.push(
      `Uptime is ${fmtPct(u.pct)} over the last ${u.snapshots} snapshots (target ${t.uptimeTargetPct}%): run the collector under a supervisor (systemd, pm2) so it restarts.`,
    );

  const db = s.database;
  if (!db.exists) out.push(`No database at ${db.path} yet: \`futuresboard collect\` records one.`);
  for (const p of db.problems) out.push(`Part of the database could not be read (${p}).`);
  const grew = Object.values(s.growth).some((n) => n !== null && n > 0);
  const measured = Object.values(s.growth).some((n) => n !== null);
  if (h.running && db.exists && measured && !grew)
    out.push(
      'No rows were recorded since the previous snapshot although the collector answers: check the writer and the feeds.',
    );

  if (s.drift && s.drift.added.length + s.drift.removed.length + s.drift.changed.length > 0)
    out.push(
      `Tracked files changed since the previous snapshot (see Diagnostics): make sure each change was intended and is committed.`,
    );

  const rate = db.alerts?.hitRate[HORIZONS[1]];
  if (rate && rate.pct !== null && rate.evaluated >= t.minAlertsForHitRate && rate.pct < 50)
    out.push(
      `Alert hit rate at ${HORIZONS[1]} is ${fmtPct(rate.pct)} over ${rate.evaluated} alerts, below a coin flip: review the alert thresholds.`,
    );

  return out;
}
