// Issue 11, defect 3: Atoms v1 has no compare-and-swap on activation. Two writers that forked
// the same version must never both succeed with one change gone: the later one rebases (forks
// again from what is live, re-applies, publishes, activates) or restores what was live and
// fails with a ConflictError naming both versions.
import { ConflictError, createInProcessReleaseLock, release } from '@agent-release/core';
import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAtomsReleaser } from '../src/index.js';
import { expectLiveMatches } from './race-outcome.js';

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1');
});

const open: AtomsEmulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function twoWriters() {
  const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 60 } });
  open.push(emulator);
  // Two releasers (two processes, as far as in-process queues go).
  const writer = () =>
    createAtomsReleaser({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      apiGeneration: 'v1',
      securityCheck: { minDelayMs: 10, maxDelayMs: 30, maxWaitMs: 10_000, expectedMs: 60 },
    });
  const agentId = emulator.state.createAgent({ name: 'support', prompt: 'Initial', tools: [] });
  return { emulator, a: writer(), b: writer(), agentId };
}

describe('two v1 writers of one agent', () => {
  it('the later activation rebases onto the version the other made live: both changes are live', async () => {
    const { emulator, a, b, agentId } = await twoWriters();
    const draftA = await a.editDraft(agentId, { firstMessage: 'Hello from A' });
    const draftB = await b.editDraft(agentId, { providerOptions: { atoms: { backgroundSound: 'office' } } });
    const va = await a.publish(draftA);
    const vb = await b.publish(draftB);
    if (va.status !== 'published' || vb.status !== 'published') throw new Error('expected two versions');

    const liveA = await a.activate(agentId, va.version.id);
    const liveB = await b.activate(agentId, vb.version.id);

    const live = emulator.state.activeVersion(agentId)!;
    expect(live._id).toBe(liveB.id);
    expect(liveB.id).not.toBe(vb.version.id); // rebased: a new version on top of A's
    expect(live.config.firstMessage).toBe('Hello from A');
    expect(live.config.backgroundSound).toBe('office');
    expect(liveA.id).toBe(va.version.id);
  });

  it('racing activations never both succeed with one change gone', async () => {
    const { emulator, a, b, agentId } = await twoWriters();
    const flow = async (r: typeof a, changes: Parameters<typeof a.editDraft>[1]) => {
      const draft = await r.editDraft(agentId, changes);
      const outcome = await r.publish(draft);
      if (outcome.status !== 'published') throw new Error('expected a version');
      return r.activate(agentId, outcome.version.id);
    };
    const results = await Promise.allSettled([
      flow(a, { firstMessage: 'Hello from A' }),
      flow(b, { providerOptions: { atoms: { backgroundSound: 'office' } } }),
    ]);

    const live = emulator.state.activeVersion(agentId)!;
    const both = live.config.firstMessage === 'Hello from A' && live.config.backgroundSound === 'office';
    const failed = results.filter((r) => r.status === 'rejected');
    if (!both) {
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    // Whoever succeeded is what is live.
    for (const r of results)
      if (r.status === 'fulfilled' && failed.length > 0) expect(live._id).toBe(r.value.id);
  });

  it('30 racing releases, each with its own lock: never two failures, live matches what each was told', {
    timeout: 180_000,
  }, async () => {
    const { emulator, a, b } = await twoWriters();
    for (let round = 0; round < 30; round++) {
      const agentId = emulator.state.createAgent({ name: `support-${round}`, prompt: 'Initial', tools: [] });
      const results = await Promise.allSettled([
        release(a, agentId, { firstMessage: 'Hello from A' }, { lock: createInProcessReleaseLock() }),
        release(
          b,
          agentId,
          { providerOptions: { atoms: { backgroundSound: 'office' } } },
          {
            lock: createInProcessReleaseLock(),
          },
        ),
      ]);
      expectLiveMatches(emulator.state.activeVersion(agentId)!.config, results, [
        ['firstMessage', 'Hello from A'],
        ['backgroundSound', 'office'],
      ]);
    }
  });
});
