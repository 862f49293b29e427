/**
 * The release lease port: one release (or rollback) per (provider, agent) at a time.
 *
 * `release()` and `rollback()` hold a lease for their whole run. The in-process default serialises
 * callers of one process; `@agent-release/ledger` implements the same port on SQLite and PostgreSQL
 * so that processes on many machines never overlap on one agent.
 */

/** What a lease is held on. */
export interface ReleaseLockKey {
  readonly provider: string;
  readonly agentId: string;
}

/** Options of {@link ReleaseLock.acquire}. */
export interface AcquireLeaseOptions {
  /** Stop waiting (with `AbortedError`) when this fires. A waiter that gives up never disturbs the queue. */
  signal?: AbortSignal | undefined;
  /** Who asks, for diagnostics (e.g. `host:pid`). Never a secret. */
  holder?: string | undefined;
}

/** A held lease. */
export interface ReleaseLease {
  readonly key: ReleaseLockKey;
  /**
   * Fires when the lease was lost while held: its holder's own deadline passed without a
   * renewal (the process was paused, renewal failed, or the store became unreachable). Work done
   * under the lease stops: `release()` and `rollback()` send no vendor write after it.
   */
  readonly lost: AbortSignal;
  /**
   * Milliseconds left before this holder's own deadline, read from a monotonic clock at the moment
   * of the call: the time the lease was last acquired or renewed (when that request was sent), plus
   * the ttl, minus a safety margin. `0` or less means the lease no longer vouches for the holder,
   * even if `lost` has not fired yet (a paused process runs its pending I/O before its timers).
   * Omitted by leases that cannot expire while their process lives (the in-process lock).
   */
  remainingMs?(): number;
  /** Gives the lease back. Idempotent; never throws for a lease that already expired. */
  release(): Promise<void>;
}

/**
 * Grants leases per (provider, agent). `acquire` waits in arrival order until the key is free and
 * resolves with the lease; it rejects with `AbortedError` when `signal` fires first.
 */
export interface ReleaseLock {
  acquire(key: ReleaseLockKey, options?: AcquireLeaseOptions): Promise<ReleaseLease>;
}
