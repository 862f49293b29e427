import {
  AbortedError,
  ConfigurationError,
  ConflictError,
  ProviderUnavailableError,
  release,
  ValidationError,
} from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLangdockReleaser } from '../src/index.js';
import {
  AGENT,
  BASE,
  expectNoSecret,
  LIVE_AGENT,
  makeReleaser,
  nockLiveAgent,
  publishBody,
  rejectionOf,
  SENTINEL_KEY,
  updatedBody,
  VERSION,
} from './helpers.js';

// Langdock keeps one draft per agent, shared with its web UI. A release reads the live agent
// first, writes only when something differs, and refuses to publish edits it did not make.

const LIVE = LIVE_AGENT;
const getLive = nockLiveAgent;
const updated = updatedBody;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

describe('a release whose values are already live', () => {
  it('sends one GET and no update or publish, and resolves unchanged', async () => {
    getLive();
    const { releaser } = makeReleaser();
    const result = await release(releaser, AGENT, {
      instructions: 'v1',
      model: 'gpt-4o',
      providerOptions: { langdock: { emoji: null, conversationStarters: [], canvas: false } },
    });
    expect(result).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(result.steps.map((s) => `${s.name}=${s.status}`)).toEqual([
      'validate=ok',
      'edit-draft=ok',
      'publish=ok',
      'activate=skipped',
      'confirm=skipped',
    ]);
  });

  it('reads an action without requiresConfirmation as Langdock’s default true', async () => {
    getLive();
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, {
      providerOptions: { langdock: { actions: [{ actionId: VERSION.id }] } },
    });
    expect(draft.meta).toEqual({ updatedFields: [] });
    await expect(releaser.publish(draft)).resolves.toEqual({ status: 'unchanged', reason: 'no-changes' });
  });

  it('writes every requested field, in ≤ 3 requests, when one of them differs', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1', model: 'gpt-5' })
      .reply(200, updated({ model: 'gpt-5' }))
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const result = await release(releaser, AGENT, { instructions: 'v1', model: 'gpt-5' });
    expect(result).toMatchObject({ status: 'released', version: { id: VERSION.id } });
  });
});

describe('someone else’s unpublished edits in the shared draft', () => {
  it('are refused by default: our write is undone, nothing is published, the fields are named', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, updated({ instruction: 'v2', creativity: 0.9, conversationStarters: ['Hi'] }))
      // The restore puts back the live value of what this release wrote, and nothing else.
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' })
      .reply(200, updated({ creativity: 0.9, conversationStarters: ['Hi'] }));
    const { releaser, logger } = makeReleaser();
    const error = await rejectionOf(release(releaser, AGENT, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      provider: 'langdock',
      operation: 'editDraft',
      details: {
        agentId: AGENT,
        reason: 'foreign-draft-edits',
        fields: ['creativity', 'conversationStarters'],
        restored: true,
      },
    });
    expect((error as Error).message).toContain('creativity, conversationStarters');
    expect((error as Error).message).toContain("foreignDraftEdits: 'include'");
    expectNoSecret(error, logger.lines);
  });

  it('are published with ours when the call asks for it (foreignDraftEdits: include)', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, updated({ instruction: 'v2', creativity: 0.9 }))
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, { instructions: 'v2' }, { foreignDraftEdits: 'include' });
    await expect(releaser.publish(draft)).resolves.toMatchObject({ status: 'published' });
  });

  it('are published with ours when the releaser is built to include them', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, {})
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser } = makeReleaser({ foreignDraftEdits: 'include' });
    await expect(release(releaser, AGENT, { instructions: 'v2' })).resolves.toMatchObject({
      status: 'released',
    });
  });

  it('an edit to a field this release also writes is overwritten, not refused', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, updated({ instruction: 'v2' }))
      .post('/agent/v1/publish')
      .reply(200, publishBody());
    const { releaser } = makeReleaser();
    await expect(release(releaser, AGENT, { instructions: 'v2' })).resolves.toMatchObject({
      status: 'released',
    });
  });

  it('a bare update answer: not refused; the managed fields are set to live + this change, then published', async () => {
    getLive();
    const { id: _id, createdAt: _c, updatedAt: _u, disabled: _d, ...liveFields } = LIVE;
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, { status: 'success', message: 'Agent updated successfully' })
      // Every field the adapter manages, with its live value except what this release changes:
      // whatever else sat in the draft for those fields cannot ship.
      .patch('/agent/v1/update', { agentId: AGENT, ...liveFields, instruction: 'v2' })
      .reply(200, { status: 'success', message: 'Agent updated successfully' })
      .post('/agent/v1/publish', { agentId: AGENT })
      .reply(200, publishBody());
    const { releaser, logger } = makeReleaser();
    const result = await release(releaser, AGENT, { instructions: 'v2' });
    expect(result).toMatchObject({ status: 'released', version: { id: VERSION.id } });
    const [caveat] = result.caveats ?? [];
    expect(caveat).toContain('did not show the draft');
    expect(caveat).toContain('fields it does not manage were not checked');
    expect(logger.lines.some((l) => l.startsWith('warn') && l.includes('did not show the draft'))).toBe(true);
    expectNoSecret(result, logger.lines);
  });

  it('an update answer showing the live agent instead of the draft is read the same way', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, { status: 'success', agent: LIVE })
      .patch('/agent/v1/update', (body) => body.instruction === 'v2' && body.name === LIVE.name)
      .reply(200, { status: 'success', agent: LIVE });
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, { instructions: 'v2' });
    expect(draft).toMatchObject({ meta: { updatedFields: ['instruction'] } });
    expect(draft.caveats?.[0]).toContain('did not show the draft');
    expect(draft.baseVersionId).toBeUndefined();
  });

  it('a managed field the live agent does not show cannot be reset, and the detail names it', async () => {
    const { extendedThinking: _omitted, ...withoutThinking } = LIVE;
    getLive(withoutThinking);
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, {})
      .patch('/agent/v1/update', (body) => body.instruction === 'v2' && !('extendedThinking' in body))
      .reply(200, {});
    const { releaser } = makeReleaser();
    const draft = await releaser.editDraft(AGENT, { instructions: 'v2' });
    expect(draft.caveats?.[0]).toContain('nor extendedThinking');
  });

  it('a failed reset: the written fields are put back, nothing is published, the error surfaces', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, {})
      .patch('/agent/v1/update', (body) => body.instruction === 'v2' && 'name' in body)
      .reply(400, { message: 'name must be 1-80 characters' })
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' })
      .reply(200, {});
    const { releaser } = makeReleaser();
    const error = await rejectionOf(release(releaser, AGENT, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ operation: 'editDraft' });
  });

  it('a field the live agent does not show cannot be restored, and the error says so', async () => {
    const { extendedThinking: _omitted, ...withoutThinking } = LIVE;
    getLive(withoutThinking);
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, extendedThinking: true, instruction: 'v2' })
      .reply(200, updated({ extendedThinking: true, instruction: 'v2', canvas: true }))
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' })
      .reply(200, {});
    const { releaser } = makeReleaser();
    const error = await rejectionOf(
      releaser.editDraft(AGENT, {
        instructions: 'v2',
        providerOptions: { langdock: { extendedThinking: true } },
      }),
    );
    expect(error).toMatchObject({
      details: {
        reason: 'foreign-draft-edits',
        fields: ['canvas'],
        restored: false,
        notRestored: ['extendedThinking'],
      },
    });
  });

  for (const key of [SENTINEL_KEY, 'Zq7.x/9+mK_e-4Lw=pT2vR8c', 'abcdefgh12345678']) {
    it(`a failed restore is reported without leaking the key the vendor echoed (${key.slice(0, 4)}…)`, async () => {
      getLive();
      nock(BASE)
        .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
        .reply(200, updated({ instruction: 'v2', canvas: true }))
        .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' })
        .reply(400, { message: `bad key ${key} (Bearer ${key})`, errors: [key] });
      const { releaser, logger } = makeReleaser({ apiKey: key });
      const error = await rejectionOf(releaser.editDraft(AGENT, { instructions: 'v2' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        details: {
          reason: 'foreign-draft-edits',
          fields: ['canvas'],
          restored: false,
          restoreError: 'VALIDATION',
        },
      });
      expect((error as Error).message).toContain('could not all be put back (instruction)');
      expectNoSecret(error, logger.lines, key);
    });
  }
});

describe('an update that may have landed without an answer', () => {
  it('abandoned in flight (abort): the written fields are put back, AbortedError surfaces', async () => {
    const controller = new AbortController();
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2' })
      .reply(200, () => {
        controller.abort();
        return updated({ instruction: 'v2' });
      })
      // The undo is not cut by the caller's signal.
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' })
      .reply(200, updated({}));
    const { releaser } = makeReleaser();
    const error = await rejectionOf(
      releaser.editDraft(AGENT, { instructions: 'v2' }, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(AbortedError);
  });

  it('answer lost (5xx, no retries): the written fields are put back, the 5xx surfaces', async () => {
    getLive();
    nock(BASE)
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v2', canvas: true })
      .reply(500, { message: `boom ${SENTINEL_KEY}` })
      .patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1', canvas: false })
      .reply(200, updated({}));
    const { releaser, logger } = makeReleaser({ retry: false });
    const error = await rejectionOf(
      release(releaser, AGENT, { instructions: 'v2', providerOptions: { langdock: { canvas: true } } }),
    );
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ operation: 'editDraft', mayHaveTakenEffect: true });
    expectNoSecret(error, logger.lines);
  });

  it('a refused update (4xx) changed nothing: no undo is sent', async () => {
    getLive();
    nock(BASE).patch('/agent/v1/update').once().reply(400, { message: 'model unknown' });
    const { releaser } = makeReleaser();
    await expect(releaser.editDraft(AGENT, { model: 'nope' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the foreignDraftEdits option', () => {
  it('a bad per-call value is a ValidationError before any request', async () => {
    const { releaser } = makeReleaser();
    const error = await rejectionOf(
      releaser.editDraft(AGENT, { instructions: 'v2' }, { foreignDraftEdits: 'yes' as never }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ issues: [{ path: 'options.foreignDraftEdits' }] });
  });

  it('a bad releaser option is a ConfigurationError', () => {
    expect(() =>
      createLangdockReleaser({ apiKey: SENTINEL_KEY, foreignDraftEdits: 'always' as never }),
    ).toThrow(ConfigurationError);
  });
});
