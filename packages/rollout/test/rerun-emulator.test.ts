import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { type AgentReleaser, ValidationError } from '@agent-release/core';
import { InMemoryLedger } from '@agent-release/core/testing';
import { type LangdockEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createInProcessEngine, type RolloutPlan } from '@agent-release/rollout';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// Re-runs and plan checks against the Langdock emulator and adapter: what is live on the vendor
// after, and which requests were (not) sent.
const KEY = 'sk_rerun_test_0001';

let langdock: LangdockEmulator;
let releaser: AgentReleaser;
let agents: string[];

beforeEach(async () => {
  langdock = await startLangdockEmulator({ apiKeys: [KEY] });
  releaser = createLangdockReleaser({ apiKey: KEY, baseUrl: langdock.baseUrl });
  agents = Array.from({ length: 3 }, (_, i) =>
    langdock.state.createAgent({ name: `agent-${i}`, instruction: 'original', publish: true }),
  );
});

afterEach(async () => {
  await langdock.close();
});

const engineWith = (ledger: InMemoryLedger) =>
  createInProcessEngine({ resolveReleaser: async () => releaser, ledger, concurrency: 1 });
const plan = (extra: Partial<RolloutPlan> = {}): RolloutPlan => ({
  id: 'rerun-emulator',
  changes: { instructions: 'new prompt' },
  targets: agents.map((agentId) => ({ tenant: 'acme', agentId })),
  ...extra,
});
const live = () => agents.map((a) => langdock.state.activeVersion(a)?.config.instruction);
const requestCount = () => langdock.requests.length;

describe('rollout re-runs on Langdock', () => {
  it('releases again what the automatic rollback undid', async () => {
    const ledger = new InMemoryLedger();
    langdock.state.forbidAgent(agents[2] as string);
    const first = await engineWith(ledger).start(plan({ rollbackOnHalt: true })).done;
    expect(first.status).toBe('halted');
    expect(live()).toEqual(['original', 'original', 'original']);

    langdock.state.allowAgent(agents[2] as string);
    const again = await engineWith(ledger).start(plan({ rollbackOnHalt: true })).done;
    expect(again.status).toBe('completed');
    expect(live()).toEqual(['new prompt', 'new prompt', 'new prompt']);
  });

  it('re-checks a finished target with one read and publishes nothing', async () => {
    const ledger = new InMemoryLedger();
    expect((await engineWith(ledger).start(plan()).done).status).toBe('completed');
    const versions = agents.map((a) => langdock.state.versions(a).length);
    const before = requestCount();

    const again = await engineWith(ledger).start(plan()).done;
    expect(again.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(requestCount() - before).toBe(agents.length);
    expect(agents.map((a) => langdock.state.versions(a).length)).toEqual(versions);
  });

  it('refuses the same id with another change, sending nothing', async () => {
    const ledger = new InMemoryLedger();
    await engineWith(ledger).start(plan()).done;
    const before = requestCount();
    const run = engineWith(ledger).start(plan({ changes: { instructions: 'another prompt' } }));
    await expect(run.done).rejects.toThrow(/rerun-emulator.*bound to its plan's change/);
    expect(requestCount()).toBe(before);
    expect(live()).toEqual(['new prompt', 'new prompt', 'new prompt']);
  });

  it('refuses a description Langdock would reject (over 100 characters), sending nothing', async () => {
    const run = engineWith(new InMemoryLedger()).start(
      plan({ description: 'd'.repeat(101), failureBudget: { maxFailures: 10 } }),
    );
    await expect(run.done).rejects.toThrow(ValidationError);
    expect(requestCount()).toBe(0);
    expect(live()).toEqual(['original', 'original', 'original']);
  });

  it('refuses maxWaitMs above what a timer can wait when the plan is started', () => {
    expect(() => engineWith(new InMemoryLedger()).start(plan({ maxWaitMs: 2 ** 31 }))).toThrow(
      ValidationError,
    );
    expect(requestCount()).toBe(0);
  });
});
