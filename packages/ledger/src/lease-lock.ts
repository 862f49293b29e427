import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AbortedError,
  type AcquireLeaseOptions,
  type ReleaseLease,
  type ReleaseLock,
  type ReleaseLockKey,
  systemClock,
  ValidationError,
} from '@agent-release/core';
import { KeyedMutex, throwIfAborted } from '@agent-release/core/provider';
import {
  DEFAULT_LEASE_POLL_MS,
  DEFAULT_LEASE_TTL_MS,
  type LeaseOptions,
  type LeaseStore,
  waiterTtlMs,
} from './lease-store.js';

/**
 * A {@link ReleaseLock} on a {@link LeaseStore}: a lease row with holder, token and expiry.
 *
 * Callers of one process queue in arrival order (core's `KeyedMutex`), so only the head of that
 * queue polls the store. Across processes, each polling head joins a queue of waiters in the
 * store and the lease goes to the oldest live one; polls are spread with jitter. The holder renews every
 * `ttlMs / 3`; when a renewal fails the lease's `lost` signal fires and renewal stops.
 */
export function createLeaseLock(store: LeaseStore, options: LeaseOptions = {}): ReleaseLock {
  const { ttlMs, pollMs } = resolveLeaseOptions(options);
  const queue = new KeyedMutex();

  return {
    acquire(key: ReleaseLockKey, acquireOptions: AcquireLeaseOptions = {}): Promise<ReleaseLease> {
      const { signal } = acquireOptions;
      const holder = acquireOptions.holder ?? `${hostname()}:${process.pid}`;
      return new Promise<ReleaseLease>((resolve, reject) => {
        queue
          .run(
            JSON.stringify([key.provider, key.agentId]),
            async () => {
              const token = randomUUID();
              const sentAt = await pollUntilHeld(store, key, holder, token, ttlMs, pollMs, signal);
              const held = holdLease(store, key, token, ttlMs, sentAt);
              resolve(held.lease);
              // The next caller of this process waits until this lease is given back or lost.
              await held.ended;
            },
            signal,
          )
          .catch(reject);
      });
    },
  };
}

/**
 * The lease tuning with defaults applied; a `ValidationError` for values the lease cannot work
 * with. Stores call it before opening anything, so bad options leave nothing open.
 */
export function resolveLeaseOptions(options: LeaseOptions = {}): { ttlMs: number; pollMs: number } {
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const pollMs = options.pollMs ?? DEFAULT_LEASE_POLL_MS;
  if (!Number.isInteger(ttlMs) || ttlMs < 30) {
    throw new ValidationError('Invalid lease ttlMs: it must be an integer of at least 30 ms.');
  }
  if (!Number.isFinite(pollMs) || pollMs < 1) {
    throw new ValidationError('Invalid lease pollMs: it must be a number of at least 1 ms.');
  }
  return { ttlMs, pollMs };
}

async function pollUntilHeld(
  store: LeaseStore,
  key: ReleaseLockKey,
  holder: string,
  token: string,
  ttlMs: number,
  pollMs: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const waitMs = waiterTtlMs(pollMs);
  try {
    for (;;) {
      throwIfAborted(signal, 'Waiting for the release lease');
      // The store starts the ttl when it runs the statement, which is after this moment: the
      // holder's own deadline, counted from here, never ends after the one other processes see.
      const sentAt = performance.now();
      if (await store.tryAcquire(key, holder, token, ttlMs, waitMs)) {
        if (signal?.aborted) {
          // Gave up in the same instant it was granted: hand it straight back.
          await store.release(key, token).catch(() => undefined);
          throw new AbortedError('Waiting for the release lease was aborted');
        }
        return sentAt;
      }
      await systemClock.sleep(pollMs * (0.5 + Math.random()), signal);
    }
  } catch (error) {
    // A waiter that gives up leaves the queue at once instead of holding it up until it expires.
    await store.leave(key, token).catch(() => undefined);
    throw error;
  }
}

function holdLease(
  store: LeaseStore,
  key: ReleaseLockKey,
  token: string,
  ttlMs: number,
  acquiredAt: number,
): { lease: ReleaseLease; ended: Promise<void> } {
  const lost = new AbortController();
  let state: 'held' | 'lost' | 'released' = 'held';
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  // The holder's own deadline on the monotonic clock: when the last acquire or successful renewal
  // was sent, plus the ttl, minus a margin for clock-rate drift and the time to act on a check.
  const margin = safetyMarginMs(ttlMs);
  let deadline = acquiredAt + ttlMs - margin;
  let expiry: ReturnType<typeof setTimeout> | undefined;
  const markLost = (why: string) => {
    if (state !== 'held') return;
    state = 'lost';
    clearInterval(timer);
    clearTimeout(expiry);
    lost.abort(new AbortedError(`The release lease was lost: ${why}, so another process may take it`));
    end();
  };
  const remainingMs = () => {
    if (state === 'lost') return 0;
    const left = deadline - performance.now();
    if (left <= 0) markLost('its deadline passed before a renewal');
    return left;
  };
  // Fires at the deadline even when no one asks, so waits and requests in flight are cut then.
  const armExpiry = (): void => {
    clearTimeout(expiry);
    // Timers run on a coarser clock than performance.now() and may fire a little early: look
    // again until the deadline has really passed.
    expiry = setTimeout(
      () => {
        if (state === 'held' && remainingMs() > 0) armExpiry();
      },
      Math.max(0, deadline - performance.now()) + 1,
    );
    expiry.unref();
  };
  armExpiry();
  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing || state !== 'held' || remainingMs() <= 0) return;
      renewing = true;
      const sentAt = performance.now();
      store
        .renew(key, token, ttlMs)
        .then(
          (ok) => {
            if (!ok) markLost('another holder took it or it was deleted');
            else if (state === 'held') {
              deadline = Math.max(deadline, sentAt + ttlMs - margin);
              armExpiry();
            }
          },
          () => markLost('renewing it failed'),
        )
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  // A forgotten lease must not keep the process alive; its row simply expires.
  timer.unref();

  let releasing: Promise<void> | undefined;
  const lease: ReleaseLease = {
    key: { provider: key.provider, agentId: key.agentId },
    lost: lost.signal,
    remainingMs,
    release() {
      releasing ??= (async () => {
        if (state === 'held') state = 'released';
        clearInterval(timer);
        clearTimeout(expiry);
        // An unreachable store cannot be told; the row then expires after ttlMs.
        await store.release(key, token).catch(() => undefined);
        end();
      })();
      return releasing;
    },
  };
  return { lease, ended };
}

/**
 * How much earlier than the store's expiry a holder stops trusting its lease: a tenth of the ttl,
 * at least 10 ms, so that clock-rate drift between this process and the store, and the moment
 * between a check and the write it allows, never let a write land after another holder took over.
 */
export function safetyMarginMs(ttlMs: number): number {
  return Math.max(10, Math.floor(ttlMs / 10));
}
