import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// A user of one store must not pay for (or need) the other's driver: better-sqlite3 is a native
// addon, pg a pool. A fresh `node` imports the built package by its name, as a user would, and
// after each phase prints which drivers are in `require.cache`. Both drivers are CommonJS (pg's
// ESM entry wraps its CommonJS lib), so loading either puts its files there; the later phases
// check that, so a driver the cache cannot see fails this test instead of passing it.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

const CHILD = `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
const loaded = (name) => Object.keys(cache).some((file) => file.includes('/node_modules/' + name + '/'));
const phases = {};
const mark = (phase) => { phases[phase] = { pg: loaded('pg'), sqlite: loaded('better-sqlite3') }; };
const ledger = await import('@agent-release/ledger');
mark('imported');
await (await ledger.createSqliteLedger({ path: ':memory:' })).close();
mark('sqlite');
// Port 1 refuses at once: the driver loads, then the connection fails.
await ledger.createPostgresLedger({ connectionString: 'postgres://x@127.0.0.1:1/x' }).catch(() => undefined);
mark('postgres');
console.log(JSON.stringify(phases));`;

describe('drivers load only with the store that needs them', () => {
  beforeAll(async () => {
    // The child imports dist/, as users do: build it from these sources first.
    await run('pnpm', ['-s', '--filter', '@agent-release/ledger', 'build'], { cwd: ROOT });
  }, 180_000);

  it('imports neither pg nor better-sqlite3 until a factory is called', { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: PACKAGE });
    expect(JSON.parse(stdout)).toEqual({
      imported: { pg: false, sqlite: false },
      sqlite: { pg: false, sqlite: true },
      postgres: { pg: true, sqlite: true },
    });
  });
});
