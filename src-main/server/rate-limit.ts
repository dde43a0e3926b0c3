// Per-key ingest rate limit: a token bucket per key. Answering 429 with Retry-After
// tells well-behaved senders when to come back instead of hammering.
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  get perSecond(): number {
    return this.opts.perSecond;
  }

  /** Takes `cost` tokens; answers 0 when allowed, else the whole seconds to wait. */
  take(key: string, cost = 1): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - b.tokens) / this.opts.perSecond));
  }
}
