import { release, UnsupportedOperationError, ValidationError } from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LANGDOCK_CAPABILITIES, LANGDOCK_LIVE_VERSION_ID } from '../src/index.js';
import {
  AGENT,
  BASE,
  LIVE_AGENT,
  makeReleaser,
  nockLiveAgent,
  OTHER_AGENT,
  publishBody,
  SENTINEL_KEY,
  updatedBody,
  VERSION,
} from './helpers.js';

const AUTH = `Bearer ${SENTINEL_KEY}`;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

describe('capabilities', () => {
  it('are honest about what Langdock can do', () => {
    const { releaser } = makeReleaser();
    expect(releaser.provider).toBe('langdock');
    expect(releaser.capabilities).toEqual({
      activation: 'on-publish',
      publishGate: 'none',
      drafts: 'one',
      versionHistory: false,
      rollback: 'none',
      confirmsActiveVersion: false,
    });
    expect(releaser.capabilities).toBe(LANGDOCK_CAPABILITIES);
  });
});

describe('editDraft → GET /agent/v1/get, then PATCH /agent/v1/update', () => {
  it('maps instructions → instruction and model → model, with bearer auth and JSON', async () => {
    nock(BASE)
      .matchHeader('authorization', AUTH)
      .get('/agent/v1/get')
      .query({ agentId: AGENT })
      .reply(200, { status: 'success', agent: LIVE_AGENT });
    const scope = nock(BASE)
      .matchHeader('authorization', AUTH)
      .matchHeader('content-type', 'application/json')
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'Be brief.', model: 'gpt-4.1' })
      .reply(200, updatedBody({ instruction: 'Be brief.', model: 'gpt-4.1' }));
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, { instructions: 'Be brief.', model: 'gpt-4.1' });
    expect(draft).toEqual({
      provider: 'langdock',
      agentId: AGENT,
      draftId: 'draft',
      meta: { updatedFields: ['instruction', 'model'], restore: { instruction: 'v1', model: 'gpt-4o' } },
    });
    scope.done();
  });

  it('sends every documented providerOptions.langdock field under its own name', async () => {
    const langdock = {
      name: 'Support bot',
      description: 'Answers support questions',
      emoji: null,
      instruction: 'You are the support bot.',
      inputType: 'STRUCTURED' as const,
      creativity: 0.7,
      conversationStarters: ['How do I reset my password?'],
      actions: [{ actionId: VERSION.id, requiresConfirmation: false }],
      inputFields: [{ slug: 'ticket', type: 'TEXT', label: 'Ticket', required: true }],
      attachments: [OTHER_AGENT],
      webSearch: true,
      imageGeneration: false,
      dataAnalyst: true,
      canvas: false,
      extendedThinking: true,
    };
    nockLiveAgent();
    nock(BASE)
      .matchHeader('authorization', AUTH)
      .patch('/agent/v1/update', { agentId: AGENT, ...langdock, model: 'gpt-5' })
      .reply(200, updatedBody({ ...langdock, model: 'gpt-5' }));
    const { releaser } = makeReleaser();
    await releaser.editDraft(AGENT, { model: 'gpt-5', providerOptions: { langdock } });
  });

  it('ignores other providers’ options and drops explicit undefined values', async () => {
    nockLiveAgent();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, canvas: true })
      .reply(200, updatedBody({ canvas: true }));
    const { releaser } = makeReleaser();
    await releaser.editDraft(AGENT, {
      providerOptions: { langdock: { canvas: true, name: undefined }, atoms: { anything: 1 } },
    });
  });

  it('sends nothing when no change is for Langdock, and its publish sends nothing either', async () => {
    // nock.disableNetConnect() plus no interceptor: any request here would fail the test.
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, { providerOptions: { atoms: { voice: 'x' } } });
    expect(draft).toMatchObject({ agentId: AGENT, draftId: 'draft', meta: { updatedFields: [] } });
    await expect(releaser.publish(draft)).resolves.toEqual({ status: 'unchanged', reason: 'no-changes' });
  });

  it('re-sends a PATCH whose response was a 503 (an update is idempotent)', async () => {
    nockLiveAgent();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'x' })
      .reply(503, { message: 'busy' })
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'x' })
      .reply(200, updatedBody({ instruction: 'x' }));
    const { releaser, clock } = makeReleaser();
    await releaser.editDraft(AGENT, { instructions: 'x' });
    expect(clock.sleeps).toHaveLength(1);
  });
});

describe('publish → POST /agent/v1/publish', () => {
  it('returns a version that is already live', async () => {
    nock(BASE)
      .matchHeader('authorization', AUTH)
      .post('/agent/v1/publish', { agentId: AGENT, description: 'Tightened the prompt' })
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const outcome = await releaser.publish(
      { provider: 'langdock', agentId: AGENT, draftId: 'draft' },
      { description: 'Tightened the prompt' },
    );
    expect(outcome).toEqual({
      status: 'published',
      version: {
        provider: 'langdock',
        agentId: AGENT,
        id: VERSION.id,
        number: 4,
        label: undefined,
        description: 'Tightened the prompt',
        isActive: true,
        createdAt: VERSION.createdAt,
        activatedAt: VERSION.createdAt,
      },
    });
  });

  it('sends only agentId when there is no description', async () => {
    nock(BASE)
      .post('/agent/v1/publish', (body) => JSON.stringify(body) === JSON.stringify({ agentId: AGENT }))
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const outcome = await releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' });
    expect(outcome.status).toBe('published');
  });

  it('sends a label as the change description when no description is given', async () => {
    nock(BASE)
      .post('/agent/v1/publish', { agentId: AGENT, description: 'v2026.01' })
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const outcome = await releaser.publish(
      { provider: 'langdock', agentId: AGENT, draftId: 'draft' },
      { label: 'v2026.01' },
    );
    expect(outcome.status === 'published' && outcome.version).toMatchObject({
      label: 'v2026.01',
      description: 'v2026.01',
    });
  });

  it('maps 409 to unchanged / no-changes after exactly one request', async () => {
    nock(BASE).post('/agent/v1/publish').once().reply(409, { message: 'No draft changes to publish' });
    const { releaser, clock } = makeReleaser();
    const outcome = await releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' });
    expect(outcome).toEqual({ status: 'unchanged', reason: 'no-changes' });
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for Retry-After on 429 and re-sends (a 429 was not processed)', async () => {
    nock(BASE)
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(429, { message: 'Rate limit exceeded' }, { 'Retry-After': '2' })
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser, clock } = makeReleaser();
    const outcome = await releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' });
    expect(outcome.status).toBe('published');
    expect(clock.sleeps).toEqual([2000]);
  });

  it('rejects a draft of another provider or another draft id without a request', async () => {
    const { releaser } = makeReleaser();
    await expect(releaser.publish({ provider: 'atoms', agentId: AGENT, draftId: 'draft' })).rejects.toThrow(
      ValidationError,
    );
    await expect(releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'd2' })).rejects.toThrow(
      ValidationError,
    );
    await expect(
      releaser.publish({ provider: 'langdock', agentId: 'nope', draftId: 'draft' }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('activate', () => {
  it('is a no-op for the version just published and for the live marker', async () => {
    nock(BASE).post('/agent/v1/publish').reply(200, publishBody());
    const { releaser } = makeReleaser();
    const outcome = await releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' });
    if (outcome.status !== 'published') throw new Error('expected published');
    // nock.disableNetConnect() plus no interceptor: any request here would fail the test.
    await expect(releaser.activate(AGENT, VERSION.id)).resolves.toEqual(outcome.version);
    await expect(releaser.activate(AGENT, LANGDOCK_LIVE_VERSION_ID)).resolves.toMatchObject({
      id: 'live',
      isActive: true,
    });
  });

  it('refuses any other version with UnsupportedOperationError that says why', async () => {
    const { releaser } = makeReleaser();
    const error = await releaser.activate(AGENT, OTHER_AGENT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as Error).message).toMatch(/makes a version live when it is published/);
    expect((error as Error).message).toMatch(/no API to re-activate an older version/);
    expect((error as Error).message).toMatch(/publish the old configuration again/);
  });

  it('refuses an older version once a newer one was published', async () => {
    const second = { ...VERSION, id: OTHER_AGENT, version: 5 };
    nock(BASE)
      .post('/agent/v1/publish')
      .reply(200, publishBody())
      .post('/agent/v1/publish')
      .reply(200, publishBody(second));
    const { releaser } = makeReleaser();
    const draft = { provider: 'langdock', agentId: AGENT, draftId: 'draft' };
    await releaser.publish(draft);
    await releaser.publish(draft);
    await expect(releaser.activate(AGENT, VERSION.id)).rejects.toThrow(UnsupportedOperationError);
    await expect(releaser.activate(AGENT, OTHER_AGENT)).resolves.toMatchObject({
      id: OTHER_AGENT,
      number: 5,
    });
  });
});

describe('getActiveVersion → GET /agent/v1/get?agentId=', () => {
  it('says "live" until this releaser has published, then names that version', async () => {
    nock(BASE)
      .matchHeader('authorization', AUTH)
      .get('/agent/v1/get')
      .query({ agentId: AGENT })
      .twice()
      .reply(200, { status: 'success', agent: { id: AGENT, name: 'Bot', instruction: 'x' } })
      .post('/agent/v1/publish')
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    await expect(releaser.getActiveVersion(AGENT)).resolves.toEqual({
      provider: 'langdock',
      agentId: AGENT,
      id: LANGDOCK_LIVE_VERSION_ID,
      isActive: true,
    });
    await releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' });
    await expect(releaser.getActiveVersion(AGENT)).resolves.toMatchObject({ id: VERSION.id, isActive: true });
  });

  it('validates the id before any request', async () => {
    const { releaser } = makeReleaser();
    for (const bad of ['../x', 'a/b', '', 'agent_1', `${AGENT}/../x`]) {
      await expect(releaser.getActiveVersion(bad)).rejects.toThrow(ValidationError);
    }
  });
});

describe('a dedicated deployment base URL (<deployment-url>/api/public)', () => {
  for (const baseUrl of [
    'https://langdock.example.com/api/public',
    'https://langdock.example.com/api/public/',
  ]) {
    it(`appends the API paths to ${baseUrl}`, async () => {
      nock('https://langdock.example.com')
        .matchHeader('authorization', AUTH)
        .get('/api/public/agent/v1/get')
        .query({ agentId: AGENT })
        .reply(200, { status: 'success', agent: LIVE_AGENT })
        .patch('/api/public/agent/v1/update', { agentId: AGENT, instruction: 'Hi' })
        .reply(200, updatedBody({ instruction: 'Hi' }))
        .post('/api/public/agent/v1/publish', { agentId: AGENT })
        .reply(200, publishBody())
        .get('/api/public/agent/v1/get')
        .query({ agentId: AGENT })
        .reply(200, { status: 'success', agent: { id: AGENT } });
      const { releaser } = makeReleaser({ baseUrl });
      const result = await release(releaser, AGENT, { instructions: 'Hi' });
      expect(result.status).toBe('released');
      expect(result.version).toMatchObject({ id: VERSION.id, isActive: true });
      await releaser.getActiveVersion(AGENT);
    });
  }
});

describe('release() over nock', () => {
  it('runs read → update → publish and skips activate and confirm', async () => {
    nockLiveAgent();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'New prompt' })
      .reply(200, updatedBody({ instruction: 'New prompt' }))
      .post('/agent/v1/publish', { agentId: AGENT, description: 'prompt tweak' })
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const result = await release(
      releaser,
      AGENT,
      { instructions: 'New prompt' },
      { description: 'prompt tweak' },
    );
    expect(result.status).toBe('released');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['validate', 'ok'],
      ['edit-draft', 'ok'],
      ['publish', 'ok'],
      ['activate', 'skipped'],
      ['confirm', 'skipped'],
    ]);
  });
});
