import type pg from 'pg';

/** Numbered, append-only: a released migration is never edited, a change is a new number. */
export const POSTGRES_MIGRATIONS: readonly {
  version: number;
  name: string;
  sql: (schema: string) => string;
}[] = [
  {
    version: 1,
    name: 'ledger entries and release leases',
    sql: (s) => `
      CREATE TABLE ${s}.ledger_entries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        tenant TEXT,
        actor TEXT,
        rollout_id TEXT,
        version_before TEXT,
        version_after TEXT,
        snapshot_before JSONB,
        snapshot_after JSONB,
        label TEXT,
        outcome TEXT NOT NULL,
        error_code TEXT,
        steps JSONB NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX ledger_entries_by_agent ON ${s}.ledger_entries (agent_id, seq);
      CREATE INDEX ledger_entries_by_version ON ${s}.ledger_entries (provider, agent_id, version_after, seq);
      CREATE TABLE ${s}.ledger_leases (
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        token TEXT NOT NULL,
        acquired_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (provider, agent_id)
      );
    `,
  },
  {
    version: 2,
    name: 'queue of lease waiters',
    sql: (s) => `
      CREATE TABLE ${s}.ledger_lease_waiters (
        ticket BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        holder TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX ledger_lease_waiters_by_key ON ${s}.ledger_lease_waiters (provider, agent_id, ticket);
    `,
  },
];

/**
 * Applies the migrations the schema lacks, each once, in one transaction that first takes a
 * transaction-scoped advisory lock on the schema's name: a second process starting at the same
 * moment waits for the first to commit, then finds everything applied.
 */
export async function migratePostgres(client: pg.ClientBase, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `agent-release-ledger:${schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.ledger_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.ledger_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.ledger_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Quotes an identifier already checked against {@link SCHEMA_NAME}. */
export function quoteIdent(name: string): string {
  return `"${name}"`;
}

/** The schema names accepted: plain lower-case identifiers, so quoting can never be escaped. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
