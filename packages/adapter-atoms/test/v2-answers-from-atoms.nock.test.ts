// What a v2 caller is told comes from Atoms, not from memory (issue 12, defects 1, 2 and 4): it
// stays true once a publish may be armed (re-read the branch, cancel if still scanning, report
// what is live), activate asks Atoms, and the caller's deadline reaches the publish's scan wait.
import {
  AbortedError,
  type DraftRef,
  type GateProgress,
  ProviderUnavailableError,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import {
  A,
  AGENT,
  api,
  BDRAFT,
  branchesBody,
  branchPath,
  MAIN,
  makeReleaser,
  ok,
  R4,
  ROW,
  revisionRow,
  scanningRow,
  someDiff,
  summary,
  useNock,
  V1,
  V2,
  V3,
} from './fixtures.js';

useNock();

const v2 = (options = {}) => makeReleaser({ apiGeneration: 'v2', retry: false, ...options });
const bodiless = (path: string) => api().post(path).matchHeader('content-length', '0');
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
const diff = () =>
  api()
    .get(`${A}/diff`)
    .query({ a: `${MAIN}:draft`, b: V1 })
    .reply(200, someDiff);
const publishCall = () => api().post(`${branchPath()}/draft/publish`);
const listTop = () => api().get(`${branchPath()}/revisions`).query({ limit: '1', skip: '0' });
const row = () => api().get(`${branchPath()}/revisions/${ROW}`);
const cancel = () => bodiless(`${branchPath()}/draft/publish/cancel`);
const draftRead = (latest: unknown) => api().get(`${branchPath()}/draft`).reply(200, ok({ latest }));

describe('v2 activate asks Atoms (defect 1)', () => {
  it('re-activating a revision that another writer replaced since restores it instead of answering from memory', async () => {
    const { releaser } = v2();
    // This releaser saw V2 live …
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V2 })));
    api()
      .get(`${branchPath()}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2) }));
    expect(await releaser.getActiveVersion(AGENT)).toMatchObject({ id: V2 });
    // … then someone else published V3: rolling back to V2 must restore it.
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
    api()
      .get(`${branchPath()}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2) }));
    bodiless(`${branchPath()}/revisions/${V2}/restore`).reply(
      200,
      ok({ state: 'committed', revision: revisionRow(R4, { restoredFromRevisionId: V2 }) }),
    );

    expect(await releaser.activate(AGENT, V2)).toMatchObject({ id: R4, isActive: true });
  });
});

describe('v2 publish tells the truth after a failure or abort (defect 2)', () => {
  it('one failed scan poll re-reads the branch: committed meanwhile → published, nothing cancelled', async () => {
    const { releaser } = v2();
    openMain();
    diff();
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    row().reply(500, { status: false, errors: ['Internal error'] });
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { headRevisionId: ROW })));
    row().reply(200, ok({ revision: revisionRow(ROW, { sourceDraftId: BDRAFT }) }));

    expect(await releaser.publish(draft)).toMatchObject({
      status: 'published',
      version: { id: ROW, isActive: true },
    });
  });

  it('one failed scan poll while still scanning cancels the publish and says nothing went live', async () => {
    const { releaser } = v2();
    openMain();
    diff();
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    row().reply(500, { status: false, errors: ['Internal error'] });
    openMain();
    draftRead(scanningRow());
    cancel().reply(200, ok({ cancelled: true }));
    openMain();

    const error = await releaser.publish(draft).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ mayHaveTakenEffect: false, details: { cancelled: true, live: false } });
    expect((error as Error).message).toMatch(/cancelled/);
  });

  it('an abort after the scan passed does not take the cancel answer as proof: the revision is live and the error says so', async () => {
    const { releaser } = v2();
    const controller = new AbortController();
    openMain();
    diff();
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, () => {
      controller.abort();
      return ok({ revisions: [scanningRow('passed')], total: 2 });
    });
    // The re-read after the abort: the publish is still armed, so it is cancelled …
    openMain();
    draftRead(scanningRow('passed'));
    cancel().reply(200, ok({ cancelled: true }));
    // … but it had committed already.
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { headRevisionId: ROW })));

    const error = await releaser.publish(draft, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ details: { live: true, versionId: ROW } });
    expect((error as Error).message).toMatch(/live/);
    expect((error as Error).message).not.toMatch(/was cancelled/);
  });

  it('an abort while the publish POST is in flight re-reads the branch and cancels the armed publish', async () => {
    const { releaser } = v2();
    const controller = new AbortController();
    openMain();
    diff();
    publishCall()
      .delay(100)
      .reply(() => {
        controller.abort();
        return [202, ok({ state: 'scanning' })];
      });
    openMain();
    draftRead(scanningRow());
    cancel().reply(200, ok({ cancelled: true }));
    openMain();

    const error = await releaser.publish(draft, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ details: { cancelled: true, live: false } });
  });
});

describe('release({maxWaitMs}) reaches the v2 scan wait (defect 4)', () => {
  it('PublishOptions.maxWaitMs bounds the scan and onGateProgress hears each look', async () => {
    const { releaser } = v2({ securityCheck: { maxWaitMs: 60_000 } });
    openMain();
    diff();
    publishCall().reply(202, ok({ state: 'scanning' }));
    listTop().reply(200, ok({ revisions: [scanningRow()], total: 2 }));
    // The list finds the row, then one row read; the waiter does not look again at the deadline.
    row().reply(200, ok({ revision: scanningRow('queued') }));
    openMain();
    draftRead(scanningRow());
    cancel().reply(200, ok({ cancelled: true }));
    openMain();
    const seen: GateProgress[] = [];

    const error = await releaser
      .publish(draft, { maxWaitMs: 1000, onGateProgress: (p) => seen.push(p) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ waitedMs: 1000, details: { cancelled: true, live: false } });
    expect(seen.map((p) => [p.attempt, p.status, p.raw])).toEqual([
      [1, 'pending', 'queued'],
      [2, 'pending', 'queued'],
    ]);
  });
});
