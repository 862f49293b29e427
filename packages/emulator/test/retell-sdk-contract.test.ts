import { type RetellEmulator, startRetellEmulator } from '@agent-release/emulator';
import Retell from 'retell-sdk';
import type { AgentResponse } from 'retell-sdk/resources/agent';
import { afterEach, describe, expect, it } from 'vitest';
import { declaredFields, shapeProblems } from './retell-sdk-types.js';

// The official client against the emulator: every answer must be one the SDK's generated
// (OpenAPI-derived) types declare, and every write must change the emulator as documented.

let retell: RetellEmulator | undefined;
afterEach(async () => {
  await retell?.close();
  retell = undefined;
});

async function start() {
  retell = await startRetellEmulator();
  const sdk = new Retell({ apiKey: retell.apiKey, baseURL: retell.baseUrl, maxRetries: 0 });
  const seeded = retell.state.createAgent({
    agent_name: 'Front desk',
    llm: { general_prompt: 'Be kind.', begin_message: 'Hello!' },
    publish: true,
  });
  return { emu: retell, sdk, ...seeded };
}

const AGENT = declaredFields('agent', 'AgentResponse');
const LLM = declaredFields('llm', 'LlmResponse');
const VERSION_ITEM = declaredFields('agent', 'AgentListVersionsResponse.Item');
const VERSION_PAGE = declaredFields('agent', 'AgentListVersionsResponse');
const AGENT_ITEM = declaredFields('agent', 'AgentListResponse.Item');
const PHONE = declaredFields('phone-number', 'PhoneNumberResponse');
const BINDING = declaredFields('phone-number', 'PhoneNumberResponse.InboundAgent');

function expectAgent(value: AgentResponse) {
  expect(shapeProblems(value, AGENT)).toEqual([]);
  expect(value.response_engine).toMatchObject({ type: 'retell-llm', version: value.version });
}

describe('retell-sdk against the Retell emulator: agent versions', () => {
  it('agent.retrieve reads the latest version, or ?version=N', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    const latest = await sdk.agent.retrieve(agentId);
    expectAgent(latest);
    expect(latest).toMatchObject({
      version: 1,
      is_published: false,
      base_version: 0,
      agent_name: 'Front desk',
    });
    const v0 = await sdk.agent.retrieve(agentId, { version: 0 });
    expectAgent(v0);
    expect(v0).toMatchObject({ version: 0, is_published: true, base_version: null });
  });

  it('agent.createVersion opens a draft from a base, several at once', async () => {
    const { sdk, emu, agentId } = await start();
    const a = await sdk.agent.createVersion(agentId, { base_version: 0 });
    const b = await sdk.agent.createVersion(agentId, { base_version: 0 });
    expectAgent(a as AgentResponse);
    expect([a.version, b.version]).toEqual([1, 2]);
    expect(emu.state.versions(agentId).map((v) => [v.version, v.isPublished, v.baseVersion])).toEqual([
      [0, true, null],
      [1, false, 0],
      [2, false, 0],
    ]);
  });

  it('agent.update edits the latest draft, or ?version=N, and refuses a published version', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.state.createDraft(agentId, 0);
    const latest = await sdk.agent.update(agentId, { agent_name: 'Latest draft' });
    expectAgent(latest);
    const first = await sdk.agent.update(agentId, { version: 1, agent_name: 'First draft' });
    expect([latest.version, first.version]).toEqual([2, 1]);
    const refused = await sdk.agent.update(agentId, { version: 0, agent_name: 'Nope' }).catch((e) => e);
    expect(refused).toBeInstanceOf(Retell.BadRequestError);
    expect(refused.error).toMatchObject({ status: 'error', message: expect.stringContaining('published') });
    expect(emu.state.versions(agentId).map((v) => v.agent.agent_name)).toEqual([
      'Front desk',
      'First draft',
      'Latest draft',
    ]);
  });

  it('agent.publish answers 200 with no body, and publishes the LLM version with it', async () => {
    const { sdk, emu, agentId, llmId } = await start();
    emu.state.createDraft(agentId, 0);
    const answer = await sdk.agent.publish(agentId, { version: 1, version_title: 'Spring' }).asResponse();
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
    expect(emu.state.version(agentId, 1)).toMatchObject({ isPublished: true });
    const llm = await sdk.llm.retrieve(llmId, { version: 1 });
    expect(llm).toMatchObject({ version: 1, is_published: true });
  });

  it('agent.listVersions pages with has_more / pagination_key', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.state.publish(agentId, 1);
    emu.state.createDraft(agentId, 1);
    const seen: number[] = [];
    let key: string | undefined;
    for (;;) {
      const page = await sdk.agent.listVersions(agentId, { limit: 2, pagination_key: key });
      expect(shapeProblems(page, VERSION_PAGE)).toEqual([]);
      for (const item of page.items) expect(shapeProblems(item, VERSION_ITEM)).toEqual([]);
      seen.push(...page.items.map((i) => i.version));
      if (!page.has_more) break;
      key = page.pagination_key;
    }
    expect(seen).toEqual([2, 1, 0]);
    const ascending = await sdk.agent.listVersions(agentId, { sort_order: 'ascending' });
    expect(ascending.items.map((i) => [i.version, i.is_published, i.base_version])).toEqual([
      [0, true, undefined],
      [1, true, 0],
      [2, false, 1],
    ]);
  });

  it('agent.deleteVersion answers 204 and the version is gone', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    await sdk.agent.deleteVersion(agentId, { version: 1 });
    expect(emu.state.versions(agentId).map((v) => v.version)).toEqual([0]);
  });

  it('agent.list lists agents with their root tags', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.setTag(agentId, 'prod', 0);
    const page = await sdk.agent.list({ limit: 10 });
    expect(page.has_more).toBe(false);
    expect(page.items).toHaveLength(1);
    expect(shapeProblems(page.items[0], AGENT_ITEM)).toEqual([]);
    expect(page.items[0]).toMatchObject({
      agent_id: agentId,
      channel: 'voice',
      tags: { prod: { version: 0 } },
    });
  });
});

describe('retell-sdk against the Retell emulator: the Retell LLM', () => {
  it('llm.retrieve / llm.update share the agent version numbers; published LLM versions are immutable', async () => {
    const { sdk, emu, agentId, llmId } = await start();
    emu.state.createDraft(agentId, 0);
    const draft = await sdk.llm.update(llmId, { version: 1, general_prompt: 'Be brief.' });
    expect(shapeProblems(draft, LLM)).toEqual([]);
    expect(draft).toMatchObject({
      llm_id: llmId,
      version: 1,
      is_published: false,
      general_prompt: 'Be brief.',
    });
    const refused = await sdk.llm.update(llmId, { version: 0, general_prompt: 'x' }).catch((e) => e);
    expect(refused).toBeInstanceOf(Retell.BadRequestError);
    const v0 = await sdk.llm.retrieve(llmId, { version: 0 });
    expect(shapeProblems(v0, LLM)).toEqual([]);
    expect(v0).toMatchObject({ general_prompt: 'Be kind.', begin_message: 'Hello!', is_published: true });
    expect((await sdk.agent.retrieve(agentId, { version: 1 })).response_engine).toEqual({
      type: 'retell-llm',
      llm_id: llmId,
      version: 1,
    });
  });
});

describe('retell-sdk against the Retell emulator: what serves traffic', () => {
  it('phoneNumber.retrieve / update bind a weighted split; a split not summing to 1 is refused', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.createDraft(agentId, 0);
    emu.state.publish(agentId, 1);
    emu.state.addPhoneNumber('+14155550100', {
      inbound_agents: [{ agent_id: agentId, agent_version: 0, weight: 1 }],
    });
    const before = await sdk.phoneNumber.retrieve('+14155550100');
    expect(shapeProblems(before, PHONE)).toEqual([]);
    const split = [
      { agent_id: agentId, agent_version: 0, weight: 0.9 },
      { agent_id: agentId, agent_version: 1, weight: 0.1 },
    ];
    const after = await sdk.phoneNumber.update('+14155550100', { inbound_agents: split });
    expect(shapeProblems(after, PHONE)).toEqual([]);
    for (const b of after.inbound_agents ?? []) expect(shapeProblems(b, BINDING)).toEqual([]);
    expect(emu.state.serving('+14155550100').map((s) => [s.version, s.weight])).toEqual([
      [0, 0.9],
      [1, 0.1],
    ]);
    const bad = [{ agent_id: agentId, agent_version: 1, weight: 0.5 }];
    const refused = await sdk.phoneNumber.update('+14155550100', { inbound_agents: bad }).catch((e) => e);
    expect(refused).toBeInstanceOf(Retell.BadRequestError);
    expect(emu.state.serving('+14155550100')).toHaveLength(2);
  });

  it('a tag moves through update-agent-root; a binding on the tag follows it', async () => {
    const { sdk, emu, agentId } = await start();
    emu.state.setTag(agentId, 'prod', 0);
    emu.state.createDraft(agentId, 0);
    emu.state.publish(agentId, 1);
    emu.state.addPhoneNumber('+14155550101', {
      inbound_agents: [{ agent_id: agentId, agent_version: 'prod', weight: 1 }],
    });
    const moved = await sdk.patch<{ tags: Record<string, { version?: number }> }>(
      `/update-agent-root/${agentId}`,
      { body: { tags: { prod: { version: 1 } } } },
    );
    expect(moved.tags).toEqual({ prod: { version: 1 } });
    expect(emu.state.serving('+14155550101').map((s) => s.version)).toEqual([1]);
    expect((await sdk.agent.retrieve(agentId, { version: 1 })).assigned_tags).toEqual(['prod']);
  });

  it("answers 401 to a wrong key with the SDK's AuthenticationError", async () => {
    const { emu, agentId } = await start();
    const stranger = new Retell({ apiKey: 'key_wrong', baseURL: emu.baseUrl, maxRetries: 0 });
    const error = await stranger.agent.retrieve(agentId).catch((e) => e);
    expect(error).toBeInstanceOf(Retell.AuthenticationError);
    expect(error.error).toEqual({ status: 'error', message: 'API key is missing or invalid.' });
  });
});
