/**
 * The alerts a recording holds, gathered part by part (replay/player/parts.ts). An alert lives
 * in the part it fired in; once that segment is closed it cannot change, so forward returns that
 * matured later are recorded as `alert_returns` rows in later parts. They are folded into their
 * alert by its natural key here, once every part has been read. A v1 file has no such rows: its
 * returns were written into the alert itself.
 */
import type { SqlValue } from '../core/db.ts';
import { ALERT_COLUMNS, hasTable } from '../core/metrics/store.ts';
import { readAlertReturns } from '../core/metrics/compact-store.ts';
import type { PartReader } from './player/parts.ts';

const iso = (ms: number) => new Date(ms).toISOString();

type KeyFields = Record<'exchange' | 'symbol' | 'bucket_ts' | 'rule' | 'direction', SqlValue>;

/** What identifies an alert across parts (and in `metrics verify` messages). */
export const alertKey = (a: KeyFields): string =>
  `${String(a.exchange)} ${String(a.symbol)} ${iso(Number(a.bucket_ts))} ${String(a.rule)} ${String(a.direction)}`;

export interface StoredAlert {
  key: string;
  /** Where it is stored: `id N`, preceded by the segment's file in a recordings folder. */
  where: string;
  /** `id` and ALERT_COLUMNS as stored, forward returns folded in. */
  row: Record<string, SqlValue>;
}

/** Collects the alerts of each part as it is read; `alerts()` folds the later returns in. */
export class RecordedAlerts {
  private readonly byKey = new Map<string, StoredAlert>();
  private readonly returns: { key: string; horizon: string; value: SqlValue }[] = [];

  /** Read the alerts (and the forward returns of earlier alerts) of the next part. */
  add(part: PartReader): void {
    const segment = part.entry?.file;
    const after = part.filter.afterSeq;
    const rows = part.db.all<KeyFields & Record<string, SqlValue>>(
      `SELECT id, ${ALERT_COLUMNS.join(', ')} FROM alerts${after === undefined ? '' : ' WHERE seq > ?'} ORDER BY id`,
      after === undefined ? [] : [after],
    );
    for (const row of rows) {
      const key = alertKey(row);
      this.byKey.set(key, { key, where: `${segment ? `${segment} ` : ''}id ${String(row.id)}`, row });
    }
    if (!hasTable(part.db, 'alert_returns')) return;
    for (const r of readAlertReturns(part.db))
      this.returns.push({ key: alertKey(r), horizon: r.horizon, value: r.value });
  }

  /** Every alert read, in the order the parts were read, with the returns recorded after it. */
  alerts(): StoredAlert[] {
    for (const r of this.returns) {
      const a = this.byKey.get(r.key);
      if (a && a.row[r.horizon] === null) a.row[r.horizon] = r.value;
    }
    this.returns.length = 0;
    return [...this.byKey.values()];
  }
}
