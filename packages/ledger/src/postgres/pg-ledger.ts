import {
  ConfigurationError,
  type LedgerEntry,
  type LedgerEntryFinish,
  type LedgerEntryStart,
  type LedgerHistoryQuery,
  ProviderUnavailableError,
  ValidationError,
} from '@agent-release/core';
import { registerSecret } from '@agent-release/core/provider';
import type pg from 'pg';
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
import { postgresLeaseStore } from './pg-lease-store.js';
import { migratePostgres, quoteIdent, SCHEMA_NAME } from './pg-migrations.js';

/** Options of {@link createPostgresLedger}. */
export interface PostgresLedgerOptions {
  /** `postgres://user[:password]@host:port/database`. The password is never printed. */
  connectionString: string;
  /** Schema holding the ledger's tables, created if missing. Default `agent_release`. */
  schema?: string | undefined;
  /** Connections in the pool. Default 10. */
  maxConnections?: number | undefined;
  /**
   * How long to wait for a connection (network and PostgreSQL's handshake), in ms. Default
   * 10,000: a server that never answers fails the call instead of hanging it.
   */
  connectTimeoutMs?: number | undefined;
  /** Tuning of {@link LedgerStore.lock}. */
  lease?: LeaseOptions | undefined;
}

const COLUMNS = ENTRY_COLUMNS.join(', ');
const JSON_COLUMNS = new Set(['snapshot_before', 'snapshot_after', 'steps']);

/**
 * Opens (and migrates) a release ledger in PostgreSQL, for deployments with many instances.
 * Uses a connection pool; its `lock` is the cross-process release lease, a row per (provider,
 * agent) with an expiry the holder renews.
 *
 * @throws ValidationError for a bad schema name or lease options; ProviderUnavailableError when the
 * server cannot be reached; ConfigurationError when it refuses the migrations. Messages name host
 * and database, never the password.
 */
export async function createPostgresLedger(options: PostgresLedgerOptions): Promise<LedgerStore> {
  const schema = options.schema ?? 'agent_release';
  if (!SCHEMA_NAME.test(schema)) {
    throw new ValidationError(
      'Invalid schema: use a lower-case identifier of letters, digits and underscores (at most 63).',
    );
  }
  resolveLeaseOptions(options.lease);
  const where = describeTarget(options.connectionString);
  const { default: driver } = await loadDriver('pg', () => import('pg'));
  const pool = new driver.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openFailure(where, error);
  }
  return postgresLedger(pool, quoteIdent(schema), options.lease);
}

function postgresLedger(pool: pg.Pool, s: string, lease: LeaseOptions | undefined): LedgerStore {
  const table = `${s}.ledger_entries`;
  let closing: Promise<void> | undefined;
  const isClosed = () => closing !== undefined;
  const one = async (sql: string, params: unknown[]): Promise<LedgerEntry | null> => {
    const { rows } = await pool.query<EntryRow>(sql, params);
    return rows[0] ? fromRow(rows[0]) : null;
  };

  const methods = guardMethods('PostgreSQL', isClosed, {
    async begin(start: LedgerEntryStart): Promise<LedgerEntry> {
      const entry: LedgerEntry = { ...parseStart(start), id: newEntryId(), outcome: 'running', steps: [] };
      const row = toRow(entry);
      const values = ENTRY_COLUMNS.map((c, i) => (JSON_COLUMNS.has(c) ? `$${i + 1}::jsonb` : `$${i + 1}`));
      await pool.query(
        `INSERT INTO ${table} (${COLUMNS}) VALUES (${values.join(', ')})`,
        ENTRY_COLUMNS.map((c) => row[c]),
      );
      return fromRow(row);
    },
    async finish(id: string, result: LedgerEntryFinish): Promise<LedgerEntry> {
      const parsed = parseFinish(result);
      const done = await one(
        `UPDATE ${table} SET outcome = $2, version_after = $3, error_code = $4, steps = $5::jsonb, finished_at = $6,
           snapshot_after = COALESCE($7::jsonb, snapshot_after)
         WHERE id = $1 AND outcome = 'running' RETURNING ${COLUMNS}`,
        [
          parseEntryId(id),
          parsed.outcome,
          parsed.versionAfter ?? null,
          parsed.errorCode ?? null,
          JSON.stringify(parsed.steps),
          parsed.finishedAt,
          parsed.snapshotAfter === undefined ? null : JSON.stringify(parsed.snapshotAfter),
        ],
      );
      if (done) return done;
      throw notFinishable(id, (await one(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [id])) !== null);
    },
    get(id: string): Promise<LedgerEntry | null> {
      return one(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [parseEntryId(id)]);
    },
    async history(query: LedgerHistoryQuery): Promise<LedgerEntry[]> {
      const q = parseHistoryQuery(query);
      const { rows } = await pool.query<EntryRow>(
        `SELECT ${COLUMNS} FROM ${table}
         WHERE agent_id = $1
           AND ($2::text IS NULL OR provider = $2)
           AND ($3::text IS NULL OR tenant = $3)
           AND ($4::text IS NULL OR rollout_id = $4)
         ORDER BY seq DESC LIMIT $5`,
        [q.agentId, q.provider ?? null, q.tenant ?? null, q.rolloutId ?? null, q.limit],
      );
      return rows.map(fromRow);
    },
    lastMadeLive(query): Promise<LedgerEntry | null> {
      const q = parseLastMadeLive(query);
      return one(
        `SELECT ${COLUMNS} FROM ${table}
         WHERE provider = $1 AND agent_id = $2 AND version_after = $3 AND outcome IN ('released', 'rolled-back')
         ORDER BY seq DESC LIMIT 1`,
        [q.provider, q.agentId, q.versionId],
      );
    },
    async appliedMigrations(): Promise<number[]> {
      const { rows } = await pool.query<{ version: number }>(
        `SELECT version FROM ${s}.ledger_migrations ORDER BY version`,
      );
      return rows.map((r) => r.version);
    },
  });
  return {
    ...methods,
    lock: createLeaseLock(guardLeaseStore('PostgreSQL', isClosed, postgresLeaseStore(pool, s)), lease),
    close(): Promise<void> {
      closing ??= pool.end();
      return closing;
    },
  };
}

/**
 * `host:port/database` of a `postgres://` connection string, never its credentials; registers the
 * password (in the URL or its `password` parameter) as a secret. Any other form is not echoed.
 */
function describeTarget(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return 'the configured server';
  }
  for (const secret of [url.password, url.searchParams.get('password') ?? '']) {
    if (!secret) continue;
    registerSecret(secret);
    registerSecret(safeDecode(secret));
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return 'the configured server';
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// A SQLSTATE means the server answered and refused (permissions, a broken schema): retrying will
// not help. Anything else is the connection: the server is down, unreachable or refused us.
function openFailure(where: string, error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return new ConfigurationError(
      `Could not migrate the PostgreSQL ledger at ${where}: ${describe(error)}. Check that the role may create the schema and its tables.`,
      { cause: error },
    );
  }
  return new ProviderUnavailableError(
    `Could not connect to the PostgreSQL ledger at ${where}: ${describe(error)}. Check that the server runs and accepts this connection string.`,
    { reason: 'network', cause: error },
  );
}
