/**
 * Fixed-window rate limiting: one counter per key per window. Fixed windows
 * make `RateLimit-Remaining` monotonic within a window (it never goes up
 * until `RateLimit-Reset` passes), which is what clients backing off rely on.
 * In memory: a restart forgets the counters, which is acceptable for a
 * single daemon (the windows are minutes long).
 *
 * @module
 */

/** The outcome of one counted request, with the numbers the headers carry. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

interface Bucket {
  start: number;
  count: number;
}

/** A fixed-window counter keyed by principal or client address. */
export class RateLimiter {
  #buckets = new Map<string, Bucket>();
  #hits = 0;

  /** `now` is injectable so window arithmetic can be tested without sleeping. */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string): RateDecision {
    const bucket = this.#bucket(key);
    if (bucket.count < this.limit) bucket.count++;
    else return this.#decision(bucket, false);
    if (++this.#hits % 1024 === 0) this.#sweep();
    return this.#decision(bucket, true);
  }

  /** Reports `key`'s window without counting a request. */
  peek(key: string): RateDecision {
    const bucket = this.#buckets.get(key);
    const t = this.now();
    if (!bucket || t - bucket.start >= this.windowMs) {
      return { allowed: true, limit: this.limit, remaining: this.limit, resetMs: this.windowMs };
    }
    return this.#decision(bucket, bucket.count < this.limit);
  }

  /** Whether `key` has requests left in its window, without counting one or allocating. */
  allows(key: string): boolean {
    const bucket = this.#buckets.get(key);
    return !bucket || this.now() - bucket.start >= this.windowMs || bucket.count < this.limit;
  }

  /** Forgets `key` (a successful login clears its failure count). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }

  #bucket(key: string): Bucket {
    const t = this.now();
    let bucket = this.#buckets.get(key);
    if (!bucket || t - bucket.start >= this.windowMs) {
      bucket = { start: t, count: 0 };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #decision(bucket: Bucket, allowed: boolean): RateDecision {
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - bucket.count),
      resetMs: Math.max(0, bucket.start + this.windowMs - this.now()),
    };
  }

  #sweep(): void {
    const t = this.now();
    for (const [key, bucket] of this.#buckets) {
      if (t - bucket.start >= this.windowMs) this.#buckets.delete(key);
    }
  }
}

/** The `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers) for a decision. */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {};
  writeRateLimitHeaders(d, { set: (name, value) => headers[name] = value });
  return headers;
}

/**
 * Writes the `RateLimit-*` headers (and `Retry-After` when refused) straight
 * into a header sink: the per-request path, which skips building and
 * iterating an intermediate record.
 */
export function writeRateLimitHeaders(
  d: RateDecision,
  sink: { set(name: string, value: string): void },
): void {
  const reset = String(Math.ceil(d.resetMs / 1000));
  sink.set("ratelimit-limit", String(d.limit));
  sink.set("ratelimit-remaining", String(d.remaining));
  sink.set("ratelimit-reset", reset);
  if (!d.allowed) sink.set("retry-after", reset);
}
