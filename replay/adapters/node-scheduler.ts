/** The replay player's scheduler in Node: a monotonic clock and timer-based sleeps. */
import type { Scheduler } from '../player/player.ts';

export function nodeScheduler(beforeSleep?: () => Promise<void>): Scheduler {
  return {
    now: () => performance.now(),
    async sleep(ms) {
      await beforeSleep?.();
      await new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
    },
  };
}
