import { ValidationError } from './errors.js';
import { createInProcessReleaseLock } from './in-process-release-lock.js';
import { LeaseFence, runFenced } from './lease-fence.js';
import type { ReleaseLease, ReleaseLock, ReleaseLockKey } from './release-lock.js';

// One process-wide lock shared by release() and rollback(): a rollback interleaving with a
// release of the same agent would race it exactly like two releases would.
const processLock: ReleaseLock = createInProcessReleaseLock();

/** Refuses an `options.lock` that is not a {@link ReleaseLock}, before anything is sent. */
export function validateLockOption(lock: unknown, provider: string): void {
  if (lock !== undefined && typeof (lock as ReleaseLock | null)?.acquire !== 'function') {
    throw new ValidationError(
      'Invalid options: options.lock must be a ReleaseLock (an object with acquire()).',
      {
        provider,
        issues: [{ path: 'options.lock', message: 'must be a ReleaseLock' }],
      },
    );
  }
}

/** What a task run under the lease gets: a check before each step and the fence itself. */
export interface HeldLease {
  /** Throws `LeaseLostError` when the lease no longer holds, so no step starts without it. */
  readonly guard: (step: string) => void;
  /** The fence every vendor request of the task is checked against. */
  readonly fence: LeaseFence;
}

/**
 * Runs `task` while holding the (provider, agent) lease of `lock` (default: the in-process lock),
 * and gives it back whatever happens. Every vendor request `task` makes runs inside the lease's
 * fence: a write is refused once the holder's own deadline passed, and waits and requests in
 * flight are cut then (see {@link LeaseFence}).
 */
export async function holdReleaseLease<T>(
  lock: ReleaseLock | undefined,
  key: ReleaseLockKey,
  signal: AbortSignal | undefined,
  what: string,
  task: (held: HeldLease) => Promise<T>,
): Promise<T> {
  const lease: ReleaseLease = await (lock ?? processLock).acquire(key, { signal });
  const fence = new LeaseFence(lease, what);
  const guard = (step: string) => fence.assertHeld(step, key.provider);
  try {
    return await runFenced(fence, () => task({ guard, fence }));
  } finally {
    fence.dispose();
    await lease.release().catch(() => undefined);
  }
}
