/**
 * The session semantics of an import that are not exercised by every simulator run (the
 * end-to-end comparisons are test/e2e/import-equals-live.test.ts and restart.test.ts).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.ts';
import { silentLogger } from '../../core/log.ts';
import { ADAPTERS } from '../exchanges/index.ts';
import { captureFiles } from '../feed/raw-files.ts';
import { RawRecorder } from '../feed/raw-recorder.ts';
import { openStore } from '../store/open.ts';
import { importCaptures } from './import-capture.ts';

const dir = tempDir();

/** One OKX liquidation-orders frame (shape of ../shared/samples/okx-swap.liquidation-orders.jsonl) for two swaps. */
function liquidations(ts: number): string {
  const item = (instId: string) => ({
    details: [{ bkLoss: '0', bkPx: '65000.1', ccy: '', posSide: 'long', side: 'sell', sz: '3', ts: String(ts) }],
    instFamily: instId.replace('-SWAP', ''),
    instId,
    instType: 'SWAP',
    uly: instId.replace('-SWAP', ''),
  });
  return JSON.stringify({
    arg: { channel: 'liquidation-orders', instType: 'SWAP' },
    data: [item('BTC-USDT-SWAP'), item('ETH-USDT-SWAP')],
  });
}

describe('importCaptures', () => {
  it('parses with the instruments the session recorded: liquidations of other swaps are dropped, as live', async () => {
    const raw = join(dir, 'okx.jsonl');
    const btc = ADAPTERS['okx-swap'].defaultInstruments!().filter((i) => i.symbol === 'BTC-USDT-SWAP');
    expect(ADAPTERS['okx-swap'].defaultInstruments!().some((i) => i.symbol === 'ETH-USDT-SWAP')).toBe(true);
    const rec = new RawRecorder(raw, { feeds: [{ exchange: 'okx-swap', streams: ['public'], instruments: btc }] });
    const t = 1_700_000_000_000;
    rec.connect('okx-swap/public/0', 'ws://127.0.0.1:1/ws/v5/public', t);
    rec.recv('okx-swap/public/0', liquidations(t), t + 5);
    await rec.close();

    const path = join(dir, 'okx.db');
    const db = openStore(path);
    const r = await importCaptures(db, captureFiles(raw), { logger: silentLogger });
    db.close();
    expect(r.parseErrors).toBe(0);
    const d = new Database(path, { readonly: true });
    expect(d.prepare('SELECT symbol FROM liquidations').pluck().all()).toEqual(['BTC-USDT-SWAP']);
    expect(d.prepare("SELECT symbol FROM markets WHERE exchange = 'okx-swap'").pluck().all()).toEqual([
      'BTC-USDT-SWAP',
    ]);
    d.close();
  });
});
