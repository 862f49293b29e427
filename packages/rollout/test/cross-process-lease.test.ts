import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '@agent-release/core';
import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import type { RolloutPlan } from '@agent-release/rollout';
import { createBullmqEngine } from '@agent-release/rollout/bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, postgresForSuites, uniqueSchema } from './support/postgres.js';
import { deleteKeys, REDIS, redisForSuites, uniquePrefix } from './support/redis.js';
import { openSharedLedger } from './support/shared-ledger.js';
import { spawnWorker, stopWorker } from './support/spawn-worker.js';
import type { WorkerProcessConfig } from './support/worker-process.js';

const SUITE = 'rollout cross-process lease (packages/rollout/test/cross-process-lease.test.ts)';
const servicesUp = (await redisForSuites(SUITE)) && (await postgresForSuites(SUITE));

/** The time an attempt provably held the lease: from its ledger entry (written under it) to its last step. */
function heldWindow(e: LedgerEntry): [number, number] | undefined {
  const steps = e.steps.filter((s) => s.name !== 'validate');
  if (e.outcome === 'running' || steps.length === 0) return undefined;
  return [Date.parse(e.startedAt), Math.max(...steps.map((s) => s.startedAt + s.durationMs))];
}

describe.skipIf(!servicesUp)('rollout workers in two processes share the ledger lease', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('two rollouts of the same agents at once never overlap on an agent, so neither change is lost', async () => {
    const key = `sk_test_lease_${randomUUID().slice(0, 8)}`;
    // Atoms v1 forks each draft from the live version: two overlapping releases of one agent
    // would each publish only their own change, and the later activation would drop the other.
    const atoms: AtomsEmulator = await startAtomsEmulator({
      apiKeys: [key],
      securityCheck: { durationMs: 150 },
      latencyMs: 5,
    });
    cleanups.push(() => atoms.close());
    const targets: RolloutPlan['targets'] = Array.from({ length: 6 }, (_, i) => ({
      tenant: 'acme',
      agentId: atoms.state.createAgent({ name: `acme-${i}`, prompt: 'original' }),
    }));
    const prefix = uniquePrefix();
    cleanups.push(() => deleteKeys(prefix));
    const schema = uniqueSchema('rollout_lease');
    cleanups.push(() => dropSchema(schema));
    const ledger = await openSharedLedger({ schema });
    cleanups.push(() => ledger.close());
    const config: WorkerProcessConfig = {
      prefix,
      ledger: { schema, maxConnections: 4 },
      concurrency: 6,
      lockDurationMs: 30_000,
      tenants: { acme: { provider: 'atoms', baseUrl: atoms.baseUrl, apiKey: key } },
    };
    const workers = await Promise.all([spawnWorker(config), spawnWorker(config)]);
    for (const w of workers) cleanups.push(() => stopWorker(w));
    const engine = await createBullmqEngine({ connection: REDIS, prefix });
    cleanups.push(() => engine.close());

    const [prompt, greeting] = [`prompt ${prefix}`, `hello ${prefix}`];
    const [a, b] = await Promise.all([
      engine.start({ id: `prompt-${prefix}`, changes: { instructions: prompt }, targets }).done,
      engine.start({ id: `greeting-${prefix}`, changes: { firstMessage: greeting }, targets }).done,
    ]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);

    // Effect on the vendor: every agent runs both changes.
    for (const { agentId } of targets) {
      const live = atoms.state.activeVersion(agentId)?.config;
      expect([agentId, live?.singlePromptConfig?.prompt, live?.firstMessage]).toEqual([
        agentId,
        prompt,
        greeting,
      ]);
    }
    // The ledger: no attempt began while another attempt on the same agent held the lease.
    for (const { tenant, agentId } of targets) {
      const entries = await ledger.history({ agentId, tenant });
      expect(entries.filter((e) => e.kind === 'release' && e.outcome === 'released')).toHaveLength(2);
      for (const held of entries.map(heldWindow)) {
        if (!held) continue;
        const inside = entries.filter((e) => {
          const t = Date.parse(e.startedAt);
          return t > held[0] && t < held[1];
        });
        expect(inside).toEqual([]);
      }
    }
  }, 120_000);
});
