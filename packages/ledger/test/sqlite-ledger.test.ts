import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLedger } from '@agent-release/ledger';
import { describe, expect, it } from 'vitest';
import { describeLedgerConformance } from './ledger-conformance.js';

describeLedgerConformance('SQLite (file, WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
  const path = join(dir, 'ledger.db');
  return {
    open: (options) => createSqliteLedger({ path, ...options }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SQLite ledger in memory', () => {
  it('works for tests without a file', async () => {
    const ledger = await createSqliteLedger({ path: ':memory:' });
    const entry = await ledger.begin({
      kind: 'release',
      provider: 'atoms',
      agentId: 'a1',
      startedAt: '2026-01-01T00:00:00Z',
    });
    expect(await ledger.history({ agentId: 'a1' })).toEqual([entry]);
    expect(await ledger.appliedMigrations()).toEqual([1, 2]);
    await ledger.close();
  });
});
