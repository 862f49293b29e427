// REVIEW PROBE (issue 17, adversarial review): a rollout re-run must never make live a version
// that no attempt of the rollout published. Here the first run failed before publishing anything,
// while someone else's version waited, published but not activated (for review, say). The plan
// has a description and so no label: the "stranded version" search takes the only inactive
// version newer than the crashed attempt's base — the foreign one — and activates it.
import type { AgentReleaser } from '@agent-release/core';
import { ProviderUnavailableError } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import { createInProcessEngine } from '@agent-release/rollout';
import { TestFleet } from '@agent-release/rollout/testing';
import { describe, expect, it } from 'vitest';

describe('REVIEW: a re-run after an attempt that failed before publishing', () => {
  it("does not activate someone else's published, not-live version", async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'explicit', 1);
    const [agent] = tenant.agents as [string];
    const inner = tenant.releaser;

    // Someone else's version: published, not live (waiting for review).
    const draft = await inner.editDraft(agent, { firstMessage: 'UNREVIEWED' });
    const outcome = await inner.publish(draft);
    expect(outcome.status).toBe('published');
    const foreignId = outcome.status === 'published' ? outcome.version.id : '';

    // The first run's edit fails before anything is published (a vendor outage). The run retries
    // the target, so already its second attempt meets the first one's failed entry.
    let down = true;
    const releaser: AgentReleaser = {
      provider: inner.provider,
      capabilities: inner.capabilities,
      editDraft: (agentId, changes, opts) =>
        down
          ? Promise.reject(new ProviderUnavailableError('vendor down', { provider: inner.provider }))
          : inner.editDraft(agentId, changes, opts),
      publish: (d, opts) => inner.publish(d, opts),
      activate: (agentId, versionId, opts) => inner.activate(agentId, versionId, opts),
      getActiveVersion: (agentId, opts) => inner.getActiveVersion(agentId, opts),
      listVersions: (agentId, opts) => inner.listVersions(agentId, opts),
      readConfig: (agentId, opts) => inner.readConfig(agentId, opts),
    };
    const deps = { resolveReleaser: async () => releaser, ledger: fleet.ledger, clock: new ManualClock() };
    const plan = {
      id: 'described',
      changes: { instructions: 'new' },
      description: 'tighten the prompt',
      targets: fleet.targets(),
    };
    const first = await createInProcessEngine(deps).start(plan).done;
    expect(first.results.map((r) => r.outcome)).toEqual(['failed']);
    expect(inner.activeConfig(agent)?.firstMessage).toBe('');

    down = false;
    await createInProcessEngine(deps).start(plan).done;

    expect(inner.activeConfig(agent)?.instructions).toBe('new');
    // The unreviewed edit never went live, not even for a moment.
    expect(inner.activeConfig(agent)?.firstMessage).toBe('');
    const history = await fleet.ledger.history({ provider: inner.provider, agentId: agent });
    expect(history.filter((e) => e.kind === 'rollback' && e.versionAfter === foreignId)).toEqual([]);
  });
});
