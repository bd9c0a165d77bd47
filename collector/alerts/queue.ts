/**
 * The webhook delivery queue, persisted in `alert_deliveries` (migration 002) so that alerts
 * not yet delivered survive a restart. One row per alert and target; target URLs are never
 * stored (they are secrets and the database is handed to browsers), only the target's id.
 */
import type { Db } from '../../core/db.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: number;
  alert_id: number;
  target: string;
  attempts: number;
}

export interface QueueStats {
  pending: number;
  failed: number;
  delivered: number;
  /** The latest error of a delivery still pending or given up, prefixed with its target's name; null when nothing is wrong. */
  lastError: string | null;
  /** Deliveries failing now: pending ones whose last attempt erred, plus those given up on since `since`. */
  failing: number;
}

export class DeliveryQueue {
  constructor(private readonly db: Db) {}

  /** Queue each alert (by id) for a target when its tier is at least `minTier`; already queued pairs are left alone. */
  enqueue(alertIds: readonly number[], target: string, minTier: number, now: number): number {
    let n = 0;
    for (const id of alertIds)
      n += this.db.run(
        `INSERT OR IGNORE INTO alert_deliveries (alert_id, target, status, attempts, next_attempt_ts, created_ts, updated_ts)
         SELECT id, ?, 'pending', 0, ?, ?, ? FROM alerts WHERE id = ? AND tier >= ?`,
        [target, now, now, now, id, minTier],
      );
    return n;
  }

  /** Pending deliveries due at `now`, oldest first. */
  due(now: number, limit: number): Delivery[] {
    return this.db.all<Delivery>(
      "SELECT id, alert_id, target, attempts FROM alert_deliveries WHERE status = 'pending' AND next_attempt_ts <= ? ORDER BY next_attempt_ts, id LIMIT ?",
      [now, limit],
    );
  }

  /** When the next pending delivery is due, or null when none is pending. */
  nextDue(): number | null {
    const [r] = this.db.all<{ t: number | null }>(
      "SELECT min(next_attempt_ts) AS t FROM alert_deliveries WHERE status = 'pending'",
    );
    return r.t === null ? null : Number(r.t);
  }

  delivered(id: number, now: number): void {
    this.db.run(
      "UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL, updated_ts = ? WHERE id = ?",
      [now, id],
    );
  }

  failed(id: number, error: string, now: number): void {
    this.db.run(
      "UPDATE alert_deliveries SET status = 'failed', attempts = attempts + 1, last_error = ?, updated_ts = ? WHERE id = ?",
      [error, now, id],
    );
  }

  /**
   * Try again at `at`. The target's other pending deliveries wait until then too: an endpoint
   * that is down is not hammered once per queued alert.
   */
  retry(d: Delivery, error: string, at: number, now: number): void {
    this.db.transaction(() => {
      this.db.run(
        'UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_ts = ?, updated_ts = ? WHERE id = ?',
        [error, at, now, d.id],
      );
      this.db.run(
        "UPDATE alert_deliveries SET next_attempt_ts = ? WHERE target = ? AND status = 'pending' AND next_attempt_ts < ?",
        [at, d.target, at],
      );
    });
  }

  /** Counts by status; `failing` looks at give-ups from `since` on, so an old failure does not degrade health forever. */
  stats(since = 0): QueueStats {
    const s: QueueStats = { pending: 0, failed: 0, delivered: 0, lastError: null, failing: 0 };
    for (const r of this.db.all<{ status: DeliveryStatus; n: number }>(
      'SELECT status, count(*) AS n FROM alert_deliveries GROUP BY status',
    ))
      s[r.status] = Number(r.n);
    const [e] = this.db.all<{ target: string; last_error: string }>(
      "SELECT target, last_error FROM alert_deliveries WHERE status != 'delivered' AND last_error IS NOT NULL ORDER BY updated_ts DESC, id DESC LIMIT 1",
    );
    // Named, so /health says which webhook fails (by name: its URL is a secret).
    s.lastError = e ? `webhook ${e.target}: ${e.last_error}` : null;
    const [f] = this.db.all<{ n: number }>(
      "SELECT count(*) AS n FROM alert_deliveries WHERE (status = 'pending' AND last_error IS NOT NULL) OR (status = 'failed' AND updated_ts >= ?)",
      [since],
    );
    s.failing = Number(f.n);
    return s;
  }
}
