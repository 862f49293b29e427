import {
  type AgentReleaser,
  NotFoundError,
  type ReleaseLock,
  type RollbackEvent,
  release,
  rollback,
  UnsupportedOperationError,
  ValidationError,
} from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

describe('rollback()', () => {
  describe.each([
    ['explicit activation (re-activate)', 'explicit'],
    ['publish-means-live (re-publish from the ledger)', 'on-publish'],
  ] as const)('%s', (_name, activation) => {
    it('release, release, rollback to previous leaves the first configuration live and records three entries', async () => {
      const r = new InMemoryReleaser({ activation });
      const ledger = new InMemoryLedger();
      const agentId = r.createAgent({ instructions: 'v0', model: 'm0' });
      const first = await release(r, agentId, { instructions: 'one' }, { ledger, actor: 'alice' });
      await release(r, agentId, { instructions: 'two', model: 'm2' }, { ledger, actor: 'bob' });
      expect(r.activeConfig(agentId)).toMatchObject({ instructions: 'two', model: 'm2' });

      const result = await rollback(
        r,
        agentId,
        { to: 'previous' },
        { ledger, actor: 'carol', rolloutId: 'ro-1' },
      );

      expect(result.status).toBe('rolled-back');
      expect(r.activeConfig(agentId)).toMatchObject({ instructions: 'one', model: 'm0' });
      expect(result.version?.isActive).toBe(true);
      if (activation === 'explicit') expect(result.version?.id).toBe(first.version?.id);
      const history = await ledger.history({ agentId });
      expect(history.map((e) => [e.kind, e.outcome, e.actor])).toEqual([
        ['rollback', 'rolled-back', 'carol'],
        ['release', 'released', 'bob'],
        ['release', 'released', 'alice'],
      ]);
      expect(history[1]).toMatchObject({
        snapshotBefore: { instructions: 'one', model: 'm0' },
        snapshotAfter: { instructions: 'two', model: 'm2' },
      });
      expect(history[0]?.versionAfter).toBe(result.version?.id);
      expect(history[0]?.rolloutId).toBe('ro-1');
      // What the rollback left live, recorded for both styles (re-activate reads it at the end).
      expect(history[0]?.snapshotAfter).toMatchObject({ instructions: 'one', model: 'm0' });
    });
  });

  it('goes back through the vendor history when there is no ledger (explicit activation)', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' });
    await release(r, agentId, { instructions: 'two' });
    const result = await rollback(r, agentId, { to: 'previous' });
    expect(result.status).toBe('rolled-back');
    expect(r.activeConfig(agentId)?.instructions).toBe('one');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['validate', 'ok'],
      ['resolve-target', 'ok'],
      ['make-live', 'ok'],
      ['confirm', 'ok'],
    ]);
    expect(result.steps[1]?.detail).toContain('vendor-history');
  });

  it('rolls back to a named version on a publish-means-live vendor by undoing every later release', async () => {
    const r = new InMemoryReleaser({ activation: 'on-publish' });
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0', model: 'm0', firstMessage: 'hi' });
    const one = await release(r, agentId, { instructions: 'one' }, { ledger });
    await release(r, agentId, { model: 'm2' }, { ledger });
    await release(r, agentId, { instructions: 'three', firstMessage: 'hey' }, { ledger });
    await rollback(r, agentId, { to: one.version!.id }, { ledger });
    expect(r.activeConfig(agentId)).toEqual({ instructions: 'one', model: 'm0', firstMessage: 'hi' });
  });

  it('answers unchanged and sends no write when the target is live already', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'v0' });
    const one = await release(r, agentId, { instructions: 'one' });
    const versionsBefore = r.versionIds(agentId);
    const result = await rollback(r, agentId, { to: one.version!.id });
    expect(result.status).toBe('unchanged');
    expect(r.versionIds(agentId)).toEqual(versionsBefore);
    expect(result.steps.find((s) => s.name === 'make-live')?.status).toBe('skipped');
  });

  it('refuses bad input and a ledger-less rollback on a vendor without history before any request', async () => {
    const r = new InMemoryReleaser({ activation: 'on-publish' });
    const agentId = r.createAgent();
    const before = r.requestCount;
    await expect(rollback(r, agentId, { to: 'previous' })).rejects.toBeInstanceOf(UnsupportedOperationError);
    await expect(
      rollback(r, 'bad id', { to: 'previous' }, { ledger: new InMemoryLedger() }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      rollback(r, agentId, { to: '../x' }, { ledger: new InMemoryLedger() }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(rollback(r, agentId, null as never)).rejects.toBeInstanceOf(ValidationError);
    expect(r.requestCount).toBe(before);
    // Refused input is no attempt: nothing is recorded.
    const ledger = new InMemoryLedger();
    await expect(rollback(r, agentId, { to: '../x' }, { ledger })).rejects.toBeInstanceOf(ValidationError);
    await expect(release(r, agentId, { model: '' }, { ledger })).rejects.toBeInstanceOf(ValidationError);
    expect(await ledger.history({ agentId })).toEqual([]);
  });

  it('says there is nothing earlier when the agent has a single version', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    await expect(rollback(r, agentId, { to: 'previous' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fails before any write when the ledger cannot record the attempt', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger });
    ledger.failWrites = true;
    const liveBefore = (await r.getActiveVersion(agentId))?.id;
    await expect(rollback(r, agentId, { to: 'previous' }, { ledger })).rejects.toThrow(
      /ledger store unavailable/,
    );
    expect((await r.getActiveVersion(agentId))?.id).toBe(liveBefore);
  });

  it('reports start, steps, gate progress and end to the observer', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' });
    const events: RollbackEvent[] = [];
    await rollback(r, agentId, { to: 'previous' }, { observer: (e) => events.push(e) });
    expect(events[0]?.type).toBe('rollback-start');
    expect(events.some((e) => e.type === 'gate-progress')).toBe(true);
    expect(events.at(-1)?.type).toBe('rollback-end');
  });

  it('tells the caller the truth when another writer changed the live version during the rollback', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' });
    const other = await release(r, agentId, { instructions: 'two' }, { activate: false });
    // A releaser whose activate lets another writer in right after it made the target live.
    const racing: AgentReleaser = {
      provider: r.provider,
      capabilities: r.capabilities,
      editDraft: (...a) => r.editDraft(...a),
      publish: (...a) => r.publish(...a),
      getActiveVersion: (...a) => r.getActiveVersion(...a),
      listVersions: (...a) => r.listVersions(...a),
      activate: async (id, versionId) => {
        const made = await r.activate(id, versionId);
        await r.activate(id, other.version!.id);
        return made;
      },
    };
    await expect(rollback(racing, agentId, { to: 'previous' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('finishes the ledger entry while it still holds the lease, for releases and rollbacks alike', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    const seenAtRelease: string[] = [];
    const lock: ReleaseLock = {
      async acquire(key) {
        return {
          key,
          lost: new AbortController().signal,
          release: async () => {
            const [last] = await ledger.history({ agentId });
            seenAtRelease.push(last?.outcome ?? 'none');
          },
        };
      },
    };
    await release(r, agentId, { instructions: 'one' }, { ledger, lock });
    await rollback(r, agentId, { to: 'previous' }, { ledger, lock });
    expect(seenAtRelease).toEqual(['released', 'rolled-back']);
  });
});
