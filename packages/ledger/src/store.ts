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
}
