import { createInProcessReleaseLock, type ReleaseLock, release, rollback } from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

// Issue 8: a writer killed between the vendor publish and the ledger's finish leaves its entry
// `running`. The next attempt on the agent, holding the lease, settles it as `abandoned` with
// what was live when it found it; `previous` counts it only if it went live.

/** Simulates a release whose process died before `finish`: the entry begins, maybe the vendor changed. */
async function crashedRelease(
  r: InMemoryReleaser,
  ledger: InMemoryLedger,
  agentId: string,
  instructions: string,
  wentLive: boolean,
) {
  const before = r.activeConfig(agentId);
  const entry = await ledger.begin({
    kind: 'release',
    provider: r.provider,
    agentId,
    versionBefore: (await r.getActiveVersion(agentId))?.id,
    snapshotBefore: { instructions: before?.instructions },
    snapshotAfter: { instructions },
    startedAt: new Date(0).toISOString(),
  });
  if (wentLive) await release(r, agentId, { instructions });
  return entry;
}

/** The in-process lock dressed as a durable one: its leases have a deadline, as a store's do. */
function durableLock(): ReleaseLock {
  const inner = createInProcessReleaseLock();
  return {
    acquire: async (key, options) => ({ ...(await inner.acquire(key, options)), remainingMs: () => 60_000 }),
  };
}
const lock = durableLock();

describe('an unfinished ledger entry', () => {
  it('is settled as abandoned by the next release, with the version that was live then', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger, lock });
    const crashed = await crashedRelease(r, ledger, agentId, 'two', true);
    const liveWhenFound = (await r.getActiveVersion(agentId))?.id;

    const next = await release(r, agentId, { instructions: 'three' }, { ledger, lock });

    expect(next.status).toBe('released');
    expect(await ledger.get(crashed.id)).toMatchObject({
      outcome: 'abandoned',
      versionAfter: liveWhenFound,
      errorCode: 'ABANDONED',
      steps: [],
      snapshotAfter: { instructions: 'two' },
    });
  });

  it('is left running under the in-process lock: another process may still be writing it', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger });
    const crashed = await crashedRelease(r, ledger, agentId, 'two', false);

    await release(r, agentId, { instructions: 'three' }, { ledger });

    expect((await ledger.get(crashed.id))?.outcome).toBe('running');
  });

  it('is left alone by an attempt that never got the lease', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger, lock });
    const crashed = await crashedRelease(r, ledger, agentId, 'two', false);
    const busy: ReleaseLock = {
      acquire: async () => {
        throw new Error('lease held by another process');
      },
    };
    await expect(rollback(r, agentId, { to: 'previous' }, { ledger, lock: busy })).rejects.toThrow(
      /lease held/,
    );
    expect((await ledger.get(crashed.id))?.outcome).toBe('running');
  });

  describe.each([
    ['explicit activation (re-activate)', 'explicit'],
    ['publish-means-live (re-publish from the ledger)', 'on-publish'],
  ] as const)("then rollback({ to: 'previous' }), %s", (_name, activation) => {
    it.each([
      ['undoes it when it went live, then walks on below it', true, ['one', 'v0']],
      ['ignores it when it never went live', false, ['v0']],
    ] as const)('%s', async (_case, wentLive, expected) => {
      const r = new InMemoryReleaser({ activation });
      const ledger = new InMemoryLedger();
      const agentId = r.createAgent({ instructions: 'v0' });
      await release(r, agentId, { instructions: 'one' }, { ledger, lock });
      const crashed = await crashedRelease(r, ledger, agentId, 'two', wentLive);

      const live: Array<string | undefined> = [];
      for (const _ of expected) {
        await rollback(r, agentId, { to: 'previous' }, { ledger, lock });
        live.push(r.activeConfig(agentId)?.instructions);
      }
      expect(live).toEqual(expected);
      expect((await ledger.get(crashed.id))?.outcome).toBe('abandoned');
    });
  });
});
