// Issue 17 (the lease must fence every vendor write): a holder knows its own deadline and sends
// no vendor write after it — not the next step, not a retry, not a clean-up — and an outcome its
// lease cannot vouch for is reconciled against the vendor, never reported `unchanged`.
import {
  type AgentReleaser,
  LeaseLostError,
  type ReleaseLease,
  type ReleaseLock,
  type ReleaseLockKey,
  release,
  type VersionInfo,
} from '@agent-release/core';
import { HttpClient } from '@agent-release/core/provider';
import { InMemoryLedger } from '@agent-release/core/testing';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const BASE = 'https://api.fenced.test';
const KEY = 'sk_fence_SENTINEL_0017';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/** A lock whose one lease has a deadline the test moves: `expire()` is a paused holder waking up late. */
function controllableLock() {
  let left = 60_000;
  const lost = new AbortController();
  const acquired: ReleaseLockKey[] = [];
  const lock: ReleaseLock = {
    async acquire(key) {
      acquired.push(key);
      const lease: ReleaseLease = {
        key,
        lost: lost.signal,
        remainingMs: () => left,
        release: async () => undefined,
      };
      return lease;
    },
  };
  return {
    lock,
    acquired,
    /** The deadline passed, and no timer has told anyone yet (the lost signal has not fired). */
    expireSilently: () => {
      left = 0;
    },
    loseLoudly: () => lost.abort(),
  };
}

const versionSchema = z.object({ id: z.string(), live: z.boolean() });

/**
 * A minimal vendor on the core HTTP edge: PATCH a draft, POST publish (live on publish, 409 when
 * nothing changed), GET the live version, DELETE to discard.
 */
function httpReleaser(): AgentReleaser {
  const http = new HttpClient({ provider: 'fenced', baseUrl: BASE, apiKey: KEY, retry: false });
  return {
    provider: 'fenced',
    capabilities: {
      activation: 'on-publish',
      publishGate: 'none',
      drafts: 'one',
      versionHistory: false,
      rollback: 'none',
      confirmsActiveVersion: true,
    },
    async editDraft(agentId, changes, opts) {
      await http.request({
        operation: 'update',
        method: 'PATCH',
        path: `/agents/${agentId}/draft`,
        body: changes,
        schema: z.unknown(),
        signal: opts?.signal,
      });
      return { provider: 'fenced', agentId, draftId: 'draft' };
    },
    async publish(draft, opts) {
      try {
        const { data } = await http.request({
          operation: 'publish',
          method: 'POST',
          path: `/agents/${draft.agentId}/publish`,
          schema: versionSchema,
          idempotent: false,
          signal: opts?.signal,
        });
        const version = { provider: 'fenced', agentId: draft.agentId, id: data.id, isActive: data.live };
        return { status: 'published', version };
      } catch (error) {
        if ((error as { status?: number }).status === 409) return { status: 'unchanged' };
        throw error;
      }
    },
    async activate(agentId, versionId) {
      return { provider: 'fenced', agentId, id: versionId, isActive: true };
    },
    async getActiveVersion(agentId, opts): Promise<VersionInfo | null> {
      const { data } = await http.request({
        operation: 'get-live',
        method: 'GET',
        path: `/agents/${agentId}/live`,
        schema: versionSchema,
        signal: opts?.signal,
      });
      return { provider: 'fenced', agentId, id: data.id, isActive: true };
    },
    async discardDraft(draft) {
      await http.request({
        operation: 'discard',
        method: 'DELETE',
        path: `/agents/${draft.agentId}/draft`,
        schema: z.unknown(),
      });
    },
  } as AgentReleaser;
}

describe('the lease fences every vendor write', () => {
  it('sends no publish once the deadline passed while the edit was answered, and no clean-up either', async () => {
    const { lock, expireSilently } = controllableLock();
    const vendor = nock(BASE)
      .patch('/agents/a1/draft')
      .reply(() => {
        expireSilently(); // paused while the answer was on its way
        return [200, {}];
      })
      .get('/agents/a1/live')
      .reply(200, { id: 'v1', live: true });
    const publish = nock(BASE).post('/agents/a1/publish').reply(200, { id: 'v2', live: true });
    const discard = nock(BASE).delete('/agents/a1/draft').reply(200, {});

    const error = await release(httpReleaser(), 'a1', { instructions: 'x' }, { lock }).catch((e) => e);

    expect(error).toBeInstanceOf(LeaseLostError);
    expect(String(error.message)).toMatch(/version v1 is live/);
    expect(vendor.isDone()).toBe(true);
    expect(publish.isDone()).toBe(false);
    expect(discard.isDone()).toBe(false);
    expect(String(error.message)).not.toContain(KEY);
  });

  it('a 409 "nothing changed" read after the deadline is never reported unchanged', async () => {
    const { lock, expireSilently } = controllableLock();
    const ledger = new InMemoryLedger();
    nock(BASE)
      .patch('/agents/a1/draft')
      .reply(200, {})
      .post('/agents/a1/publish')
      .reply(() => {
        expireSilently();
        return [409, { message: 'no changes' }];
      })
      .get('/agents/a1/live')
      .times(3)
      .reply(200, { id: 'v7', live: true });

    const error = await release(httpReleaser(), 'a1', { instructions: 'x' }, { lock, ledger }).catch(
      (e) => e,
    );

    expect(error).toBeInstanceOf(LeaseLostError);
    const [entry] = await ledger.history({ agentId: 'a1' });
    expect(entry?.outcome).toBe('failed');
    expect(entry?.errorCode).toBe('CONFLICT');
  });

  it('its own publish, answered after the deadline and still live, is released and says it was reconciled', async () => {
    const { lock, expireSilently } = controllableLock();
    nock(BASE)
      .patch('/agents/a1/draft')
      .reply(200, {})
      .post('/agents/a1/publish')
      .reply(() => {
        expireSilently();
        return [200, { id: 'v2', live: true }];
      })
      .get('/agents/a1/live')
      .reply(200, { id: 'v2', live: true });

    const result = await release(httpReleaser(), 'a1', { instructions: 'x' }, { lock });

    expect(result.status).toBe('released');
    expect(result.reconciled).toBe(true);
    expect(result.version?.id).toBe('v2');
    // The confirm step did not run under a lease that could not vouch for it.
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).not.toContain('confirm:ok');
  });

  it('its own publish that another holder replaced since is a LeaseLostError naming what is live', async () => {
    const { lock, expireSilently } = controllableLock();
    nock(BASE)
      .patch('/agents/a1/draft')
      .reply(200, {})
      .post('/agents/a1/publish')
      .reply(() => {
        expireSilently();
        return [200, { id: 'v2', live: true }];
      })
      .get('/agents/a1/live')
      .reply(200, { id: 'v3', live: true });

    const error = await release(httpReleaser(), 'a1', { instructions: 'x' }, { lock }).catch((e) => e);

    expect(error).toBeInstanceOf(LeaseLostError);
    expect(String(error.message)).toMatch(/version v3 is live, not this release's v2/);
  });

  it('a lost lease cuts a request in flight at once', async () => {
    const { lock, loseLoudly } = controllableLock();
    nock(BASE)
      .patch('/agents/a1/draft')
      .reply(200, {})
      .post('/agents/a1/publish')
      .delay(60_000)
      .reply(200, { id: 'v2', live: true })
      .get('/agents/a1/live')
      .reply(200, { id: 'v1', live: true });
    const releasing = release(httpReleaser(), 'a1', { instructions: 'x' }, { lock }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 50));
    loseLoudly();

    const error = await releasing;
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(String(error.message)).toMatch(/version v1 is live, not|version v1 is live/);
  });

  it('outside release() the HTTP edge is not fenced', async () => {
    const scope = nock(BASE).post('/agents/a1/publish').reply(200, { id: 'v2', live: true });
    const outcome = await httpReleaser().publish({ provider: 'fenced', agentId: 'a1', draftId: 'draft' });
    expect(outcome.status).toBe('published');
    expect(scope.isDone()).toBe(true);
  });
});

describe('one fence per process, whichever copy of core is asking', () => {
  it('an HTTP edge from a second copy of the package sees the fence release() set', async () => {
    const first = await import('../src/lease-fence.js');
    // A second module instance, as a second install of @agent-release/core would load (vite
    // loads a module again for another query string; TypeScript knows no such path).
    // @ts-expect-error the query string makes it a path TypeScript cannot resolve
    const second = (await import('../src/lease-fence.js?second-copy')) as typeof first;
    expect(second).not.toBe(first);
    const { lock, expireSilently } = controllableLock();
    const lease = await lock.acquire({ provider: 'fenced', agentId: 'a1' });
    const fence = new first.LeaseFence(lease, 'release');

    const seen = await first.runFenced(fence, async () => second.currentFence());

    expect(seen).toBe(fence);
    expireSilently();
    expect(() => seen?.assertHeld('publish')).toThrow(LeaseLostError);
  });
});
