import { RedisRateLimiter } from '@agent-release/rollout/bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, REDIS, redisForSuites, uniquePrefix } from './support/redis.js';

const redisUp = await redisForSuites('RedisRateLimiter (packages/rollout/test/redis-rate-limiter.test.ts)');

describe.skipIf(!redisUp)('RedisRateLimiter', () => {
  const prefix = uniquePrefix();
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(REDIS);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await deleteKeys(prefix);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('shares one budget per key between limiters on different connections (as in different processes)', async () => {
    const limit = { points: 4, durationMs: 60_000 };
    const a = new RedisRateLimiter(client(), limit, `${prefix}:rate`);
    const b = new RedisRateLimiter(client(), limit, `${prefix}:rate`);
    const stop = new AbortController();
    const attempts = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).acquire('key-1', stop.signal).then(
        () => 'granted',
        (e: { code?: string }) => e.code,
      ),
    );
    // The granted ones settle at once; the others wait for a window that is a minute away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop.abort();
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'granted')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'ABORTED')).toHaveLength(6);
    // Another key has its own budget.
    await a.acquire('key-2');
  });
});
