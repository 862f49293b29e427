import {
  ConfigurationError,
  type LedgerEntry,
  type LedgerEntryFinish,
  type LedgerEntryStart,
  type LedgerHistoryQuery,
} from '@agent-release/core';
import type Database from 'better-sqlite3';
import {
  parseEntryId,
  parseFinish,
  parseHistoryQuery,
  parseLastMadeLive,
  parseStart,
} from '../entry-input.js';
import { ENTRY_COLUMNS, type EntryRow, fromRow, toRow } from '../entry-row.js';
import { newEntryId } from '../ids.js';
import { createLeaseLock, resolveLeaseOptions } from '../lease-lock.js';
import type { LeaseOptions } from '../lease-store.js';
import { loadDriver } from '../load-driver.js';
import { notFinishable } from '../not-finishable.js';
import type { LedgerStore } from '../store.js';
import { describe, guardLeaseStore, guardMethods } from '../store-errors.js';
import { sqliteLeaseStore } from './sqlite-lease-store.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { checkSqlitePath, MEMORY_PATH } from './sqlite-path.js';

/** Options of {@link createSqliteLedger}. */
export interface SqliteLedgerOptions {
  /**
   * Database file, created if missing. Every process that opens the same file shares its
   * ledger and lease. `':memory:'` is a private database that lives as long as the object, for
   * tests of one process: two `':memory:'` stores are two separate databases, and their leases
   * exclude nobody. An empty path and `file:` URIs are a `ConfigurationError`.
   */
  path: string;
  /** How long a writer waits for another process's write lock before failing, in ms. Default 5,000. */
  busyTimeoutMs?: number | undefined;
  /** Tuning of {@link LedgerStore.lock}. */
  lease?: LeaseOptions | undefined;
}

/**
 * Opens (and migrates) a release ledger in a SQLite file: the embedded default, no server to run.
 * The file is in WAL mode, so readers never block the writer and entries survive restarts; many
 * processes on one machine may share it. The returned store's `lock` is the cross-process
 * release lease on the same file.
 *
 * @example
 * const ledger = await createSqliteLedger({ path: './releases.db' });
 * const lease = await ledger.lock.acquire({ provider: 'atoms', agentId });
 * // ... release, recording it with ledger.begin() / ledger.finish()
 * await lease.release();
 * console.log(await ledger.history({ agentId }));
 * await ledger.close();
 */
export async function createSqliteLedger(options: SqliteLedgerOptions): Promise<LedgerStore> {
  const path = checkSqlitePath(options.path);
  resolveLeaseOptions(options.lease);
  const { default: SqliteDatabase } = await loadDriver('better-sqlite3', () => import('better-sqlite3'));
  let db: Database.Database | undefined;
  try {
    db = new SqliteDatabase(path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`);
    if (path !== MEMORY_PATH) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrateSqlite(db);
  } catch (error) {
    db?.close();
    throw new ConfigurationError(
      `Could not open the SQLite ledger ${path}: ${describe(error)}. Check that its directory exists and is writable.`,
      { cause: error },
    );
  }
  return sqliteLedger(db, options.lease);
}

function sqliteLedger(db: Database.Database, lease: LeaseOptions | undefined): LedgerStore {
  const insert = db.prepare(
    `INSERT INTO ledger_entries (${ENTRY_COLUMNS.join(', ')}) VALUES (${ENTRY_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const finish = db.prepare(
    `UPDATE ledger_entries SET outcome = @outcome, version_after = @version_after, error_code = @error_code,
       steps = @steps, finished_at = @finished_at, snapshot_after = COALESCE(@snapshot_after, snapshot_after)
     WHERE id = @id AND outcome = 'running' RETURNING ${ENTRY_COLUMNS.join(', ')}`,
  );
  const byId = db.prepare(`SELECT ${ENTRY_COLUMNS.join(', ')} FROM ledger_entries WHERE id = ?`);
  const history = db.prepare(
    `SELECT ${ENTRY_COLUMNS.join(', ')} FROM ledger_entries
     WHERE agent_id = @agentId
       AND (@provider IS NULL OR provider = @provider)
       AND (@tenant IS NULL OR tenant = @tenant)
       AND (@rolloutId IS NULL OR rollout_id = @rolloutId)
     ORDER BY seq DESC LIMIT @limit`,
  );
  const lastLive = db.prepare(
    `SELECT ${ENTRY_COLUMNS.join(', ')} FROM ledger_entries
     WHERE provider = ? AND agent_id = ? AND version_after = ? AND outcome IN ('released', 'rolled-back')
     ORDER BY seq DESC LIMIT 1`,
  );
  const migrations = db.prepare('SELECT version FROM ledger_migrations ORDER BY version');
  let closed = false;
  const isClosed = () => closed;

  const methods = guardMethods('SQLite', isClosed, {
    async begin(start: LedgerEntryStart): Promise<LedgerEntry> {
      const entry: LedgerEntry = { ...parseStart(start), id: newEntryId(), outcome: 'running', steps: [] };
      insert.run(toRow(entry));
      return fromRow(toRow(entry));
    },
    async finish(id: string, result: LedgerEntryFinish): Promise<LedgerEntry> {
      const parsed = parseFinish(result);
      const row = finish.get({
        id: parseEntryId(id),
        outcome: parsed.outcome,
        version_after: parsed.versionAfter ?? null,
        error_code: parsed.errorCode ?? null,
        steps: JSON.stringify(parsed.steps),
        snapshot_after: parsed.snapshotAfter === undefined ? null : JSON.stringify(parsed.snapshotAfter),
        finished_at: parsed.finishedAt,
      }) as EntryRow | undefined;
      if (!row) throw notFinishable(id, byId.get(id) !== undefined);
      return fromRow(row);
    },
    async get(id: string): Promise<LedgerEntry | null> {
      const row = byId.get(parseEntryId(id)) as EntryRow | undefined;
      return row ? fromRow(row) : null;
    },
    async history(query: LedgerHistoryQuery): Promise<LedgerEntry[]> {
      const q = parseHistoryQuery(query);
      const rows = history.all({
        agentId: q.agentId,
        provider: q.provider ?? null,
        tenant: q.tenant ?? null,
        rolloutId: q.rolloutId ?? null,
        limit: q.limit,
      }) as EntryRow[];
      return rows.map(fromRow);
    },
    async lastMadeLive(query): Promise<LedgerEntry | null> {
      const q = parseLastMadeLive(query);
      const row = lastLive.get(q.provider, q.agentId, q.versionId) as EntryRow | undefined;
      return row ? fromRow(row) : null;
    },
    async appliedMigrations(): Promise<number[]> {
      return (migrations.all() as { version: number }[]).map((r) => r.version);
    },
  });
  return {
    ...methods,
    lock: createLeaseLock(guardLeaseStore('SQLite', isClosed, sqliteLeaseStore(db)), lease),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
