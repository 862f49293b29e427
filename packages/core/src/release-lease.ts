import { LeaseLostError, ValidationError } from './errors.js';
import { createInProcessReleaseLock } from './in-process-release-lock.js';
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

/**
 * Runs `task` while holding the (provider, agent) lease of `lock` (default: the in-process lock),
 * and gives it back whatever happens. `task` gets a guard to call before each step: it throws
 * `LeaseLostError` once the lease was lost, so no step starts without the lease.
 */
export async function holdReleaseLease<T>(
  lock: ReleaseLock | undefined,
  key: ReleaseLockKey,
  signal: AbortSignal | undefined,
  task: (guard: (step: string) => void) => Promise<T>,
): Promise<T> {
  const lease: ReleaseLease = await (lock ?? processLock).acquire(key, { signal });
  const guard = (step: string) => {
    if (lease.lost.aborted) {
      throw new LeaseLostError(
        `${key.provider}: the lease on agent ${key.agentId} was lost before the ${step} step, so another release may be running; this one stopped. Check the live version and try again.`,
        { provider: key.provider, operation: step },
      );
    }
  };
  try {
    return await task(guard);
  } finally {
    await lease.release().catch(() => undefined);
  }
}
