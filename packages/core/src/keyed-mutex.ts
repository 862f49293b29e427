import { throwIfAborted } from './clock.js';
import { InProcessReleaseLock } from './in-process-release-lock.js';

/**
 * Runs tasks one at a time per key, in arrival order. A waiter whose signal fires leaves the
 * queue without running and without letting anyone behind it jump ahead. Keys are dropped once
 * idle, so memory follows the number of busy keys.
 *
 * Kept for callers that serialise their own work; `release()` uses a `ReleaseLock`.
 */
export class KeyedMutex {
  readonly #lock = new InProcessReleaseLock();

  /** Number of keys with a running or queued task. */
  get size(): number {
    return this.#lock.size;
  }

  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    const lease = await this.#lock.acquire({ provider: '', agentId: key }, { signal });
    try {
      return await task();
    } finally {
      await lease.release();
    }
  }
}
