/**
 * Binance REST weight accounting per IP: REQUEST_WEIGHT per minute window, 429 past the limit
 * with Retry-After to the window's end, and a 418 ban after repeated 429s
 * (fixtures/samples/PROTOCOLS.md §1.3).
 */
import type { BinanceLimits } from '../options.ts';

export type WeightVerdict = { status: 200 | 429 | 418; used: number; retryAfter: number };

interface IpState {
  window: number;
  used: number;
  rejected: number;
  bannedUntil: number;
}

export class WeightLimiter {
  private readonly ips = new Map<string, IpState>();

  constructor(private readonly limits: BinanceLimits) {}

  charge(ip: string, weight: number, now: number): WeightVerdict {
    const window = Math.floor(now / 60_000);
    let s = this.ips.get(ip);
    if (!s) this.ips.set(ip, (s = { window, used: 0, rejected: 0, bannedUntil: 0 }));
    if (s.window !== window) {
      s.window = window;
      s.used = 0;
      s.rejected = 0;
    }
    if (now < s.bannedUntil) return { status: 418, used: s.used, retryAfter: Math.ceil((s.bannedUntil - now) / 1000) };
    s.used += weight;
    if (s.used <= this.limits.restWeightPerMinute) return { status: 200, used: s.used, retryAfter: 0 };
    if (++s.rejected > this.limits.banAfter429s) {
      s.bannedUntil = now + this.limits.banMs;
      return { status: 418, used: s.used, retryAfter: Math.ceil(this.limits.banMs / 1000) };
    }
    return { status: 429, used: s.used, retryAfter: Math.ceil(((window + 1) * 60_000 - now) / 1000) };
  }
}
