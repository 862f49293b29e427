import {
  AbortedError,
  NotFoundError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import {
  A,
  AGENT,
  api,
  branchesBody,
  branchPath,
  fail,
  MAIN,
  makeReleaser,
  ok,
  R4,
  ROW,
  revisionRow,
  STAGING,
  scan,
  scanningRow,
  summary,
  useNock,
  V1,
  V2,
  V3,
} from './fixtures.js';

useNock();

const v2 = (options = {}) => makeReleaser({ apiGeneration: 'v2', ...options });
const bodiless = (path: string) => api().post(path).matchHeader('content-length', '0');

describe('v2 activate', () => {
  it('the live head is returned after one read, without a write', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    api()
      .get(`${branchPath()}/revisions/${V1}`)
      .reply(200, ok({ revision: revisionRow(V1) }));
    const seen: unknown[] = [];

    const version = await releaser.activate(AGENT, V1, { onGateProgress: (p) => seen.push(p) });

    expect(version).toMatchObject({ id: V1, number: 1, isActive: true });
    expect(seen).toEqual([{ status: 'passed', raw: 'passed', reason: undefined, attempt: 1, elapsedMs: 0 }]);
  });

  it('the head of a branch that is not live: POST .../branches/{branchId}/live', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, { headRevisionId: V2 }, { isLive: false })));
    // The live branch is looked at first: 400 means "a revision of another branch".
    api()
      .get(`${branchPath()}/revisions/${V2}`)
      .reply(400, fail('Invalid input: revision does not belong to this branch'));
    api()
      .get(`${branchPath(STAGING)}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2, { branch: STAGING }) }));
    bodiless(`${branchPath(STAGING)}/live`).reply(
      200,
      ok(summary(STAGING, { headRevisionId: V2 }, { isLive: true })),
    );

    const version = await releaser.activate(AGENT, V2);
    expect(version).toMatchObject({ id: V2, isActive: true });
  });

  it('an older revision is restored as a new head revision (rollback = republish) and that is returned', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
    api()
      .get(`${branchPath()}/revisions/${V1}`)
      .reply(200, ok({ revision: revisionRow(V1) }));
    bodiless(`${branchPath()}/revisions/${V1}/restore`).reply(
      200,
      ok({
        state: 'committed',
        revision: revisionRow(R4, { revisionNumber: 4, restoredFromRevisionId: V1 }),
      }),
    );

    const version = await releaser.activate(AGENT, V1);
    expect(version).toMatchObject({ id: R4, number: 4, isActive: true });
  });

  it('restoring on a branch that is not live also makes it live', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(STAGING, { headRevisionId: V3 }, { isLive: false })));
    api()
      .get(`${branchPath(STAGING)}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2, { branch: STAGING }) }));
    bodiless(`${branchPath(STAGING)}/revisions/${V2}/restore`).reply(
      200,
      ok({ state: 'committed', revision: revisionRow(R4, { branch: STAGING, restoredFromRevisionId: V2 }) }),
    );
    bodiless(`${branchPath(STAGING)}/live`).reply(200, ok(summary(STAGING, { headRevisionId: R4 })));

    expect(await releaser.activate(AGENT, V2)).toMatchObject({ id: R4, isActive: true });
  });

  it('a lost restore answer is reconciled from the new head restored from that revision', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
    api()
      .get(`${branchPath()}/revisions/${V1}`)
      .reply(200, ok({ revision: revisionRow(V1) }));
    bodiless(`${branchPath()}/revisions/${V1}/restore`).reply(500, fail('Internal server error'));
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { headRevisionId: R4 })));
    api()
      .get(`${branchPath()}/revisions/${R4}`)
      .reply(200, ok({ revision: revisionRow(R4, { restoredFromRevisionId: V1 }) }));

    expect(await releaser.activate(AGENT, V1)).toMatchObject({ id: R4, isActive: true });
  });

  it('a revision still being scanned is waited for, then its branch is made live', async () => {
    const { releaser, clock } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, { openDraftId: 'x' }, { isLive: false })));
    api().get(`${branchPath()}/revisions/${ROW}`).reply(404, fail('Resource not found'));
    api()
      .get(`${branchPath(STAGING)}/revisions/${ROW}`)
      .reply(200, ok({ revision: scanningRow('queued', { branch: STAGING }) }));
    api()
      .get(`${branchPath(STAGING)}/revisions/${ROW}`)
      .reply(200, ok({ revision: revisionRow(ROW, { branch: STAGING }) }));
    api()
      .get(branchPath(STAGING))
      .reply(200, ok(summary(STAGING, { headRevisionId: ROW }, { isLive: false })));
    bodiless(`${branchPath(STAGING)}/live`).reply(200, ok(summary(STAGING, { headRevisionId: ROW })));
    const seen: string[] = [];

    const version = await releaser.activate(AGENT, ROW, { onGateProgress: (p) => seen.push(p.status) });

    expect(version).toMatchObject({ id: ROW, isActive: true });
    expect(seen).toEqual(['pending', 'passed']);
    expect(clock.sleeps).toEqual([500]);
  });

  it('a revision still being scanned past maxWaitMs is a SecurityCheckTimeoutError (nothing cancelled)', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    api()
      .get(`${branchPath()}/revisions/${ROW}`)
      .reply(200, ok({ revision: scanningRow('queued') }));

    const error = await releaser.activate(AGENT, ROW, { maxWaitMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ versionId: ROW, lastStatus: 'queued' });
  });

  it('a revision whose scan failed is a SecurityCheckFailedError and nothing is written', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
    api()
      .get(`${branchPath()}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2, { securityCheck: scan('errored', 'Scanner down') }) }));

    const error = await releaser.activate(AGENT, V2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'errored', reason: 'Scanner down' });
  });

  it('a revision on no active branch is a NotFoundError', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, {}, { isLive: false })));
    api().get(`${branchPath()}/revisions/${V3}`).reply(404, fail('Resource not found'));
    api()
      .get(`${branchPath(STAGING)}/revisions/${V3}`)
      .reply(400, fail('Invalid input: revision does not belong to this branch'));

    await expect(releaser.activate(AGENT, V3)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('honours an aborted signal before any request', async () => {
    const { releaser } = v2();
    const controller = new AbortController();
    controller.abort();
    await expect(releaser.activate(AGENT, V1, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  });
});

describe('v2 reads', () => {
  it('getActiveVersion is the live branch head revision', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(
        200,
        branchesBody(
          summary(MAIN, {}, { isLive: false }),
          summary(STAGING, { headRevisionId: V2 }, { isLive: true }),
        ),
      );
    api()
      .get(`${branchPath(STAGING)}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2, { branch: STAGING, revisionNumber: 1, label: 'staged' }) }));

    expect(await releaser.getActiveVersion(AGENT)).toMatchObject({
      id: V2,
      number: 1,
      label: 'staged',
      isActive: true,
    });
  });

  it('getActiveVersion is null when the live branch has no commit', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: null })));
    expect(await releaser.getActiveVersion(AGENT)).toBeNull();
  });

  it('listVersions pages through the live branch, leaving out a scanning draft row', async () => {
    const { releaser } = v2();
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V2 })));
    api()
      .get(`${branchPath()}/revisions`)
      .query({ limit: '3', skip: '0' })
      .reply(200, ok({ revisions: [scanningRow(), revisionRow(V2), revisionRow(V1)], total: 3 }));

    const page = await releaser.listVersions(AGENT, { limit: 3 });
    expect(page.map((v) => [v.id, v.number, v.isActive])).toEqual([
      [V2, 2, true],
      [V1, 1, false],
    ]);
  });
});
