/** The ingest benchmark's input: synthetic Bybit frames for 200 markets, three streams interleaved. */
import { createSyntheticMarket } from '../simulator/index.ts';

export const INGEST_MARKETS = Array.from({ length: 200 }, (_, i) => `C${i}=${(10 + i).toFixed(2)}`);

export function ingestFrames(n: number, start: number): string[] {
  const sim = createSyntheticMarket({ seed: 5, markets: INGEST_MARKETS, start });
  const per = Math.floor(n / 3);
  const streams = ['publicTrade', 'orderbook.1', 'tickers'].map((s) => sim.nextFrames('bybit-linear', s, per));
  const out: string[] = [];
  for (let i = 0; i < per; i++) for (const s of streams) out.push(s[i]);
  return out;
}
