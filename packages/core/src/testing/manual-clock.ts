import { type Clock, throwIfAborted } from '../clock.js';

/**
 * A deterministic {@link Clock} for tests: `sleep` advances time at once and records the delay,
 * so retry and waiter timing can be asserted without real waiting.
 */
export class ManualClock implements Clock {
  #now: number;
  /** Every delay passed to `sleep`, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward without sleeping. */
  advance(ms: number): void {
    this.#now += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal, 'The wait');
    this.sleeps.push(ms);
    this.#now += Math.max(0, ms);
    // Yield once so concurrent work interleaves as it would with real timers.
    await Promise.resolve();
    throwIfAborted(signal, 'The wait');
  }
}
