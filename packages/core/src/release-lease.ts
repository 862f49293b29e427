import { KeyedMutex } from './keyed-mutex.js';
import type { ReleaseLock, ReleaseLockKey } from './release-lock.js';

// TEMPORARY default until the in-process ReleaseLock lands; replaced at merge.
const fallbackQueue = new KeyedMutex();

/** Runs `task` while holding the (provider, agent) lease of `lock` (default: in-process). */
export async function holdReleaseLease<T>(
  lock: ReleaseLock | undefined,
  key: ReleaseLockKey,
  signal: AbortSignal | undefined,
  task: () => Promise<T>,
): Promise<T> {
  if (!lock) return fallbackQueue.run(`${key.provider}\u0000${key.agentId}`, task, signal);
  const lease = await lock.acquire(key, { signal });
  try {
    return await task();
  } finally {
    await lease.release();
  }
}
