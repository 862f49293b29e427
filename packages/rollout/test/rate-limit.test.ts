import { release } from '@agent-release/core';
import { InMemoryReleaser, ManualClock } from '@agent-release/core/testing';
import { InProcessRateLimiter, type KeyedRateLimiter } from '@agent-release/rollout';
import { describe, expect, it } from 'vitest';
import { rateKeyName, rateLimitedReleaser } from '../src/rate-limit.js';

describe('InProcessRateLimiter', () => {
  it('lets a burst of `points` through, then spaces calls durationMs/points apart, per key', async () => {
    const clock = new ManualClock();
    const limiter = new InProcessRateLimiter({ points: 2, durationMs: 1000 }, clock);
    for (let i = 0; i < 5; i++) await limiter.acquire('a');
    expect(clock.sleeps).toEqual([500, 500, 500]);
    await limiter.acquire('b');
    expect(clock.sleeps).toHaveLength(3);
  });

  it('gives up waiting when the signal fires', async () => {
    const clock = new ManualClock();
    const limiter = new InProcessRateLimiter({ points: 1, durationMs: 1000 }, clock);
    await limiter.acquire('a');
    await expect(limiter.acquire('a', AbortSignal.abort())).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('rateLimitedReleaser', () => {
  it('takes one permit per port call, under the hashed key, and never the raw key', async () => {
    const releaser = new InMemoryReleaser();
    const agentId = releaser.createAgent();
    const keys: string[] = [];
    const limiter: KeyedRateLimiter = { acquire: async (key) => void keys.push(key) };
    const secret = 'sk_live_any shape/at all';
    await release(rateLimitedReleaser(releaser, limiter, rateKeyName(secret)), agentId, {
      instructions: 'x',
    });
    // The in-memory releaser counts each port call it serves as one request.
    expect(keys).toHaveLength(releaser.requestCount);
    expect(new Set(keys)).toEqual(new Set([rateKeyName(secret)]));
    expect(keys.join()).not.toContain('sk_live');
  });
});
