// Issue 17, item 8, with a real process: a release killed with -9 between the vendor's publish and
// the ledger's finish leaves its entry `running`. The next attempt on that agent settles it
// (`abandoned`, with what was live when found), and `rollback({ to: 'previous' })` then undoes the
// killed release — the one whose publish did take effect — not the one before it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { release, rollback } from '@agent-release/core';
import { startLangdockEmulator } from '@agent-release/emulator';
import { createPostgresLedger, createSqliteLedger, type LedgerStore } from '@agent-release/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, PG_TEST_URL, postgresGate, uniqueSchema } from './pg-test-db.js';
import { serviceAvailable } from './service-gate.js';

const WORKER = fileURLToPath(new URL('./fixtures/release-worker.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.dev.json', import.meta.url));
const TTL_MS = 1_500;
const LEASE = { ttlMs: TTL_MS, pollMs: 20 };

const pgAvailable = await serviceAvailable(
  postgresGate('the PostgreSQL killed-holder process tests (killed-holder.process.test.ts)'),
);
const dir = mkdtempSync(join(tmpdir(), 'ledger-killed-'));
const schema = uniqueSchema('ledger_killed');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

const stores = [
  {
    kind: 'sqlite' as const,
    target: join(dir, 'ledger.db'),
    open: (): Promise<LedgerStore> => createSqliteLedger({ path: join(dir, 'ledger.db'), lease: LEASE }),
  },
  {
    kind: 'postgres' as const,
    target: PG_TEST_URL,
    open: (): Promise<LedgerStore> =>
      createPostgresLedger({ connectionString: PG_TEST_URL, schema, lease: LEASE }),
  },
];

async function until(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const store of stores) {
  describe.skipIf(store.kind === 'postgres' && !pgAvailable)(
    `${store.kind} ledger: a holder killed with -9`,
    () => {
      it('between publish and finish: the next attempt settles its entry, and previous undoes exactly it', {
        timeout: 90_000,
      }, async () => {
        const langdock = await startLangdockEmulator({});
        const ledger = await store.open();
        try {
          const agentId = langdock.state.createAgent({ name: 'chat', instruction: 'v0', publish: true });
          const releaser = createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl });
          const recorded = { ledger, lock: ledger.lock, signal: AbortSignal.timeout(30_000) };
          expect((await release(releaser, agentId, { instructions: 'v1' }, recorded)).status).toBe(
            'released',
          );

          // The killed release: its publish is applied, its answer held back, and the process dies.
          langdock.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'delay', delayMs: 10_000 });
          const input = {
            kind: store.kind,
            target: store.target,
            schema,
            vendor: 'langdock',
            baseUrl: langdock.baseUrl,
            apiKey: langdock.apiKey,
            agentId,
            changes: { instructions: 'v2' },
            ttlMs: TTL_MS,
            actor: 'killed-holder',
          };
          const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
            cwd: dirname(TSCONFIG),
            env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
            stdio: 'ignore',
          });
          const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
          await until(
            () => langdock.state.activeVersion(agentId)?.config.instruction === 'v2',
            'the publish',
          );
          child.kill('SIGKILL');
          expect(await exited).toBe('SIGKILL');
          const killed = (await ledger.history({ agentId })).find((e) => e.actor === 'killed-holder');
          expect(killed?.outcome).toBe('running');

          const back = await rollback(releaser, agentId, { to: 'previous' }, recorded);

          expect(back.status).toBe('rolled-back');
          // Undid the killed release (v2 → v1), not two steps (→ v0).
          expect(langdock.state.activeVersion(agentId)?.config.instruction).toBe('v1');
          const settled = await ledger.get(killed?.id ?? '');
          expect(settled?.outcome).toBe('abandoned');
          expect(settled?.finishedAt).toBeDefined();
        } finally {
          await ledger.close();
          await langdock.close();
        }
      });
    },
  );
}
