import { createPostgresLedger, type LedgerStore } from '@agent-release/ledger';
import { PG_URL } from './postgres.js';

/** How the processes of one run open their shared ledger. */
export interface SharedLedgerConfig {
  /** The run's own schema (see `uniqueSchema`). */
  schema: string;
  /** How long a killed holder's lease blocks its agent. Default: the ledger's (30 s). */
  leaseTtlMs?: number | undefined;
  /** Pool size per process. Default: the ledger's (10). */
  maxConnections?: number | undefined;
}

/**
 * The ledger every process of the crash test and the bench opens: `@agent-release/ledger`'s
 * PostgreSQL store in one schema per run. Its `lock` is the cross-process release lease.
 * Open it once in the parent before starting workers, so that the schema's migrations run once.
 */
export function openSharedLedger(config: SharedLedgerConfig): Promise<LedgerStore> {
  return createPostgresLedger({
    connectionString: PG_URL,
    schema: config.schema,
    ...(config.maxConnections !== undefined && { maxConnections: config.maxConnections }),
    ...(config.leaseTtlMs !== undefined && { lease: { ttlMs: config.leaseTtlMs, pollMs: 50 } }),
  });
}
