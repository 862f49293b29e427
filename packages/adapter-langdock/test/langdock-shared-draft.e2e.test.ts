import { ConflictError, release } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import {
  type LangdockEmulator,
  type LangdockEmulatorOptions,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLangdockReleaser, type LangdockReleaserOptions } from '../src/index.js';
import { captureLogger, expectNoSecret, rejectionOf, SENTINEL_KEY } from './helpers.js';

// The shared draft, end to end over loopback HTTP: effects asserted on the emulator's state and
// request log. No nock in this file.

/** The request log of a release that writes once and publishes once. */
const ONE_RELEASE = ['GET /agent/v1/get 200', 'PATCH /agent/v1/update 200', 'POST /agent/v1/publish 200'];

let emulator: LangdockEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(
  options: Partial<LangdockReleaserOptions> = {},
  emulatorOptions: LangdockEmulatorOptions = {},
) {
  emulator = await startLangdockEmulator({ apiKey: SENTINEL_KEY, ...emulatorOptions });
  const logger = captureLogger();
  const releaser = createLangdockReleaser({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    clock: new ManualClock(),
    logger,
    random: () => 0.5,
    ...options,
  });
  const agentId = emulator.state.createAgent({ name: 'Support bot', instruction: 'v1', publish: true });
  const emu = emulator;
  /** Someone in Langdock's web UI edits the draft and does not press "Update". */
  const editInUi = async (fields: Record<string, unknown>) => {
    const res = await fetch(`${emu.baseUrl}/agent/v1/update`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${emu.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ agentId, ...fields }),
    });
    expect(res.status).toBe(200);
    emu.clearRequests();
  };
  const log = () => emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
  return { emu, releaser, logger, agentId, editInUi, log };
}

describe('shared draft (emulator)', () => {
  it('a release is GET + update + publish: three requests, one new version', async () => {
    const { emu, releaser, agentId, log } = await setup();
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(log()).toEqual(ONE_RELEASE);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('values already live: one GET, no update, no publish, unchanged', async () => {
    const { emu, releaser, agentId, log } = await setup();
    const before = emu.state.versions(agentId);
    const result = await release(releaser, agentId, { instructions: 'v1', model: 'gpt-4o' });
    expect(result).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(log()).toEqual(['GET /agent/v1/get 200']);
    expect(emu.state.versions(agentId)).toEqual(before);
  });

  it('values already live while the UI left draft edits: nothing is written or shipped', async () => {
    const { emu, releaser, agentId, editInUi, log } = await setup();
    await editInUi({ name: 'Renamed in the UI' });
    const result = await release(releaser, agentId, { instructions: 'v1' });
    expect(result.status).toBe('unchanged');
    expect(log()).toEqual(['GET /agent/v1/get 200']);
    expect(emu.state.versions(agentId)).toHaveLength(1);
    expect(emu.state.activeVersion(agentId)?.config.name).toBe('Support bot');
    expect(emu.state.draft(agentId)?.name).toBe('Renamed in the UI');
  });

  it('UI draft edits are refused: no version, our write undone, the UI edit kept', async () => {
    const { emu, releaser, agentId, editInUi, log, logger } = await setup();
    await editInUi({ name: 'Renamed in the UI', webSearch: true });
    const error = await rejectionOf(release(releaser, agentId, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      details: { reason: 'foreign-draft-edits', fields: ['name', 'webSearch'], restored: true },
    });
    expectNoSecret(error, logger.lines);
    expect(log()).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'PATCH /agent/v1/update 200',
    ]);
    expect(emu.state.versions(agentId)).toHaveLength(1);
    expect(emu.state.draft(agentId)).toMatchObject({
      instruction: 'v1',
      name: 'Renamed in the UI',
      webSearch: true,
    });
  });

  for (const updateAnswer of ['agent', 'bare'] as const) {
    it(`UI draft edits ship with ours only when asked (foreignDraftEdits: include, ${updateAnswer} answer)`, async () => {
      const { emu, releaser, agentId, editInUi, log } = await setup(
        { foreignDraftEdits: 'include' },
        { updateAnswer },
      );
      await editInUi({ name: 'Renamed in the UI' });
      const result = await release(releaser, agentId, { instructions: 'v2' });
      expect(result.status).toBe('released');
      expect(log()).toEqual(ONE_RELEASE);
      expect(emu.state.activeVersion(agentId)?.config).toMatchObject({
        instruction: 'v2',
        name: 'Renamed in the UI',
      });
    });
  }

  it('a release aborted after its update takes the written fields back out of the shared draft', async () => {
    const { emu, releaser, agentId, log } = await setup();
    const controller = new AbortController();
    const error = await release(
      releaser,
      agentId,
      { instructions: 'v2' },
      {
        signal: controller.signal,
        observer: (e) => {
          if (e.type === 'step-end' && e.step.name === 'edit-draft') controller.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(log()).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'PATCH /agent/v1/update 200',
    ]);
    // Nothing of the aborted release waits in the draft for someone else's publish.
    expect(emu.state.draft(agentId)?.instruction).toBe('v1');
    expect(emu.state.versions(agentId)).toHaveLength(1);
  });
});

// Langdock documents no body for the update answer. Under the bare reading ({status, message}) no
// answer shows the draft, so a release cannot see someone else's edits: it sets every field it
// manages to live + its own change, so nothing foreign of those ships, and says what it could not check.
describe('shared draft (emulator, bare update answer)', () => {
  const bare = { updateAnswer: 'bare' } as const;

  it('a release succeeds by default: the managed fields are reset, then one new version', async () => {
    const { emu, releaser, agentId, log } = await setup({}, bare);
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(log()).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'PATCH /agent/v1/update 200',
      'POST /agent/v1/publish 200',
    ]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
    expect(emu.state.activeVersion(agentId)?.config).toEqual({
      ...emu.state.versions(agentId)[1]?.config,
      instruction: 'v2',
    });
    // The caller is told what could not be checked, in the result itself.
    expect(result.caveats).toHaveLength(1);
    expect(result.caveats?.[0]).toContain('did not show the draft');
    expect(result.caveats?.[0]).toContain('not checked');
  });

  it('UI draft edits to managed fields are not shipped: the version is live + this change', async () => {
    const { emu, releaser, agentId, editInUi } = await setup({}, bare);
    const live = emu.state.activeVersion(agentId)?.config;
    await editInUi({ name: 'Renamed in the UI', webSearch: true, conversationStarters: ['Hi'] });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(emu.state.activeVersion(agentId)?.config).toEqual({ ...live, instruction: 'v2' });
    expect(emu.state.draft(agentId)).toEqual({ ...live, instruction: 'v2' });
  });

  it('values already live: one GET, no update, no publish, unchanged', async () => {
    const { emu, releaser, agentId, editInUi, log } = await setup({}, bare);
    await editInUi({ name: 'Renamed in the UI' });
    const result = await release(releaser, agentId, { instructions: 'v1' });
    expect(result).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(log()).toEqual(['GET /agent/v1/get 200']);
    expect(emu.state.versions(agentId)).toHaveLength(1);
    expect(emu.state.draft(agentId)?.name).toBe('Renamed in the UI');
  });
});
