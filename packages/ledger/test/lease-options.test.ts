import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@agent-release/core';
import { createPostgresLedger, createSqliteLedger } from '@agent-release/ledger';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'ledger-opts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lease options', () => {
  it('refuses a ttl too short to renew and a non-positive poll interval, before opening anything', async () => {
    const path = join(dir, 'never.db');
    await expect(createSqliteLedger({ path, lease: { ttlMs: 5 } })).rejects.toBeInstanceOf(ValidationError);
    await expect(createSqliteLedger({ path, lease: { pollMs: 0 } })).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(path)).toBe(false);
    // Port 1 never answers: a ValidationError here means no connection was tried.
    await expect(
      createPostgresLedger({ connectionString: 'postgres://x@127.0.0.1:1/x', lease: { ttlMs: 1.5 } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
