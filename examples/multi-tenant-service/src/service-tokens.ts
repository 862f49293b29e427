import type { ReleaseObserver } from '@agent-release/core';

/** The service's own injection tokens (the library's are `TOKENS`). */
export const SERVICE_TOKENS = Object.freeze({
  /** `ReleaseObserverFactory`: per-release progress reporting (logs, metrics, the demo's screen). */
  ReleaseObserverFactory: Symbol.for('multi-tenant-service.ReleaseObserverFactory'),
  /** `ReleaseService`. */
  ReleaseService: Symbol.for('multi-tenant-service.ReleaseService'),
});

/** Who is releasing what: handed to the observer factory so reports can name the tenant. */
export interface ReleaseContext {
  tenantId: string;
  agentId: string;
}

/** Builds the observer for one release. */
export type ReleaseObserverFactory = (context: ReleaseContext) => ReleaseObserver | undefined;
