import { type Clock, deadlineAfter, MAX_TIMER_MS, systemClock } from './clock.js';
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
  /**
   * Overall deadline, measured from the first poll. A bound: a poll still in flight when it
   * passes is cut (its signal fires) and the result is `timeout`; no poll starts at or after it.
   * `0` means look once: the single poll is not cut.
   */
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
 * `poll` receives a signal that fires when the caller's signal does or the deadline passes; it
 * should hand it to its requests. At the deadline the waiter stops waiting for a poll in flight
 * even if the poll ignores that signal.
 *
 * Never throws for timeout or abort: the result says why it stopped. An error thrown by `poll`
 * propagates unchanged, except one caused by the signal (`aborted`) or by the deadline cutting
 * the poll (`timeout`).
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
  const deadlineAt = start + maxWaitMs;
  // maxWaitMs 0 asks for one look, which must be allowed to finish.
  const deadline = maxWaitMs > 0 ? deadlineAfter(clock, maxWaitMs) : undefined;
  const pollSignal = anySignal(signal, deadline?.signal);
  let last: PollResult<T> | undefined;
  const elapsed = () => clock.now() - start;
  const stopped = (state: 'aborted' | 'timeout', attempts: number) =>
    ({ state, value: last?.value, reason: last?.reason, attempts, elapsedMs: elapsed() }) as const;

  try {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return stopped('aborted', attempt - 1);
      if (attempt > 1 && clock.now() >= deadlineAt) return stopped('timeout', attempt - 1);
      const outcome = await settleBy(poll(attempt, pollSignal), deadline?.signal);
      // A poll that failed because the deadline cut it ends the wait as a timeout, not an error.
      if (
        outcome.kind === 'cut' ||
        (outcome.kind === 'error' && deadline?.signal.aborted && !signal?.aborted)
      ) {
        return stopped('timeout', attempt);
      }
      if (outcome.kind === 'error') {
        if (signal?.aborted && (outcome.error instanceof AbortedError || isAgentReleaseError(outcome.error)))
          return stopped('aborted', attempt);
        throw outcome.error;
      }
      last = outcome.value;
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
      const remaining = deadlineAt - clock.now();
      if (remaining <= 0) return stopped('timeout', attempt);
      try {
        await clock.sleep(Math.min(waiterDelayMs(attempt, options, random), remaining), signal);
      } catch (error) {
        if (error instanceof AbortedError) return stopped('aborted', attempt);
        throw error;
      }
    }
  } finally {
    deadline?.dispose();
  }
}

type Settled<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'cut' };

/** Waits for `work` or for `cut` to fire, whichever comes first; never rejects. */
function settleBy<T>(work: Promise<T>, cut: AbortSignal | undefined): Promise<Settled<T>> {
  const settled = work.then(
    (value): Settled<T> => ({ kind: 'value', value }),
    (error: unknown): Settled<T> => ({ kind: 'error', error }),
  );
  if (cut === undefined) return settled;
  if (cut.aborted) return Promise.resolve({ kind: 'cut' });
  return new Promise<Settled<T>>((resolve) => {
    const onCut = () => resolve({ kind: 'cut' });
    cut.addEventListener('abort', onCut, { once: true });
    void settled.then((outcome) => {
      cut.removeEventListener('abort', onCut);
      resolve(outcome);
    });
  });
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
