import { type AgentReleaser, NotFoundError, type ReleaseLedger } from '@agent-release/core';
import { InMemoryLedger, InMemoryReleaser } from '@agent-release/core/testing';
import type { RolloutTarget } from '../plan.js';

/** A tenant of a {@link TestFleet}: one in-memory vendor account. */
export interface TestTenant {
  id: string;
  releaser: InMemoryReleaser;
  agents: string[];
}

/**
 * Tenants on in-memory vendors (explicit activation like Atoms, on-publish like Langdock) with
 * agents, and a ledger: what the conformance suite releases to and asserts on.
 */
export class TestFleet {
  readonly tenants: TestTenant[] = [];
  readonly ledger: ReleaseLedger & InMemoryLedger = new InMemoryLedger();
  /** Original live version id of every agent, by `tenant/agentId`. */
  readonly originalVersion = new Map<string, string>();

  /** Adds a tenant with `agents` agents whose instructions start as `original`. */
  addTenant(id: string, activation: 'explicit' | 'on-publish', agents: number): TestTenant {
    const releaser = new InMemoryReleaser({
      activation,
      provider: activation === 'explicit' ? 'memory-explicit' : 'memory-publish',
    });
    const tenant: TestTenant = { id, releaser, agents: [] };
    for (let i = 0; i < agents; i++) {
      const agentId = releaser.createAgent({ instructions: 'original' });
      tenant.agents.push(agentId);
      this.originalVersion.set(`${id}/${agentId}`, releaser.versionIds(agentId)[0] as string);
    }
    this.tenants.push(tenant);
    return tenant;
  }

  /** Every agent as a rollout target, tenant by tenant. */
  targets(): RolloutTarget[] {
    return this.tenants.flatMap((t) => t.agents.map((agentId) => ({ tenant: t.id, agentId })));
  }

  /** `(tenant) => releaser`, as an engine takes it. Unknown tenants are a `NotFoundError`. */
  readonly resolveReleaser = async (tenant: string): Promise<AgentReleaser> => {
    const found = this.tenants.find((t) => t.id === tenant);
    if (!found) throw new NotFoundError(`Tenant "${tenant}" is not in the test fleet`);
    return found.releaser;
  };

  tenant(id: string): TestTenant {
    const found = this.tenants.find((t) => t.id === id);
    if (!found) throw new Error(`no tenant ${id}`);
    return found;
  }

  /** Versions published since the start, per agent (`tenant/agentId` → count). */
  newVersions(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const t of this.tenants) {
      for (const a of t.agents) counts.set(`${t.id}/${a}`, t.releaser.versionIds(a).length - 1);
    }
    return counts;
  }

  /** Live instructions per agent (`tenant/agentId` → text). */
  liveInstructions(): Map<string, string | undefined> {
    const live = new Map<string, string | undefined>();
    for (const t of this.tenants) {
      for (const a of t.agents) live.set(`${t.id}/${a}`, t.releaser.activeConfig(a)?.instructions);
    }
    return live;
  }
}
