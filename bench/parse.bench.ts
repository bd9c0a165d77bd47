/**
 * Parse stage against a peer: our parsers vs tardis-dev's normalizers on the same real frames
 * in the same run, with JSON.parse alone as the floor. Both sides start from the frame text.
 */
import { normalizeBookTickers, normalizeDerivativeTickers, normalizeTrades } from 'tardis-dev';
import { createParser as binanceParser } from '../collector/exchanges/binance-usdm/parse.ts';
import { createParser as bybitParser } from '../collector/exchanges/bybit-linear/parse.ts';
import type { ExchangeParser } from '../collector/exchanges/types.ts';
import { InstrumentBook } from '../core/instruments.ts';
import { sampleFrames, timeIt } from './frames.ts';

interface Case {
  name: string;
  file: string;
  ours: () => ExchangeParser;
  peer: (t: Date) => { map(m: unknown, t: Date): Iterable<unknown> | undefined };
}

const CASES: Case[] = [
  {
    name: 'Binance bookTicker → book_ticker',
    file: 'binance-usdm.bookTicker.jsonl',
    ours: () => binanceParser(new InstrumentBook('binance-usdm')),
    peer: (t) => normalizeBookTickers('binance-futures', t),
  },
  {
    name: 'Bybit publicTrade → trade',
    file: 'bybit-linear.publicTrade.jsonl',
    ours: () => bybitParser(new InstrumentBook('bybit-linear')),
    peer: (t) => normalizeTrades('bybit', t),
  },
  {
    name: 'Bybit tickers → derivative_ticker',
    file: 'bybit-linear.tickers.jsonl',
    ours: () => bybitParser(new InstrumentBook('bybit-linear')),
    peer: (t) => normalizeDerivativeTickers('bybit', t),
  },
];

export async function runParseBench(frames = 200_000): Promise<{ lines: string[] }> {
  const lines: string[] = [];
  for (const c of CASES) {
    const input = sampleFrames(c.file, frames);
    let sink = 0;
    const emit = () => void sink++;
    const floor = timeIt(() => {
      for (const f of input) sink += JSON.parse(f) ? 1 : 0;
    });
    const ours = timeIt(() => {
      // A fresh parser per pass: the same per-connection state work every pass.
      const p = c.ours();
      for (let i = 0; i < input.length; i++) p.parseFrame(input[i], i, emit);
    });
    const peer = timeIt(() => {
      const now = new Date();
      const m = c.peer(now);
      for (const f of input) {
        const out = m.map(JSON.parse(f), now);
        if (out) for (const _ of out) sink++;
      }
    });
    const rate = (ms: number) => Math.round((frames / ms) * 1000);
    lines.push(
      `| ${c.name} | ${rate(ours).toLocaleString('en')} frames/s | ${rate(peer).toLocaleString('en')} frames/s | ${(peer / ours).toFixed(2)}× | ${rate(floor).toLocaleString('en')} frames/s | ${(floor / ours).toFixed(2)} |`,
    );
    if (sink < 0) lines.push('');
  }
  return {
    lines: [
      `Parse stage, ${frames.toLocaleString('en')} real frames per case (../shared/samples, repeated), median of 5 passes:`,
      '',
      '| case | ours | tardis-dev | ratio ours/tardis (≥ 1.0) | JSON.parse floor | ratio ours/floor |',
      '|---|---|---|---|---|---|',
      ...lines,
    ],
  };
}
