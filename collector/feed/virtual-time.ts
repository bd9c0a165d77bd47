/**
 * A virtual clock for poller tests: timers fire in time order only when the test advances the
 * clock, and after each instant the test awaits the work those timers started (real HTTP to the
 * simulator included). Minutes of a poll schedule then take as long as their requests, and the
 * simulator's rate-limit windows, given the same clock, see the schedule's own times.
 */
import type { PollTimers } from './rest-poller.ts';

interface Timer {
  at: number;
  fn: () => void;
}

export class VirtualTime implements PollTimers {
  private t: number;
  private ids = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(start: number) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  setTimeout(fn: () => void, ms: number): number {
    this.timers.set(++this.ids, { at: this.t + Math.max(0, ms), fn });
    return this.ids;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Fires every timer due up to `until`, one instant at a time, awaiting `settle()` after each. */
  async runUntil(until: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      let next = Infinity;
      for (const timer of this.timers.values()) next = Math.min(next, timer.at);
      if (next > until) break;
      this.t = next;
      for (const [id, timer] of this.timers) {
        if (timer.at !== next) continue;
        this.timers.delete(id);
        timer.fn();
      }
      await settle();
    }
    this.t = until;
  }
}
