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
}

/** Throws `AbortedError` if `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The operation'): void {
  if (signal?.aborted) throw new AbortedError(`${what} was aborted`);
}

/**
 * The real clock: `Date.now()` and an abortable `setTimeout`. The timer keeps the process alive
 * on purpose: a release waiting for a security check must not be cut short by an idle event loop.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AbortedError('The wait was aborted'));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AbortedError('The wait was aborted'));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
