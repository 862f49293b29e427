import pg from 'pg';

/** A service some test suites need (PostgreSQL now, Redis later). */
export interface ServiceGate {
  /** e.g. `PostgreSQL at 127.0.0.1:5432`. */
  service: string;
  /** The suites that need it, named in the skip message. */
  suites: string;
  /** The command that starts it on the project's machines. */
  start: string;
  /** Resolves when the service answers; rejects otherwise. */
  probe: () => Promise<void>;
}

/**
 * Whether the suites of `gate` can run. On a machine without the service they are skipped with a
 * message naming them and how to run them; with `CI` set, a missing service is an error instead,
 * so CI can never go green by skipping.
 */
export async function serviceAvailable(gate: ServiceGate): Promise<boolean> {
  try {
    await gate.probe();
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (isCi()) {
      throw new Error(
        `${gate.service} does not answer (${why}) and CI is set, so ${gate.suites} cannot be skipped. Start it with: ${gate.start}`,
      );
    }
    console.warn(
      `SKIPPED ${gate.suites}: ${gate.service} does not answer (${why}). To run them, start it with \`${gate.start}\` and run the tests again.`,
    );
    return false;
  }
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

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
