import { NotFoundError, release, rollback } from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

// `previous` walks one release further back each time: a rollback undoes a release, and is not
// itself a release to go back to (issue 5: it used to ping-pong between the last two versions).

describe.each([
  ['explicit activation (re-activate)', 'explicit'],
  ['publish-means-live (re-publish from the ledger)', 'on-publish'],
] as const)("rollback({ to: 'previous' }) in a row, %s", (_name, activation) => {
  it('three rollbacks undo three releases one by one; a fourth finds nothing earlier', async () => {
    const r = new InMemoryReleaser({ activation });
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0', model: 'm0' });
    await release(r, agentId, { instructions: 'one' }, { ledger });
    await release(r, agentId, { instructions: 'two', model: 'm2' }, { ledger });
    await release(r, agentId, { instructions: 'three' }, { ledger });

    const live: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const back = await rollback(r, agentId, { to: 'previous' }, { ledger });
      expect(back.status).toBe('rolled-back');
      live.push(r.activeConfig(agentId));
    }
    expect(live).toMatchObject([
      { instructions: 'two', model: 'm2' },
      { instructions: 'one', model: 'm0' },
      { instructions: 'v0', model: 'm0' },
    ]);

    const versionsBefore = r.versionIds(agentId);
    await expect(rollback(r, agentId, { to: 'previous' }, { ledger })).rejects.toBeInstanceOf(NotFoundError);
    expect(r.activeConfig(agentId)).toMatchObject({ instructions: 'v0', model: 'm0' });
    expect(r.versionIds(agentId)).toEqual(versionsBefore);
  });

  it('a release after a rollback is the next one to undo, then the walk goes on below it', async () => {
    const r = new InMemoryReleaser({ activation });
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger });
    await release(r, agentId, { instructions: 'two' }, { ledger });
    await rollback(r, agentId, { to: 'previous' }, { ledger }); // back to one
    await release(r, agentId, { instructions: 'four' }, { ledger });

    await rollback(r, agentId, { to: 'previous' }, { ledger });
    expect(r.activeConfig(agentId)?.instructions).toBe('one');
    await rollback(r, agentId, { to: 'previous' }, { ledger });
    expect(r.activeConfig(agentId)?.instructions).toBe('v0');
  });
});
