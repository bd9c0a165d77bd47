/** Real recorded frames from fixtures/samples, repeated to a benchmark-sized list. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function sampleFrames(file: string, count: number): string[] {
  const path = fileURLToPath(new URL(`../fixtures/samples/${file}`, import.meta.url));
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
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
