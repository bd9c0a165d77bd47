/**
 * Exponential backoff with full jitter (delay drawn uniformly from [0, min(cap, base·2^n)]),
 * so that many collectors reconnecting after an exchange outage do not arrive in lockstep.
 * Reset after the first data message of a connection, not after the handshake: an exchange
 * that accepts and immediately drops us must still back off.
 */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call widens the window until the cap. */
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.floor(this.random() * ceiling);
  }

  /** Upper bound of the next delay (for logs). */
  ceiling(): number {
    return Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
