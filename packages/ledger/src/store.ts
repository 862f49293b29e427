import type { ReleaseLedger, ReleaseLock } from '@agent-release/core';

/**
 * A durable release ledger and the cross-process release lease on the same database: pass it as
 * `ledger` and its `lock` as `lock` to `release()` / `rollback()`.
 */
export interface LedgerStore extends ReleaseLedger {
  /** The durable {@link ReleaseLock} on this store's database. */
  readonly lock: ReleaseLock;
  /** Versions of the schema migrations applied to the database, ascending. */
  appliedMigrations(): Promise<number[]>;
  /**
   * Closes the connections (pool or file). Idempotent; later calls on the store are a
   * `ConfigurationError`. Leases still held are not given back: their `lost` fires at the next
   * renewal and their rows expire after `ttlMs`, so work still running under them never overlaps
   * another process. Release leases before closing.
   */
  close(): Promise<void>;
}
