import { randomUUID } from 'node:crypto';
import {
  type AtomsEmulator,
  type LangdockEmulator,
  startAtomsEmulator,
  startLangdockEmulator,
} from '@agent-release/emulator';
import type { RolloutPlan } from '@agent-release/rollout';
import { createBullmqEngine } from '@agent-release/rollout/bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, postgresForSuites, uniqueSchema } from './support/postgres.js';
import { deleteKeys, REDIS, redisForSuites, uniquePrefix } from './support/redis.js';
import { openSharedLedger } from './support/shared-ledger.js';
import { spawnWorker, stopWorker } from './support/spawn-worker.js';
import type { WorkerProcessConfig } from './support/worker-process.js';

const SUITE = 'rollout crash test with worker processes (packages/rollout/test/crash.test.ts)';
const servicesUp = (await redisForSuites(SUITE)) && (await postgresForSuites(SUITE));

const AGENTS_PER_TENANT = 8;

describe.skipIf(!servicesUp)('rollout crash test: kill -9 of a worker process mid-rollout', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('a re-run completes with 0 duplicate versions and 0 agents missed (emulator state and ledger)', async () => {
    const keyOf = (tenant: string) => `sk_test_${tenant}_${randomUUID().slice(0, 8)}`;
    const tenantIds = { atoms: ['atoms-1', 'atoms-2'], langdock: ['langdock-1', 'langdock-2'] };
    const keys = Object.fromEntries([...tenantIds.atoms, ...tenantIds.langdock].map((t) => [t, keyOf(t)]));
    const atoms: AtomsEmulator = await startAtomsEmulator({
      apiKeys: tenantIds.atoms.map((t) => keys[t] as string),
      securityCheck: { durationMs: 300 },
      latencyMs: 5,
    });
    cleanups.push(() => atoms.close());
    const langdock: LangdockEmulator = await startLangdockEmulator({
      apiKeys: tenantIds.langdock.map((t) => keys[t] as string),
      latencyMs: 5,
    });
    cleanups.push(() => langdock.close());

    const targets: RolloutPlan['targets'] = [];
    const tenants: WorkerProcessConfig['tenants'] = {};
    for (const tenant of tenantIds.atoms) {
      tenants[tenant] = { provider: 'atoms', baseUrl: atoms.baseUrl, apiKey: keys[tenant] as string };
      for (let i = 0; i < AGENTS_PER_TENANT; i++) {
        targets.push({
          tenant,
          agentId: atoms.state.createAgent({ name: `${tenant}-${i}`, prompt: 'original' }),
        });
      }
    }
    for (const tenant of tenantIds.langdock) {
      tenants[tenant] = { provider: 'langdock', baseUrl: langdock.baseUrl, apiKey: keys[tenant] as string };
      for (let i = 0; i < AGENTS_PER_TENANT; i++) {
        targets.push({
          tenant,
          agentId: langdock.state.createAgent({
            name: `${tenant}-${i}`,
            instruction: 'original',
            publish: true,
          }),
        });
      }
    }

    const prefix = uniquePrefix();
    cleanups.push(() => deleteKeys(prefix));
    // Every process shares one PostgreSQL ledger (a schema of this run's own) and its lease; the
    // killed worker's leases expire as soon as its BullMQ job locks do.
    const schema = uniqueSchema('rollout_crash');
    cleanups.push(() => dropSchema(schema));
    const ledger = await openSharedLedger({ schema, leaseTtlMs: 1500 });
    cleanups.push(() => ledger.close());
    const config: WorkerProcessConfig = {
      prefix,
      ledger: { schema, leaseTtlMs: 1500, maxConnections: 4 },
      concurrency: 4,
      lockDurationMs: 1500,
      tenants,
    };
    // One worker first, so that whatever is in flight when it dies is its own.
    const doomed = await spawnWorker(config);
    cleanups.push(() => stopWorker(doomed));
    const engine = await createBullmqEngine({ connection: REDIS, prefix, sweepIntervalMs: 500 });
    cleanups.push(() => engine.close());

    const instructions = `rolled out ${prefix}`;
    const plan: RolloutPlan = {
      id: `crash-${prefix}`,
      changes: { instructions },
      targets,
      failureBudget: { maxFailures: targets.length },
    };
    const first = engine.start(plan);
    // Kill it -9 the moment an Atoms version is published but not yet live (its security check
    // runs): the worst place, where a blind re-release would publish a second version.
    const atomsAgents = targets.filter((t) => t.tenant.startsWith('atoms')).map((t) => t.agentId);
    // Agent id → the version published but not live when the worker died.
    const strandedAtKill = await new Promise<Map<string, string>>((resolve) => {
      const poll = setInterval(() => {
        const stranded = new Map<string, string>();
        for (const a of atomsAgents) {
          const newest = atoms.state.versions(a)[0];
          if (newest !== undefined && newest._id !== atoms.state.activeVersionId(a))
            stranded.set(a, newest._id);
        }
        if (stranded.size === 0) return;
        clearInterval(poll);
        doomed.child.kill('SIGKILL');
        resolve(stranded);
      }, 2);
    });
    expect(strandedAtKill.size).toBeGreaterThanOrEqual(1);
    const survivor = await spawnWorker(config);
    cleanups.push(() => stopWorker(survivor));
    const interrupted = await first.done;
    expect(doomed.child.signalCode).toBe('SIGKILL');

    const rerun = await engine.start(plan).done;
    expect(rerun.status).toBe('completed');
    expect(rerun.progress.totals).toMatchObject({ total: targets.length, failed: 0, remaining: 0 });

    // Emulator state: every agent carries the change live, in exactly one new version.
    const duplicates: string[] = [];
    const missed: string[] = [];
    for (const { tenant, agentId } of targets) {
      if (tenant.startsWith('atoms')) {
        const withChange = atoms.state
          .versions(agentId)
          .filter((v) => v.config.singlePromptConfig?.prompt === instructions);
        if (withChange.length > 1) duplicates.push(agentId);
        if (atoms.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt !== instructions)
          missed.push(agentId);
      } else {
        const withChange = langdock.state
          .versions(agentId)
          .filter((v) => v.config.instruction === instructions);
        if (withChange.length > 1) duplicates.push(agentId);
        if (langdock.state.activeVersion(agentId)?.config.instruction !== instructions) missed.push(agentId);
      }
    }
    expect({ duplicates, missed }).toEqual({ duplicates: [], missed: [] });
    // The version the killed worker left published is the one that went live, not a second one.
    for (const [agentId, versionId] of strandedAtKill) {
      expect(atoms.state.activeVersionId(agentId)).toBe(versionId);
    }

    // Ledger: every agent has a finished attempt of this rollout; the attempts the kill left
    // `running` were settled `abandoned` by the next holder of each agent's lease.
    let running = 0;
    let abandoned = 0;
    for (const { tenant, agentId } of targets) {
      const entries = await ledger.history({ agentId, tenant, rolloutId: plan.id });
      expect(entries.some((e) => e.outcome === 'released' || e.outcome === 'unchanged')).toBe(true);
      running += entries.filter((e) => e.outcome === 'running').length;
      abandoned += entries.filter((e) => e.outcome === 'abandoned').length;
    }
    expect({ running, someAbandoned: abandoned >= 1 }).toEqual({ running: 0, someAbandoned: true });
    // What the first run could not finish, the re-run did; what it finished, the re-run skipped.
    const finishedFirst = interrupted.results.filter(
      (r) => r.outcome === 'released' || r.outcome === 'unchanged',
    );
    expect(rerun.progress.totals.skipped).toBeGreaterThanOrEqual(finishedFirst.length);
  }, 240_000);
});
