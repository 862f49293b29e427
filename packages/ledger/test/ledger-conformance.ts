import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortedError,
  ConfigurationError,
  ConflictError,
  type LedgerEntryFinish,
  type LedgerEntryStart,
  NotFoundError,
  type ReleaseLease,
  ValidationError,
} from '@agent-release/core';
import type { LeaseOptions, LedgerStore } from '@agent-release/ledger';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agent, finishOf, ids, startOf } from './conformance-fixtures.js';
import { describeEntryInputConformance } from './ledger-input-conformance.js';

/** One database (file, schema) under test; `open` may be called many times on it. */
export interface LedgerHarness {
  /** A new store instance on the shared database, as a second process would open it. */
  open(options?: { lease?: LeaseOptions }): Promise<LedgerStore>;
  /** Removes the database. */
  dispose(): Promise<void>;
}

// Short enough to keep the suite quick, long enough that a loaded CI machine still renews in time.
const FAST_LEASE: LeaseOptions = { ttlMs: 1_000, pollMs: 10 };

/**
 * The contract every `ReleaseLedger` + `ReleaseLock` store of this package passes. Each test
 * works on agents of its own, so tests share one database without seeing each other.
 */
export function describeLedgerConformance(name: string, makeHarness: () => Promise<LedgerHarness>): void {
  describe(`${name}: ledger conformance`, () => {
    let harness: LedgerHarness;
    const opened: LedgerStore[] = [];
    const open = async (options?: { lease?: LeaseOptions }) => {
      const store = await harness.open(options);
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it('begin then finish round-trips every field', async () => {
      const store = await open();
      const start = startOf(agent(), {
        tenant: 't1',
        actor: 'alice',
        rolloutId: 'r1',
        versionBefore: 'v1',
        label: 'spring',
        snapshotBefore: { instructions: 'old', providerOptions: { atoms: { voiceId: 'a' } } },
        snapshotAfter: { instructions: 'new', model: 'gpt', providerOptions: { atoms: { voiceId: 'b' } } },
      });
      const begun = await store.begin(start);
      expect(begun).toEqual({ ...start, id: begun.id, outcome: 'running', steps: [] });
      expect(await store.get(begun.id)).toEqual(begun);

      const finish: LedgerEntryFinish = {
        outcome: 'released',
        versionAfter: 'v2',
        steps: [
          { name: 'edit-draft', status: 'ok', startedAt: 1, durationMs: 2, detail: 'draft d1' },
          { name: 'publish', status: 'ok', startedAt: 3, durationMs: 4 },
          // A step name core may add later (rollback's own steps) is kept as given.
          { name: 'restore' as 'publish', status: 'failed', startedAt: 7, durationMs: 0 },
        ],
        finishedAt: '2026-01-01T00:00:05.000Z',
      };
      const done = await store.finish(begun.id, finish);
      expect(done).toEqual({ ...begun, ...finish });
      expect(await store.get(begun.id)).toEqual(done);
      expect(await store.get('no-such-id')).toBeNull();
    });

    it('finish replaces the snapshot after when it gives one, and keeps the begun one otherwise', async () => {
      const store = await open();
      const kept = await store.begin(startOf(agent(), { snapshotAfter: { instructions: 'planned' } }));
      expect((await store.finish(kept.id, finishOf('released'))).snapshotAfter).toEqual({
        instructions: 'planned',
      });
      const replaced = await store.begin(startOf(agent()));
      const done = await store.finish(replaced.id, {
        ...finishOf('rolled-back'),
        snapshotAfter: { instructions: 'as it ended up', model: 'm' },
      });
      expect(done.snapshotAfter).toEqual({ instructions: 'as it ended up', model: 'm' });
      expect((await store.get(replaced.id))?.snapshotAfter).toEqual({
        instructions: 'as it ended up',
        model: 'm',
      });
    });

    it('records a failure with its error code, and refuses a second finish or an unknown id', async () => {
      const store = await open();
      const begun = await store.begin(startOf(agent()));
      const failed = await store.finish(begun.id, finishOf('failed', { errorCode: 'CONFLICT' }));
      expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'CONFLICT' });
      expect(failed.versionAfter).toBeUndefined();
      await expect(store.finish(begun.id, finishOf('released'))).rejects.toBeInstanceOf(ConflictError);
      expect((await store.get(begun.id))?.outcome).toBe('failed');
      await expect(store.finish('no-such-id', finishOf('released'))).rejects.toBeInstanceOf(NotFoundError);
    });

    it('rejects bad input with a ValidationError and writes nothing', async () => {
      const store = await open();
      const agentId = agent();
      const bad = [
        { ...startOf(agentId), kind: 'deploy' },
        { ...startOf(agentId), startedAt: 'yesterday' },
        { ...startOf(agentId), provider: '' },
        { ...startOf(agentId), snapshotAfter: { instructions: 'x', apiKey: 'sk-live-1234' } },
      ];
      for (const start of bad) {
        await expect(store.begin(start as LedgerEntryStart)).rejects.toBeInstanceOf(ValidationError);
      }
      expect(await store.history({ agentId })).toEqual([]);
      await expect(store.history({ agentId, limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(store.history({ agentId, limit: 1001 })).rejects.toBeInstanceOf(ValidationError);
      const begun = await store.begin(startOf(agentId));
      await expect(
        store.finish(begun.id, { ...finishOf('released'), outcome: 'running' as 'released' }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect((await store.get(begun.id))?.outcome).toBe('running');
    });

    it('lists history newest first, with limit and provider, tenant and rollout filters', async () => {
      const store = await open();
      const agentId = agent();
      const a = await store.begin(startOf(agentId, { tenant: 't1', rolloutId: 'r1' }));
      const b = await store.begin(startOf(agentId, { tenant: 't2' }));
      const c = await store.begin(startOf(agentId, { tenant: 't1', provider: 'langdock' }));
      await store.begin(startOf(agent(), { tenant: 't1' }));

      expect(ids(await store.history({ agentId }))).toEqual([c.id, b.id, a.id]);
      expect(ids(await store.history({ agentId, limit: 2 }))).toEqual([c.id, b.id]);
      expect(ids(await store.history({ agentId, tenant: 't1' }))).toEqual([c.id, a.id]);
      expect(ids(await store.history({ agentId, provider: 'atoms' }))).toEqual([b.id, a.id]);
      expect(ids(await store.history({ agentId, rolloutId: 'r1' }))).toEqual([a.id]);
      expect(await store.history({ agentId: agent() })).toEqual([]);
      expect([a.id, b.id, c.id]).toEqual([a.id, b.id, c.id].sort());
    });

    it('finds the last finished attempt that made a version live', async () => {
      const store = await open();
      const agentId = agent();
      const first = await store.begin(startOf(agentId));
      await store.finish(first.id, finishOf('released', { versionAfter: 'v2' }));
      const second = await store.begin(startOf(agentId, { kind: 'rollback' }));
      await store.finish(second.id, finishOf('rolled-back', { versionAfter: 'v2' }));
      const noop = await store.begin(startOf(agentId));
      await store.finish(noop.id, finishOf('unchanged', { versionAfter: 'v2' }));
      const failed = await store.begin(startOf(agentId));
      await store.finish(failed.id, finishOf('failed', { versionAfter: 'v2' }));

      expect((await store.lastMadeLive({ provider: 'atoms', agentId, versionId: 'v2' }))?.id).toBe(second.id);
      expect(await store.lastMadeLive({ provider: 'langdock', agentId, versionId: 'v2' })).toBeNull();
      expect(await store.lastMadeLive({ provider: 'atoms', agentId, versionId: 'v3' })).toBeNull();
    });

    it('takes many concurrent writers from two store instances on one database', async () => {
      const [one, two] = [await open(), await open()];
      const agentId = agent();
      const begun = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).begin(startOf(agentId, { label: `n${i}` }))),
      );
      await Promise.all(
        begun.map((entry, i) =>
          (i % 3 ? two : one).finish(entry.id, finishOf('released', { versionAfter: `v${i}` })),
        ),
      );
      const history = await one.history({ agentId, limit: 1000 });
      expect(history).toHaveLength(40);
      expect(new Set(ids(history)).size).toBe(40);
      expect(history.every((e) => e.outcome === 'released')).toBe(true);
      expect(new Set(history.map((e) => e.label))).toEqual(new Set(begun.map((e) => e.label)));
    });

    it('shows a reopened store the entries written before, and refuses calls on a closed one', async () => {
      const agentId = agent();
      const first = await open();
      const entry = await first.begin(startOf(agentId, { snapshotAfter: { instructions: 'kept' } }));
      const done = await first.finish(entry.id, finishOf('released', { versionAfter: 'v9' }));
      await first.close();
      await first.close(); // close is idempotent

      await expect(first.history({ agentId })).rejects.toBeInstanceOf(ConfigurationError);
      await expect(first.lock.acquire({ provider: 'atoms', agentId })).rejects.toBeInstanceOf(
        ConfigurationError,
      );

      const reopened = await open();
      expect(await reopened.get(entry.id)).toEqual(done);
      expect(ids(await reopened.history({ agentId }))).toEqual([entry.id]);
    });

    it('applies each migration once, also when stores open a fresh database at the same time', async () => {
      const fresh = await makeHarness();
      try {
        const stores = await Promise.all([fresh.open(), fresh.open(), fresh.open()]);
        opened.push(...stores);
        const applied = await Promise.all(stores.map((s) => s.appliedMigrations()));
        expect(applied[0]?.length).toBeGreaterThan(0);
        expect(applied[0]).toEqual([...new Set(applied[0])].sort((x, y) => x - y));
        for (const list of applied) expect(list).toEqual(applied[0]);
        const again = await fresh.open();
        opened.push(again);
        expect(await again.appliedMigrations()).toEqual(applied[0]);
        await Promise.all(opened.splice(0).map((s) => s.close()));
      } finally {
        await fresh.dispose();
      }
    });

    describeEntryInputConformance(() => open());

    describe('release lease', () => {
      it('lets one holder in at a time across store instances', async () => {
        const stores = [await open({ lease: FAST_LEASE }), await open({ lease: FAST_LEASE })];
        const key = { provider: 'atoms', agentId: agent() };
        let inside = 0;
        let maxInside = 0;
        let runs = 0;
        await Promise.all(
          Array.from({ length: 6 }, async (_, i) => {
            const lease = await stores[i % 2]!.lock.acquire(key);
            inside++;
            maxInside = Math.max(maxInside, inside);
            await sleep(15);
            inside--;
            runs++;
            await lease.release();
          }),
        );
        expect(runs).toBe(6);
        expect(maxInside).toBe(1);
      });

      it('keeps other agents independent', async () => {
        const store = await open({ lease: FAST_LEASE });
        const a = await store.lock.acquire({ provider: 'atoms', agentId: agent() });
        const b = await store.lock.acquire({ provider: 'atoms', agentId: agent() });
        await Promise.all([a.release(), b.release()]);
      });

      it('gives a waiter that aborts an AbortedError and leaves the lease to the next', async () => {
        const [one, two] = [await open({ lease: FAST_LEASE }), await open({ lease: FAST_LEASE })];
        const key = { provider: 'atoms', agentId: agent() };
        const held = await one.lock.acquire(key);

        const controller = new AbortController();
        const waiting = two.lock.acquire(key, { signal: controller.signal });
        const queuedBehind = two.lock.acquire(key); // same process, queued behind the one that aborts
        await sleep(40);
        controller.abort();
        await expect(waiting).rejects.toBeInstanceOf(AbortedError);
        await expect(two.lock.acquire(key, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
          AbortedError,
        );

        await held.release();
        const next = await queuedBehind;
        expect(next.lost.aborted).toBe(false);
        await next.release();
      });

      it('serves processes in arrival order: a waiting instance goes before a later one', async () => {
        // `slow` polls rarely, `fast` often: without a queue across processes, fast's second
        // acquire (queued after slow started waiting) would win the moment the lease is free.
        const fast = await open({ lease: FAST_LEASE });
        const slow = await open({ lease: { ...FAST_LEASE, pollMs: 150 } });
        const key = { provider: 'atoms', agentId: agent() };
        const order: string[] = [];
        const first = await fast.lock.acquire(key);
        const take = async (store: LedgerStore, name: string) => {
          const lease = await store.lock.acquire(key, { signal: AbortSignal.timeout(10_000) });
          order.push(name);
          await lease.release();
        };
        const slowWaits = take(slow, 'slow');
        await sleep(300); // slow has asked at least once
        const fastAgain = take(fast, 'fast');
        await sleep(30);
        await first.release();
        await Promise.all([slowWaits, fastAgain]);
        expect(order).toEqual(['slow', 'fast']);
      });

      it('forgets a waiter that gave up or vanished, so it never blocks the queue', async () => {
        const [one, two] = [await open({ lease: FAST_LEASE }), await open({ lease: FAST_LEASE })];
        const key = { provider: 'atoms', agentId: agent() };
        const held = await one.lock.acquire(key);
        const controller = new AbortController();
        const gaveUp = two.lock.acquire(key, { signal: controller.signal });
        await sleep(40);
        controller.abort();
        await expect(gaveUp).rejects.toBeInstanceOf(AbortedError);
        // A waiter whose store vanished mid-wait (a crashed process).
        const vanishing = await open({ lease: FAST_LEASE });
        const vanished = vanishing.lock.acquire(key).catch((e: unknown) => e);
        await sleep(40);
        await vanishing.close();
        expect(await vanished).toBeInstanceOf(ConfigurationError);
        await held.release();
        const next = await two.lock.acquire(key, { signal: AbortSignal.timeout(10_000) });
        await next.release();
      });

      it('hands a crashed holder’s lease to another after the ttl, and tells the holder it lost it', async () => {
        const crashed = await open({ lease: FAST_LEASE });
        const other = await open({ lease: FAST_LEASE });
        const key = { provider: 'atoms', agentId: agent() };
        const lease = await crashed.lock.acquire(key);
        let lostFired = false;
        lease.lost.addEventListener('abort', () => {
          lostFired = true;
        });
        await crashed.close(); // the holder's store goes away without releasing: renewal now fails

        const taken = await other.lock.acquire(key, { signal: AbortSignal.timeout(10_000) });
        expect(lostFired).toBe(true);
        expect(lease.lost.reason).toBeInstanceOf(AbortedError);
        await lease.release(); // idempotent and silent after the loss
        await taken.release();
      });

      it('renews a held lease so nobody takes it past its ttl', async () => {
        const [one, two] = [await open({ lease: FAST_LEASE }), await open({ lease: FAST_LEASE })];
        const key = { provider: 'atoms', agentId: agent() };
        const held = await one.lock.acquire(key);
        // Waits three ttls; without renewal the other instance would take it.
        await expect(two.lock.acquire(key, { signal: AbortSignal.timeout(3_000) })).rejects.toBeInstanceOf(
          AbortedError,
        );
        expect(held.lost.aborted).toBe(false);
        await held.release();
        await held.release();
        const next: ReleaseLease = await two.lock.acquire(key, { signal: AbortSignal.timeout(10_000) });
        await next.release();
      });
    });
  });
}
