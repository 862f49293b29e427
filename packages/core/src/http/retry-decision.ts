import type { ClassifiedFailure } from './classify.js';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';

/** Where the request stands against its total deadline. */
export interface DeadlineState {
  /** The clock's time now. */
  readonly now: number;
  /** The clock's time at which the total deadline passes. */
  readonly at: number;
  /** Whether the deadline's signal has fired (it runs on a timer, not only on `now`). */
  readonly passed: boolean;
}

/** Why no retry is made. */
export type StopReason =
  | 'not-retryable'
  | 'status-not-retried'
  | 'not-idempotent'
  | 'retry-after-too-long'
  | 'retries-exhausted'
  | 'deadline-passed'
  | 'wait-passes-deadline';

/** Stop and throw the failure's error, or wait `delayMs` and send again. */
export type RetryDecision =
  | { readonly stop: true; readonly why: StopReason; readonly delayMs?: number | undefined }
  | { readonly stop: false; readonly delayMs: number };

/**
 * Whether to re-send after failed attempt number `attempt` (1-based), and after what wait: the
 * vendor's `Retry-After` when it gave one, else full-jitter backoff (`random` in [0, 1)).
 */
export function decide(
  failure: ClassifiedFailure,
  attempt: number,
  policy: Readonly<RetryPolicy>,
  deadline: DeadlineState,
  random: () => number,
): RetryDecision {
  const refused = refusal(failure, policy);
  if (refused !== undefined) return { stop: true, why: refused };
  if (attempt > policy.maxRetries) return { stop: true, why: 'retries-exhausted' };
  if (deadline.passed) return { stop: true, why: 'deadline-passed' };
  const delayMs = failure.retryAfterMs ?? backoffDelayMs(attempt - 1, policy, random);
  // Waiting past the total deadline only to be cut: better say now what the last answer said.
  if (deadline.now + delayMs >= deadline.at) return { stop: true, why: 'wait-passes-deadline', delayMs };
  return { stop: false, delayMs };
}

/** Why this failure is never worth re-sending, whatever the attempt count and clock say. */
function refusal(failure: ClassifiedFailure, policy: Readonly<RetryPolicy>): StopReason | undefined {
  if (!failure.retryable) return 'not-retryable';
  if (failure.status !== undefined && !policy.retryStatuses.includes(failure.status))
    return 'status-not-retried';
  // Sending a non-idempotent request again could apply it twice, unless it was never processed.
  if (!failure.idempotent && failure.mayHaveBeenProcessed) return 'not-idempotent';
  // A vendor asking for a longer wait than allowed is not waited for: the caller schedules it.
  if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs) {
    return 'retry-after-too-long';
  }
  return undefined;
}
