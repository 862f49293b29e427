import pg from 'pg';
import type { ServiceGate } from './service-gate.js';

/** The PostgreSQL the tests use: `LEDGER_TEST_PG_URL`, or the project machines' server. */
export const PG_TEST_URL = process.env.LEDGER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The gate of the PostgreSQL suites. */
export function postgresGate(suites: string): ServiceGate {
  return {
    service: `PostgreSQL at ${new URL(PG_TEST_URL).host}`,
    suites,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    async probe() {
      const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** A schema of its own for one test file's run, so parallel files and runs never collide. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
