/**
 * Event-loop delay over fixed windows. Node's histogram only accumulates; resetting it at each
 * scrape (as before) made the figures depend on who scraped and when, and two Prometheus servers
 * would see different values. Here a timer closes a window every `windowMs` and the figures of
 * the last closed window are what every reader sees until the next one closes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface DelayFigures {
  p50: number;
  p99: number;
  max: number;
}

export interface EventLoopDelay {
  windowSeconds: number;
  /** Figures of the last closed window, in seconds (zeros before the first closes). */
  last(): DelayFigures;
  stop(): void;
}

const RESOLUTION_MS = 20;

export function watchEventLoopDelay(windowMs = 10_000): EventLoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  // The histogram measures how late each sampling timer fired, resolution included: subtract it.
  const seconds = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000;
  let last: DelayFigures = { p50: 0, p99: 0, max: 0 };
  histogram.enable();
  const timer = setInterval(() => {
    last = {
      p50: seconds(histogram.percentile(50)),
      p99: seconds(histogram.percentile(99)),
      max: seconds(histogram.max),
    };
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    windowSeconds: windowMs / 1000,
    last: () => last,
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
