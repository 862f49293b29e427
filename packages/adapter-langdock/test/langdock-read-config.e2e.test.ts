import { release } from '@agent-release/core';
import { type LangdockEmulator, startLangdockEmulator } from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLangdockReleaser } from '../src/index.js';

// readConfig over loopback HTTP against the emulator: the live configuration, re-publishable as is
// (which is how core rolls a Langdock agent back). No nock in this file.

let emulator: LangdockEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup() {
  emulator = await startLangdockEmulator();
  const releaser = createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
  const agentId = emulator.state.createAgent({
    name: 'Support bot',
    instruction: 'v1',
    model: 'gpt-4.1',
    conversationStarters: ['Hi'],
    webSearch: true,
    publish: true,
  });
  return { emu: emulator, releaser, agentId };
}

describe('readConfig (emulator)', () => {
  it('reads the live configuration, not the unpublished draft, with one GET', async () => {
    const { emu, releaser, agentId } = await setup();
    await fetch(`${emu.baseUrl}/agent/v1/update`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${emu.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ agentId, instruction: 'draft only' }),
    });
    emu.clearRequests();
    const snapshot = await releaser.readConfig(agentId);
    expect(snapshot).toMatchObject({
      instructions: 'v1',
      model: 'gpt-4.1',
      providerOptions: { langdock: { name: 'Support bot', conversationStarters: ['Hi'], webSearch: true } },
    });
    expect(emu.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /agent/v1/get']);
  });

  it('a snapshot released again is unchanged; after another release it brings the old config back', async () => {
    const { emu, releaser, agentId } = await setup();
    const before = await releaser.readConfig(agentId);
    await expect(release(releaser, agentId, before)).resolves.toMatchObject({ status: 'unchanged' });
    expect(emu.state.versions(agentId)).toHaveLength(1);

    await release(releaser, agentId, {
      instructions: 'v2',
      providerOptions: { langdock: { webSearch: false, conversationStarters: [] } },
    });
    expect(emu.state.activeVersion(agentId)?.config).toMatchObject({ instruction: 'v2', webSearch: false });

    const back = await release(releaser, agentId, before);
    expect(back.status).toBe('released');
    expect(emu.state.versions(agentId)).toHaveLength(3);
    expect(emu.state.activeVersion(agentId)?.config).toEqual(emu.state.versions(agentId)[2]?.config);
    await expect(releaser.readConfig(agentId)).resolves.toEqual(before);
  });
});
