import {
  type LangdockEmulator,
  type LangdockEmulatorOptions,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from './helpers.js';

let langdock: LangdockEmulator | undefined;
let call: ReturnType<typeof client>;

async function start(options: LangdockEmulatorOptions = {}) {
  langdock = await startLangdockEmulator(options);
  call = client(langdock);
  return langdock;
}
afterEach(async () => {
  await langdock?.close();
  langdock = undefined;
});

const UNKNOWN = '550e8400-e29b-41d4-a716-446655440000';

describe('Langdock basics', () => {
  it('uses the origin as base URL and an sk-ld- key', async () => {
    const emu = await start();
    expect(emu.baseUrl).toBe(emu.url);
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.apiKey).toMatch(/^sk-ld-emulator-/);
  });

  it('answers 401 {message} without a valid key', async () => {
    await start();
    for (const key of [null, 'sk-ld-wrong']) {
      const res = await call('GET', '/agent/v1/list', undefined, { key });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Unauthorized' });
    }
  });

  it('answers 404 {message} on unknown routes', async () => {
    await start();
    const res = await call('GET', '/agent/v1/versions');
    expect(res.status).toBe(404);
    expect(res.body.message).toEqual(expect.any(String));
  });
});

describe('POST /agent/v1/create', () => {
  it('creates an agent (201) with an implicit draft and no published version', async () => {
    const emu = await start();
    const res = await call('POST', '/agent/v1/create', {
      name: 'Support bot',
      instruction: 'Be kind.',
      conversationStarters: ['Hi'],
      actions: [{ actionId: 'a1' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'success',
      message: expect.any(String),
      agent: {
        name: 'Support bot',
        instruction: 'Be kind.',
        creativity: 0.3,
        model: 'gpt-4o',
        conversationStarters: ['Hi'],
        actions: [{ actionId: 'a1', requiresConfirmation: true }],
      },
    });
    const id = res.body.agent.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(emu.state.versions(id)).toEqual([]);
    expect(emu.state.activeVersion(id)).toBeNull();
    expect(emu.state.draft(id)?.instruction).toBe('Be kind.');
  });

  it.each([
    [{}, /name/],
    [{ name: '' }, /name/],
    [{ name: 'n'.repeat(81) }, /name/],
    [{ name: 'x', description: 'd'.repeat(501) }, /description/],
    [{ name: 'x', emoji: 'e'.repeat(17) }, /emoji/],
    [{ name: 'x', instruction: 'i'.repeat(40001) }, /instruction/],
    [{ name: 'x', creativity: 1.5 }, /creativity/],
    [{ name: 'x', conversationStarters: Array.from({ length: 21 }, () => 's') }, /conversationStarters/],
    [{ name: 'x', conversationStarters: [''] }, /conversationStarters/],
    [{ name: 'x', actions: [{}] }, /actions/],
    [{ name: 'x', inputType: 'FREE' }, /inputType/],
    [{ name: 'x', webSearch: 'yes' }, /webSearch/],
    [{ name: 'x', attachments: ['not-a-uuid'] }, /attachments/],
  ])('validates %j with 400 {message}', async (body, message) => {
    await start();
    const res = await call('POST', '/agent/v1/create', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});

describe('GET /agent/v1/get', () => {
  it('returns the draft of a never-published agent, then the latest published config', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot', instruction: 'v1' });
    const draft = await call('GET', `/agent/v1/get?agentId=${id}`);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ status: 'success', agent: { id, name: 'Bot', instruction: 'v1' } });

    await call('POST', '/agent/v1/publish', { agentId: id });
    await call('PATCH', '/agent/v1/update', { agentId: id, instruction: 'unpublished edit' });
    const published = await call('GET', `/agent/v1/get?agentId=${id}`);
    expect(published.body.agent.instruction).toBe('v1');
  });

  it('answers 400 for a missing or non-UUID agentId and 404 {message:"Agent not found"} when unknown', async () => {
    await start();
    expect((await call('GET', '/agent/v1/get')).status).toBe(400);
    const bad = await call('GET', '/agent/v1/get?agentId=123');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.any(String));
    const unknown = await call('GET', `/agent/v1/get?agentId=${UNKNOWN}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'Agent not found' });
  });
});

describe('PATCH /agent/v1/update', () => {
  it('changes only the draft; arrays replace and [] clears', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot', conversationStarters: ['a', 'b'], publish: true });
    const res = await call('PATCH', '/agent/v1/update', {
      agentId: id,
      instruction: 'new',
      conversationStarters: ['c'],
      extendedThinking: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'success',
      message: 'Agent updated successfully',
      agent: { id, instruction: 'new', conversationStarters: ['c'], extendedThinking: true },
    });
    expect(emu.state.activeVersion(id)?.config.instruction).toBe('');
    await call('PATCH', '/agent/v1/update', { agentId: id, conversationStarters: [] });
    expect(emu.state.draft(id)?.conversationStarters).toEqual([]);
  });

  it('answers bare {status, message} under updateAnswer: bare, still changing the draft', async () => {
    const emu = await start({ updateAnswer: 'bare' });
    const id = emu.state.createAgent({ name: 'Bot', publish: true });
    const res = await call('PATCH', '/agent/v1/update', { agentId: id, instruction: 'new' });
    expect(res.status).toBe(200);
    // Langdock documents no body beyond "Agent updated successfully": nothing shows the draft.
    expect(res.body).toEqual({ status: 'success', message: 'Agent updated successfully' });
    expect(emu.state.draft(id)?.instruction).toBe('new');
  });

  it('shows the draft as `agent` by default (updateAnswer: agent)', async () => {
    await start({ updateAnswer: 'agent' });
    const id = langdock!.state.createAgent({ name: 'Bot', publish: true });
    const res = await call('PATCH', '/agent/v1/update', { agentId: id, instruction: 'new' });
    expect(res.body).toMatchObject({ agent: { id, instruction: 'new' } });
  });

  it('validates fields and the agentId', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot' });
    expect((await call('PATCH', '/agent/v1/update', { agentId: id, creativity: -0.1 })).status).toBe(400);
    expect((await call('PATCH', '/agent/v1/update', { agentId: id, name: '' })).status).toBe(400);
    expect((await call('PATCH', '/agent/v1/update', { instruction: 'x' })).status).toBe(400);
    expect((await call('PATCH', '/agent/v1/update', { agentId: 'abc', instruction: 'x' })).status).toBe(400);
    expect((await call('PATCH', '/agent/v1/update', { agentId: UNKNOWN, instruction: 'x' })).status).toBe(
      404,
    );
    expect(emu.state.draft(id)?.name).toBe('Bot');
  });
});

describe('POST /agent/v1/publish', () => {
  it('publishes a never-published agent as version 1, immediately active', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot' });
    const res = await call('POST', '/agent/v1/publish', { agentId: id, description: 'First' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      message: 'Agent published successfully',
      version: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 1, createdAt: expect.any(String) },
    });
    expect(emu.state.activeVersion(id)).toMatchObject({
      id: res.body.version.id,
      version: 1,
      description: 'First',
    });
  });

  it('answers 409 "No draft changes to publish" when the draft equals the latest version', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot', publish: true });
    const res = await call('POST', '/agent/v1/publish', { agentId: id });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'No draft changes to publish' });
    expect(emu.state.versions(id)).toHaveLength(1);
    // An update back to the published value is no change either.
    await call('PATCH', '/agent/v1/update', { agentId: id, name: 'Other' });
    await call('PATCH', '/agent/v1/update', { agentId: id, name: 'Bot' });
    expect((await call('POST', '/agent/v1/publish', { agentId: id })).status).toBe(409);
  });

  it('numbers versions monotonically per agent', async () => {
    const emu = await start();
    const a = emu.state.createAgent({ name: 'A' });
    const b = emu.state.createAgent({ name: 'B' });
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) {
      await call('PATCH', '/agent/v1/update', { agentId: a, instruction: `edit ${i}` });
      numbers.push((await call('POST', '/agent/v1/publish', { agentId: a })).body.version.version);
    }
    expect(numbers).toEqual([1, 2, 3]);
    expect((await call('POST', '/agent/v1/publish', { agentId: b })).body.version.version).toBe(1);
    expect(emu.state.versions(a).map((v) => v.version)).toEqual([3, 2, 1]);
    expect(emu.state.agent(a)?.instruction).toBe('edit 2');
  });

  it('answers 400 for a description over 100 characters or a bad agentId, 404 when unknown', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot' });
    const long = await call('POST', '/agent/v1/publish', { agentId: id, description: 'd'.repeat(101) });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/description/);
    expect(
      (await call('POST', '/agent/v1/publish', { agentId: id, description: 'd'.repeat(100) })).status,
    ).toBe(200);
    expect((await call('POST', '/agent/v1/publish', {})).status).toBe(400);
    expect((await call('POST', '/agent/v1/publish', { agentId: 'nope' })).status).toBe(400);
    expect((await call('POST', '/agent/v1/publish', { agentId: UNKNOWN })).status).toBe(404);
  });
});

describe('GET /agent/v1/list', () => {
  it('lists agents newest first with cursor pagination and published fields', async () => {
    const emu = await start();
    const ids = ['A', 'B', 'C'].map((name) =>
      emu.state.createAgent({ name, instruction: `${name} v1`, publish: true }),
    );
    await call('PATCH', '/agent/v1/update', { agentId: ids[0], instruction: 'draft only' });

    const first = await call('GET', '/agent/v1/list?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('success');
    expect(first.body.agents.map((a: { name: string }) => a.name)).toEqual(['C', 'B']);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await call('GET', `/agent/v1/list?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.agents.map((a: { name: string }) => a.name)).toEqual(['A']);
    expect(second.body.agents[0].instruction).toBe('A v1');
    expect(second.body.nextCursor).toBeNull();

    for (const q of ['limit=0', 'limit=251', 'cursor=bogus']) {
      expect((await call('GET', `/agent/v1/list?${q}`)).status).toBe(400);
    }
  });
});

describe('PATCH /agent/v1/disable', () => {
  it('disables and enables an agent', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'Bot' });
    const off = await call('PATCH', '/agent/v1/disable', { agentId: id, disabled: true });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ status: 'success', message: 'Agent disabled successfully' });
    expect(emu.state.isDisabled(id)).toBe(true);
    const on = await call('PATCH', '/agent/v1/disable', { agentId: id, disabled: false });
    expect(on.body.message).toBe('Agent enabled successfully');
    expect(emu.state.isDisabled(id)).toBe(false);
    expect((await call('PATCH', '/agent/v1/disable', { agentId: id })).status).toBe(400);
    expect((await call('PATCH', '/agent/v1/disable', { agentId: UNKNOWN, disabled: true })).status).toBe(404);
  });
});

describe('403: sharing and scopes', () => {
  it('answers 403 for an agent not shared with the key and hides it from the list', async () => {
    const emu = await start({ apiKeys: ['sk-ld-other'] });
    const id = emu.state.createAgent({ name: 'Private' });
    emu.state.forbidAgent(id, 'sk-ld-other');
    const denied = await call('GET', `/agent/v1/get?agentId=${id}`, undefined, { key: 'sk-ld-other' });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toEqual(expect.any(String));
    const publish = await call('POST', '/agent/v1/publish', { agentId: id }, { key: 'sk-ld-other' });
    expect(publish.status).toBe(403);
    const list = await call('GET', '/agent/v1/list', undefined, { key: 'sk-ld-other' });
    expect(list.body.agents).toEqual([]);
    expect((await call('GET', `/agent/v1/get?agentId=${id}`)).status).toBe(200);

    emu.state.forbidAgent(id);
    expect((await call('GET', `/agent/v1/get?agentId=${id}`)).status).toBe(403);
    emu.state.allowAgent(id);
    expect((await call('GET', `/agent/v1/get?agentId=${id}`)).status).toBe(200);
  });

  it('answers 403 INSUFFICIENT_SCOPES to read-only keys on writes, but lets them read', async () => {
    const emu = await start({ readOnlyApiKeys: ['sk-ld-read'] });
    const id = emu.state.createAgent({ name: 'Bot' });
    const res = await call('POST', '/agent/v1/publish', { agentId: id }, { key: 'sk-ld-read' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'INSUFFICIENT_SCOPES', details: { missing: ['AGENT_API'] } });
    expect((await call('GET', `/agent/v1/get?agentId=${id}`, undefined, { key: 'sk-ld-read' })).status).toBe(
      200,
    );

    emu.addApiKey('sk-ld-late', { readOnly: true });
    expect((await call('POST', '/agent/v1/create', { name: 'x' }, { key: 'sk-ld-late' })).status).toBe(403);
    emu.addApiKey('sk-ld-late');
    expect((await call('POST', '/agent/v1/create', { name: 'x' }, { key: 'sk-ld-late' })).status).toBe(201);
  });
});

describe('GET /agent/v1/models', () => {
  it('lists models in the OpenAI list shape', async () => {
    await start();
    const res = await call('GET', '/agent/v1/models');
    expect(res.body.object).toBe('list');
    expect(res.body.data[0]).toMatchObject({ id: expect.any(String), object: 'model' });
  });
});
