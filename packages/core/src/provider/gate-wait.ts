/**
 * Waiting for a publish gate (a vendor's post-publish scan) with ONE mapping of how the wait
 * ended to what the caller is told, after smithy's `checkExceptions`: success → the value;
 * failure → `SecurityCheckFailedError`; timeout → `SecurityCheckTimeoutError`; abort →
 * `AbortedError`. Before any of those is thrown, and when a poll itself fails, the adapter's
 * `settle` hook may look at the vendor again: once a publish may be armed, what the caller is
 * told must stay true (it may have committed after all, or must be cancelled first).
 */
import { type Clock, systemClock } from '../clock.js';
import {
  AbortedError,
  type AgentReleaseError,
  isAgentReleaseError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
} from '../errors.js';
import type { GateProgress, PublishGateInfo } from '../port.js';
import { type PollResult, type WaiterOptions, waiterDelayMs, waitUntil } from '../waiter.js';

/** What is being waited for, in the words every message about it uses. */
export interface GateSubject {
  provider: string;
  operation: string;
  /** Names the thing being checked in messages, e.g. `version 65a…`. */
  what: string;
  /** The version id the errors carry, when there is one. */
  versionId?: string | undefined;
  /** What the caller can do after a failed gate (one sentence). */
  failedAdvice?: string | undefined;
  /** What the caller can do after a timeout (one sentence). */
  timeoutAdvice?: string | undefined;
  /** Extra JSON-safe facts for every error. */
  details?: Record<string, unknown> | undefined;
}

/** Why a gate wait stopped short of success, with the last value it read. */
export type GateStop<T> =
  | { kind: 'failure'; value: T | undefined; reason: string | undefined; attempts: number; elapsedMs: number }
  | { kind: 'timeout'; value: T | undefined; reason: string | undefined; attempts: number; elapsedMs: number }
  | { kind: 'aborted'; value: T | undefined; reason: string | undefined; attempts: number; elapsedMs: number }
  | { kind: 'poll-error'; error: unknown; value: T | undefined; attempts: number; elapsedMs: number };

/** Options of {@link waitForGate}. */
export interface GateWaitOptions<T> extends WaiterOptions {
  subject: GateSubject;
  /** The vendor's word for the gate state of a polled value, for messages and error fields. */
  statusOf?: ((value: T | undefined) => string | undefined) | undefined;
  /**
   * Called once when the wait stops short of success. Return a value when the vendor says the
   * gate passed after all (it becomes the result), throw to tell the caller something truer
   * (e.g. after cancelling), or return `undefined` for the standard error. Without it a poll
   * error propagates unchanged.
   */
  settle?: ((stop: GateStop<T>) => Promise<T | undefined>) | undefined;
  /**
   * The delay before poll `attempt + 1`, when the adapter knows better than the jittered
   * backoff (e.g. when a vendor's gate is likely to end). `undefined` → the backoff's delay.
   * Clamped to the deadline; the number of polls stays bounded by `maxWaitMs`.
   */
  schedule?: ((attempt: number, last: T | undefined, elapsedMs: number) => number | undefined) | undefined;
}

/** A successful gate wait. */
export interface GatePassed<T> {
  value: T;
  attempts: number;
  elapsedMs: number;
}

/**
 * Polls until the gate passes, fails, times out or the signal fires, and maps the end to one
 * typed outcome (see the file comment).
 * @throws SecurityCheckFailedError, SecurityCheckTimeoutError, AbortedError, or what `settle` throws.
 */
export async function waitForGate<T>(
  poll: (attempt: number, signal: AbortSignal | undefined) => Promise<PollResult<T>>,
  options: GateWaitOptions<T>,
): Promise<GatePassed<T>> {
  let pollError: { error: unknown } | undefined;
  let lastValue: T | undefined;
  const { signal, schedule } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const started = clock.now();
  const deadline = started + options.maxWaitMs;
  const waitOptions = schedule === undefined ? options : { ...options, minDelayMs: 0, maxDelayMs: 0 };
  const result = await waitUntil<T>(async (attempt, s) => {
    if (schedule !== undefined && attempt > 1) {
      // The waiter itself sleeps 0: the scheduled delay is slept here, within the deadline.
      const planned =
        schedule(attempt - 1, lastValue, clock.now() - started) ??
        waiterDelayMs(attempt - 1, options, random);
      await clock.sleep(Math.max(0, Math.min(planned, deadline - clock.now())), s);
    }
    try {
      const seen = await poll(attempt, s);
      if (seen.value !== undefined) lastValue = seen.value;
      return seen;
    } catch (error) {
      // An abort by the caller's signal is the waiter's `aborted`, not a failed poll.
      if (signal?.aborted && (error instanceof AbortedError || isAgentReleaseError(error))) throw error;
      pollError = { error };
      return { state: 'failure', value: lastValue, reason: 'poll failed' };
    }
  }, waitOptions);
  if (result.state === 'success') {
    return { value: result.value as T, attempts: result.attempts, elapsedMs: result.elapsedMs };
  }
  const stop: GateStop<T> =
    pollError !== undefined
      ? {
          kind: 'poll-error',
          error: pollError.error,
          value: result.value,
          attempts: result.attempts,
          elapsedMs: result.elapsedMs,
        }
      : {
          kind: result.state,
          value: result.value,
          reason: result.reason,
          attempts: result.attempts,
          elapsedMs: result.elapsedMs,
        };
  if (options.settle !== undefined) {
    const settled = await options.settle(stop);
    if (settled !== undefined) return { value: settled, attempts: stop.attempts, elapsedMs: stop.elapsedMs };
  }
  throw gateStopError(stop, options);
}

/** The one mapping of a gate stop to the error the caller is told. */
export function gateStopError<T>(
  stop: GateStop<T>,
  options: Pick<GateWaitOptions<T>, 'subject' | 'statusOf' | 'maxWaitMs'>,
): unknown {
  const { subject } = options;
  const status = options.statusOf?.(stop.value);
  const base = {
    provider: subject.provider,
    operation: subject.operation,
    ...(subject.details !== undefined ? { details: subject.details } : {}),
  };
  const where = `${subject.provider} ${subject.operation}`;
  switch (stop.kind) {
    case 'poll-error':
      return stop.error;
    case 'failure': {
      const reason = stop.reason;
      return new SecurityCheckFailedError(
        `${where}: ${subject.what} failed its security check (${status ?? 'failed'})${reason ? `: ${reason}` : ''}.${subject.failedAdvice ? ` ${subject.failedAdvice}` : ''}`,
        {
          ...base,
          ...(subject.versionId !== undefined ? { versionId: subject.versionId } : {}),
          checkStatus: status ?? 'failed',
          ...(reason !== undefined ? { reason } : {}),
        },
      );
    }
    case 'timeout':
      return new SecurityCheckTimeoutError(
        `${where}: the security check of ${subject.what} did not pass within ${options.maxWaitMs} ms (last status: ${status ?? 'unknown'}).${subject.timeoutAdvice ? ` ${subject.timeoutAdvice}` : ''}`,
        {
          ...base,
          ...(subject.versionId !== undefined ? { versionId: subject.versionId } : {}),
          ...(status !== undefined ? { lastStatus: status } : {}),
          waitedMs: stop.elapsedMs,
        },
      );
    default:
      return new AbortedError(
        `${where} was aborted while waiting for the security check of ${subject.what}`,
        {
          ...base,
          details: { ...subject.details, ...(status !== undefined ? { lastStatus: status } : {}) },
        },
      );
  }
}

/**
 * A progress callback that never throws into the wait: `report(attempt, gate)` calls
 * `onGateProgress` with the time spent since `startedAt`.
 */
export function gateProgressReporter(
  onGateProgress: ((progress: GateProgress) => void) | undefined,
  clock: Clock = systemClock,
  startedAt: number = clock.now(),
): (attempt: number, gate: PublishGateInfo) => void {
  return (attempt, gate) => {
    if (onGateProgress === undefined) return;
    try {
      onGateProgress({ ...gate, attempt, elapsedMs: clock.now() - startedAt });
    } catch {
      // Progress reporting must never break a release.
    }
  };
}

/** Whether `error` is an agent-release error with this code. */
export function hasErrorCode(error: unknown, code: AgentReleaseError['code']): boolean {
  return isAgentReleaseError(error) && error.code === code;
}
