import type { ReleaseLockKey } from '@agent-release/core';

/**
 * The operations a durable lease needs from a store. Taking the lease is one atomic statement
 * (or one `BEGIN IMMEDIATE` transaction in SQLite), so two processes can never both hold it.
 */
export interface LeaseStore {
  /**
   * Joins (or stays in) the queue of waiters for `key` until `waitMs` from now, and takes the
   * lease if this `token` is the oldest live waiter and the lease is free or expired. `true` when
   * this `token` now holds it (and has left the queue).
   */
  tryAcquire(
    key: ReleaseLockKey,
    holder: string,
    token: string,
    ttlMs: number,
    waitMs: number,
  ): Promise<boolean>;
  /** Leaves the queue of waiters (a waiter that gave up). */
  leave(key: ReleaseLockKey, token: string): Promise<void>;
  /** Extends the lease while `token` still holds it; `false` when it was taken over or deleted. */
  renew(key: ReleaseLockKey, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lease if `token` still holds it. */
  release(key: ReleaseLockKey, token: string): Promise<void>;
}

/** Tuning of the durable lease. */
export interface LeaseOptions {
  /**
   * How long a lease outlives its holder's last renewal, in ms. A crashed holder blocks the agent
   * for at most this long. Renewal runs every `ttlMs / 3`. Default 30,000.
   */
  ttlMs?: number | undefined;
  /** Mean pause between attempts while another process holds the lease, in ms (±50% jitter). Default 250. */
  pollMs?: number | undefined;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;
export const DEFAULT_LEASE_POLL_MS = 250;

/**
 * How long a waiter stays in the queue after its last poll: several of its poll intervals (which
 * are at most 1.5 × `pollMs`), and at least 2 s. A crashed waiter holds up the queue this long.
 */
export function waiterTtlMs(pollMs: number): number {
  return Math.max(2_000, Math.ceil(4 * pollMs));
}
