/**
 * Seeded pseudo-random numbers (mulberry32): the synthetic market must be reproducible from a
 * seed, and Math.random cannot be seeded.
 */
export class Rng {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = this.next() || 1e-12;
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** 32 random hex digits. */
  hex32(): string {
    let s = '';
    for (let i = 0; i < 4; i++) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s;
  }
}

/**
 * Deterministic noise in [0, 1) from a seed and integer keys: REST history (long/short ratios,
 * taker volumes) must answer the same for the same time bucket however often it is asked.
 */
export function hashUnit(seed: number, a: number, b: number): number {
  let h =
    Math.imul(seed ^ 0x85ebca6b, 0xc2b2ae35) ^
    Math.imul(a | 0, 0x27d4eb2f) ^
    Math.imul((a / 4294967296) | 0, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(b | 0, 0x297a2d39);
  h = Math.imul(h ^ (h >>> 12), 0x9e3779b1);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
