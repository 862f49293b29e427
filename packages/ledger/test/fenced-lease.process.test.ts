// Issue 17, "the lease must fence every vendor write", with real processes: a holder paused
// (SIGSTOP, as a long GC pause or a throttled container does) past its lease wakes up, and must
// send no vendor write and claim nothing it cannot vouch for, while another process took the lease
// and released meanwhile. On the SQLite and the PostgreSQL lease, against the emulators.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import type { AgentChanges } from '@agent-release/core';
import { release } from '@agent-release/core';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createPostgresLedger, createSqliteLedger, type LedgerStore } from '@agent-release/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, PG_TEST_URL, postgresGate, uniqueSchema } from './pg-test-db.js';
import { serviceAvailable } from './service-gate.js';

const WORKER = fileURLToPath(new URL('./fixtures/release-worker.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.dev.json', import.meta.url));
const TTL_MS = 1_500;
const LEASE = { ttlMs: TTL_MS, pollMs: 20 };
/** Long enough past the ttl that the other process surely took the lease. */
const PAUSE_MS = 2 * TTL_MS;

const pgAvailable = await serviceAvailable(
  postgresGate('the PostgreSQL fenced-lease process tests (fenced-lease.process.test.ts)'),
);

const dir = mkdtempSync(join(tmpdir(), 'ledger-fence-'));
const schema = uniqueSchema('ledger_fence');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

interface Store {
  kind: 'sqlite' | 'postgres';
  target: string;
  open(): Promise<LedgerStore>;
}
const stores: Store[] = [
  {
    kind: 'sqlite',
    target: join(dir, 'ledger.db'),
    open: () => createSqliteLedger({ path: join(dir, 'ledger.db'), lease: LEASE }),
  },
  {
    kind: 'postgres',
    target: PG_TEST_URL,
    open: () => createPostgresLedger({ connectionString: PG_TEST_URL, schema, lease: LEASE }),
  },
];

interface Holder {
  child: ChildProcess;
  /** The worker's last line: its result or its error. */
  answer: Promise<{
    result?: { status: string; version?: string };
    error?: { name: string; message: string };
  }>;
}

function holder(
  store: Store,
  vendor: 'atoms' | 'langdock',
  baseUrl: string,
  apiKey: string,
  agentId: string,
  changes: AgentChanges,
): Holder {
  const input = {
    kind: store.kind,
    target: store.target,
    schema,
    vendor,
    baseUrl,
    apiKey,
    agentId,
    changes,
    ttlMs: TTL_MS,
    actor: 'paused-holder',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(input)], {
    cwd: dirname(TSCONFIG),
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const answer = new Promise<Awaited<Holder['answer']>>((resolve, reject) => {
    child.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`release worker exited ${code} without an answer: ${out} ${err}`));
      }
    });
  });
  return { child, answer };
}

async function until(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const store of stores) {
  describe.skipIf(store.kind === 'postgres' && !pgAvailable)(`${store.kind} lease: a paused holder`, () => {
    it('Atoms v1, paused in its security-check wait: wakes up, writes nothing, and the other release stays live', {
      timeout: 90_000,
    }, async () => {
      const atoms = await startAtomsEmulator({ securityCheck: { durationMs: 2_000 } });
      try {
        const agentId = atoms.state.createAgent({ name: 'support', prompt: 'Initial', tools: [] });
        const before = atoms.state.versions(agentId).length;
        const a = holder(store, 'atoms', atoms.baseUrl, atoms.apiKey, agentId, {
          firstMessage: 'Hello from A',
        });
        // A published; its security check is running and A polls it: pause A there.
        await until(() => atoms.state.versions(agentId).length === before + 1, "A's publish");
        a.child.kill('SIGSTOP');
        await sleep(PAUSE_MS);

        const ledger = await store.open();
        try {
          const b = createAtomsReleaser({
            apiKey: atoms.apiKey,
            baseUrl: atoms.baseUrl,
            apiGeneration: 'v1',
            securityCheck: { minDelayMs: 50, maxDelayMs: 100, maxWaitMs: 30_000, expectedMs: 100 },
          });
          const released = await release(
            b,
            agentId,
            { instructions: 'Prompt from B' },
            { ledger, lock: ledger.lock, signal: AbortSignal.timeout(30_000) },
          );
          expect(released.status).toBe('released');
          const writesBeforeWake = atoms.requests.filter((r) => r.method !== 'GET').length;

          a.child.kill('SIGCONT');
          const answer = await a.answer;

          // B's release is what is live, and A sent no write after it woke up.
          expect(atoms.requests.filter((r) => r.method !== 'GET').length).toBe(writesBeforeWake);
          expect(atoms.state.activeVersionId(agentId)).toBe(released.version?.id);
          expect(atoms.state.activeVersion(agentId)?.config.firstMessage).not.toBe('Hello from A');
          expect(atoms.state.versions(agentId)).toHaveLength(before + 2);
          // A says it failed, and what is live: the truth.
          expect(answer.error?.name).toBe('LeaseLostError');
          expect(answer.error?.message).toContain(`version ${released.version?.id} is live`);
          const rows = await ledger.history({ agentId });
          // B, holding the lease next, settled A's unfinished entry (\`abandoned\`), or A finished it
          // as failed first; never a success.
          expect(['abandoned', 'failed']).toContain(rows.find((e) => e.actor === 'paused-holder')?.outcome);
        } finally {
          await ledger.close();
        }
      } finally {
        await atoms.close();
      }
    });

    it('Langdock, paused with its update answer in flight: publishes nothing and never answers unchanged', {
      timeout: 90_000,
    }, async () => {
      const langdock = await startLangdockEmulator({});
      try {
        const agentId = langdock.state.createAgent({ name: 'chat', instruction: 'Old', publish: true });
        const change = { instructions: 'The fix' };
        // A's update is applied, and its answer held back long enough to pause A while it waits.
        langdock.faults.add({ method: 'PATCH', path: '/agent/v1/update', kind: 'delay', delayMs: 1_000 });
        const a = holder(store, 'langdock', langdock.baseUrl, langdock.apiKey, agentId, change);
        await until(() => langdock.state.draft(agentId)?.instruction === 'The fix', "A's update");
        a.child.kill('SIGSTOP');
        await sleep(PAUSE_MS);

        const ledger = await store.open();
        try {
          // The same change, as a re-delivered job of a rollout would release it.
          const b = createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl });
          const released = await release(b, agentId, change, {
            ledger,
            lock: ledger.lock,
            signal: AbortSignal.timeout(30_000),
          });
          expect(released.status).toBe('released');
          const versions = langdock.state.versions(agentId).length;

          a.child.kill('SIGCONT');
          const answer = await a.answer;

          expect(answer.result?.status).not.toBe('unchanged');
          expect(answer.error?.name).toBe('LeaseLostError');
          expect(langdock.state.versions(agentId)).toHaveLength(versions);
          const publishes = langdock.requests.filter((r) => r.path.endsWith('/publish'));
          expect(publishes).toHaveLength(1);
          const rows = await ledger.history({ agentId });
          // B, holding the lease next, settled A's unfinished entry (\`abandoned\`), or A finished it
          // as failed first; never a success.
          expect(['abandoned', 'failed']).toContain(rows.find((e) => e.actor === 'paused-holder')?.outcome);
        } finally {
          await ledger.close();
        }
      } finally {
        await langdock.close();
      }
    });
  });
}
