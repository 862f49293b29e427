import {
  type AgentReleaser,
  type ReleaseLock,
  release,
  rollback,
  ValidationError,
} from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

// A target id that only the adapter knows to be malformed is refused in the validate step:
// before the lease, before any request, before any ledger entry (issue 6).

function lockSpy(): ReleaseLock & { acquired: number } {
  const spy = {
    acquired: 0,
    async acquire(key: Parameters<ReleaseLock['acquire']>[0]) {
      spy.acquired++;
      return { key, lost: new AbortController().signal, release: async () => {} };
    },
  };
  return spy;
}

/** `inner` as a plain port object, plus a `validateVersionId` hook. */
function withHook(inner: InMemoryReleaser, validateVersionId: (versionId: string) => void): AgentReleaser {
  return {
    provider: inner.provider,
    capabilities: inner.capabilities,
    editDraft: (...a) => inner.editDraft(...a),
    publish: (...a) => inner.publish(...a),
    activate: (...a) => inner.activate(...a),
    getActiveVersion: (...a) => inner.getActiveVersion(...a),
    listVersions: (...a) => inner.listVersions(...a),
    readConfig: (...a) => inner.readConfig(...a),
    validateVersionId,
  };
}

describe('rollback() asks the releaser to validate the target id first', () => {
  it('a version id the adapter rejects takes no lease, sends nothing and records nothing', async () => {
    const inner = new InMemoryReleaser();
    const agentId = inner.createAgent({ instructions: 'v0' });
    const seen: string[] = [];
    const releaser = withHook(inner, (versionId) => {
      seen.push(versionId);
      throw new ValidationError(`Invalid versionId: ${versionId} is no id of this vendor.`, {
        provider: inner.provider,
      });
    });
    const ledger = new InMemoryLedger();
    const lock = lockSpy();
    const before = inner.requestCount;

    await expect(rollback(releaser, agentId, { to: 'PREVIOUS' }, { ledger, lock })).rejects.toBeInstanceOf(
      ValidationError,
    );

    expect(seen).toEqual(['PREVIOUS']);
    expect(lock.acquired).toBe(0);
    expect(inner.requestCount).toBe(before);
    expect(await ledger.history({ agentId })).toEqual([]);
  });

  it("'previous' is no version id: the hook is not asked", async () => {
    const inner = new InMemoryReleaser();
    const agentId = inner.createAgent({ instructions: 'v0' });
    await release(inner, agentId, { instructions: 'one' });
    const releaser = withHook(inner, () => {
      throw new Error('must not be called');
    });
    await expect(rollback(releaser, agentId, { to: 'previous' })).resolves.toMatchObject({
      status: 'rolled-back',
    });
  });
});
