import { AsyncLocalStorage } from 'node:async_hooks';
import { LeaseLostError } from './errors.js';
import type { ReleaseLease } from './release-lock.js';

/**
 * The fence of a held lease: what `release()` and `rollback()` check before every vendor write.
 *
 * A lease is a promise with a deadline, not a flag: a holder paused past it (a GC pause, a
 * throttled container, SIGSTOP) wakes up believing it still holds the lease while another process
 * already took it. So the fence asks the lease, synchronously and at the moment of each write, how
 * much of its own deadline is left ({@link ReleaseLease.remainingMs}, from a monotonic clock), and
 * fires {@link signal} the first time the answer is "none" or the lease reports itself lost. From
 * then on it stays closed: no write, no wait, no clean-up.
 */
export class LeaseFence {
  readonly #lease: ReleaseLease;
  readonly #controller = new AbortController();
  readonly #what: string;

  readonly #onLost = () => this.#close();

  constructor(lease: ReleaseLease, what: string) {
    this.#lease = lease;
    this.#what = what;
    if (lease.lost.aborted) this.#close();
    else lease.lost.addEventListener('abort', this.#onLost, { once: true });
  }

  /** Stops listening to the lease (it was given back); the fence stays as it is. */
  dispose(): void {
    this.#lease.lost.removeEventListener('abort', this.#onLost);
  }

  /** Fires once the lease is lost or its deadline passed. Passed to every wait and request. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Whether the lease can expire, i.e. spans processes (a durable store's lease): only then does
   * holding it prove that no other process is working on the agent.
   */
  get durable(): boolean {
    return this.#lease.remainingMs !== undefined;
  }

  /** Whether the lease still vouches for this holder, checked now on the monotonic clock. */
  holds(): boolean {
    if (this.#controller.signal.aborted) return false;
    const left = this.#lease.remainingMs?.() ?? Number.POSITIVE_INFINITY;
    if (left > 0 && !this.#lease.lost.aborted) return true;
    this.#close();
    return false;
  }

  /** Throws {@link LeaseLostError} unless the lease still holds; call right before a write. */
  assertHeld(operation: string, provider?: string): void {
    if (!this.holds()) throw this.error(operation, provider);
  }

  /** The error a write refused by this fence throws; `advice` replaces its last sentence. */
  error(
    operation: string,
    provider?: string,
    advice = 'Check the live version and try again.',
  ): LeaseLostError {
    const { provider: leaseProvider, agentId } = this.#lease.key;
    const name = provider ?? leaseProvider;
    return new LeaseLostError(
      `${name}: the lease on agent ${agentId} ran out before the ${operation} step, so another ${this.#what} may be running; nothing more was sent. ${advice}`,
      { provider: name, operation },
    );
  }

  #close(): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(this.error('next'));
    this.dispose();
  }
}

// The fence of the attempt the current async call chain belongs to. The HTTP edge reads it, so
// every vendor write of every adapter is fenced without each adapter threading it through. One
// store per process, shared through the global symbol registry: an adapter that resolved its own
// copy of this package (a second install, dist next to sources) must still see the fence that
// release() set, or its writes would go out unfenced.
const SCOPE = Symbol.for('@agent-release/core/lease-fence-scope');
const registry = globalThis as Record<symbol, AsyncLocalStorage<FenceLike | undefined> | undefined>;
const scope = registry[SCOPE] ?? new AsyncLocalStorage<FenceLike | undefined>();
registry[SCOPE] = scope;

/** What the HTTP edge needs of a fence, whichever copy of this package made it. */
export type FenceLike = Pick<LeaseFence, 'signal' | 'holds' | 'assertHeld' | 'error'>;

/** Runs `task` with `fence` as the fence of every vendor request it makes. */
export function runFenced<T>(fence: FenceLike | undefined, task: () => Promise<T>): Promise<T> {
  return scope.run(fence, task);
}

/** The fence of the attempt this call belongs to, if any. */
export function currentFence(): FenceLike | undefined {
  return scope.getStore();
}
