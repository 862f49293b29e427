import { type Clock, MAX_TIMER_MS, systemClock } from './clock.js';
import { AbortedError, isAgentReleaseError } from './errors.js';

/** What one poll found, in the vocabulary of AWS SDK waiters. */
export type PollState = 'success' | 'failure' | 'retry';

/** One poll's verdict and the value it read. */
export interface PollResult<T> {
  state: PollState;
  value?: T | undefined;
  /** Why it failed or is not ready yet (shown in timeout/failure results). */
  reason?: string | undefined;
}

/** Waiter configuration. */
export interface WaiterOptions {
  /** Delay before the second poll and the floor of every later delay. */
  minDelayMs: number;
  /** Ceiling of any single delay. */
  maxDelayMs: number;
  /** Overall deadline, measured from the first poll. A last poll happens at the deadline. */
  maxWaitMs: number;
  signal?: AbortSignal | undefined;
  clock?: Clock | undefined;
  /** Uniform random in [0, 1), for jitter. */
  random?: (() => number) | undefined;
}

/** Why the waiter stopped, with what it last saw. */
export type WaiterResult<T> =
  | { state: 'success'; value: T | undefined; attempts: number; elapsedMs: number }
  | {
      state: 'failure';
      value: T | undefined;
      reason: string | undefined;
      attempts: number;
      elapsedMs: number;
    }
  | {
      state: 'timeout';
      value: T | undefined;
      reason: string | undefined;
      attempts: number;
      elapsedMs: number;
    }
  | {
      state: 'aborted';
      value: T | undefined;
      reason: string | undefined;
      attempts: number;
      elapsedMs: number;
    };

/**
 * The delay before poll `attempt + 1` (attempt counts from 1): `minDelayMs` after the first poll,
 * then exponential growth with jitter in [minDelayMs, min(maxDelayMs, minDelayMs·2^(attempt-1))],
 * as in smithy's waiter. Jitter keeps many agents published together from polling in lockstep.
 */
export function waiterDelayMs(attempt: number, options: WaiterOptions, random: () => number): number {
  if (attempt <= 1) return options.minDelayMs;
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** (attempt - 1));
  return Math.round(options.minDelayMs + random() * Math.max(0, ceiling - options.minDelayMs));
}

/**
 * Polls until `poll` reports success or failure, the deadline passes, or the signal fires.
 *
 * Never throws for timeout or abort: the result says why it stopped. An error thrown by `poll`
 * propagates unchanged, except an `AbortedError` caused by the signal, which becomes `aborted`.
 */
export async function waitUntil<T>(
  poll: (attempt: number, signal: AbortSignal | undefined) => Promise<PollResult<T>>,
  options: WaiterOptions,
): Promise<WaiterResult<T>> {
  const { minDelayMs, maxDelayMs, maxWaitMs } = options;
  const inRange = (v: number) => Number.isFinite(v) && v >= 0 && v <= MAX_TIMER_MS;
  if (!inRange(minDelayMs) || !inRange(maxDelayMs) || !inRange(maxWaitMs) || maxDelayMs < minDelayMs) {
    throw new RangeError(
      `waiter: need 0 <= minDelayMs <= maxDelayMs <= ${MAX_TIMER_MS} and 0 <= maxWaitMs <= ${MAX_TIMER_MS}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { signal } = options;
  const start = clock.now();
  const deadline = start + options.maxWaitMs;
  let last: PollResult<T> | undefined;
  const elapsed = () => clock.now() - start;
  const aborted = (attempts: number) =>
    ({ state: 'aborted', value: last?.value, reason: last?.reason, attempts, elapsedMs: elapsed() }) as const;

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return aborted(attempt - 1);
    try {
      last = await poll(attempt, signal);
    } catch (error) {
      if (signal?.aborted && (error instanceof AbortedError || isAgentReleaseError(error)))
        return aborted(attempt);
      throw error;
    }
    if (last.state === 'success')
      return { state: 'success', value: last.value, attempts: attempt, elapsedMs: elapsed() };
    if (last.state === 'failure') {
      return {
        state: 'failure',
        value: last.value,
        reason: last.reason,
        attempts: attempt,
        elapsedMs: elapsed(),
      };
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      return {
        state: 'timeout',
        value: last.value,
        reason: last.reason,
        attempts: attempt,
        elapsedMs: elapsed(),
      };
    }
    try {
      await clock.sleep(Math.min(waiterDelayMs(attempt, options, random), remaining), signal);
    } catch (error) {
      if (error instanceof AbortedError) return aborted(attempt);
      throw error;
    }
  }
}
