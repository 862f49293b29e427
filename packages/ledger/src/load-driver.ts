import { ConfigurationError } from '@agent-release/core';
import { describe } from './store-errors.js';

/**
 * Loads a store's database driver when that store is opened, not when the package is imported,
 * so a user of one store never loads (or needs a working build of) the other's driver.
 *
 * @throws ConfigurationError when the driver cannot be loaded (not installed, or a native addon
 * that was never built).
 */
export async function loadDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new ConfigurationError(
      `Could not load the database driver ${name}: ${describe(error)}. Check that it is installed and, for better-sqlite3, that its native addon was built (see the ledger README).`,
      { cause: error },
    );
  }
}
