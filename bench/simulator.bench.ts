/**
 * Synthetic simulator frame generation (what the ingest benchmark and the kill -9 test feed the
 * collector), beside JSON.parse of the same frames, the first thing any consumer of them does.
 * Moved here from simulator/synthetic.test.ts: tests check behaviour, not speed.
 */
import { createSyntheticMarket } from '../simulator/synthetic/market.ts';
import type { ExchangeId } from '../core/events.ts';
import { timeIt } from './frames.ts';

const MIX: [ExchangeId, string][] = [
  ['binance-usdm', 'aggTrade'],
  ['binance-usdm', 'bookTicker'],
  ['bybit-linear', 'publicTrade'],
  ['bybit-linear', 'orderbook.50'],
  ['bybit-linear', 'orderbook.1'],
  ['okx-swap', 'trades'],
];

export async function runSimulatorBench(perStream = 15_000): Promise<{ lines: string[] }> {
  const market = createSyntheticMarket({ seed: 11, start: Date.UTC(2026, 4, 1) });
  let frames: string[] = [];
  const generate = timeIt(() => {
    frames = MIX.flatMap(([ex, stream]) => market.nextFrames(ex, stream, perStream));
  });
  const parse = timeIt(() => {
    for (const f of frames) JSON.parse(f);
  });
  const rate = (ms: number) => `${Math.round((frames.length * 1000) / ms).toLocaleString('en')} frames/s`;
  return {
    lines: [
      `${frames.length.toLocaleString('en')} synthetic frames (${MIX.map(([ex, s]) => `${ex} ${s}`).join(', ')}), median of 5 runs:`,
      '',
      '| path | rate | ratio |',
      '|---|---|---|',
      `| generate (model step + wire text) | ${rate(generate)} (target ≥ 100,000) | ${(generate / parse).toFixed(2)}× JSON.parse's time |`,
      `| JSON.parse of the same frames | ${rate(parse)} | 1.00 |`,
    ],
  };
}
