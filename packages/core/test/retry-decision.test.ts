import { ConflictError, ProviderUnavailableError, RateLimitedError } from '@agent-release/core';
import { type RetryPolicy, resolveRetryPolicy } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import type { ClassifiedFailure } from '../src/http/classify.js';
import { type DeadlineState, decide, type RetryDecision } from '../src/http/retry-decision.js';

const policy: RetryPolicy = resolveRetryPolicy({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 });
const half = () => 0.5;
const open: DeadlineState = { now: 0, at: 10_000, passed: false };

const failure = (over: Partial<ClassifiedFailure> = {}): ClassifiedFailure => ({
  error: new ProviderUnavailableError('down'),
  retryable: true,
  mayHaveBeenProcessed: true,
  idempotent: true,
  status: 503,
  retryAfterMs: undefined,
  ...over,
});

const stop = (why: string, delayMs?: number): RetryDecision =>
  delayMs === undefined ? { stop: true, why: why as never } : { stop: true, why: why as never, delayMs };
const wait = (delayMs: number): RetryDecision => ({ stop: false, delayMs });

describe('decide: stop, or wait this long and send again', () => {
  const table: Array<
    [string, ClassifiedFailure, number, Partial<RetryPolicy>, DeadlineState, RetryDecision]
  > = [
    // What the failure is.
    ['503 on an idempotent request: full-jitter backoff', failure(), 1, {}, open, wait(50)],
    ['the backoff doubles with the attempt', failure(), 2, {}, open, wait(100)],
    ['…up to maxDelayMs', failure(), 3, { maxDelayMs: 150 }, open, wait(75)],
    [
      'an error that says retrying cannot help',
      failure({ error: new ConflictError('c'), retryable: false, status: 409 }),
      1,
      { retryStatuses: [409] },
      open,
      stop('not-retryable'),
    ],
    [
      'a retryable error with a status the policy does not re-send',
      failure({ status: 500 }),
      1,
      {},
      open,
      stop('status-not-retried'),
    ],
    ['a network failure has no status and is re-sent', failure({ status: undefined }), 1, {}, open, wait(50)],
    // Idempotency.
    [
      'a processed non-idempotent write is never re-sent',
      failure({ idempotent: false }),
      1,
      {},
      open,
      stop('not-idempotent'),
    ],
    [
      'a non-idempotent write the vendor never processed is re-sent',
      failure({ idempotent: false, mayHaveBeenProcessed: false, status: undefined }),
      1,
      {},
      open,
      wait(50),
    ],
    [
      'a 429 on a non-idempotent write waits the Retry-After',
      failure({
        error: new RateLimitedError('r'),
        idempotent: false,
        mayHaveBeenProcessed: false,
        status: 429,
        retryAfterMs: 2000,
      }),
      1,
      {},
      open,
      wait(2000),
    ],
    // Retry-After.
    ['Retry-After replaces the backoff', failure({ retryAfterMs: 5000 }), 1, {}, open, wait(5000)],
    ['Retry-After 0 means at once', failure({ retryAfterMs: 0 }), 1, {}, open, wait(0)],
    [
      'Retry-After over maxRetryAfterMs is not waited for',
      failure({ retryAfterMs: 70_000 }),
      1,
      {},
      open,
      stop('retry-after-too-long'),
    ],
    [
      'Retry-After exactly maxRetryAfterMs is waited for',
      failure({ retryAfterMs: 6000 }),
      1,
      { maxRetryAfterMs: 6000 },
      open,
      wait(6000),
    ],
    // maxRetries.
    ['the last allowed retry', failure(), 3, {}, open, wait(200)],
    ['retries exhausted', failure(), 4, {}, open, stop('retries-exhausted')],
    ['maxRetries 0: never', failure(), 1, { maxRetries: 0 }, open, stop('retries-exhausted')],
    // The total deadline.
    ['the deadline already passed', failure(), 1, {}, { ...open, passed: true }, stop('deadline-passed')],
    [
      'a wait that would end at the deadline',
      failure({ retryAfterMs: 1000 }),
      1,
      {},
      { ...open, now: 9000 },
      stop('wait-passes-deadline', 1000),
    ],
    [
      'a wait that ends just before it',
      failure({ retryAfterMs: 999 }),
      1,
      {},
      { ...open, now: 9000 },
      wait(999),
    ],
    [
      'a backoff past the deadline',
      failure(),
      1,
      {},
      { now: 0, at: 50, passed: false },
      stop('wait-passes-deadline', 50),
    ],
    // Which reason wins.
    [
      'a refusal beats exhausted retries and a passed deadline',
      failure({ idempotent: false }),
      9,
      {},
      { ...open, passed: true },
      stop('not-idempotent'),
    ],
    [
      'exhausted retries beat a passed deadline',
      failure(),
      4,
      {},
      { ...open, passed: true },
      stop('retries-exhausted'),
    ],
  ];
  for (const [label, input, attempt, over, deadline, expected] of table) {
    it(label, () => {
      expect(decide(input, attempt, { ...policy, ...over }, deadline, half)).toEqual(expected);
    });
  }

  it('draws the jitter from the given random source', () => {
    expect(decide(failure(), 2, policy, open, () => 0)).toEqual(wait(0));
    expect(decide(failure(), 2, policy, open, () => 0.999)).toEqual(wait(199));
  });
});
