import type { AgentReleaser, DraftRef, PublishOptions, PublishOutcome } from '@agent-release/core';
import { type InMemoryReleaser, ManualClock } from '@agent-release/core/testing';
import { createInProcessEngine } from '@agent-release/rollout';
import { TestFleet } from '@agent-release/rollout/testing';
import { describe, expect, it } from 'vitest';

/**
 * A vendor shaped like Atoms `apiGeneration: 'auto'` on a v1 agent: it reports `on-publish`
 * (its publish makes the change live itself), but behind a security check, so publish is a
 * publish and then an activate. A crash (here: the activate failing once) between the two leaves
 * a version published but not live.
 */
function gatedOnPublish(inner: InMemoryReleaser, failActivations: number): AgentReleaser {
  let left = failActivations;
  return {
    provider: inner.provider,
    capabilities: { ...inner.capabilities, activation: 'on-publish', rollback: 'republish' },
    editDraft: (agentId, changes, opts) => inner.editDraft(agentId, changes, opts),
    async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
      const outcome = await inner.publish(draft, opts);
      if (outcome.status !== 'published') return outcome;
      if (left-- > 0) throw new Error('worker died while waiting for the security check');
      return { status: 'published', version: await inner.activate(draft.agentId, outcome.version.id, opts) };
    },
    activate: (agentId, versionId, opts) => inner.activate(agentId, versionId, opts),
    getActiveVersion: (agentId, opts) => inner.getActiveVersion(agentId, opts),
    listVersions: (agentId, opts) => inner.listVersions(agentId, opts),
  };
}

describe('a re-run after a publish that waits for a security check was cut short', () => {
  it('makes the version it left published live instead of publishing a second one', async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'explicit', 1);
    const [agent] = tenant.agents as [string];
    const releaser = gatedOnPublish(tenant.releaser, 1);
    const deps = { resolveReleaser: async () => releaser, ledger: fleet.ledger, clock: new ManualClock() };
    const plan = { id: 'gated', changes: { instructions: 'new' }, targets: fleet.targets() };

    const first = await createInProcessEngine(deps).start(plan).done;
    expect(first.results.map((r) => r.outcome)).toEqual(['failed']);
    expect(tenant.releaser.versionIds(agent)).toHaveLength(2);
    expect(tenant.releaser.activeConfig(agent)?.instructions).toBe('original');

    const rerun = await createInProcessEngine(deps).start(plan).done;
    expect(rerun.status).toBe('completed');
    expect(rerun.results.map((r) => r.outcome)).toEqual(['unchanged']);
    // One new version only, and it is the live one.
    const versions = tenant.releaser.versionIds(agent);
    expect(versions).toHaveLength(2);
    expect(tenant.releaser.activeConfig(agent)?.instructions).toBe('new');
    expect((await releaser.getActiveVersion(agent))?.id).toBe(versions.at(-1));
  });

  it('publishes once more on a vendor without a gate, where nothing can be left stranded', async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'on-publish', 1);
    const [agent] = tenant.agents as [string];
    const plan = { id: 'plain', changes: { instructions: 'new' }, targets: fleet.targets() };
    const deps = { resolveReleaser: fleet.resolveReleaser, ledger: fleet.ledger, clock: new ManualClock() };
    const run = await createInProcessEngine(deps).start(plan).done;
    expect(run.results.map((r) => r.outcome)).toEqual(['released']);
    expect(tenant.releaser.versionIds(agent)).toHaveLength(2);
  });
});
