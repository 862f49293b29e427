import { ProviderUnavailableError, ValidationError } from '@agent-release/core';
import { createPostgresLedger } from '@agent-release/ledger';
import { describe, expect, it } from 'vitest';
import { describeLedgerConformance } from './ledger-conformance.js';
import { dropSchema, PG_TEST_URL, postgresGate, serviceAvailable, uniqueSchema } from './service-gate.js';

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
  it('says where it tried and never prints the password', async () => {
    const password = 'pw-Zq81x!sekret';
    const error = await createPostgresLedger({
      connectionString: `postgres://ledger:${encodeURIComponent(password)}@127.0.0.1:1/releases`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toContain('127.0.0.1:1/releases');
    const { inspect } = await import('node:util');
    for (const text of [
      String(error),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
  });
});
