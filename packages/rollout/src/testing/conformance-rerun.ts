import { type ReleaseInput, ValidationError } from '@agent-release/core';
import { expect, it } from 'vitest';
import type { RolloutEngine } from '../engine.js';
import type { RolloutPlan } from '../plan.js';
import { TestFleet } from './fleet.js';

/** What the re-run cases need from the main suite. */
export interface RerunCaseContext {
  engineFor(fleet: TestFleet, concurrency?: number): Promise<RolloutEngine>;
  freshId(prefix: string): string;
}

const requests = (fleet: TestFleet) => fleet.tenants.reduce((n, t) => n + t.releaser.requestCount, 0);

/**
 * Cases of the conformance suite about running a plan id again and about plans a target's vendor
 * would reject: a re-run judges each target by what is live, an id stays bound to its change, and
 * the failure budget and the final status mean what the README says.
 */
export function rerunCases({ engineFor, freshId }: RerunCaseContext): void {
  const planFor = (fleet: TestFleet, extra: Partial<RolloutPlan> = {}): RolloutPlan => ({
    id: freshId('rerun'),
    changes: { instructions: `change of ${freshId('text')}` },
    targets: fleet.targets(),
    ...extra,
  });

  it('re-running a rollout after its automatic rollback releases the change again', async () => {
    const fleet = new TestFleet();
    fleet.addTenant('good-explicit', 'explicit', 2);
    fleet.addTenant('good-publish', 'on-publish', 2);
    const bad = fleet.addTenant('bad', 'explicit', 1);
    bad.releaser.failGate = true;
    const plan = planFor(fleet, { rollbackOnHalt: true });
    const first = await (await engineFor(fleet, 1)).start(plan).done;
    expect(first.status).toBe('halted');
    for (const live of fleet.liveInstructions().values()) expect(live).toBe('original');

    bad.releaser.failGate = false;
    const again = await (await engineFor(fleet, 1)).start(plan).done;
    expect(again.status).toBe('completed');
    expect(again.results.map((r) => r.outcome)).toEqual(plan.targets.map(() => 'released'));
    for (const live of fleet.liveInstructions().values()) expect(live).toBe(plan.changes?.instructions);
  });

  it('re-running a finished rollout reads what is live once per target and publishes nothing', async () => {
    const fleet = new TestFleet();
    fleet.addTenant('acme', 'explicit', 3);
    fleet.addTenant('globex', 'on-publish', 3);
    const plan = planFor(fleet);
    expect((await (await engineFor(fleet)).start(plan).done).status).toBe('completed');
    const before = requests(fleet);

    const again = await (await engineFor(fleet)).start(plan).done;
    expect(again.status).toBe('completed');
    expect(again.progress.totals).toMatchObject({ skipped: 6, done: 0, failed: 0 });
    expect(requests(fleet) - before).toBe(plan.targets.length);
    expect([...fleet.newVersions().values()]).toEqual(plan.targets.map(() => 1));
  });

  it('refuses a plan that reuses a rollout id with another change, before any request', async () => {
    const fleet = new TestFleet();
    fleet.addTenant('acme', 'explicit', 2);
    fleet.addTenant('globex', 'on-publish', 2);
    const plan = planFor(fleet);
    expect((await (await engineFor(fleet)).start(plan).done).status).toBe('completed');
    const before = requests(fleet);

    const other = { ...plan, changes: { instructions: 'another change' } };
    const run = (await engineFor(fleet)).start(other);
    const refusal = await run.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as Error).message).toContain(plan.id);
    expect(requests(fleet)).toBe(before);
    for (const live of fleet.liveInstructions().values()) expect(live).toBe(plan.changes?.instructions);
  });

  it("refuses a plan a target's vendor would reject, before any request to any target", async () => {
    const fleet = new TestFleet();
    fleet.addTenant('acme', 'explicit', 2);
    const strict = fleet.addTenant('strict', 'on-publish', 2);
    // Like Langdock: publish descriptions of at most 100 characters.
    const validate = strict.releaser.validate.bind(strict.releaser);
    strict.releaser.validate = (input: ReleaseInput) => {
      validate(input);
      if ((input.description?.length ?? 0) > 100) {
        throw new ValidationError('Invalid description: must be at most 100 characters');
      }
    };
    const run = (await engineFor(fleet)).start(
      planFor(fleet, { description: 'd'.repeat(150), failureBudget: { maxFailures: 10 } }),
    );
    await expect(run.done).rejects.toThrow(ValidationError);
    expect(requests(fleet)).toBe(0);
    for (const live of fleet.liveInstructions().values()) expect(live).toBe('original');
  });

  it('never reports a rollout whose every target failed as completed', async () => {
    const fleet = new TestFleet();
    fleet.addTenant('bad', 'explicit', 3).releaser.failGate = true;
    const summary = await (await engineFor(fleet)).start(
      planFor(fleet, { failureBudget: { maxFailures: 10 } }),
    ).done;
    expect(summary.progress.totals.failed).toBe(3);
    expect(summary.status).toBe('halted');
    expect(summary.haltReason).toMatch(/every target/i);
  });

  it('with only maxFailureRate, a failure within the rate does not halt the rollout', async () => {
    const fleet = new TestFleet();
    fleet.addTenant('bad', 'explicit', 1).releaser.failGate = true;
    fleet.addTenant('good', 'on-publish', 3);
    const plan = planFor(fleet, { failureBudget: { maxFailureRate: 0.5 } });
    const summary = await (await engineFor(fleet, 1)).start(plan).done;
    expect(summary.status).toBe('completed');
    expect(summary.progress.totals).toMatchObject({ done: 3, failed: 1 });
    for (const [key, live] of fleet.liveInstructions()) {
      expect([key, live]).toEqual([key, key.startsWith('good/') ? plan.changes?.instructions : 'original']);
    }
  });
}
