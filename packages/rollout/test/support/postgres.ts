import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL every machine of the project runs (see DESIGN.md, "Services on the machines"). */
export const PG_URL = process.env.ROLLOUT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

async function probe(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Whether the suites that share a PostgreSQL ledger across worker processes can run. Without
 * PostgreSQL they are skipped with a message naming them, except under CI, where it fails loudly.
 */
export async function postgresForSuites(suites: string): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const message = `PostgreSQL does not answer at ${new URL(PG_URL).host} (${why}), so these suites did not run: ${suites}. Start it with: ${START}`;
    if (process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase()))
      throw new Error(`${message} (CI is set: PostgreSQL is required.)`);
    console.warn(`SKIPPED — ${message}`);
    return false;
  }
}

/** A schema name no other run uses (PostgreSQL identifiers: lower case, digits, underscores). */
export function uniqueSchema(prefix = 'rollout'): string {
  return `${prefix}_${process.pid}_${randomUUID().slice(0, 8)}`;
}

/** Drops a run's schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop schema ${schema}`);
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
