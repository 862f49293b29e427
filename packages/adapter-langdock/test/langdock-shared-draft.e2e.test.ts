import { ConflictError, release } from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import { type LangdockEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLangdockReleaser, type LangdockReleaserOptions } from '../src/index.js';
import { captureLogger, expectNoSecret, rejectionOf, SENTINEL_KEY } from './helpers.js';

// The shared draft, end to end over loopback HTTP: effects asserted on the emulator's state and
// request log. No nock in this file.

let emulator: LangdockEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(options: Partial<LangdockReleaserOptions> = {}) {
  emulator = await startLangdockEmulator({ apiKey: SENTINEL_KEY });
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
    expect(log()).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'POST /agent/v1/publish 200',
    ]);
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

  it('UI draft edits ship with ours only when asked (foreignDraftEdits: include)', async () => {
    const { emu, releaser, agentId, editInUi, log } = await setup({ foreignDraftEdits: 'include' });
    await editInUi({ name: 'Renamed in the UI' });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(log()).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'POST /agent/v1/publish 200',
    ]);
    expect(emu.state.activeVersion(agentId)?.config).toMatchObject({
      instruction: 'v2',
      name: 'Renamed in the UI',
    });
  });

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
