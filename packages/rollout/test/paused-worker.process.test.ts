// Issue "the lease must fence every vendor write", BullMQ variant, with real worker processes: a
// worker paused (SIGSTOP, as a long GC pause or a throttled container does) with its Langdock
// updates in flight, past both its BullMQ job locks and its release leases. Another worker gets the
// re-delivered jobs and the leases and releases every agent; then the paused one wakes up. It must
// send no vendor write, and the ledger must not get a second `released` row per agent — a
// "reconciled" success that was in truth the other worker's publish. (Without the fence the woken
// worker publishes again: a 409 recorded as `unchanged`, or, when its first answer is lost, a
// re-send whose 409 it records as its own `released`.)
import type { LedgerEntry } from '@agent-release/core';
import { type LangdockEmulator, startLangdockEmulator } from '@agent-release/emulator';
import type { RolloutPlan } from '@agent-release/rollout';
import { createBullmqEngine } from '@agent-release/rollout/bullmq';
import { afterEach, describe, expect, it } from 'vitest';
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

/** What a scenario left behind, for the assertions. */
interface Aftermath {
  langdock: LangdockEmulator;
  targets: RolloutPlan['targets'];
  instructions: string;
  /** This rollout's ledger rows, per target, once no attempt is `running`. */
  rows: LedgerEntry[][];
  /** The vendor writes sent after the paused worker woke up. */
  writesAfterWake: string[];
}

/**
 * Runs a rollout of {@link AGENTS} Langdock agents on a first worker, stops it (SIGSTOP) with
 * all of its updates in flight, lets a second worker take the re-delivered jobs and the leases
 * and finish the rollout, arms `beforeWake` (faults for whatever the woken worker sends), then
 * wakes the first one (SIGCONT) and waits until every attempt it began has ended.
 */
async function pausedPastLockAndLease(
  cleanups: Array<() => Promise<unknown>>,
  beforeWake: (langdock: LangdockEmulator) => void,
): Promise<Aftermath> {
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
  // What the rollout was told: the survivor released every agent.
  expect(result.status).toBe('completed');
  expect(result.results.map((r) => r.outcome)).toEqual(targets.map(() => 'released'));

  beforeWake(langdock);
  // By arrival time, not by position in the log: a request's entry appears only once it is
  // answered, so the first worker's held updates would shift positions when they settle.
  const wokeAt = Date.now();
  paused.child.kill('SIGCONT');
  const history = () =>
    Promise.all(targets.map((t) => ledger.history({ agentId: t.agentId, tenant, rolloutId: plan.id })));
  const settled = async () => (await history()).every((rows) => !rows.some((e) => e.outcome === 'running'));
  await until(settled, "the woken worker's attempts to end");
  // A retry it may still make reads the ledger and skips: give it time to show otherwise.
  await sleep(2 * TTL_MS);
  const writesAfterWake = langdock.requests
    .filter((r) => r.at >= wokeAt && r.method !== 'GET')
    .map((r) => `${r.method} ${r.path} ${r.status}`);
  return { langdock, targets, instructions, rows: await history(), writesAfterWake };
}

/**
 * The effects that must hold whatever the woken worker met: it sent no vendor write; per agent
 * the change is live in exactly one published version, nothing of the woken worker is left in the
 * shared draft, and the ledger holds exactly one successful attempt (the survivor's `released`)
 * next to the woken worker's unfinished one: settled `abandoned` by the survivor, which took the
 * lease next, or finished `failed` (a CONFLICT: its lease was lost) when the woken worker got there
 * first. Never a second success.
 */
function expectFenced({ langdock, targets, instructions, rows, writesAfterWake }: Aftermath): void {
  expect(writesAfterWake).toEqual([]);
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
  for (const agentRows of rows) {
    const outcomes = agentRows.map((e) => `${e.outcome}${e.errorCode ? ` ${e.errorCode}` : ''}`).sort();
    expect([
      ['abandoned ABANDONED', 'released'],
      ['failed CONFLICT', 'released'],
    ]).toContainEqual(outcomes);
  }
}

describe.skipIf(!servicesUp)('rollout: a BullMQ worker paused past its job lock and lease', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  }, 90_000);

  it('wakes up fenced: publishes nothing and records no `unchanged` after the other worker released', async () => {
    expectFenced(await pausedPastLockAndLease(cleanups, () => {}));
  }, 240_000);

  it("wakes up fenced when a publish answer would be lost: no `released` row reconciled from the other worker's publish", async () => {
    // Whatever publish the woken worker sends has its answer lost (a 5xx): without the fence it
    // re-sends, gets 409 from the survivor's publish and claims that version as its own.
    const lost = (langdock: LangdockEmulator) =>
      langdock.faults.add({
        method: 'POST',
        path: '/agent/v1/publish',
        kind: 'status',
        status: 503,
        times: AGENTS,
      });
    expectFenced(await pausedPastLockAndLease(cleanups, lost));
  }, 240_000);
});
