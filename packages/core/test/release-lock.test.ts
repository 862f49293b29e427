import {
  AbortedError,
  type AgentChanges,
  type AgentReleaser,
  createInProcessReleaseLock,
  LeaseLostError,
  type ReleaseLease,
  type ReleaseLock,
  release,
} from '@agent-release/core';
import { KeyedMutex } from '@agent-release/core/provider';
import { InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
};

const key = { provider: 'memory', agentId: 'a1' };

describe('in-process ReleaseLock', () => {
  it('grants leases per key in arrival order', async () => {
    const lock = createInProcessReleaseLock();
    const order: string[] = [];
    const a = await lock.acquire(key);
    const b = lock.acquire(key).then((l) => {
      order.push('b');
      return l;
    });
    const c = lock.acquire(key).then((l) => {
      order.push('c');
      return l;
    });
    const other = await lock.acquire({ provider: 'memory', agentId: 'a2' });
    await flush();
    expect(order).toEqual([]);
    await a.release();
    const lb = await b;
    await flush();
    expect(order).toEqual(['b']);
    await lb.release();
    await (await c).release();
    await other.release();
    expect(order).toEqual(['b', 'c']);
  });

  it('A holds, B gives up, C arrives: C waits for A', async () => {
    const lock = createInProcessReleaseLock();
    const a = await lock.acquire(key);
    const controller = new AbortController();
    const b = lock.acquire(key, { signal: controller.signal });
    controller.abort();
    await expect(b).rejects.toBeInstanceOf(AbortedError);
    let cGranted = false;
    const c = lock.acquire(key).then((l) => {
      cGranted = true;
      return l;
    });
    await flush();
    expect(cGranted).toBe(false);
    await a.release();
    const lc = await c;
    expect(cGranted).toBe(true);
    await lc.release();
  });

  it('a waiter that gives up in the middle of the queue keeps the rest in order', async () => {
    const lock = createInProcessReleaseLock();
    const a = await lock.acquire(key);
    const controller = new AbortController();
    const order: string[] = [];
    const b = lock.acquire(key, { signal: controller.signal });
    const c = lock.acquire(key).then((l) => {
      order.push('c');
      return l;
    });
    const d = lock.acquire(key).then((l) => {
      order.push('d');
      return l;
    });
    controller.abort();
    await expect(b).rejects.toBeInstanceOf(AbortedError);
    await flush();
    expect(order).toEqual([]);
    await a.release();
    await (await c).release();
    await (await d).release();
    expect(order).toEqual(['c', 'd']);
  });

  it('rejects at once when the signal already fired, and releasing twice is harmless', async () => {
    const lock = createInProcessReleaseLock();
    const controller = new AbortController();
    controller.abort();
    await expect(lock.acquire(key, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    const a = await lock.acquire(key);
    expect(a.lost.aborted).toBe(false);
    expect(a.key).toEqual(key);
    await a.release();
    await a.release();
    const b = await lock.acquire(key);
    await b.release();
  });

  it('drops keys once idle', async () => {
    const lock = createInProcessReleaseLock();
    const controller = new AbortController();
    const a = await lock.acquire(key);
    const b = lock.acquire(key, { signal: controller.signal });
    expect(lock.size).toBe(1);
    controller.abort();
    await b.catch(() => undefined);
    await a.release();
    expect(lock.size).toBe(0);
  });

  it('keeps (provider, agent) pairs apart even when ids contain separators', async () => {
    const lock = createInProcessReleaseLock();
    const a = await lock.acquire({ provider: 'p', agentId: 'x' });
    const b = await lock.acquire({ provider: 'p\u0000x', agentId: '' });
    await a.release();
    await b.release();
  });
});

describe('KeyedMutex', () => {
  it('A runs, B gives up, C arrives: C waits for A', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const order: string[] = [];
    const a = mutex.run('k', async () => {
      order.push('a start');
      await gate.promise;
      order.push('a end');
    });
    const controller = new AbortController();
    const b = mutex.run('k', async () => order.push('b'), controller.signal);
    controller.abort();
    await expect(b).rejects.toBeInstanceOf(AbortedError);
    const c = mutex.run('k', async () => order.push('c'));
    await flush();
    expect(order).toEqual(['a start']);
    gate.resolve();
    await Promise.all([a, c]);
    expect(order).toEqual(['a start', 'a end', 'c']);
    expect(mutex.size).toBe(0);
  });
});

/** Holds the first editDraft until `gate` resolves, so a release stays in flight. */
function slowFirstEdit(inner: InMemoryReleaser, gate: Promise<void>) {
  let first = true;
  const edits: string[] = [];
  const releaser: AgentReleaser = {
    provider: inner.provider,
    capabilities: inner.capabilities,
    async editDraft(agentId, changes: AgentChanges, opts) {
      edits.push(Object.keys(changes).join(','));
      const draft = await inner.editDraft(agentId, changes, opts);
      if (first) {
        first = false;
        await gate;
      }
      return draft;
    },
    publish: (draft, opts) => inner.publish(draft, opts),
    activate: (agentId, versionId, opts) => inner.activate(agentId, versionId, opts),
    getActiveVersion: (agentId, opts) => inner.getActiveVersion(agentId, opts),
  };
  return { releaser, edits };
}

describe('release() holds a lease for its whole run', () => {
  it('A runs, B gives up while queued, C arrives: C waits for A and both changes are live', async () => {
    const inner = new InMemoryReleaser();
    const agentId = inner.createAgent({ instructions: 'old', firstMessage: 'hi' });
    const gate = deferred();
    const { releaser, edits } = slowFirstEdit(inner, gate.promise);

    const a = release(releaser, agentId, { instructions: 'from A' });
    await flush();
    const controller = new AbortController();
    const b = release(releaser, agentId, { model: 'from-B' }, { signal: controller.signal });
    await flush();
    controller.abort();
    await expect(b).rejects.toBeInstanceOf(AbortedError);
    const c = release(releaser, agentId, { firstMessage: 'from C' });
    await flush();
    // C must not have started editing while A is still in flight.
    expect(edits).toEqual(['instructions']);
    gate.resolve();
    const [ra, rc] = await Promise.all([a, c]);
    expect(ra.status).toBe('released');
    expect(rc.status).toBe('released');
    expect(inner.activeConfig(agentId)).toMatchObject({
      instructions: 'from A',
      firstMessage: 'from C',
      model: 'default',
    });
  });

  it('uses the lock passed in options and gives the lease back after a failure', async () => {
    const inner = new InMemoryReleaser();
    const agentId = inner.createAgent();
    const acquired: string[] = [];
    const released: string[] = [];
    const base = createInProcessReleaseLock();
    const lock: ReleaseLock = {
      async acquire(k, o) {
        const lease = await base.acquire(k, o);
        acquired.push(`${k.provider}/${k.agentId}`);
        return {
          key: lease.key,
          lost: lease.lost,
          release: async () => {
            released.push(`${k.provider}/${k.agentId}`);
            await lease.release();
          },
        };
      },
    };
    await release(inner, agentId, { instructions: 'x' }, { lock });
    await expect(release(inner, 'missing', { instructions: 'y' }, { lock })).rejects.toThrow();
    expect(acquired).toEqual([`memory/${agentId}`, 'memory/missing']);
    expect(released).toEqual(acquired);
    // Bad input is refused before any lease is asked for.
    await expect(release(inner, agentId, {} as AgentChanges, { lock })).rejects.toThrow();
    expect(acquired).toHaveLength(2);
  });

  it('stops at the next step with LeaseLostError when the lease is lost', async () => {
    const inner = new InMemoryReleaser();
    const agentId = inner.createAgent({ instructions: 'old' });
    const lostController = new AbortController();
    let released = 0;
    const lock: ReleaseLock = {
      async acquire(k): Promise<ReleaseLease> {
        return {
          key: k,
          lost: lostController.signal,
          release: async () => {
            released++;
          },
        };
      },
    };
    const releaser: AgentReleaser = {
      provider: inner.provider,
      capabilities: inner.capabilities,
      async editDraft(id, changes, opts) {
        const draft = await inner.editDraft(id, changes, opts);
        lostController.abort();
        return draft;
      },
      publish: (draft, opts) => inner.publish(draft, opts),
      activate: (id, versionId, opts) => inner.activate(id, versionId, opts),
      getActiveVersion: (id, opts) => inner.getActiveVersion(id, opts),
    };
    const error = await release(releaser, agentId, { instructions: 'new' }, { lock }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as LeaseLostError).code).toBe('CONFLICT');
    expect(inner.versionIds(agentId)).toHaveLength(1);
    expect(inner.activeConfig(agentId)?.instructions).toBe('old');
    expect(released).toBe(1);
  });
});
