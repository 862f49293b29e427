import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  resolveRetryPolicy,
} from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';

describe('retry policy', () => {
  it('full jitter stays within [0, min(max, base·2ⁿ))', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelayMs(0, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(0, policy, () => 0.999999)).toBe(99);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(10, policy, () => 0.999999)).toBe(999);
    for (let retry = 0; retry < 12; retry++) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(retry, policy, Math.random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(1000, 100 * 2 ** retry));
      }
    }
  });

  it('defaults are documented constants and false disables retries', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxRetries: 3, baseDelayMs: 500, maxRetryAfterMs: 60_000 });
    expect(DEFAULT_RETRY_POLICY.retryStatuses).toEqual([429, 502, 503, 504]);
    expect(resolveRetryPolicy(false).maxRetries).toBe(0);
    expect(resolveRetryPolicy({ maxRetries: 7 }).baseDelayMs).toBe(500);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
