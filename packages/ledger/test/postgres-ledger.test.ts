import { inspect } from 'node:util';
import { ConfigurationError, ProviderUnavailableError, ValidationError } from '@agent-release/core';
import { createPostgresLedger } from '@agent-release/ledger';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeLedgerConformance } from './ledger-conformance.js';
import { dropSchema, PG_TEST_URL, postgresGate, uniqueSchema } from './pg-test-db.js';
import { serviceAvailable } from './service-gate.js';

const available = await serviceAvailable(
  postgresGate('the PostgreSQL ledger suites (postgres-ledger.test.ts)'),
);

describe.skipIf(!available)('PostgreSQL ledger', () => {
  describeLedgerConformance('PostgreSQL', async () => {
    const schema = uniqueSchema('ledger_conf');
    return {
      open: (options) => createPostgresLedger({ connectionString: PG_TEST_URL, schema, ...options }),
      dispose: () => dropSchema(schema),
    };
  });

  it('says a refused migration is a configuration problem', async () => {
    const schema = uniqueSchema('ledger_refused');
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    const role = `${schema}_role`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN`);
      const url = new URL(PG_TEST_URL);
      url.username = role;
      const error = await createPostgresLedger({ connectionString: url.toString(), schema }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/^Could not migrate the PostgreSQL ledger at \S+: 42501 /);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('reports a failing database as unavailable, without the password', async () => {
    const schema = uniqueSchema('ledger_dropped');
    const password = 'pw-Rt55q!hidden';
    const url = new URL(PG_TEST_URL);
    url.password = password; // trust auth accepts and ignores it
    const ledger = await createPostgresLedger({ connectionString: url.toString(), schema });
    try {
      await dropSchema(schema);
      const error = await ledger.history({ agentId: 'a1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as ProviderUnavailableError).message).toMatch(
        /^The PostgreSQL release ledger failed: 42P01 /,
      );
      expectNoSecret(error, password);
    } finally {
      await ledger.close();
    }
  });

  it('refuses a schema name that could escape quoting, before connecting', async () => {
    await expect(
      createPostgresLedger({
        connectionString: 'postgres://nobody@127.0.0.1:1/x',
        schema: 'a"; DROP TABLE x; --',
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('PostgreSQL ledger that cannot connect', () => {
  it.each([
    ['a URL without a scheme', (pw: string) => `ledger:${pw}@127.0.0.1:1/releases`],
    ['a password query parameter', (pw: string) => `postgres://ledger@127.0.0.1:1/releases?password=${pw}`],
    ['a malformed URL', (pw: string) => `postgres://ledger:${pw}@127.0.0.1:port/releases`],
    ['a short odd password', () => 'postgres://ledger:x%40y@127.0.0.1:1/releases'],
  ])('never prints the password of %s', async (_name, connectionString) => {
    const password = 'Qx7-pw_secret.9';
    const cs = connectionString(password);
    const error = await createPostgresLedger({ connectionString: cs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(error, password);
    expect(String(error)).not.toContain('x@y');
    expect(String(error)).not.toContain('x%40y');
  });

  it('is unavailable, says where it tried and never prints the password', async () => {
    const password = 'pw-Zq81x!sekret';
    const error = await createPostgresLedger({
      connectionString: `postgres://ledger:${encodeURIComponent(password)}@127.0.0.1:1/releases`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain('127.0.0.1:1/releases');
    expectNoSecret(error, password);
    expectNoSecret(error, encodeURIComponent(password));
  });
});

function expectNoSecret(error: unknown, secret: string): void {
  const cause = (error as { cause?: unknown }).cause;
  for (const text of [
    String(error),
    (error as Error).stack ?? '',
    inspect(error, { depth: 10, showHidden: true }),
    inspect(cause, { depth: 10, showHidden: true }),
    JSON.stringify(error),
  ]) {
    expect(text).not.toContain(secret);
  }
}
