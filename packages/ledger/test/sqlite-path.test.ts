import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@agent-release/core';
import { createSqliteLedger } from '@agent-release/ledger';
import { afterAll, describe, expect, it } from 'vitest';

// better-sqlite3 opens a private temporary database for an empty (or blank) name, and takes a
// `file:` URI either as a literal file name or (with SQLITE_USE_URI=1) as a URI that may name a
// shared-cache memory database or turn locking off: none of them excludes another process.

const dir = mkdtempSync(join(tmpdir(), 'ledger-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite ledger paths that cannot exclude other processes', () => {
  it.each([
    ['an empty path', ''],
    ['a blank path', '   '],
    ['a shared-cache memory URI', 'file::memory:?cache=shared'],
    ['a file URI', `file:${join(dir, 'ledger.db')}`],
    ['an upper-case file URI', `FILE:${join(dir, 'ledger.db')}?nolock=1`],
  ])('refuses %s with a ConfigurationError and opens nothing', async (_name, path) => {
    const before = new Set(readdirSync('.'));
    const error = await createSqliteLedger({ path }).then(
      (opened) => opened.close(),
      (e: unknown) => e,
    );
    // No file of the literal name appeared next to the process (better-sqlite3 creates one).
    const created = readdirSync('.').filter((name) => !before.has(name));
    for (const name of created) rmSync(name, { force: true });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/file path/);
    expect(created).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a non-string path (better-sqlite3 would open a buffer as a memory database)', async () => {
    const error = await createSqliteLedger({ path: Buffer.from('x') as unknown as string }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/file path/);
  });

  it('still opens a file path and ":memory:"', async () => {
    const path = join(dir, 'plain.db');
    const file = await createSqliteLedger({ path });
    await file.close();
    expect(existsSync(path)).toBe(true);
    const memory = await createSqliteLedger({ path: ':memory:' });
    await memory.close();
  });

  it('gives two ":memory:" ledgers in one process two separate databases, as documented', async () => {
    const [one, two] = [
      await createSqliteLedger({ path: ':memory:' }),
      await createSqliteLedger({ path: ':memory:' }),
    ];
    try {
      const entry = await one.begin({
        kind: 'release',
        provider: 'atoms',
        agentId: 'a1',
        startedAt: '2026-01-01T00:00:00Z',
      });
      expect(await one.get(entry.id)).not.toBeNull();
      expect(await two.get(entry.id)).toBeNull();
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
