import { AbortedError } from './errors.js';

/**
 * Time as the library sees it. Injected wherever the library waits, so tests run on a manual
 * clock instead of real timers.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with `AbortedError` when `signal` fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A signal that fires once `ms` have passed on this clock, to cut work in flight at a deadline.
   * Optional: without it {@link deadlineAfter} falls back to a real timer.
   */
  deadline?(ms: number): Deadline;
}

/** A signal that fires at a deadline; `dispose` stops its timer when the work ended first. */
export interface Deadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * The longest delay `setTimeout` honours (2³¹−1 ms, about 24.8 days); a longer one fires after
 * 1 ms. Delay options are bounded by it and {@link systemClock} sleeps longer than it in chunks.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws `AbortedError` if `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The operation'): void {
  if (signal?.aborted) throw new AbortedError(`${what} was aborted`);
}

/**
 * A {@link Deadline} `ms` from now on `clock` (its own `deadline` when it has one, else a real
 * timer). Its timer never keeps the process alive: the work it bounds does that.
 */
export function deadlineAfter(clock: Clock, ms: number): Deadline {
  return clock.deadline ? clock.deadline(ms) : realDeadline(ms);
}

function realDeadline(ms: number): Deadline {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (remaining: number) => {
    const chunk = Math.min(remaining, MAX_TIMER_MS);
    timer = setTimeout(() => {
      if (remaining > chunk) arm(remaining - chunk);
      else controller.abort(new AbortedError('The deadline passed'));
    }, chunk);
    timer.unref?.();
  };
  arm(Math.max(0, ms));
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

/**
 * The real clock: `Date.now()` and an abortable `setTimeout`. The timer keeps the process alive
 * on purpose: a release waiting for a security check must not be cut short by an idle event loop.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  deadline: realDeadline,
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError('The wait was aborted'));
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError('The wait was aborted'));
      };
      // Longer waits are chained in chunks, so none overflows to 1 ms.
      const arm = (remaining: number) => {
        const chunk = Math.min(remaining, MAX_TIMER_MS);
        timer = setTimeout(() => {
          if (remaining > chunk) {
            arm(remaining - chunk);
            return;
          }
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, chunk);
      };
      arm(Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
