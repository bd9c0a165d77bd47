/**
 * `collect --raw` archives every frame in the capture format, and `import` of that archive
 * re-normalizes the session into the same market data the collector recorded live.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { importCaptures } from '../../collector/import/import-capture.ts';
import { openStore } from '../../collector/store/open.ts';
import { silentLogger } from '../../core/log.ts';
import { EVENT_TABLES } from '../../core/tables.ts';
import { startRig } from '../helpers/collector.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

/** The market data tables: every event table but `gaps`. */
const TABLES = EVENT_TABLES.map((t) => t.table).filter((t) => t !== 'gaps');
const columns = 'exchange, symbol, market, ts, local_ts';

function rows(path: string, table: string): string[] {
  const db = new Database(path, { readonly: true });
  const out = (db.prepare(`SELECT ${columns}, * FROM ${table} ORDER BY seq`).all() as Record<string, unknown>[]).map(
    (r) => {
      const { seq: _seq, ...rest } = r;
      return JSON.stringify(rest);
    },
  );
  db.close();
  return out;
}

describe('raw frame archive', () => {
  it('replays through import into the rows the collector wrote live', async () => {
    const raw = join(dir, 'raw.jsonl');
    const rig = await startRig(dir, { name: 'live', tweak: (c) => (c.raw = raw) });
    await rig.next((e) => e.kind === 'trade' && e.exchange === 'okx-swap', 20_000, 'trades from every exchange');
    await rig.next((e) => e.kind === 'long_short', 20_000, 'a REST poll');
    await rig.stop();

    const kinds = new Set(
      readFileSync(raw, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { t: string }).t),
    );
    expect(kinds).toEqual(new Set(['header', 'connect', 'send', 'recv', 'http']));

    const replayed = join(dir, 'replayed.db');
    const db = openStore(replayed);
    const result = await importCaptures(db, [raw], { logger: silentLogger });
    db.close();
    expect(result.parseErrors).toBe(0);
    for (const t of TABLES) expect(rows(replayed, t), t).toEqual(rows(rig.config.db, t));
  });
});
