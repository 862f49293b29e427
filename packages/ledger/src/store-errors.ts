import { ConfigurationError, isAgentReleaseError, ProviderUnavailableError } from '@agent-release/core';
import type { LeaseStore } from './lease-store.js';
import type { LedgerStore } from './store.js';

type Methods = Omit<LedgerStore, 'lock' | 'close'>;

/**
 * The store's methods with the library's errors: a call after `close()` is a
 * `ConfigurationError`, and a driver failure a `ProviderUnavailableError` (retryable, redacted)
 * instead of a driver-specific error callers would have to know.
 */
export function guardMethods(storeName: string, isClosed: () => boolean, methods: Methods): Methods {
  const g = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => guard(storeName, isClosed, fn);
  return {
    begin: g(methods.begin),
    finish: g(methods.finish),
    get: g(methods.get),
    history: g(methods.history),
    lastMadeLive: g(methods.lastMadeLive),
    appliedMigrations: g(methods.appliedMigrations),
  };
}

/** The same for the lease operations. */
export function guardLeaseStore(storeName: string, isClosed: () => boolean, store: LeaseStore): LeaseStore {
  return {
    tryAcquire: guard(storeName, isClosed, store.tryAcquire),
    leave: guard(storeName, isClosed, store.leave),
    renew: guard(storeName, isClosed, store.renew),
    release: guard(storeName, isClosed, store.release),
  };
}

function guard<A extends unknown[], R>(
  storeName: string,
  isClosed: () => boolean,
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  const closedError = () =>
    new ConfigurationError(`This ${storeName} release ledger was closed; open a new one to use it.`);
  return async (...args: A) => {
    if (isClosed()) throw closedError();
    try {
      return await fn(...args);
    } catch (error) {
      if (isAgentReleaseError(error)) throw error;
      // Closed while the call was in flight: that, not the driver's complaint, is the cause.
      if (isClosed()) throw closedError();
      throw new ProviderUnavailableError(
        `The ${storeName} release ledger failed: ${describe(error)}. Retry later; if it persists, check the database.`,
        { reason: 'server-error', cause: error },
      );
    }
  };
}

/** `CODE message` of a driver error (SQLSTATE for PostgreSQL, `SQLITE_BUSY` … for SQLite). */
export function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code} ${message}` : message;
}
