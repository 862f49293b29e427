import { MAX_TIMER_MS } from '../clock.js';
import { ConfigurationError } from '../errors.js';

/**
 * When and how long to wait before re-sending a request.
 *
 * Exponential backoff with "full jitter" (AWS Architecture Blog, 2015): the wait before retry
 * n is uniform in [0, min(maxDelayMs, baseDelayMs·2ⁿ)]. Full jitter spreads a fleet of clients
 * that failed together, which is what a rate limit shared by many tenants' agents needs.
 */
export interface RetryPolicy {
  /** Re-sends after the first attempt. 0 disables retries. */
  maxRetries: number;
  /** Backoff base. */
  baseDelayMs: number;
  /** Backoff cap. */
  maxDelayMs: number;
  /**
   * A vendor asking us to wait longer than this (Retry-After) is not waited for: the call fails
   * with `RateLimitedError.retryAfterMs` so the caller can schedule it instead of blocking.
   */
  maxRetryAfterMs: number;
  /** HTTP statuses worth re-sending. */
  retryStatuses: readonly number[];
}

/**
 * Defaults: 3 retries, 500 ms base doubling to at most 20 s (Atoms' error reference asks for
 * 500 ms doubling up to 30 s), Retry-After honoured up to 60 s (Atoms' documented `retry_after`).
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  retryStatuses: Object.freeze([429, 502, 503, 504]),
});

/**
 * Throws a `ConfigurationError` naming `name` unless `value` is an integer number of ms in
 * [`min`, {@link MAX_TIMER_MS}]: a longer delay would overflow `setTimeout` and fire after 1 ms.
 */
export function assertDelayMs(
  value: unknown,
  name: string,
  provider: string,
  min = 0,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new ConfigurationError(
      `${provider}: ${name} must be an integer number of ms from ${min} to ${MAX_TIMER_MS} (about 24.8 days)`,
      { provider },
    );
  }
}

/**
 * Fills a partial policy from the defaults; `false` disables retries. Throws a
 * `ConfigurationError` for a count or delay out of range (`provider` names who asked).
 */
export function resolveRetryPolicy(input?: Partial<RetryPolicy> | false, provider = 'http'): RetryPolicy {
  if (input === false) return { ...DEFAULT_RETRY_POLICY, maxRetries: 0 };
  const policy = { ...DEFAULT_RETRY_POLICY, ...input };
  const { maxRetries } = policy;
  if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
    throw new ConfigurationError(`${provider}: retry.maxRetries must be an integer from 0 to 100`, {
      provider,
    });
  }
  assertDelayMs(policy.baseDelayMs, 'retry.baseDelayMs', provider);
  assertDelayMs(policy.maxDelayMs, 'retry.maxDelayMs', provider);
  assertDelayMs(policy.maxRetryAfterMs, 'retry.maxRetryAfterMs', provider);
  return policy;
}

/**
 * The full-jitter backoff before retry number `retry` (0 for the first re-send).
 * `random` returns a number in [0, 1).
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Parses an HTTP `Retry-After` value: delta-seconds (decimals tolerated) or an HTTP-date.
 * Returns milliseconds from `now`, never negative, or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP-dates always name the month; this keeps `Date.parse` from reading "-5" as a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
