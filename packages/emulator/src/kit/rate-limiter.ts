import type { EmulatorClock, RateLimitOptions } from './types.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Outcome of one rate-limit check. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token bucket per API key: each key gets `burst` tokens, refilled at `requestsPerSecond`, so
 * one noisy tenant cannot exhaust another's budget.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly capacity: number;

  constructor(
    options: RateLimitOptions,
    private readonly clock: EmulatorClock,
  ) {
    if (!(options.requestsPerSecond > 0)) throw new RangeError('rateLimit.requestsPerSecond must be > 0');
    this.rate = options.requestsPerSecond;
    this.capacity = Math.max(1, options.burst ?? options.requestsPerSecond);
  }

  take(key: string): RateDecision {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsedSeconds * this.rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Whole seconds, never 0: a Retry-After of 0 would invite an immediate retry storm.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
    return { allowed: false, retryAfterSeconds };
  }

  reset(): void {
    this.buckets.clear();
  }
}
