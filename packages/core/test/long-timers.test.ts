import {
  ConfigurationError,
  RateLimitedError,
  release,
  systemClock,
  ValidationError,
} from '@agent-release/core';
import { HttpClient, type HttpClientOptions, MAX_TIMER_MS, waitUntil } from '@agent-release/core/provider';
import { InMemoryReleaser } from '@agent-release/core/testing';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

const BASE = 'https://api.vendor.test/v1';
const KEY = 'k_long_timers_SENTINEL_0007';
const DAY = 86_400_000;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  vi.useRealTimers();
  nock.cleanAll();
});

const build = (over: Partial<HttpClientOptions>) => () =>
  new HttpClient({ provider: 'vendor', baseUrl: BASE, apiKey: KEY, ...over });

describe('long timers', () => {
  it('MAX_TIMER_MS is the largest delay setTimeout honours', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });

  it('systemClock.sleep longer than 2^31-1 ms does not fire after 1 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let done = false;
    const sleeping = systemClock.sleep(MAX_TIMER_MS + 5 * DAY).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * DAY);
    await sleeping;
    expect(done).toBe(true);
  });

  it('an abort ends a long chunked sleep', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const sleeping = systemClock.sleep(3 * MAX_TIMER_MS, controller.signal);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a Retry-After far in the future with a large maxRetryAfterMs is not re-sent after 1 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const thirtyDays = String((30 * DAY) / 1000);
    const scope = nock(BASE)
      .get('/x')
      .reply(429, '', { 'retry-after': thirtyDays })
      .get('/x')
      .reply(200, { ok: true });
    let outcome: unknown = 'pending';
    try {
      const http = build({ retry: { maxRetryAfterMs: 60 * DAY } })();
      void http
        .request({ operation: 'read', method: 'GET', path: '/x', schema: z.object({ ok: z.boolean() }) })
        .then(
          (r) => {
            outcome = r;
          },
          (e: unknown) => {
            outcome = e;
          },
        );
    } catch (e) {
      outcome = e;
    }
    for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(5);
    // Either refused at construction or failed with the wait; never a second request after 1 ms.
    expect(outcome).toSatisfy((o) => o instanceof ConfigurationError || o instanceof RateLimitedError);
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('with the largest allowed maxRetryAfterMs, a longer Retry-After fails at once with retryAfterMs', async () => {
    const scope = nock(BASE)
      .get('/x')
      .reply(429, '', { 'retry-after': String((30 * DAY) / 1000) });
    const http = build({ retry: { maxRetryAfterMs: MAX_TIMER_MS } })();
    const error = await http
      .request({ operation: 'read', method: 'GET', path: '/x', schema: z.unknown() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(30 * DAY);
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    ['retry.maxRetryAfterMs', { retry: { maxRetryAfterMs: MAX_TIMER_MS + 1 } }],
    ['retry.maxDelayMs', { retry: { maxDelayMs: 30 * DAY } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: Number.POSITIVE_INFINITY } }],
    ['retry.baseDelayMs', { retry: { baseDelayMs: -1 } }],
    ['retry.maxRetries', { retry: { maxRetries: 1.5 } }],
    ['timeoutMs', { timeoutMs: MAX_TIMER_MS + 1 }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
  ] as Array<[string, Partial<HttpClientOptions>]>)(
    '%s out of range is a ConfigurationError naming it',
    (name, over) => {
      const error = (() => {
        try {
          build(over)();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(name);
    },
  );

  it('release({ maxWaitMs }) above 2^31-1 ms is a ValidationError before any request', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const error = await release(r, agentId, { instructions: 'x' }, { maxWaitMs: MAX_TIMER_MS + 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('options.maxWaitMs');
    expect(r.requestCount).toBe(0);
  });

  it('waiter delays above 2^31-1 ms are refused', async () => {
    await expect(
      waitUntil(async () => ({ state: 'success' }), {
        minDelayMs: 1,
        maxDelayMs: MAX_TIMER_MS + 1,
        maxWaitMs: 10,
      }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      waitUntil(async () => ({ state: 'success' }), { minDelayMs: 1, maxDelayMs: 2, maxWaitMs: 40 * DAY }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
