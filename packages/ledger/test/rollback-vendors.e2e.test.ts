import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { type AgentReleaser, NotFoundError, release, rollback } from '@agent-release/core';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { createSqliteLedger } from '@agent-release/ledger';
import { afterEach, describe, expect, it } from 'vitest';

// The "done when": release, release again, roll back to previous → the first
// configuration is live again (read from the emulator's state), and the SQLite ledger lists all
// three attempts with their snapshots.

interface VendorUnderTest {
  releaser: AgentReleaser;
  agentId: string;
  /** The live prompt, read from the emulator's state (not through the adapter). */
  livePrompt(): string | undefined;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ledgerFile() {
  const dir = mkdtempSync(join(tmpdir(), 'rollback-e2e-'));
  const ledger = await createSqliteLedger({ path: join(dir, 'ledger.db') });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => ledger.close());
  return ledger;
}

async function atoms(versioning: 'v1' | 'v2'): Promise<VendorUnderTest> {
  const emulator = await startAtomsEmulator({ versioning, securityCheck: { durationMs: 100 } });
  const agentId = emulator.state.createAgent({
    name: 'Rollback',
    prompt: 'Original.',
    tools: [{ type: 'end_call', name: 'end_call', description: 'Hang up' }],
  });
  return {
    releaser: createAtomsReleaser({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseUrl,
      securityCheck: { minDelayMs: 20, maxDelayMs: 60, maxWaitMs: 10_000, expectedMs: 100 },
    }),
    agentId,
    // v2 edits write `globalPrompt` (the spec's field); v1 versions carry the prompt in singlePromptConfig.
    livePrompt: () => {
      const config = emulator.state.activeVersion(agentId)?.config;
      const global = config?.globalPrompt;
      return typeof global === 'string' && global !== '' ? global : config?.singlePromptConfig?.prompt;
    },
    close: () => emulator.close(),
  };
}

const vendors: Record<string, () => Promise<VendorUnderTest>> = {
  'atoms v1': () => atoms('v1'),
  'atoms v2': () => atoms('v2'),
  langdock: async () => {
    const emulator = await startLangdockEmulator();
    const agentId = emulator.state.createAgent({ name: 'Rollback', instruction: 'Original.', publish: true });
    return {
      releaser: createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }),
      agentId,
      livePrompt: () => emulator.state.activeVersion(agentId)?.config.instruction ?? undefined,
      close: () => emulator.close(),
    };
  },
};

describe.each(Object.keys(vendors))('rollback on %s against its emulator, recorded in SQLite', (name) => {
  it('release, release, rollback to previous: the first configuration is live and the history has all three', async () => {
    const vendor = await vendors[name]!();
    cleanups.push(() => vendor.close());
    const ledger = await ledgerFile();
    const { releaser, agentId } = vendor;

    const first = await release(
      releaser,
      agentId,
      { instructions: 'First release.' },
      { ledger, actor: 'alice' },
    );
    const second = await release(
      releaser,
      agentId,
      { instructions: 'Second release.' },
      { ledger, actor: 'bob' },
    );
    expect([first.status, second.status]).toEqual(['released', 'released']);
    expect(vendor.livePrompt()).toBe('Second release.');

    const back = await rollback(releaser, agentId, { to: 'previous' }, { ledger, actor: 'carol' });

    expect(back.status).toBe('rolled-back');
    expect(vendor.livePrompt()).toBe('First release.');
    const history = await ledger.history({ agentId });
    expect(history.map((e) => [e.kind, e.outcome, e.actor])).toEqual([
      ['rollback', 'rolled-back', 'carol'],
      ['release', 'released', 'bob'],
      ['release', 'released', 'alice'],
    ]);
    expect(history[2]).toMatchObject({
      snapshotBefore: { instructions: 'Original.' },
      snapshotAfter: { instructions: 'First release.' },
    });
    expect(history[1]).toMatchObject({
      snapshotBefore: { instructions: 'First release.' },
      snapshotAfter: { instructions: 'Second release.' },
    });
    expect(history[0]).toMatchObject({ snapshotAfter: { instructions: 'First release.' } });
  });
});

describe.each(Object.keys(vendors))("rollback({ to: 'previous' }) in a row on %s", (name) => {
  it('three releases, three rollbacks walk back one release each; a fourth finds nothing earlier', async () => {
    const vendor = await vendors[name]!();
    cleanups.push(() => vendor.close());
    const ledger = await ledgerFile();
    const { releaser, agentId } = vendor;
    for (const instructions of ['First.', 'Second.', 'Third.']) {
      expect((await release(releaser, agentId, { instructions }, { ledger })).status).toBe('released');
    }

    const live: Array<string | undefined> = [];
    for (let i = 0; i < 3; i++) {
      expect((await rollback(releaser, agentId, { to: 'previous' }, { ledger })).status).toBe('rolled-back');
      live.push(vendor.livePrompt());
    }
    expect(live).toEqual(['Second.', 'First.', 'Original.']);

    await expect(rollback(releaser, agentId, { to: 'previous' }, { ledger })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(vendor.livePrompt()).toBe('Original.');
  });
});

// Issue 8: a release killed between the vendor publish and the ledger's finish (simulated: the
// entry begins, the vendor changes or not, no finish). `previous` must undo it only if it went live.
describe.each(Object.keys(vendors))("rollback({ to: 'previous' }) after a crashed release on %s", (name) => {
  it.each([
    ['went live', true, ['First.', 'Original.']],
    ['never went live', false, ['Original.']],
  ] as const)('the crashed release %s', async (_case, wentLive, expected) => {
    const vendor = await vendors[name]!();
    cleanups.push(() => vendor.close());
    const ledger = await ledgerFile();
    const { releaser, agentId } = vendor;
    await release(releaser, agentId, { instructions: 'First.' }, { ledger });
    await ledger.begin({
      kind: 'release',
      provider: releaser.provider,
      agentId,
      versionBefore: (await releaser.getActiveVersion(agentId))?.id,
      snapshotBefore: { instructions: 'First.' },
      snapshotAfter: { instructions: 'Second.' },
      startedAt: new Date().toISOString(),
    });
    if (wentLive) await release(releaser, agentId, { instructions: 'Second.' });

    const live: Array<string | undefined> = [];
    for (const _ of expected) {
      await rollback(releaser, agentId, { to: 'previous' }, { ledger });
      live.push(vendor.livePrompt());
    }
    expect(live).toEqual(expected);
  });
});
