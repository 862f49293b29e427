import {
  ConflictError,
  type DraftRef,
  NotFoundError,
  ProviderUnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import {
  AGENT,
  agentBody,
  api,
  connectionReset,
  DRAFT,
  draftRow,
  fail,
  makeReleaser,
  ok,
  P,
  TOOLS,
  useNock,
  V1,
  V2,
  V3,
  versionRow,
} from './fixtures.js';

useNock();

const forked = ok(draftRow());

describe('editDraft', () => {
  it('forks from the active version and sends the prompt together with the existing tools', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, forked);
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, {
        singlePromptConfig: { prompt: 'New prompt', tools: TOOLS },
      })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, { instructions: 'New prompt' });

    expect(draft).toEqual({
      provider: 'atoms',
      agentId: AGENT,
      draftId: DRAFT,
      baseVersionId: V1,
      revision: 1,
      meta: { apiGeneration: 'v1', workflowType: 'single_prompt' },
    });
  });

  it('sends instructions as globalPrompt to workflow_graph agents', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(
        200,
        agentBody({ workflowType: 'workflow_graph' }, { workflowGraph: { nodes: [] }, tools: null }),
      );
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, forked);
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, { globalPrompt: 'Graph prompt' })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, { instructions: 'Graph prompt' });
    expect(draft.meta).toEqual({ apiGeneration: 'v1', workflowType: 'workflow_graph' });
  });

  it('rejects a globalPrompt over 4000 characters after reading the agent, before forking', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, agentBody({ workflowType: 'workflow_graph' }));

    const error = await releaser
      .editDraft(AGENT, { instructions: 'x'.repeat(4001) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('changes.instructions');
  });

  it('maps firstMessage and model, and passes providerOptions.atoms through', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, forked);
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, {
        firstMessage: 'Hello!',
        slmModel: 'gpt-4.1',
        backgroundSound: 'office',
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            {
              identifier: 'outcome',
              dispositionMetricPrompt: 'How did it go?',
              dispositionMetricType: 'ENUM',
              choices: ['good', 'bad'],
            },
          ],
        },
      })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    await releaser.editDraft(AGENT, {
      firstMessage: 'Hello!',
      model: 'gpt-4.1',
      providerOptions: {
        atoms: {
          backgroundSound: 'office',
          postCallAnalyticsConfig: {
            dispositionMetrics: [
              {
                identifier: 'outcome',
                dispositionMetricPrompt: 'How did it go?',
                dispositionMetricType: 'ENUM',
                choices: ['good', 'bad'],
              },
            ],
          },
        },
        langdock: { ignored: true },
      },
    });
  });

  it('edits a given draft: reads it and its config, and does not fork', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    const draftTools = [TOOLS[0]];
    api()
      .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
      .query({ limit: '1' })
      .reply(200, ok({ latest: draftRow({ draftRevision: 3 }), editHistory: [], editCount: 3 }));
    api()
      .get(`${P}/agent/${AGENT}`)
      .query({ draftId: DRAFT })
      .reply(200, agentBody({ _configSource: 'draft' }, { tools: draftTools }));
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, {
        singlePromptConfig: { prompt: 'Draft prompt', tools: draftTools },
      })
      .reply(200, ok(draftRow({ draftRevision: 4 })));

    const draft = await releaser.editDraft(AGENT, { instructions: 'Draft prompt' }, { draftId: DRAFT });
    expect(draft).toMatchObject({ draftId: DRAFT, baseVersionId: V1, revision: 4 });
  });

  it("carries the fork's server createdAt in meta, for publish's reconciliation", async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api()
      .post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 })
      .reply(201, ok(draftRow({ createdAt: '2026-01-02T00:00:00.000Z' })));
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`)
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, { instructions: 'New prompt' });
    expect(draft.meta).toEqual({
      apiGeneration: 'v1',
      workflowType: 'single_prompt',
      draftCreatedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('carries the createdAt of a given draft from the read it already makes (no extra request)', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
      .query({ limit: '1' })
      .reply(200, ok({ latest: draftRow({ createdAt: '2026-01-02T00:00:00.000Z' }), editHistory: [] }));
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, { firstMessage: 'Hello' })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, { firstMessage: 'Hello' }, { draftId: DRAFT });
    expect(draft.meta).toMatchObject({ draftCreatedAt: '2026-01-02T00:00:00.000Z' });
  });

  it('sends no PATCH when nothing maps to Atoms', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, forked);

    const draft = await releaser.editDraft(AGENT, { providerOptions: { langdock: { temperature: 0.2 } } });
    expect(draft.draftId).toBe(DRAFT);
  });

  it('refuses to send a prompt when the agent read lacks the tools (they would be wiped)', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, { status: true, data: { _id: AGENT, workflowType: 'single_prompt', activeVersionId: V1 } });

    const error = await releaser.editDraft(AGENT, { instructions: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).field).toBe('_resolvedConfig.tools');
  });

  it('fails with ConflictError when the agent has no active version to fork from', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(200, { status: true, data: { _id: AGENT, activeVersionId: null } });

    await expect(releaser.editDraft(AGENT, { firstMessage: 'x' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('retries a fork whose answer was lost (an orphan draft is harmless)', async () => {
    const { releaser, clock } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(503, fail('Service Unavailable'));
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).replyWithError(connectionReset());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, forked);
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, { firstMessage: 'x' })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, { firstMessage: 'x' });
    expect(draft.draftId).toBe(DRAFT);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('rejects a fork answer without a usable draftId', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api()
      .post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 })
      .reply(201, ok({ _id: '../../agent', draftId: '../../agent' }));

    await expect(releaser.editDraft(AGENT, { firstMessage: 'x' })).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
  });

  it.each([
    ['an unknown model', { model: 'gpt-3' }, 'changes.model'],
    ['agent metadata', { providerOptions: { atoms: { name: 'x' } } }, 'changes.providerOptions.atoms.name'],
    [
      'instructions with singlePromptConfig',
      { instructions: 'a', providerOptions: { atoms: { singlePromptConfig: { prompt: 'b' } } } },
      'changes.providerOptions.atoms.singlePromptConfig',
    ],
    [
      'an unknown atoms field',
      { providerOptions: { atoms: { prompt: 'x' } } },
      'changes.providerOptions.atoms',
    ],
    [
      'a tool name with spaces',
      {
        providerOptions: {
          atoms: {
            singlePromptConfig: {
              prompt: 'p',
              tools: [{ type: 'end_call', name: 'end call', description: 'd' }],
            },
          },
        },
      },
      'changes.providerOptions.atoms.singlePromptConfig.tools.0.name',
    ],
    ['no change at all', {}, 'changes'],
  ])('rejects %s before any request', async (_label, changes, path) => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    const error = await releaser.editDraft(AGENT, changes as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(path);
  });

  it.each([['../x'], ['65A1B2C3D4E5F60718293A4B'], ['abc'], ['65a1b2c3d4e5f60718293a4b/drafts']])(
    'rejects agent id %j before any request',
    async (id) => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      await expect(releaser.editDraft(id, { instructions: 'x' })).rejects.toBeInstanceOf(ValidationError);
      await expect(releaser.getActiveVersion(id)).rejects.toBeInstanceOf(ValidationError);
      await expect(releaser.activate(id, V2)).rejects.toBeInstanceOf(ValidationError);
    },
  );

  it('rejects a draftId that is not a safe token', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    await expect(
      releaser.editDraft(AGENT, { instructions: 'x' }, { draftId: '../v' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('publish', () => {
  const draft: DraftRef = { provider: 'atoms', agentId: AGENT, draftId: DRAFT, baseVersionId: V1 };
  const diff = (hasChanges: boolean) =>
    ok({ sections: { workflow_prompt: { before: {}, after: {}, changed: hasChanges } }, hasChanges });
  const newest = (id: string) => ok({ versions: [versionRow(id, { isActive: true })], total: 1 });

  it('discards a draft without changes and returns unchanged, creating no version', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(false));
    api().delete(`${P}/agent/${AGENT}/drafts/${DRAFT}`).reply(200, ok(null));

    expect(await releaser.publish(draft)).toEqual({ status: 'unchanged', reason: 'no-changes' });
  });

  it('still answers unchanged when discarding the empty draft fails', async () => {
    const { releaser, logger } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(false));
    api().delete(`${P}/agent/${AGENT}/drafts/${DRAFT}`).reply(500, fail('Internal server error'));

    expect(await releaser.publish(draft)).toEqual({ status: 'unchanged', reason: 'no-changes' });
    expect(logger.lines.some((l) => l.includes('could not discard'))).toBe(true);
  });

  it('publishes with label and description and never sends activate', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
    api().get(`${P}/agent/${AGENT}/versions`).query({ limit: '1', skip: '0' }).reply(200, newest(V1));
    api()
      .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, { label: 'v2', description: 'greeting' })
      .reply(201, ok(versionRow(V2, { label: 'v2', description: 'greeting' })));

    const outcome = await releaser.publish(draft, { label: 'v2', description: 'greeting' });
    expect(outcome).toEqual({
      status: 'published',
      version: {
        provider: 'atoms',
        agentId: AGENT,
        id: V2,
        number: 2,
        label: 'v2',
        description: 'greeting',
        isActive: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        gate: { status: 'pending', raw: 'queued', reason: undefined },
      },
    });
  });

  it('sends an empty body without label or description', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
    api().get(`${P}/agent/${AGENT}/versions`).query({ limit: '1', skip: '0' }).reply(200, newest(V1));
    api()
      .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {})
      .reply(201, ok(versionRow(V2)));

    const outcome = await releaser.publish(draft);
    expect(outcome.status).toBe('published');
  });

  it('reads the draft source first when the DraftRef has none', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
    api()
      .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
      .query({ limit: '1' })
      .reply(200, ok({ latest: draftRow(), editHistory: [], editCount: 1 }));
    api().get(`${P}/agent/${AGENT}/versions`).query({ limit: '1', skip: '0' }).reply(200, newest(V1));
    api()
      .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {})
      .reply(201, ok(versionRow(V2)));

    const outcome = await releaser.publish({ provider: 'atoms', agentId: AGENT, draftId: DRAFT });
    expect(outcome.status).toBe('published');
  });

  it.each([
    ['a label over 200 characters', { label: 'l'.repeat(201) }, 'options.label'],
    ['a description over 2000 characters', { description: 'd'.repeat(2001) }, 'options.description'],
  ])('rejects %s before any request', async (_label, opts, field) => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    const error = await releaser.publish(draft, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });

  it('rejects a draft of another provider', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    await expect(releaser.publish({ ...draft, provider: 'langdock' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  describe('exactly once after a lost answer', () => {
    const prepare = () => {
      api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
      api().get(`${P}/agent/${AGENT}/versions`).query({ limit: '1', skip: '0' }).reply(200, newest(V1));
    };

    it('finds the version a dropped publish created and does not re-send', async () => {
      const { releaser, logger } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      api()
        .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, { label: 'mine' })
        .replyWithError(connectionReset());
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(404, fail('Draft not found'));
      api()
        .get(`${P}/agent/${AGENT}/versions`)
        .query({ limit: '20', skip: '0' })
        .reply(
          200,
          ok({
            versions: [
              // Newer, but someone else's publish (other label).
              versionRow(V3, { versionNumber: 3, label: 'theirs' }),
              versionRow(V2, { versionNumber: 2, label: 'mine' }),
              versionRow(V1, { versionNumber: 1, isActive: true, sourceVersionId: null }),
            ],
            total: 3,
          }),
        );

      const outcome = await releaser.publish(draft, { label: 'mine' });
      expect(outcome.status).toBe('published');
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
      expect(logger.lines.some((l) => l.includes('reconciling'))).toBe(true);
    });

    it('re-sends once when a 5xx publish left the draft open', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {}).reply(500, fail('Internal server error'));
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(200, ok({ latest: draftRow(), editHistory: [], editCount: 1 }));
      api()
        .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {})
        .reply(201, ok(versionRow(V2)));

      const outcome = await releaser.publish(draft);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('finds the version when a 5xx publish had applied', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {}).reply(502, fail('Bad gateway'));
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(404, fail('Resource not found'));
      api()
        .get(`${P}/agent/${AGENT}/versions`)
        .query({ limit: '20', skip: '0' })
        .reply(200, ok({ versions: [versionRow(V2), versionRow(V1, { isActive: true })], total: 2 }));

      const outcome = await releaser.publish(draft);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('sends publish at most twice and then surfaces the error', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      const open = ok({ latest: draftRow(), editHistory: [], editCount: 1 });
      api()
        .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {})
        .times(2)
        .reply(500, fail('Internal server error'));
      api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}`).query({ limit: '1' }).times(2).reply(200, open);

      const error = await releaser.publish(draft).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as ProviderUnavailableError).mayHaveTakenEffect).toBe(true);
    });

    it('reports a conflict when the draft vanished without a version', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {}).replyWithError(connectionReset());
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(404, fail('Draft not found'));
      api()
        .get(`${P}/agent/${AGENT}/versions`)
        .query({ limit: '20', skip: '0' })
        .reply(200, ok({ versions: [versionRow(V1, { isActive: true })], total: 1 }));

      await expect(releaser.publish(draft)).rejects.toBeInstanceOf(ConflictError);
    });

    it('does not reconcile errors that cannot have taken effect', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      prepare();
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {}).reply(404, fail('Draft not found'));

      await expect(releaser.publish(draft)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('reconciling a lost publish by server timestamps (draft createdAt in meta)', () => {
    const CREATED = '2026-01-02T00:00:00.000Z';
    const timed: DraftRef = { ...draft, meta: { apiGeneration: 'v1', draftCreatedAt: CREATED } };
    const before = '2026-01-01T23:59:59.000Z';
    const after = '2026-01-02T00:00:05.000Z';
    const at = (iso: string, extra: Record<string, unknown> = {}) => ({
      createdAt: iso,
      publishedAt: iso,
      ...extra,
    });
    /** Diff, then a publish whose answer is lost, then the draft found gone. */
    const lostPublish = (body: { label?: string }) => {
      api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, body).replyWithError(connectionReset());
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(404, fail('Draft not found'));
    };
    const page = (...versions: unknown[]) => {
      api()
        .get(`${P}/agent/${AGENT}/versions`)
        .query({ limit: '20', skip: '0' })
        .reply(200, ok({ versions, total: versions.length }));
    };

    it('publishes without the pre-publish version read', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
      api()
        .post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {})
        .reply(201, ok(versionRow(V2)));

      const outcome = await releaser.publish(timed);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('finds the version published at or after the draft was created, from its source', async () => {
      const { releaser, logger } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({});
      page(
        versionRow(V2, at(after)),
        versionRow(V1, at('2026-01-01T00:00:00.000Z', { isActive: true, sourceVersionId: null })),
      );

      const outcome = await releaser.publish(timed);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
      expect(logger.lines.some((l) => l.includes('"how":"reconciled"'))).toBe(true);
    });

    it('counts a version published in the same millisecond the draft was created (server clock, >=)', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({});
      page(versionRow(V2, { createdAt: CREATED, publishedAt: null }));

      const outcome = await releaser.publish(timed);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('does not take a version from the same source published before the draft was created', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({});
      // Someone else's publish from V1, before our fork: not ours. The scan stops there.
      page(versionRow(V2, at(before)), versionRow(V1, at('2026-01-01T00:00:00.000Z', { isActive: true })));

      await expect(releaser.publish(timed)).rejects.toBeInstanceOf(ConflictError);
    });

    it('takes ours, not an older concurrent version, when both are listed', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({});
      page(versionRow(V3, at(after)), versionRow(V2, at(before)));

      const outcome = await releaser.publish(timed);
      expect(outcome.status === 'published' && outcome.version.id).toBe(V3);
    });

    it('does not take a version with another label, or from another source', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({ label: 'mine' });
      page(
        versionRow(V3, at(after, { label: 'theirs' })),
        versionRow(V2, at(after, { label: 'mine', sourceVersionId: V3 })),
      );

      await expect(releaser.publish(timed, { label: 'mine' })).rejects.toBeInstanceOf(ConflictError);
    });

    it('picks the version with our label among newer ones', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({ label: 'mine' });
      page(versionRow(V3, at(after, { label: 'theirs' })), versionRow(V2, at(after, { label: 'mine' })));

      const outcome = await releaser.publish(timed, { label: 'mine' });
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('skips a version row without a readable server time rather than guess', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      lostPublish({});
      page(versionRow(V2, { createdAt: null, publishedAt: 'not a date' }));

      await expect(releaser.publish(timed)).rejects.toBeInstanceOf(ConflictError);
    });

    it("uses the draft row's createdAt when the DraftRef has no source (one read, no mark)", async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      api().get(`${P}/agent/${AGENT}/drafts/${DRAFT}/diff`).reply(200, diff(true));
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(200, ok({ latest: draftRow({ createdAt: CREATED }), editHistory: [] }));
      api().post(`${P}/agent/${AGENT}/drafts/${DRAFT}/publish`, {}).reply(502, fail('Bad gateway'));
      api()
        .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
        .query({ limit: '1' })
        .reply(404, fail('Resource not found'));
      page(versionRow(V2, at(after)), versionRow(V3, at(before)));

      const outcome = await releaser.publish({ provider: 'atoms', agentId: AGENT, draftId: DRAFT });
      expect(outcome.status === 'published' && outcome.version.id).toBe(V2);
    });

    it('rejects a meta.draftCreatedAt that is not a timestamp, before any request', async () => {
      const { releaser } = makeReleaser({ apiGeneration: 'v1' });
      const error = await releaser
        .publish({ ...draft, meta: { draftCreatedAt: 'yesterday' } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    });
  });
});
