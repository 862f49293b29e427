/**
 * The rollout engine conformance suite. Its own entry,
 * `@agent-release/rollout/testing/conformance`, because it imports vitest:
 * `@agent-release/rollout/testing` stays usable without a test runner.
 * @packageDocumentation
 */
import { release, ValidationError } from '@agent-release/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RolloutEngine, RolloutEvent, RolloutRun, RolloutSummary } from '../engine.js';
import type { RolloutPlan } from '../plan.js';
import type { RateKeyOf, ResolveReleaser } from '../target-job.js';
import { rerunCases } from './conformance-rerun.js';
import { TestFleet } from './fleet.js';

/** What the suite hands an engine factory: the fleet's releasers and ledger. */
export interface RolloutConformanceFixture {
  resolveReleaser: ResolveReleaser;
  ledger: TestFleet['ledger'];
  /** Targets in flight at once (per worker, for distributed engines). */
  concurrency: number;
  rateKeyOf?: RateKeyOf | undefined;
}

/** Builds the engine under test for one test; the suite closes it afterwards. */
export type MakeRolloutEngine = (
  fixture: RolloutConformanceFixture,
) => Promise<RolloutEngine> | RolloutEngine;

let counter = 0;
function freshId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects a run's events, so tests can check their order. */
function record(run: RolloutRun): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  run.on((e) => events.push(e));
  return events;
}

/**
 * The suite every rollout engine passes: all targets released once, waves in order, the failure
 * budget halting with automatic rollback, pause/resume/cancel, and a re-run after an interruption
 * finishing with no duplicate version and no agent missed. It asserts on releaser and ledger state.
 *
 * @example describeRolloutEngineConformance('in-process', (f) => createInProcessEngine(f))
 */
export function describeRolloutEngineConformance(name: string, makeEngine: MakeRolloutEngine): void {
  describe(`rollout engine conformance: ${name}`, () => {
    const engines: RolloutEngine[] = [];
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((e) => e.close()));
    });
    const engineFor = async (fleet: TestFleet, concurrency = 2, rateKeyOf?: RateKeyOf) => {
      const engine = await makeEngine({
        resolveReleaser: fleet.resolveReleaser,
        ledger: fleet.ledger,
        concurrency,
        rateKeyOf,
      });
      engines.push(engine);
      return engine;
    };
    const twoVendors = (perTenant = 4) => {
      const fleet = new TestFleet();
      fleet.addTenant('acme', 'explicit', perTenant);
      fleet.addTenant('globex', 'on-publish', perTenant);
      fleet.addTenant('initech', 'explicit', perTenant);
      return fleet;
    };
    const planFor = (fleet: TestFleet, extra: Partial<RolloutPlan> = {}): RolloutPlan => ({
      id: freshId('rollout'),
      changes: { instructions: `new prompt ${counter}` },
      targets: fleet.targets(),
      ...extra,
    });

    it('releases every target exactly once and records each in the ledger', async () => {
      const fleet = twoVendors();
      const plan = planFor(fleet);
      const summary = await (await engineFor(fleet)).start(plan).done;

      expect(summary.status).toBe('completed');
      expect(summary.results.map((r) => r.outcome)).toEqual(plan.targets.map(() => 'released'));
      expect([...fleet.newVersions().values()]).toEqual(plan.targets.map(() => 1));
      expect([...fleet.liveInstructions().values()]).toEqual(
        plan.targets.map(() => plan.changes?.instructions),
      );
      for (const t of plan.targets) {
        const entries = await fleet.ledger.history({
          agentId: t.agentId,
          tenant: t.tenant,
          rolloutId: plan.id,
        });
        expect(entries.map((e) => e.outcome)).toEqual(['released']);
      }
      expect(summary.progress.totals).toMatchObject({
        total: 12,
        done: 12,
        failed: 0,
        skipped: 0,
        remaining: 0,
      });
    });

    it('runs waves in order: no target of a wave starts before the previous wave ended', async () => {
      const fleet = twoVendors();
      const plan = planFor(fleet, {
        waves: [
          { name: 'canary', count: 1 },
          { name: 'half', share: 0.5 },
        ],
      });
      const run = (await engineFor(fleet, 3)).start(plan);
      const events = record(run);
      const summary = await run.done;

      expect(summary.progress.waves.map((w) => [w.name, w.total, w.done])).toEqual([
        ['canary', 1, 1],
        ['half', 6, 6],
        ['rest', 5, 5],
      ]);
      const order = events.filter((e) => e.type !== 'progress' && e.type !== 'state');
      const waveOfTarget = (i: number) => (i < 1 ? 0 : i < 7 ? 1 : 2);
      let current = -1;
      let open = false;
      for (const e of order) {
        if (e.type === 'wave-start') {
          expect(open).toBe(false);
          current = e.wave;
          open = true;
        } else if (e.type === 'wave-end') {
          open = false;
        } else if (e.type === 'target') {
          expect(open).toBe(true);
          expect(waveOfTarget(e.result.index)).toBe(current);
        }
      }
      expect(current).toBe(2);
    });

    it('halts on the failure budget, rolls back the agents it released and leaves later waves untouched', async () => {
      const fleet = new TestFleet();
      fleet.addTenant('good-explicit', 'explicit', 2);
      fleet.addTenant('good-publish', 'on-publish', 2);
      const bad = fleet.addTenant('bad', 'explicit', 3);
      bad.releaser.failGate = true;
      fleet.addTenant('later', 'on-publish', 3);
      const plan = planFor(fleet, {
        waves: [
          { name: 'canary', count: 4 },
          { name: 'bad', count: 3 },
        ],
        failureBudget: { maxFailures: 0 },
        rollbackOnHalt: true,
      });
      const run = (await engineFor(fleet, 1)).start(plan);
      const events = record(run);
      const summary = await run.done;

      expect(summary.status).toBe('halted');
      expect(summary.haltReason).toMatch(/failure budget/);
      expect(events.some((e) => e.type === 'halted')).toBe(true);
      // Every agent is back on its original configuration; explicit-activation ones on their original version.
      for (const [key, live] of fleet.liveInstructions()) expect([key, live]).toEqual([key, 'original']);
      for (const t of fleet.tenants.filter((t) => t.id === 'good-explicit')) {
        for (const a of t.agents) {
          expect((await t.releaser.getActiveVersion(a))?.id).toBe(fleet.originalVersion.get(`${t.id}/${a}`));
        }
      }
      expect(summary.rollbacks.map((r) => [r.index, r.outcome])).toEqual([
        [0, 'rolled-back'],
        [1, 'rolled-back'],
        [2, 'rolled-back'],
        [3, 'rolled-back'],
      ]);
      // The ledger files each rollback under this rollout, next to the release it undid.
      for (const t of fleet.tenants.filter((t) => t.id.startsWith('good'))) {
        for (const agentId of t.agents) {
          const mine = await fleet.ledger.history({ agentId, tenant: t.id, rolloutId: plan.id });
          expect(mine.map((e) => [e.kind, e.outcome])).toEqual([
            ['rollback', 'rolled-back'],
            ['release', 'released'],
          ]);
        }
      }
      // The wave after the halt never started: no version, no result.
      for (const a of fleet.tenant('later').agents)
        expect(fleet.tenant('later').releaser.versionIds(a)).toHaveLength(1);
      expect(summary.results.filter((r) => r.tenant === 'later')).toEqual([]);
      // Targets already in flight when the budget ran out may fail too; none after the halt starts.
      expect(summary.progress.totals).toMatchObject({ rolledBack: 4, rollbackFailed: 0 });
      expect(summary.progress.totals.failed).toBeGreaterThanOrEqual(1);
      expect(summary.results.find((r) => r.outcome === 'failed')?.error?.code).toBe('SECURITY_CHECK_FAILED');
    });

    it('pauses (no new target starts) and resumes to the end', async () => {
      const fleet = twoVendors(10);
      const plan = planFor(fleet);
      const run = (await engineFor(fleet, 1)).start(plan);
      let paused: Promise<void> | undefined;
      run.on((e) => {
        if (e.type === 'target' && !paused) paused = run.pause();
      });
      while (!paused) await sleep(5);
      await paused;
      expect(run.state).toBe('paused');
      await sleep(300);
      const whilePaused = run.progress().totals.done;
      await sleep(300);
      expect(run.progress().totals.done).toBe(whilePaused);
      expect(whilePaused).toBeLessThan(plan.targets.length);
      await run.resume();
      const summary = await run.done;
      expect(summary.status).toBe('completed');
      expect([...fleet.newVersions().values()]).toEqual(plan.targets.map(() => 1));
    });

    it('cancels a paused rollout', async () => {
      const fleet = twoVendors(10);
      const plan = planFor(fleet);
      const run = (await engineFor(fleet, 1)).start(plan);
      let paused: Promise<void> | undefined;
      run.on((e) => {
        if (e.type === 'target' && !paused) paused = run.pause();
      });
      while (!paused) await sleep(5);
      await paused;
      await run.cancel();
      const summary = await run.done;
      expect(summary.status).toBe('cancelled');
      const released = [...fleet.newVersions().values()].filter((n) => n === 1).length;
      expect(released).toBe(summary.results.length);
      expect(released).toBeLessThan(plan.targets.length);
    });

    it('cancels; running the plan again finishes with no duplicate version and no agent missed', async () => {
      const fleet = twoVendors(10);
      const plan = planFor(fleet, { waves: [{ count: 5 }] });
      const first = (await engineFor(fleet, 1)).start(plan);
      first.on((e) => {
        if (e.type === 'target' && e.result.index === 2) void first.cancel();
      });
      const cancelled = await first.done;
      expect(cancelled.status).toBe('cancelled');
      const doneBefore = cancelled.results.filter((r) => r.outcome === 'released').length;
      expect(doneBefore).toBeGreaterThanOrEqual(3);
      expect(doneBefore).toBeLessThan(plan.targets.length);

      const again = await (await engineFor(fleet, 2)).start(plan).done;
      expect(again.status).toBe('completed');
      expect(again.progress.totals).toMatchObject({
        skipped: doneBefore,
        done: plan.targets.length - doneBefore,
        failed: 0,
      });
      expect([...fleet.newVersions().values()]).toEqual(plan.targets.map(() => 1));
      expect([...fleet.liveInstructions().values()]).toEqual(
        plan.targets.map(() => plan.changes?.instructions),
      );
    });

    it('re-checks an attempt that crashed mid-release instead of releasing it twice', async () => {
      const fleet = twoVendors(3);
      const plan = planFor(fleet);
      const changes = plan.changes ?? {};
      const acme = fleet.tenant('acme');
      const [live, stranded, untouched] = acme.agents as [string, string, string];
      // Three crashed attempts, left `running` in the ledger: one made the change live, one
      // published it but died before activating it, one sent nothing.
      await release(acme.releaser, live, changes);
      const draft = await acme.releaser.editDraft(stranded, changes);
      const published = await acme.releaser.publish(draft, { label: `rollout ${plan.id}` });
      expect(published.status === 'published' && !published.version.isActive).toBe(true);
      for (const agentId of [live, stranded, untouched]) {
        await fleet.ledger.begin({
          kind: 'release',
          provider: acme.releaser.provider,
          agentId,
          tenant: 'acme',
          rolloutId: plan.id,
          versionBefore: fleet.originalVersion.get(`acme/${agentId}`),
          startedAt: new Date().toISOString(),
        });
      }
      const summary = await (await engineFor(fleet)).start(plan).done;
      expect(summary.status).toBe('completed');
      const outcomeOf = (agentId: string) =>
        summary.results.find((r) => r.agentId === agentId && r.tenant === 'acme')?.outcome;
      expect([outcomeOf(live), outcomeOf(stranded), outcomeOf(untouched)]).toEqual([
        'unchanged',
        'unchanged',
        'released',
      ]);
      // The stranded version went live; no second one was published.
      expect((await acme.releaser.getActiveVersion(stranded))?.id).toBe(
        published.status === 'published' ? published.version.id : undefined,
      );
      expect([...fleet.newVersions().values()]).toEqual(plan.targets.map(() => 1));
      expect([...fleet.liveInstructions().values()]).toEqual(plan.targets.map(() => changes.instructions));
    });

    it('rolls back, after a halt, an agent whose crashed attempt it re-checked as unchanged', async () => {
      const fleet = new TestFleet();
      const good = fleet.addTenant('good', 'explicit', 2);
      fleet.addTenant('bad', 'explicit', 1).releaser.failGate = true;
      const plan = planFor(fleet, { waves: [{ count: 2 }], rollbackOnHalt: true });
      const [crashed] = good.agents as [string];
      // An earlier run released the change and died before recording it.
      await release(good.releaser, crashed, plan.changes ?? {});
      await fleet.ledger.begin({
        kind: 'release',
        provider: good.releaser.provider,
        agentId: crashed,
        tenant: 'good',
        rolloutId: plan.id,
        versionBefore: fleet.originalVersion.get(`good/${crashed}`),
        startedAt: new Date().toISOString(),
      });
      const summary = await (await engineFor(fleet, 1)).start(plan).done;
      expect(summary.status).toBe('halted');
      expect(summary.results.map((r) => r.outcome)).toEqual(['unchanged', 'released', 'failed']);
      expect(summary.rollbacks.map((r) => r.outcome)).toEqual(['rolled-back', 'rolled-back']);
      for (const agentId of good.agents) {
        expect((await good.releaser.getActiveVersion(agentId))?.id).toBe(
          fleet.originalVersion.get(`good/${agentId}`),
        );
      }
    });

    it('rejects a bad plan with a ValidationError before anything runs', async () => {
      const fleet = twoVendors(1);
      const engine = await engineFor(fleet);
      const bad = [
        { id: 'has space', targets: fleet.targets(), changes: { instructions: 'x' } },
        { id: 'ok', targets: [], changes: { instructions: 'x' } },
        { id: 'ok', targets: fleet.targets() },
        { id: 'ok', targets: [...fleet.targets(), fleet.targets()[0]], changes: { instructions: 'x' } },
        {
          id: 'ok',
          targets: fleet.targets(),
          changes: { instructions: 'x' },
          waves: [{ share: 0.5, count: 2 }],
        },
        {
          id: 'ok',
          targets: fleet.targets(),
          changes: { instructions: 'x' },
          failureBudget: { maxFailures: -1 },
        },
        // Above what a timer can wait: every release would reject it.
        { id: 'ok', targets: fleet.targets(), changes: { instructions: 'x' }, maxWaitMs: 2 ** 31 },
      ];
      for (const plan of bad) expect(() => engine.start(plan as RolloutPlan)).toThrow(ValidationError);
      expect(fleet.tenants.map((t) => t.releaser.requestCount)).toEqual([0, 0, 0]);
    });

    it('never shows the rate-limit key (it may be an API key) in events or the summary', async () => {
      const fleet = twoVendors(1);
      const secret = 'weird key/with:any shape==';
      fleet.tenant('acme').releaser.failGate = true;
      const run = (await engineFor(fleet, 2, () => secret)).start(
        planFor(fleet, { failureBudget: { maxFailures: 5 } }),
      );
      const events = record(run);
      const summary: RolloutSummary = await run.done;
      expect(summary.progress.totals.failed).toBe(1);
      expect(JSON.stringify({ events, summary })).not.toContain(secret);
    });

    rerunCases({ engineFor: (fleet, concurrency) => engineFor(fleet, concurrency), freshId });
  });
}
