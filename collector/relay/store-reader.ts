/**
 * Read-only access to the live database for the HTTP API (/api/markets, /api/alerts). A separate
 * read-only connection: in WAL mode its short reads never block the writer.
 */
import Database from 'better-sqlite3';
import { FbError } from '../../core/errors.ts';

export class StoreReader {
  private db: Database.Database | null = null;

  constructor(private readonly path: string) {}

  /** Rows of the `markets` table (instruments), by market then exchange. */
  markets(): unknown[] {
    return this.open().prepare('SELECT * FROM markets ORDER BY market, exchange').all();
  }

  /**
   * Alerts received at or after `since` (epoch ms), oldest first, at most `limit`. The `alerts`
   * table comes with a later migration (a view over `alert_rows` in schema v2): a database without
   * it has no alerts. `inputs` is JSON text in the table and is returned parsed.
   */
  alerts(since: number, limit: number): unknown[] {
    const db = this.open();
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'alerts'").get();
    if (!exists) return [];
    const rows = db
      .prepare('SELECT * FROM alerts WHERE local_ts >= ? ORDER BY local_ts LIMIT ?')
      .all(since, limit) as Record<string, unknown>[];
    for (const row of rows) {
      if (typeof row.inputs !== 'string') continue;
      try {
        row.inputs = JSON.parse(row.inputs);
      } catch {
        // Not JSON: return the stored text as is.
      }
    }
    return rows;
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  // Opened on first use: the daemon may start serving before its writer has created the file.
  private open(): Database.Database {
    if (this.db) return this.db;
    try {
      this.db = new Database(this.path, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new FbError('E_DB_UNAVAILABLE', `database ${this.path} cannot be opened: ${(err as Error).message}`);
    }
    return this.db;
  }
}
