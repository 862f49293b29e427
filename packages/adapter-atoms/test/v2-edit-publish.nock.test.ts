import {
  AbortedError,
  ConflictError,
  type DraftRef,
  NotFoundError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  ValidationError,
} from '@agent-release/core';
import type nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  A,
  AGENT,
  api,
  BDRAFT,
  branchDraftRow,
  branchesBody,
  branchPath,
  connectionReset,
  MAIN,
  makeReleaser,
  noDiff,
  ok,
  ROW,
  revisionRow,
  STAGING,
  scan,
  scanningRow,
  someDiff,
  summary,
  useNock,
  V1,
} from './fixtures.js';

useNock();

const v2 = (options = {}) => makeReleaser({ apiGeneration: 'v2', ...options });
/** A bodiless POST (Atoms' cancel, live and restore take none). */
const bodiless = (path: string) => api().post(path).matchHeader('content-length', '0');

describe('v2 editDraft', () => {
  it('PUTs the prompt as globalPrompt, without reading the agent and with no expectedRevision (no draft open), into the live branch draft', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, {}, { isLive: false })));
    api().put(`${branchPath()}/draft`, { globalPrompt: 'New prompt' }).reply(200, ok(branchDraftRow()));

    const draft = await releaser.editDraft(AGENT, { instructions: 'New prompt' });

    expect(draft).toEqual({
      provider: 'atoms',
      agentId: AGENT,
      draftId: BDRAFT,
      baseVersionId: V1,
      revision: 1,
      meta: {
        apiGeneration: 'v2',
        branchId: MAIN,
        edited: true,
        draftRowId: ROW,
      },
    });
  });

  it('bases an edit of an open draft on its latest revision', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { openDraftId: BDRAFT })));
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow({ draftRevision: 3 }), editCount: 3, editHistory: [] }));
    // The open draft holds no edits of anyone else (else the release would refuse it).
    api()
      .get(`${A}/diff`)
      .query({ a: `${MAIN}:draft`, b: V1 })
      .reply(200, noDiff);
    api()
      .put(`${branchPath()}/draft`, { globalPrompt: 'New prompt', expectedRevision: 3 })
      .reply(200, ok(branchDraftRow({ draftRevision: 4 })));

    const draft = await releaser.editDraft(AGENT, { instructions: 'New prompt' });
    expect(draft.revision).toBe(4);
  });

  it('maps firstMessage, model and providerOptions without reading the agent', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    api()
      .put(`${branchPath()}/draft`, {
        firstMessage: 'Hello!',
        slmModel: 'gpt-4.1',
        backgroundSound: 'office',
      })
      .reply(200, ok(branchDraftRow()));

    const draft = await releaser.editDraft(AGENT, {
      firstMessage: 'Hello!',
      model: 'gpt-4.1',
      providerOptions: { atoms: { backgroundSound: 'office' }, langdock: { anything: true } },
    });
    expect(draft.meta).toEqual({ apiGeneration: 'v2', branchId: MAIN, edited: true, draftRowId: ROW });
  });

  it('sends the caller expectedRevision as given, and none for null (last write wins)', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .times(2)
      .reply(200, branchesBody(summary(MAIN, { openDraftId: BDRAFT })));
    api()
      .get(`${A}/diff`)
      .query({ a: `${MAIN}:draft`, b: V1 })
      .reply(200, noDiff);
    api()
      .put(`${branchPath()}/draft`, { firstMessage: 'a', expectedRevision: 5 })
      .reply(200, ok(branchDraftRow({ draftRevision: 6 })));
    api()
      .put(`${branchPath()}/draft`, { firstMessage: 'b' })
      .reply(200, ok(branchDraftRow({ draftRevision: 7 })));

    await releaser.editDraft(AGENT, {
      firstMessage: 'a',
      providerOptions: { atoms: { expectedRevision: 5 } },
    });
    await releaser.editDraft(AGENT, {
      firstMessage: 'b',
      providerOptions: { atoms: { expectedRevision: null } },
    });
  });

  it.each([
    ['a branch id', STAGING],
    ['the open draft id of that branch', BDRAFT],
  ])('draftId naming %s edits that branch', async (_label, draftId) => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, { openDraftId: BDRAFT }, { isLive: false })));
    api()
      .get(`${branchPath(STAGING)}/draft`)
      .reply(200, ok({ latest: branchDraftRow({ branch: STAGING, draftRevision: 2 }) }));
    api()
      .put(`${branchPath(STAGING)}/draft`, { firstMessage: 'staged', expectedRevision: 2 })
      .reply(200, ok(branchDraftRow({ branch: STAGING, draftRevision: 3 })));

    const draft = await releaser.editDraft(AGENT, { firstMessage: 'staged' }, { draftId });
    expect(draft).toMatchObject({ draftId: BDRAFT, meta: { branchId: STAGING } });
  });

  it('an unknown draftId is a NotFoundError and nothing is written', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    const error = await releaser
      .editDraft(AGENT, { firstMessage: 'x' }, { draftId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/names a branch or its open draft/);
  });

  it('globalPrompt has no 4000-character cap on v2', async () => {
    const { releaser } = v2();
    const long = 'g'.repeat(4001);
    api().get(`${A}/branches`).reply(200, branchesBody());
    api().put(`${branchPath()}/draft`, { globalPrompt: long }).reply(200, ok(branchDraftRow()));

    await releaser.editDraft(AGENT, { instructions: long });
  });

  it('an agent without branches is not on the branch model: a ConflictError that says so', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, ok({ branches: [] }));
    const error = await releaser.editDraft(AGENT, { firstMessage: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ details: { reason: 'not-on-branch-model' } });
    expect((error as Error).message).toMatch(/not on the Atoms branch model/);
  });

  it('nothing that maps to Atoms writes nothing, and publishing that draft is unchanged', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());

    const draft = await releaser.editDraft(AGENT, {
      providerOptions: { langdock: { creativity: 0.5 } },
    } as never);
    expect(draft).toMatchObject({ draftId: MAIN, meta: { edited: false } });
    expect(await releaser.publish(draft)).toEqual({ status: 'unchanged', reason: 'no-changes' });
  });
});

describe('v2 publish', () => {
  const draft: DraftRef = {
    provider: 'atoms',
    agentId: AGENT,
    draftId: BDRAFT,
    baseVersionId: V1,
    revision: 1,
    meta: { apiGeneration: 'v2', branchId: MAIN, edited: true },
  };
  const openMain = (extra: Record<string, unknown> = {}) =>
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { openDraftId: BDRAFT, ...extra })));
  const diff = (body: nock.Body) =>
    api()
      .get(`${A}/diff`)
      .query({ a: `${MAIN}:draft`, b: V1 })
      .reply(200, body);
  const publishCall = (body: unknown = {}) =>
    api().post(`${branchPath()}/draft/publish`, body as nock.RequestBodyMatcher);
  const listTop = () => api().get(`${branchPath()}/revisions`).query({ limit: '1', skip: '0' });
  const row = () => api().get(`${branchPath()}/revisions/${ROW}`);

  it('202 scanning: finds the attempt, polls it until committed, and it is live at once on the live branch', async () => {
    const { releaser, clock } = v2();
    openMain();
    diff(someDiff);
    publishCall({ label: 'v2 prompt' }).reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    row().reply(200, ok({ revision: scanningRow('queued'), resolvedConfig: {} }));
    row().reply(200, ok({ revision: revisionRow(ROW, { label: 'v2 prompt', sourceDraftId: BDRAFT }) }));

    const outcome = await releaser.publish(draft, { label: 'v2 prompt', description: 'not sent under v2' });

    expect(outcome).toEqual({
      status: 'published',
      version: {
        provider: 'atoms',
        agentId: AGENT,
        id: ROW,
        number: 2,
        label: 'v2 prompt',
        isActive: true,
        createdAt: '2026-01-01T00:00:06.000Z',
        gate: { status: 'passed', raw: 'passed', reason: undefined },
      },
    });
    expect(clock.sleeps).toEqual([500, 750]);
    // Publishing on the live branch made it live: activating it sends nothing.
    expect(await releaser.activate(AGENT, ROW)).toBe(outcome.status === 'published' && outcome.version);
  });

  it('200 committed: returns the revision from the answer, no polling', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().reply(200, ok({ state: 'committed', revision: revisionRow(ROW) }));

    const outcome = await releaser.publish(draft);
    expect(outcome).toMatchObject({ status: 'published', version: { id: ROW, number: 2, isActive: true } });
  });

  it('on a branch that is not live the new revision is not active', async () => {
    const { releaser } = v2();
    api()
      .get(branchPath(STAGING))
      .reply(200, ok(summary(STAGING, { openDraftId: BDRAFT }, { isLive: false })));
    api()
      .get(`${A}/diff`)
      .query({ a: `${STAGING}:draft`, b: V1 })
      .reply(200, someDiff);
    api()
      .post(`${branchPath(STAGING)}/draft/publish`, {})
      .reply(
        200,
        ok({ state: 'committed', revision: revisionRow(ROW, { branch: STAGING, revisionNumber: 1 }) }),
      );

    const outcome = await releaser.publish({ ...draft, meta: { ...draft.meta, branchId: STAGING } });
    expect(outcome).toMatchObject({ status: 'published', version: { id: ROW, number: 1, isActive: false } });
  });

  it('a draft equal to its base is discarded and unchanged', async () => {
    const { releaser } = v2();
    openMain();
    diff(noDiff);
    api()
      .delete(`${branchPath()}/draft`)
      .reply(200, ok({ discarded: true }));

    expect(await releaser.publish(draft)).toEqual({ status: 'unchanged', reason: 'no-changes' });
  });

  it('a failed scan is a SecurityCheckFailedError with the reason; nothing is cancelled or discarded', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    row().reply(
      200,
      ok({ revision: branchDraftRow({ securityCheck: scan('failed', 'Prompt injection detected') }) }),
    );

    const error = await releaser.publish(draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({
      versionId: ROW,
      checkStatus: 'failed',
      reason: 'Prompt injection detected',
    });
    expect((error as Error).message).toMatch(/the draft stays open/);
  });

  it('an abort while scanning cancels the publish (POST .../publish/cancel, no body) and throws AbortedError', async () => {
    const { releaser } = v2();
    const controller = new AbortController();
    openMain();
    diff(someDiff);
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, () => {
      controller.abort();
      return ok({ revisions: [scanningRow()], total: 2 });
    });
    // Settling: the branch is re-read, the armed publish cancelled, the branch read again.
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: scanningRow() }));
    bodiless(`${branchPath()}/draft/publish/cancel`).reply(200, ok({ cancelled: true }));
    openMain();

    const error = await releaser.publish(draft, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ details: { cancelled: true, live: false, branchId: MAIN } });
  });

  it('a scan past the deadline cancels the publish and is a SecurityCheckTimeoutError', async () => {
    const { releaser } = v2({ securityCheck: { maxWaitMs: 1000 } });
    openMain();
    diff(someDiff);
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    // The list finds the row, then one row read; the waiter does not look again at the deadline.
    row().reply(200, ok({ revision: scanningRow('queued') }));
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: scanningRow() }));
    bodiless(`${branchPath()}/draft/publish/cancel`).reply(200, ok({ cancelled: true }));
    openMain();

    const error = await releaser.publish(draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({
      versionId: ROW,
      lastStatus: 'queued',
      details: { cancelled: true, live: false },
    });
  });

  it('a publish cancelled by someone else while scanning is a ConflictError', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(
      200,
      ok({ revisions: [scanningRow('queued', { pendingPublish: { state: 'cancelled' } })], total: 2 }),
    );

    const error = await releaser.publish(draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/cancelled by someone else/);
  });

  it('a lost answer after the commit: reconciled from the moved head, never re-sent', async () => {
    const { releaser, logger } = v2();
    openMain();
    diff(someDiff);
    publishCall().replyWithError(connectionReset());
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { headRevisionId: ROW })));
    row().reply(200, ok({ revision: revisionRow(ROW, { sourceDraftId: BDRAFT }) }));

    const outcome = await releaser.publish(draft);
    expect(outcome).toMatchObject({ status: 'published', version: { id: ROW, isActive: true } });
    expect(logger.lines.some((l) => l.includes('reconciling'))).toBe(true);
  });

  it('a lost answer while the scan is armed: waits for that scan, never re-sent', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().reply(503, { status: false, errors: ['Service unavailable'] });
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: scanningRow() }));
    row().reply(200, ok({ revision: revisionRow(ROW) }));

    const outcome = await releaser.publish(draft);
    expect(outcome).toMatchObject({ status: 'published', version: { id: ROW } });
  });

  it('a lost answer that did not apply is re-sent once', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().replyWithError(connectionReset());
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow() }));
    publishCall().reply(200, ok({ state: 'committed', revision: revisionRow(ROW) }));

    expect(await releaser.publish(draft)).toMatchObject({ status: 'published', version: { id: ROW } });
  });

  it('a re-send answered 409 publish_in_progress means the first landed: waits for its scan', async () => {
    const { releaser } = v2();
    openMain();
    diff(someDiff);
    publishCall().replyWithError(connectionReset());
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow() }));
    publishCall().reply(409, {
      status: false,
      error_type: 'publish_in_progress',
      errors: ['A publish is already in progress on this branch'],
    });
    // Reconciled before anything else: the first publish is armed now, so its scan is awaited.
    openMain();
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: scanningRow() }));
    row().reply(200, ok({ revision: revisionRow(ROW) }));

    expect(await releaser.publish(draft)).toMatchObject({ status: 'published', version: { id: ROW } });
  });

  it('a draft published already (same draft, now the head) is returned as published', async () => {
    const { releaser } = v2();
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { headRevisionId: ROW })));
    row().reply(200, ok({ revision: revisionRow(ROW, { sourceDraftId: BDRAFT }) }));

    expect(await releaser.publish(draft)).toMatchObject({ status: 'published', version: { id: ROW } });
  });

  it('a draft that is gone (discarded by someone else) is a ConflictError', async () => {
    const { releaser } = v2();
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN)));
    api()
      .get(`${branchPath()}/revisions/${V1}`)
      .reply(200, ok({ revision: revisionRow(V1) }));

    const error = await releaser.publish(draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/no longer the open draft/);
  });

  it('without meta, the branch is found from the draft id', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { openDraftId: BDRAFT })));
    diff(someDiff);
    publishCall().reply(200, ok({ state: 'committed', revision: revisionRow(ROW) }));

    const outcome = await releaser.publish({ provider: 'atoms', agentId: AGENT, draftId: BDRAFT });
    expect(outcome).toMatchObject({ status: 'published', version: { id: ROW } });
  });

  it('rejects malformed draft meta before any request', async () => {
    const { releaser } = v2();
    for (const meta of [{ branchId: '../x' }, { apiGeneration: 'v3' }, { edited: 'yes' }]) {
      const error = await releaser.publish({ ...draft, meta }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
  });
});
