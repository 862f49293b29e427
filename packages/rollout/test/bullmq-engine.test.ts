import type { ReleaseLock } from '@agent-release/core';
import { createBullmqEngine, createRolloutWorker } from '@agent-release/rollout/bullmq';
import { TestFleet } from '@agent-release/rollout/testing';
import { describeRolloutEngineConformance } from '@agent-release/rollout/testing/conformance';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { deleteKeys, keysUnder, REDIS, redisForSuites, uniquePrefix } from './support/redis.js';

const redisUp = await redisForSuites(
  'rollout engine conformance: bullmq; bullmq engine: the release lease, what lands in Redis (packages/rollout/test/bullmq-engine.test.ts)',
);

if (redisUp) {
  describeRolloutEngineConformance('bullmq (two workers)', async (fixture) => {
    const prefix = uniquePrefix();
    const common = { connection: REDIS, prefix };
    const workers = await Promise.all(
      [1, 2].map(() =>
        createRolloutWorker({
          ...common,
          resolveReleaser: fixture.resolveReleaser,
          ledger: fixture.ledger,
          rateKeyOf: fixture.rateKeyOf,
          concurrency: fixture.concurrency,
          rateLimit: { points: 1000, durationMs: 1000 },
        }),
      ),
    );
    const engine = await createBullmqEngine({
      ...common,
      sweepIntervalMs: 200,
      resolveReleaser: fixture.resolveReleaser,
      ledger: fixture.ledger,
    });
    return {
      start: (plan) => engine.start(plan),
      async close() {
        await engine.close();
        await Promise.all(workers.map((w) => w.close()));
        await deleteKeys(prefix);
      },
    };
  });

  describe('bullmq engine: the release lease', () => {
    it('holds the lease it is given around every release, so two rollouts never overlap on one agent', async () => {
      const prefix = uniquePrefix();
      const fleet = new TestFleet();
      fleet.addTenant('acme', 'explicit', 4);
      const held = new Set<string>();
      const acquired: string[] = [];
      const lock: ReleaseLock = {
        async acquire(key) {
          const id = `${key.provider}/${key.agentId}`;
          while (held.has(id)) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          held.add(id);
          acquired.push(id);
          return { key, lost: new AbortController().signal, release: async () => void held.delete(id) };
        },
      };
      const workers = await Promise.all(
        [1, 2].map(() =>
          createRolloutWorker({
            connection: REDIS,
            prefix,
            resolveReleaser: fleet.resolveReleaser,
            ledger: fleet.ledger,
            lock,
          }),
        ),
      );
      const engine = await createBullmqEngine({ connection: REDIS, prefix });
      try {
        const [a, b] = await Promise.all([
          engine.start({ id: 'lease-a', changes: { instructions: 'a' }, targets: fleet.targets() }).done,
          engine.start({ id: 'lease-b', changes: { firstMessage: 'b' }, targets: fleet.targets() }).done,
        ]);
        expect([a.progress.totals.done, b.progress.totals.done]).toEqual([4, 4]);
        expect(acquired).toHaveLength(8);
        expect(held.size).toBe(0);
        // Both changes are live on every agent: neither release dropped the other's edit.
        const acme = fleet.tenant('acme');
        for (const agentId of acme.agents) {
          expect(acme.releaser.activeConfig(agentId)).toMatchObject({ instructions: 'a', firstMessage: 'b' });
        }
      } finally {
        await engine.close();
        await Promise.all(workers.map((w) => w.close()));
        await deleteKeys(prefix);
      }
    });
  });

  describe('bullmq engine: what lands in Redis', () => {
    it('keeps neither the rate-limit key (it may be an API key) nor anything of it in any key or job', async () => {
      const prefix = uniquePrefix();
      const secret = 'sk_live_any/shape:of==key';
      const fleet = new TestFleet();
      fleet.addTenant('acme', 'explicit', 3);
      const worker = await createRolloutWorker({
        connection: REDIS,
        prefix,
        resolveReleaser: fleet.resolveReleaser,
        ledger: fleet.ledger,
        rateKeyOf: () => secret,
        rateLimit: { points: 100, durationMs: 1000 },
      });
      const engine = await createBullmqEngine({ connection: REDIS, prefix });
      const redis = new Redis(REDIS);
      try {
        const summary = await engine.start({
          id: 'leak-check',
          changes: { instructions: 'x' },
          targets: fleet.targets(),
        }).done;
        expect(summary.progress.totals.done).toBe(3);
        const keys = await keysUnder(prefix);
        expect(keys.some((k) => k.includes(':rate'))).toBe(true);
        const dump: string[] = [...keys];
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
          if (type === 'string') dump.push(String(await redis.get(key)));
        }
        expect(dump.join('\n')).not.toContain(secret);
        expect(dump.join('\n')).not.toContain('sk_live');
      } finally {
        await engine.close();
        await worker.close();
        await redis.quit();
        await deleteKeys(prefix);
      }
    });
  });
} else {
  describe.skip('rollout engine conformance: bullmq (Redis not running)', () => {
    it('needs Redis', () => {});
  });
}
