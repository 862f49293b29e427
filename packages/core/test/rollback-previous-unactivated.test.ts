// REVIEW PROBE (issue 17, adversarial review): `rollback({ to: 'previous' })` goes back to what
// was live before the last release that changed what is live. A release with `activate: false`
// publishes a version but changes nothing live; it must not stop `previous` from undoing the
// release before it.
import { release, rollback } from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

describe("REVIEW: rollback({ to: 'previous' }) after a release with activate: false", () => {
  it('undoes the last release that went live, and walks on from there', async () => {
    const r = new InMemoryReleaser();
    const ledger = new InMemoryLedger();
    const agentId = r.createAgent({ instructions: 'v0' });
    await release(r, agentId, { instructions: 'one' }, { ledger });
    await release(r, agentId, { instructions: 'two' }, { ledger });
    const staged = await release(r, agentId, { instructions: 'staged' }, { ledger, activate: false });
    expect(staged.status).toBe('released');
    expect(r.activeConfig(agentId)?.instructions).toBe('two');

    const live: Array<string | undefined> = [];
    for (let i = 0; i < 2; i++) {
      await rollback(r, agentId, { to: 'previous' }, { ledger });
      live.push(r.activeConfig(agentId)?.instructions);
    }
    expect(live).toEqual(['one', 'v0']);
  });
});
