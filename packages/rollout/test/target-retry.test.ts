import { type AgentReleaser, RateLimitedError } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import { createInProcessEngine } from '@agent-release/rollout';
import { TestFleet } from '@agent-release/rollout/testing';
import { describe, expect, it } from 'vitest';

/** Makes `calls` of the releaser's `method` for `agentId` fail with a 429 before it answers again. */
function throttle(releaser: AgentReleaser, method: 'publish' | 'activate', agentId: string, calls: number) {
  const original = releaser[method].bind(releaser) as (...args: unknown[]) => Promise<unknown>;
  let left = calls;
  Object.defineProperty(releaser, method, {
    value: async (...args: unknown[]) => {
      const target = method === 'publish' ? (args[0] as { agentId: string }).agentId : args[0];
      if (target === agentId && left-- > 0) {
        throw new RateLimitedError('429 from the vendor', {
          provider: releaser.provider,
          retryAfterMs: 2000,
        });
      }
      return original(...args);
    },
  });
}

describe('a target that fails with a retryable error', () => {
  it('is tried again after the delay the vendor asked for, and counted once', async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'on-publish', 2);
    const [agent] = tenant.agents as [string];
    throttle(tenant.releaser, 'publish', agent, 2);
    const clock = new ManualClock();
    const engine = createInProcessEngine({
      ...fleet,
      resolveReleaser: fleet.resolveReleaser,
      ledger: fleet.ledger,
      clock,
    });
    const summary = await engine.start({
      id: 'retry',
      changes: { instructions: 'new' },
      targets: fleet.targets(),
    }).done;
    expect(summary.status).toBe('completed');
    expect(summary.results.map((r) => r.outcome)).toEqual(['released', 'released']);
    expect(clock.sleeps).toEqual([2000, 2000]);
    expect([...fleet.newVersions().values()]).toEqual([1, 1]);
  });

  it('makes the version a failed activation left published live, instead of publishing another', async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'explicit', 1);
    const [agent] = tenant.agents as [string];
    throttle(tenant.releaser, 'activate', agent, 1);
    const clock = new ManualClock();
    const engine = createInProcessEngine({
      resolveReleaser: fleet.resolveReleaser,
      ledger: fleet.ledger,
      clock,
    });
    const summary = await engine.start({
      id: 'retry-activate',
      changes: { instructions: 'new' },
      targets: fleet.targets(),
    }).done;
    expect(summary.results.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(tenant.releaser.versionIds(agent)).toHaveLength(2);
    expect(tenant.releaser.activeConfig(agent)?.instructions).toBe('new');
  });

  it('waits out a vendor that keeps answering 429 longer than the other retryable errors', async () => {
    // A 429 says "later", not "no": workers sharing a key can meet it several times in a row.
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'on-publish', 1);
    throttle(tenant.releaser, 'publish', tenant.agents[0] as string, 6);
    const clock = new ManualClock();
    const engine = createInProcessEngine({
      resolveReleaser: fleet.resolveReleaser,
      ledger: fleet.ledger,
      clock,
    });
    const summary = await engine.start({
      id: 'retry-429',
      changes: { instructions: 'new' },
      targets: fleet.targets(),
    }).done;
    expect(summary.results.map((r) => r.outcome)).toEqual(['released']);
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000, 2000, 2000]);
    expect([...fleet.newVersions().values()]).toEqual([1]);
  });

  it('fails after the last attempt', async () => {
    const fleet = new TestFleet();
    const tenant = fleet.addTenant('acme', 'on-publish', 1);
    throttle(tenant.releaser, 'publish', tenant.agents[0] as string, 100);
    const engine = createInProcessEngine({
      resolveReleaser: fleet.resolveReleaser,
      ledger: fleet.ledger,
      clock: new ManualClock(),
    });
    const summary = await engine.start({
      id: 'retry-out',
      changes: { instructions: 'new' },
      targets: fleet.targets(),
    }).done;
    expect(summary.results.map((r) => [r.outcome, r.error?.code])).toEqual([['failed', 'RATE_LIMITED']]);
    expect(summary.status).toBe('halted');
  });
});
