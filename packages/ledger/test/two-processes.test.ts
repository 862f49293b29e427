import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortedError } from '@agent-release/core';
import { createPostgresLedger, createSqliteLedger, type LedgerStore } from '@agent-release/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, PG_TEST_URL, postgresGate, uniqueSchema } from './pg-test-db.js';
import { serviceAvailable } from './service-gate.js';

// Real processes, not store instances in one process: the lease must hold across address spaces
// and survive a holder killed with SIGKILL (no finally blocks, no release()).

const WORKER = fileURLToPath(new URL('./fixtures/lease-worker.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.dev.json', import.meta.url));
const LEASE = { ttlMs: 1_500, pollMs: 10 };
const ROUNDS = 5;

const pgAvailable = await serviceAvailable(
  postgresGate('the PostgreSQL two-process lease tests (two-processes.test.ts)'),
);

interface Target {
  kind: 'sqlite' | 'postgres';
  target: string;
  schema: string;
  open(): Promise<LedgerStore>;
}

const dir = mkdtempSync(join(tmpdir(), 'ledger-procs-'));
const schema = uniqueSchema('ledger_procs');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

const sqlite: Target = {
  kind: 'sqlite',
  target: join(dir, 'ledger.db'),
  schema: '-',
  open: () => createSqliteLedger({ path: join(dir, 'ledger.db'), lease: LEASE }),
};
const postgres: Target = {
  kind: 'postgres',
  target: PG_TEST_URL,
  schema,
  open: () => createPostgresLedger({ connectionString: PG_TEST_URL, schema, lease: LEASE }),
};

for (const store of [postgres, sqlite]) {
  describe.skipIf(store.kind === 'postgres' && !pgAvailable)(
    `${store.kind} lease across two processes`,
    () => {
      it('never lets two processes hold the same agent at once', { timeout: 90_000 }, async () => {
        // The database is fresh: both workers also race to apply the migrations.
        const agentId = `agent-${store.kind}-work`;
        const log = join(dir, `${store.kind}-work.log`);
        const workers = [worker(store, agentId, log, 'work'), worker(store, agentId, log, 'work')];
        expect(await Promise.all(workers.map(exitCode))).toEqual([0, 0]);

        const lines = readFileSync(log, 'utf8').trim().split('\n');
        expect(lines).toHaveLength(4 * ROUNDS);
        for (let i = 0; i < lines.length; i += 2) {
          const pid = lines[i]!.split(' ')[1];
          expect([lines[i], lines[i + 1]]).toEqual([`start ${pid}`, `end ${pid}`]);
        }
        const pids = new Set(lines.map((l) => l.split(' ')[1]));
        expect(pids).toEqual(new Set(workers.map((w) => String(w.pid))));

        // Every entry both processes wrote is there, once, finished.
        const ledger = await store.open();
        const history = await ledger.history({ agentId }).finally(() => ledger.close());
        expect(history).toHaveLength(2 * ROUNDS);
        expect(new Set(history.map((e) => e.id)).size).toBe(2 * ROUNDS);
        expect(history.every((e) => e.outcome === 'released')).toBe(true);
        expect(new Set(history.map((e) => e.actor))).toEqual(pids);
      });

      it('hands the lease on after its holder is killed with SIGKILL', { timeout: 90_000 }, async () => {
        const agentId = `agent-${store.kind}-crash`;
        const holder = worker(store, agentId, join(dir, 'unused.log'), 'crash');
        await printed(holder, 'held');
        const ledger = await store.open();
        try {
          const key = { provider: 'atoms', agentId };
          // While the holder lives it renews: waiting two ttls gets nothing.
          await expect(
            ledger.lock.acquire(key, { signal: AbortSignal.timeout(2 * LEASE.ttlMs) }),
          ).rejects.toBeInstanceOf(AbortedError);
          holder.kill('SIGKILL');
          expect(await exitSignal(holder)).toBe('SIGKILL');
          const lease = await ledger.lock.acquire(key, { signal: AbortSignal.timeout(20_000) });
          expect(lease.lost.aborted).toBe(false);
          await lease.release();
        } finally {
          holder.kill('SIGKILL');
          await ledger.close();
        }
      });
    },
  );
}

function worker(store: Target, agentId: string, log: string, mode: 'work' | 'crash'): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, store.kind, store.target, store.schema, agentId, log, mode, String(ROUNDS)],
    {
      // From the repository root, where `tsx` is installed and whose tsconfig maps the workspace
      // packages to their sources.
      cwd: dirname(TSCONFIG),
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`lease worker ${child.pid} exited ${code}: ${stderr}`);
  });
  return child;
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

function exitSignal(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (_code, signal) => resolve(signal));
  });
}

function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before printing "${text}"`)));
  });
}
