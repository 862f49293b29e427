import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, ProviderUnavailableError, ValidationError } from '@agent-release/core';
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

describe('opening a SQLite ledger', () => {
  it('says which file could not be opened, as a ConfigurationError', async () => {
    const path = join(dir, 'missing-dir', 'ledger.db');
    const error = await createSqliteLedger({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(path);
  });
});

describe('opening a PostgreSQL ledger', () => {
  it('gives up on a server that accepts the connection but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await createPostgresLedger({
        connectionString: `postgres://x@127.0.0.1:${port}/x`,
        connectTimeoutMs: 200,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as Error).message).toContain(`127.0.0.1:${port}/x`);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
