import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@agent-release/core';
import { createSqliteLedger } from '@agent-release/ledger';
import { afterAll, describe, expect, it, vi } from 'vitest';

// better-sqlite3 whose native addon was never built (pnpm 10 runs no install scripts unless
// allowed) throws when loaded: opening the SQLite store must say so in the library's terms.
vi.mock('better-sqlite3', () => {
  throw new Error('Could not locate the bindings file.');
});

const dir = mkdtempSync(join(tmpdir(), 'ledger-nodriver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a driver that cannot be loaded', () => {
  it('is a ConfigurationError naming the driver, and opens nothing', async () => {
    const path = join(dir, 'ledger.db');
    const error = await createSqliteLedger({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^Could not load the database driver better-sqlite3: .* native addon/,
    );
    expect(existsSync(path)).toBe(false);
  });
});
