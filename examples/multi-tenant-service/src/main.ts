/**
 * Runs the service for real: `TENANTS_FILE=tenants.json LEDGER_FILE=releases.db PORT=3000 node dist/main.js`.
 * The tenants file format is in tenants-config.ts; keys can come from the environment (`apiKeyEnv`).
 * Every release and rollback is recorded in the SQLite ledger at `LEDGER_FILE` (default
 * `./releases.db`), which also holds the per-agent release lease shared by the service's processes.
 */
import type { Logger } from '@agent-release/core';
import { buildApp } from './app.js';
import { buildContainer } from './container.js';
import { loadTenantDirectory } from './tenants-config.js';

// JSON lines on stdout; fields never contain keys (the library and the service redact them).
const logger: Logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (message: string, fields?: Record<string, unknown>) =>
      level !== 'debug' &&
      console.log(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields })),
  ]),
) as unknown as Logger;

const tenantsFile = process.env.TENANTS_FILE;
if (!tenantsFile) {
  console.error('Set TENANTS_FILE to a tenants JSON file (see examples/multi-tenant-service/README.md).');
  process.exit(2);
}
const directory = await loadTenantDirectory(tenantsFile);
const ledgerFile = process.env.LEDGER_FILE ?? 'releases.db';
const app = buildApp(await buildContainer({ directory, logger, ledger: { sqlitePath: ledgerFile } }));
const address = await app.listen({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 3000),
});
logger.info('listening', { address, tenants: directory.tenantIds(), ledger: ledgerFile });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
