import type { ReleaseLockKey } from '@agent-release/core';

/**
 * The three atomic operations a durable lease needs from a store. Each is one statement (or one
 * `BEGIN IMMEDIATE` transaction in SQLite), so two processes can never both succeed.
 */
export interface LeaseStore {
  /** Takes the lease if it is free or expired; `true` when this `token` now holds it. */
  tryAcquire(key: ReleaseLockKey, holder: string, token: string, ttlMs: number): Promise<boolean>;
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
