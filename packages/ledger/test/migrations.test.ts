import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresLedger, createSqliteLedger } from '@agent-release/ledger';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS } from '../src/postgres/pg-migrations.js';
import { SQLITE_MIGRATIONS } from '../src/sqlite/sqlite-migrations.js';
import { dropSchema, PG_TEST_URL, postgresGate, uniqueSchema } from './pg-test-db.js';
import { serviceAvailable } from './service-gate.js';

// A database written by an older release of this package: only migration 1 applied, one entry.
const ENTRY = {
  id: '01K0000000AAAAAAAAAAAAAAAA',
  kind: 'release',
  provider: 'atoms',
  agent_id: 'a1',
  outcome: 'released',
  steps: '[]',
  started_at: '2026-01-01T00:00:00.000Z',
  snapshot_after: '{"instructions":"kept"}',
};

const pgAvailable = await serviceAvailable(
  postgresGate('the PostgreSQL migration test (migrations.test.ts)'),
);
const dir = mkdtempSync(join(tmpdir(), 'ledger-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('upgrading a database of an older version', () => {
  it('SQLite: applies only the missing migrations and keeps the entries', async () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    db.exec(
      'CREATE TABLE ledger_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    db.exec(SQLITE_MIGRATIONS[0]!.sql);
    db.prepare("INSERT INTO ledger_migrations VALUES (1, 'v1', '2026-01-01')").run();
    db.prepare(
      'INSERT INTO ledger_entries (id, kind, provider, agent_id, outcome, steps, started_at, snapshot_after) VALUES (@id, @kind, @provider, @agent_id, @outcome, @steps, @started_at, @snapshot_after)',
    ).run(ENTRY);
    db.close();

    const ledger = await createSqliteLedger({ path });
    try {
      expect(await ledger.appliedMigrations()).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
      expect((await ledger.get(ENTRY.id))?.snapshotAfter).toEqual({ instructions: 'kept' });
      const lease = await ledger.lock.acquire({ provider: 'atoms', agentId: 'a1' });
      await lease.release();
    } finally {
      await ledger.close();
    }
  });

  it.skipIf(!pgAvailable)(
    'PostgreSQL: applies only the missing migrations and keeps the entries',
    async () => {
      const schema = uniqueSchema('ledger_upgrade');
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(
          `CREATE TABLE "${schema}".ledger_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
        );
        await client.query(POSTGRES_MIGRATIONS[0]!.sql(`"${schema}"`));
        await client.query(`INSERT INTO "${schema}".ledger_migrations (version, name) VALUES (1, 'v1')`);
        await client.query(
          `INSERT INTO "${schema}".ledger_entries (id, kind, provider, agent_id, outcome, steps, started_at, snapshot_after)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb)`,
          [
            ENTRY.id,
            ENTRY.kind,
            ENTRY.provider,
            ENTRY.agent_id,
            ENTRY.outcome,
            ENTRY.steps,
            ENTRY.started_at,
            ENTRY.snapshot_after,
          ],
        );
        const ledger = await createPostgresLedger({ connectionString: PG_TEST_URL, schema });
        try {
          expect(await ledger.appliedMigrations()).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
          expect((await ledger.get(ENTRY.id))?.snapshotAfter).toEqual({ instructions: 'kept' });
          const lease = await ledger.lock.acquire({ provider: 'atoms', agentId: 'a1' });
          await lease.release();
        } finally {
          await ledger.close();
        }
      } finally {
        await client.end();
        await dropSchema(schema);
      }
    },
  );
});
