import { type Clock, type Deadline, throwIfAborted } from '../clock.js';
import { AbortedError } from '../errors.js';

/**
 * A deterministic {@link Clock} for tests: `sleep` advances time at once and records the delay,
 * so retry and waiter timing can be asserted without real waiting.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #deadlines = new Set<{ at: number; controller: AbortController }>();
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
    this.#fireDeadlines();
  }

  /** A signal that fires when `sleep` or `advance` moves time `ms` past now. */
  deadline(ms: number): Deadline {
    const entry = { at: this.#now + Math.max(0, ms), controller: new AbortController() };
    this.#deadlines.add(entry);
    this.#fireDeadlines();
    return { signal: entry.controller.signal, dispose: () => this.#deadlines.delete(entry) };
  }

  #fireDeadlines(): void {
    for (const entry of this.#deadlines) {
      if (entry.at <= this.#now) {
        this.#deadlines.delete(entry);
        entry.controller.abort(new AbortedError('The deadline passed'));
      }
    }
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal, 'The wait');
    this.sleeps.push(ms);
    this.#now += Math.max(0, ms);
    this.#fireDeadlines();
    // Yield once so concurrent work interleaves as it would with real timers.
    await Promise.resolve();
    throwIfAborted(signal, 'The wait');
  }
}
