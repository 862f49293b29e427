import type { ReleaseEvent, RollbackEvent } from '@agent-release/core';

/** The service's own injection tokens (the library's are `TOKENS`). */
export const SERVICE_TOKENS = Object.freeze({
  /** `ReleaseObserverFactory`: per-operation progress reporting (logs, metrics, the demo's screen). */
  ReleaseObserverFactory: Symbol.for('multi-tenant-service.ReleaseObserverFactory'),
  /** `ReleaseService`. */
  ReleaseService: Symbol.for('multi-tenant-service.ReleaseService'),
  /** `() => Promise<void>`: frees what the container opened itself (the SQLite ledger). */
  Shutdown: Symbol.for('multi-tenant-service.Shutdown'),
});

/** Who is releasing or rolling back what: handed to the observer factory so reports can name the tenant. */
export interface ReleaseContext {
  tenantId: string;
  agentId: string;
  operation: 'release' | 'rollback';
}

/** Receives the progress of one release or rollback. */
export type ServiceObserver = (event: ReleaseEvent | RollbackEvent) => void;

/** Builds the observer for one release or rollback. */
export type ReleaseObserverFactory = (context: ReleaseContext) => ServiceObserver | undefined;
