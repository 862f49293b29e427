// Issue "the lease must fence every vendor write", BullMQ variant, with real worker processes: a
// worker paused (SIGSTOP, as a long GC pause or a throttled container does) with its Langdock
// updates in flight, past both its BullMQ job locks and its release leases. Another worker gets the
// re-delivered jobs and the leases and releases every agent; then the paused one wakes up. It must
// send no vendor write, and the ledger must not get a second `released` row per agent — a
// "reconciled" success that was in truth the other worker's publish.
import type { LedgerEntry } from '@agent-release/core';
import { type LangdockEmulator, startLangdockEmulator } from '@agent-release/emulator';
import type { RolloutPlan } from '@agent-release/rollout';
import { createBullmqEngine } from '@agent-release/rollout/bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, postgresForSuites, uniqueSchema } from './support/postgres.js';
import { deleteKeys, REDIS, redisForSuites, uniquePrefix } from './support/redis.js';
import { openSharedLedger } from './support/shared-ledger.js';
import { type SpawnedWorker, spawnWorker, stopWorker } from './support/spawn-worker.js';
import type { WorkerProcessConfig } from './support/worker-process.js';

const SUITE = 'rollout paused-worker test (packages/rollout/test/paused-worker.process.test.ts)';
const servicesUp = (await redisForSuites(SUITE)) && (await postgresForSuites(SUITE));

const AGENTS = 6;
const LOCK_MS = 1_500;
const TTL_MS = 1_500;
/** The shortest pause: well past the job lock and the lease ttl, whatever else it waits for. */
const PAUSE_MS = 3 * Math.max(LOCK_MS, TTL_MS);
/**
 * How long the emulator holds each of the paused worker's update answers: long enough that all
 * of its updates are still in flight when it is stopped, even on a loaded machine.
 */
const UPDATE_DELAY_MS = 6_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` (sync or async) until it holds; fails naming `what` after `limitMs`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 60_000) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Wakes a stopped worker and stops it; kills it when it does not exit in time. */
async function endWorker(worker: SpawnedWorker): Promise<void> {
  worker.child.kill('SIGCONT');
  const stopped = stopWorker(worker);
  const late = setTimeout(() => worker.child.kill('SIGKILL'), 20_000);
  await stopped.finally(() => clearTimeout(late));
}

describe.skipIf(!servicesUp)('rollout: a BullMQ worker paused past its job lock and lease', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('wakes up fenced: no write sent, one `released` row per agent, its publish live once', async () => {
    const langdock: LangdockEmulator = await startLangdockEmulator({ latencyMs: 5 });
    cleanups.push(() => langdock.close());
    const tenant = 'langdock-1';
    const targets: RolloutPlan['targets'] = Array.from({ length: AGENTS }, (_, i) => ({
      tenant,
      agentId: langdock.state.createAgent({ name: `chat-${i}`, instruction: 'original', publish: true }),
    }));

    const prefix = uniquePrefix();
    cleanups.push(() => deleteKeys(prefix));
    const schema = uniqueSchema('rollout_paused');
    cleanups.push(() => dropSchema(schema));
    // Opened here first, so that the schema's migrations run once, before any worker starts.
    const ledger = await openSharedLedger({ schema, leaseTtlMs: TTL_MS });
    cleanups.push(() => ledger.close());
    const config: WorkerProcessConfig = {
      prefix,
      ledger: { schema, leaseTtlMs: TTL_MS, maxConnections: 4 },
      // Every job at once, so that all of them are in flight when the worker is stopped.
      concurrency: AGENTS,
      lockDurationMs: LOCK_MS,
      tenants: { [tenant]: { provider: 'langdock', baseUrl: langdock.baseUrl, apiKey: langdock.apiKey } },
    };
    // The first worker's updates are applied, and their answers held back.
    langdock.faults.add({
      method: 'PATCH',
      path: '/agent/v1/update',
      kind: 'delay',
      delayMs: UPDATE_DELAY_MS,
      times: AGENTS,
    });
    const paused = await spawnWorker(config);
    cleanups.push(() => endWorker(paused));
    const engine = await createBullmqEngine({ connection: REDIS, prefix, sweepIntervalMs: 500 });
    cleanups.push(() => engine.close());

    const instructions = `rolled out ${prefix}`;
    const plan: RolloutPlan = {
      id: `paused-${prefix}`,
      changes: { instructions },
      targets,
      failureBudget: { maxFailures: targets.length },
    };
    const run = engine.start(plan);
    const updated = () => targets.every((t) => langdock.state.draft(t.agentId)?.instruction === instructions);
    await until(updated, "the first worker's updates");
    paused.child.kill('SIGSTOP');
    // It was stopped inside its jobs: every update answer still held, nothing published.
    expect(langdock.requests.filter((r) => r.path === '/agent/v1/publish')).toHaveLength(0);

    // Its job locks and leases run out; the second worker gets the jobs and the leases.
    const survivor = await spawnWorker(config);
    cleanups.push(() => endWorker(survivor));
    const [result] = await Promise.all([run.done, sleep(PAUSE_MS)]);
    expect(result.status).toBe('completed');
    expect(result.results.map((r) => r.outcome)).toEqual(targets.map(() => 'released'));

    const seenAtWake = langdock.requests.length;
    paused.child.kill('SIGCONT');
    // Wait until the woken worker has finished every attempt it had begun.
    const rowsOf = (agentId: string) => ledger.history({ agentId, tenant, rolloutId: plan.id });
    const allRows = async () => Promise.all(targets.map((t) => rowsOf(t.agentId)));
    const settled = async () => (await allRows()).every((rows) => !rows.some((e) => e.outcome === 'running'));
    await until(settled, "the woken worker's attempts to finish");
    // A retry it may still make would read the ledger and skip: give it time to show otherwise.
    await sleep(2 * TTL_MS);

    // The woken worker sent no vendor write.
    const after = langdock.requests.slice(seenAtWake);
    expect(after.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([]);

    // Emulator state: per agent, the change live, in exactly one published version; nothing of
    // the woken worker left in the shared draft.
    const published: Record<string, number> = {};
    const missed: string[] = [];
    for (const { agentId } of targets) {
      published[agentId] = langdock.state
        .versions(agentId)
        .filter((v) => v.config.instruction === instructions).length;
      if (langdock.state.activeVersion(agentId)?.config.instruction !== instructions) missed.push(agentId);
      expect(langdock.state.draft(agentId)?.instruction).toBe(instructions);
    }
    expect(missed).toEqual([]);
    expect(published).toEqual(Object.fromEntries(targets.map((t) => [t.agentId, 1])));

    // Ledger: per agent exactly one successful attempt of this rollout (the survivor's
    // `released`); the woken worker's attempt failed, it claims no one else's publish.
    const summary = (rows: LedgerEntry[]) => rows.map((e) => e.outcome).sort();
    const rows = await allRows();
    for (const agentRows of rows) {
      expect(agentRows.filter((e) => e.outcome === 'released' || e.outcome === 'unchanged')).toHaveLength(1);
      expect(agentRows.find((e) => e.outcome === 'released')).toBeDefined();
      expect(summary(agentRows)).toEqual(['failed', 'released']);
      expect(agentRows.find((e) => e.outcome === 'failed')?.errorCode).toBe('CONFLICT');
    }
  }, 240_000);
});
