/**
 * @packageDocumentation
 * The durable release ledger and cross-process release lease of agent-release: SQLite (the
 * embedded default) and PostgreSQL, one contract (`ReleaseLedger`, `ReleaseLock` from core).
 */
export { diffEntries, diffSnapshots, type SnapshotChange } from './diff.js';
export { MAX_SNAPSHOT_BYTES } from './entry-input.js';
export type { LeaseOptions } from './lease-store.js';
export { createPostgresLedger, type PostgresLedgerOptions } from './postgres/pg-ledger.js';
export { createSqliteLedger, type SqliteLedgerOptions } from './sqlite/sqlite-ledger.js';
export type { LedgerStore } from './store.js';
