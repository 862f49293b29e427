import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client } from './helpers.js';

let atoms: AtomsEmulator;
let call: ReturnType<typeof client>;

beforeEach(async () => {
  atoms = await startAtomsEmulator();
  call = client(atoms);
});
afterEach(async () => {
  await atoms.close();
});

describe('Atoms emulator basics', () => {
  it('listens on 127.0.0.1 and exposes the /atoms/v1 base URL and an sk_ key', () => {
    expect(atoms.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(atoms.baseUrl).toBe(`${atoms.url}/atoms/v1`);
    expect(atoms.apiKey).toMatch(/^sk_emulator_[0-9a-f]+$/);
  });

  it('answers 401 with the documented envelope without a valid bearer key', async () => {
    const none = await call('GET', '/agent/000000000000000000000000', undefined, { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ status: false, errors: ['Unauthorized: User not found'] });
    const wrong = await call('GET', '/agent/000000000000000000000000', undefined, { key: 'sk_wrong' });
    expect(wrong.status).toBe(401);
  });

  it('accepts extra keys from options and addApiKey, and stops accepting removed ones', async () => {
    await atoms.close();
    atoms = await startAtomsEmulator({ apiKey: 'sk_main', apiKeys: ['sk_tenant_a'] });
    call = client(atoms);
    expect((await call('POST', '/agent', { name: 'a' }, { key: 'sk_tenant_a' })).status).toBe(201);
    expect((await call('POST', '/agent', { name: 'b' }, { key: 'sk_tenant_b' })).status).toBe(401);
    atoms.addApiKey('sk_tenant_b');
    expect((await call('POST', '/agent', { name: 'b' }, { key: 'sk_tenant_b' })).status).toBe(201);
    atoms.removeApiKey('sk_tenant_b');
    expect((await call('POST', '/agent', { name: 'c' }, { key: 'sk_tenant_b' })).status).toBe(401);
  });

  it('answers 404 outside the base path and on unknown routes', async () => {
    const res = await fetch(`${atoms.url}/nope`, { headers: { Authorization: `Bearer ${atoms.apiKey}` } });
    expect(res.status).toBe(404);
    expect((await call('GET', '/unknown')).status).toBe(404);
  });

  it('answers 400 Invalid input for a malformed JSON body', async () => {
    const res = await call('POST', '/agent', undefined, { raw: '{"name":' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: false, errors: ['Invalid input'] });
  });
});

describe('POST /agent', () => {
  it('creates an agent: 201 with data = the id string, versioned from the start', async () => {
    const res = await call('POST', '/agent', { name: 'lifecycle-demo' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe(true);
    expect(res.body.data).toMatch(/^[a-f\d]{24}$/);
    const versions = atoms.state.versions(res.body.data);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      versionNumber: 1,
      status: 'published',
      isActive: true,
      securityCheck: { status: 'passed' },
    });
    expect(atoms.state.activeVersionId(res.body.data)).toBe(versions[0]!._id);
  });

  it('requires name', async () => {
    const res = await call('POST', '/agent', {});
    expect(res.status).toBe(400);
    expect(res.body.status).toBe(false);
    expect(res.body.errors[0]).toMatch(/name/);
  });

  it('rejects language without switching with 400 "Invalid Input: Required"', async () => {
    const res = await call('POST', '/agent', { name: 'x', language: { default: 'en' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: false, errors: ['Invalid Input: Required'] });
    const ok = await call('POST', '/agent', { name: 'x', language: { switching: { isEnabled: false } } });
    expect(ok.status).toBe(201);
  });

  it('enforces the language rules (default in supported, ta alone, north_indic needs pulse)', async () => {
    const sw = { isEnabled: false };
    const bad = [
      { default: 'hi', supported: ['en'], switching: sw },
      { default: 'ta', supported: ['ta', 'en'], switching: sw },
    ];
    for (const language of bad)
      expect((await call('POST', '/agent', { name: 'x', language })).status).toBe(400);
    const northIndic = { default: 'north_indic', supported: ['north_indic'], switching: sw };
    expect(
      (await call('POST', '/agent', { name: 'x', language: northIndic, transcriberType: 'pulse-legacy' }))
        .status,
    ).toBe(400);
    expect((await call('POST', '/agent', { name: 'x', language: northIndic })).status).toBe(201);
  });

  it('answers 403 for gated models unless allowed, and 400 for realtime models on workflow_graph', async () => {
    const gated = await call('POST', '/agent', { name: 'x', slmModel: 'gpt-5.2' });
    expect(gated.status).toBe(403);
    expect(gated.body.errors[0]).toContain('not available for your organization');
    const realtime = await call('POST', '/agent', {
      name: 'x',
      slmModel: 'gpt-realtime',
      workflowType: 'workflow_graph',
    });
    expect(realtime.status).toBe(400);
    await atoms.close();
    atoms = await startAtomsEmulator({ allowGatedModels: true });
    call = client(atoms);
    expect((await call('POST', '/agent', { name: 'x', slmModel: 'gpt-5.2' })).status).toBe(201);
  });

  it('overrides backgroundSound with the server default on creation', async () => {
    const res = await call('POST', '/agent', { name: 'x', backgroundSound: 'cafe', firstMessage: 'Hi' });
    const agent = atoms.state.agent(res.body.data)!;
    expect(agent._resolvedConfig.backgroundSound).toBe('');
    expect(agent._resolvedConfig.firstMessage).toBe('Hi');
  });

  it('caps firstMessage at 500 characters on create', async () => {
    expect((await call('POST', '/agent', { name: 'x', firstMessage: 'a'.repeat(501) })).status).toBe(400);
  });
});

describe('GET /agent/{id}', () => {
  it('returns the AgentDTO with activeVersionId, its versionId alias and the resolved config', async () => {
    const id = atoms.state.createAgent({ name: 'reader', prompt: 'You are helpful.', firstMessage: 'Hello' });
    const res = await call('GET', `/agent/${id}`);
    expect(res.status).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ _id: id, name: 'reader', workflowType: 'single_prompt', archived: false });
    expect(data.activeVersionId).toBe(atoms.state.activeVersionId(id));
    expect(data.versionId).toBe(data.activeVersionId);
    expect(data._resolvedConfig).toMatchObject({
      prompt: 'You are helpful.',
      tools: [],
      firstMessage: 'Hello',
      modelName: 'electron',
    });
    // The spec types workflowGraph as an object, not nullable: a prompt agent has none.
    expect(data._resolvedConfig).not.toHaveProperty('workflowGraph');
    expect(data.slmModel).toBe('electron');
    expect(data._configSource).toBeUndefined();
  });

  it('answers 400 "No agent found" (not 404) for an unknown agent', async () => {
    const res = await call('GET', '/agent/0123456789abcdef01234567');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: false, errors: ['No agent found'] });
  });

  it('resolves the config from ?draftId= and ?versionId= and says so in _configSource', async () => {
    const id = atoms.state.createAgent({ name: 'x', prompt: 'v1 prompt' });
    const v1 = atoms.state.activeVersionId(id)!;
    const fork = await call('POST', `/agent/${id}/drafts`, { sourceVersionId: v1 });
    const draftId = fork.body.data.draftId;
    await call('PATCH', `/agent/${id}/drafts/${draftId}/config`, {
      singlePromptConfig: { prompt: 'draft prompt' },
    });

    const byDraft = await call('GET', `/agent/${id}?draftId=${draftId}`);
    expect(byDraft.body.data._configSource).toBe('draft');
    expect(byDraft.body.data._resolvedConfig.prompt).toBe('draft prompt');

    const byVersion = await call('GET', `/agent/${id}?versionId=${v1}`);
    expect(byVersion.body.data._configSource).toBe('version');
    expect(byVersion.body.data._resolvedConfig.prompt).toBe('v1 prompt');

    expect((await call('GET', `/agent/${id}?draftId=draft_nope`)).status).toBe(404);
    expect((await call('GET', `/agent/${id}?versionId=nothex`)).status).toBe(400);
  });
});

describe('PATCH /agent/{id}', () => {
  it('updates metadata and answers data = agent id', async () => {
    const id = atoms.state.createAgent({ name: 'old' });
    const res = await call('PATCH', `/agent/${id}`, { name: 'new', description: 'd' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: id });
    expect(atoms.state.agent(id)).toMatchObject({ name: 'new', description: 'd' });
  });

  it('refuses config fields on a versioned agent', async () => {
    const id = atoms.state.createAgent({ name: 'x' });
    const res = await call('PATCH', `/agent/${id}`, { firstMessage: 'Hi' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      'Agent has versioning enabled. Config changes must be made through drafts.',
    ]);
  });

  it('answers 404 for an unknown agent', async () => {
    expect((await call('PATCH', '/agent/0123456789abcdef01234567', { name: 'x' })).status).toBe(404);
  });
});

describe('archive and delete', () => {
  it('archives and unarchives, 409 when already in that state', async () => {
    const id = atoms.state.createAgent({ name: 'x' });
    const archived = await call('DELETE', `/agent/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ status: true, data: { message: 'Agent archived' } });
    expect(atoms.state.agent(id)?.archived).toBe(true);

    const again = await call('DELETE', `/agent/${id}/archive?on=true`);
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual(['Agent is already archived']);

    const restored = await call('DELETE', `/agent/${id}/archive?on=false`);
    expect(restored.body.data.message).toBe('Agent unarchived');
    const active = await call('DELETE', `/agent/${id}/archive?on=false`);
    expect(active.status).toBe(409);
    expect(active.body.errors).toEqual(['Agent is already active']);
  });

  it('answers 404 for plain DELETE /agent/{id} and leaves the agent alone', async () => {
    const id = atoms.state.createAgent({ name: 'x' });
    const res = await call('DELETE', `/agent/${id}`);
    expect(res.status).toBe(404);
    expect(atoms.state.agent(id)?.archived).toBe(false);
  });
});
