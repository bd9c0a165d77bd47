/** Real recorded frames from ../shared/samples (beside the repository), repeated to a benchmark-sized list. */
import { sharedLines } from '../test/helpers/shared-data.ts';

export function sampleFrames(file: string, count: number): string[] {
  const lines = sharedLines(`samples/${file}`);
  return Array.from({ length: count }, (_, i) => lines[i % lines.length]);
}

/** Median of `runs` timings of fn (ms), after one warm-up run. */
export function timeIt(fn: () => void, runs = 5): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}
