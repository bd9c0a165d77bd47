/**
 * Binance REST limits per IP, as fixed windows: each request costs something, past the window's
 * limit the answer is 429 with Retry-After to the window's end, and repeated 429s within one
 * window earn a 418 ban (fixtures/samples/PROTOCOLS.md §1.3, §1.5, §6). The simulator keeps one
 * limiter per endpoint family: the request weight of /fapi per minute, and the request count of
 * /futures/data per 5 minutes (one count for all of its endpoints: the strict reading of the docs).
 */
export interface WindowLimit {
  /** Cost allowed per window. */
  limit: number;
  windowMs: number;
  /** 429 answers within one window after which the IP is banned with 418. */
  banAfter429s: number;
  banMs: number;
}

export type WeightVerdict = { status: 200 | 429 | 418; used: number; retryAfter: number };

interface IpState {
  window: number;
  used: number;
  rejected: number;
  bannedUntil: number;
}

export class WindowLimiter {
  private readonly ips = new Map<string, IpState>();

  constructor(private readonly limits: WindowLimit) {}

  private state(ip: string, now: number): IpState {
    const window = Math.floor(now / this.limits.windowMs);
    let s = this.ips.get(ip);
    if (!s) this.ips.set(ip, (s = { window, used: 0, rejected: 0, bannedUntil: 0 }));
    if (s.window !== window) {
      s.window = window;
      s.used = 0;
      s.rejected = 0;
    }
    return s;
  }

  /** Cost used by `ip` in the current window, without charging anything. */
  used(ip: string, now: number): number {
    return this.state(ip, now).used;
  }

  charge(ip: string, cost: number, now: number): WeightVerdict {
    const s = this.state(ip, now);
    if (now < s.bannedUntil) return { status: 418, used: s.used, retryAfter: Math.ceil((s.bannedUntil - now) / 1000) };
    s.used += cost;
    if (s.used <= this.limits.limit) return { status: 200, used: s.used, retryAfter: 0 };
    if (++s.rejected > this.limits.banAfter429s) {
      s.bannedUntil = now + this.limits.banMs;
      return { status: 418, used: s.used, retryAfter: Math.ceil(this.limits.banMs / 1000) };
    }
    return { status: 429, used: s.used, retryAfter: Math.ceil(((s.window + 1) * this.limits.windowMs - now) / 1000) };
  }
}
