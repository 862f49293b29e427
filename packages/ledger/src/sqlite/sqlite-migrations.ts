import type Database from 'better-sqlite3';

/** Numbered, append-only: a released migration is never edited, a change is a new number. */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'ledger entries and release leases',
    sql: `
      CREATE TABLE ledger_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        tenant TEXT,
        actor TEXT,
        rollout_id TEXT,
        version_before TEXT,
        version_after TEXT,
        snapshot_before TEXT CHECK (snapshot_before IS NULL OR json_valid(snapshot_before)),
        snapshot_after TEXT CHECK (snapshot_after IS NULL OR json_valid(snapshot_after)),
        label TEXT,
        outcome TEXT NOT NULL,
        error_code TEXT,
        steps TEXT NOT NULL CHECK (json_valid(steps)),
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX ledger_entries_by_agent ON ledger_entries (agent_id, seq);
      CREATE INDEX ledger_entries_by_version ON ledger_entries (provider, agent_id, version_after, seq);
      CREATE TABLE ledger_leases (
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        token TEXT NOT NULL,
        acquired_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (provider, agent_id)
      );
    `,
  },
  {
    version: 2,
    name: 'queue of lease waiters',
    sql: `
      CREATE TABLE ledger_lease_waiters (
        ticket INTEGER PRIMARY KEY AUTOINCREMENT,
        provider TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX ledger_lease_waiters_by_key ON ledger_lease_waiters (provider, agent_id, ticket);
    `,
  },
];

/**
 * Applies the migrations the database lacks, each once. The whole run is one `BEGIN IMMEDIATE`
 * transaction, so a second process starting at the same moment waits, then finds them applied.
 */
export function migrateSqlite(db: Database.Database): void {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ledger_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(
      (db.prepare('SELECT version FROM ledger_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    const record = db.prepare('INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  });
  run.immediate();
}
