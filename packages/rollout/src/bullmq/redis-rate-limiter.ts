import { AbortedError, type Clock, systemClock } from '@agent-release/core';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { KeyedRateLimiter, KeyRateLimit } from '../rate-limit.js';

/**
 * A per-key limiter kept in Redis (rate-limiter-flexible), so every worker process on every
 * machine draws from the same budget per API key. A call over the limit waits until the window
 * frees up, then tries again.
 */
export class RedisRateLimiter implements KeyedRateLimiter {
  readonly #limiter: RateLimiterRedis;

  constructor(
    client: Redis,
    limit: KeyRateLimit,
    keyPrefix: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.#limiter = new RateLimiterRedis({
      storeClient: client,
      keyPrefix,
      points: limit.points,
      duration: limit.durationMs / 1000,
    });
  }

  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new AbortedError('Waiting for a rate-limit permit was aborted');
      try {
        await this.#limiter.consume(key, 1);
        return;
      } catch (rejection) {
        // rate-limiter-flexible rejects with RateLimiterRes when over the limit, with an Error when Redis failed.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        await this.clock.sleep(Math.max(1, rejection.msBeforeNext), signal);
      }
    }
  }
}
