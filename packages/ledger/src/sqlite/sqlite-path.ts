import { ConfigurationError } from '@agent-release/core';

/** better-sqlite3's name of a database that lives in this process only. */
export const MEMORY_PATH = ':memory:';

/**
 * The path to open, as better-sqlite3 reads it (it trims blanks), when it can exclude other
 * processes; `':memory:'` passes too, for tests and examples of one process.
 *
 * Refused: an empty or blank path (better-sqlite3 opens a private temporary database, so two
 * such ledgers each hold every lease), a `file:` URI (taken as a literal file name by default;
 * with `SQLITE_USE_URI=1` it may name a shared-cache memory database or turn locking off), and
 * anything not a string (a Buffer is opened as a memory database).
 *
 * @throws ConfigurationError for those, before anything is opened.
 */
export function checkSqlitePath(path: unknown): string {
  if (typeof path !== 'string') {
    throw new ConfigurationError(
      `The SQLite ledger path must be a string (got ${describeType(path)}); pass a file path such as './releases.db'.`,
    );
  }
  const trimmed = path.trim();
  if (trimmed === '') {
    throw new ConfigurationError(
      "The SQLite ledger path is empty, which opens a private temporary database that excludes no other process; pass a file path such as './releases.db' (or ':memory:' for one process).",
    );
  }
  // SQLite matches the URI scheme without regard to case.
  if (trimmed.slice(0, 5).toLowerCase() === 'file:') {
    throw new ConfigurationError(
      `The SQLite ledger path ${JSON.stringify(trimmed)} is a file: URI, which better-sqlite3 either takes as a literal file name or lets bypass the locking the lease needs; pass a plain file path instead.`,
    );
  }
  return trimmed;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  return typeof value;
}
