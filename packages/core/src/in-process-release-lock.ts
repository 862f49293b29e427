import { AbortedError } from './errors.js';
import type { AcquireLeaseOptions, ReleaseLease, ReleaseLock, ReleaseLockKey } from './release-lock.js';

interface KeyQueue {
  /** Waiters in arrival order; the head of the line holds the lease and is not in this list. */
  readonly waiters: Array<() => void>;
}

// An in-process lease is lost only with the process itself, so its `lost` signal never fires.
const NEVER_LOST = new AbortController().signal;

/**
 * The default {@link ReleaseLock}: leases per (provider, agent) inside one process, granted in
 * arrival order.
 *
 * A waiter whose signal fires leaves the line without touching anyone else's place in it: the
 * holder keeps the lease and the next waiter is served when the holder gives it back. A key is
 * forgotten as soon as nobody holds or waits for it, so memory follows the number of busy agents.
 * It does not coordinate processes: use `@agent-release/ledger`'s lease for that.
 */
export class InProcessReleaseLock implements ReleaseLock {
  readonly #queues = new Map<string, KeyQueue>();

  /** Number of keys that are held or waited for. */
  get size(): number {
    return this.#queues.size;
  }

  acquire(key: ReleaseLockKey, options: AcquireLeaseOptions = {}): Promise<ReleaseLease> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(gaveUp());
    // A tuple, not a joined string: no provider/agent pair can collide with another.
    const id = JSON.stringify([key.provider, key.agentId]);
    const lease = this.#lease(id, { provider: key.provider, agentId: key.agentId });
    const queue = this.#queues.get(id);
    if (queue === undefined) {
      this.#queues.set(id, { waiters: [] });
      return Promise.resolve(lease);
    }
    return new Promise<ReleaseLease>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      const onAbort = () => {
        const at = queue.waiters.indexOf(grant);
        // Already granted: the lease is the caller's and is given back by its own release().
        if (at === -1) return;
        queue.waiters.splice(at, 1);
        reject(gaveUp());
      };
      queue.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #lease(id: string, key: ReleaseLockKey): ReleaseLease {
    let released = false;
    return {
      key,
      lost: NEVER_LOST,
      release: async () => {
        if (released) return;
        released = true;
        this.#handOver(id);
      },
    };
  }

  #handOver(id: string): void {
    const queue = this.#queues.get(id);
    if (queue === undefined) return;
    const next = queue.waiters.shift();
    if (next === undefined) this.#queues.delete(id);
    else next();
  }
}

/** Creates an {@link InProcessReleaseLock}: FIFO leases per (provider, agent) within this process. */
export function createInProcessReleaseLock(): InProcessReleaseLock {
  return new InProcessReleaseLock();
}

function gaveUp(): AbortedError {
  return new AbortedError('Gave up waiting for an earlier release of this agent');
}
