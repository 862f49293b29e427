import { inspect } from 'node:util';
import { type AgentReleaseError, ConflictError, SecurityCheckFailedError } from '@agent-release/core';
import type { HttpFailure } from '@agent-release/core/provider';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigFreezeError, DraftConflictError } from '../src/index.js';
import { atomsErrorMapper } from '../src/shared/errors.js';
import { mapAtomsV2Failure } from '../src/v2/errors.js';

const mapAtomsError = atomsErrorMapper(mapAtomsV2Failure);

import {
  A,
  AGENT,
  agentBody,
  api,
  BDRAFT,
  branchDraftRow,
  branchesBody,
  branchPath,
  connectionReset,
  DRAFT,
  draftRow,
  fail,
  KEY,
  MAIN,
  makeReleaser,
  ok,
  P,
  ROW,
  revisionRow,
  scan,
  scanningRow,
  someDiff,
  summary,
  V1,
  V3,
} from './fixtures.js';

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

const v2 = (options = {}) => makeReleaser({ apiGeneration: 'v2', retry: false, ...options });
const FREEZE = {
  status: false,
  error_type: 'config_freeze_active',
  errors: [
    'Agent configuration changes are frozen during a maintenance window (AGENT_CONFIG_FROZEN). Retry after the window.',
  ],
};
const draftRef = {
  provider: 'atoms',
  agentId: AGENT,
  draftId: BDRAFT,
  baseVersionId: V1,
  meta: { apiGeneration: 'v2', branchId: MAIN, edited: true },
};

/** Arranges `GET /branches` so `editDraft(AGENT, { firstMessage })` goes straight to the PUT. */
const editArranged = () => api().get(`${A}/branches`).reply(200, branchesBody());
const put = () => api().put(`${branchPath()}/draft`);
const publishArranged = () => {
  api()
    .get(branchPath())
    .reply(200, ok(summary(MAIN, { openDraftId: BDRAFT })));
  api().get(`${A}/diff`).query(true).reply(200, someDiff);
};

describe('v2 409 mappings on PUT .../draft', () => {
  it('DraftConflictError (full body) names the fields, the revisions and what to do', async () => {
    const { releaser } = v2();
    editArranged();
    put().reply(409, {
      status: false,
      errors: ['call_handling.firstMessage'],
      data: {
        conflict: {
          expectedRevision: 1,
          latestRevision: 2,
          diffs: [
            { path: 'call_handling.firstMessage', baseValue: 'a', latestValue: 'b', requestedValue: 'c' },
          ],
        },
      },
    });

    const error = (await releaser
      .editDraft(AGENT, { firstMessage: 'c' })
      .catch((e: unknown) => e)) as DraftConflictError;
    expect(error).toBeInstanceOf(DraftConflictError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      status: 409,
      kind: 'concurrent-edit',
      conflictPaths: ['call_handling.firstMessage'],
      expectedRevision: 1,
      latestRevision: 2,
      retryable: false,
      operation: 'putDraft',
    });
    expect(error.message).toMatch(/someone else changed call_handling\.firstMessage/);
    expect(error.message).toMatch(/apply the change again/);
    expect(error.message).toMatch(/expectedRevision: null/);
    expect(error.toJSON()).toMatchObject({
      kind: 'concurrent-edit',
      conflictPaths: ['call_handling.firstMessage'],
    });
  });

  it('the lean DraftConflictError (paths only, no error_type) is recognised too', async () => {
    const { releaser } = v2();
    editArranged();
    put().reply(409, { status: false, errors: ['call_handling.firstMessage', 'llm.slmModel'] });

    const error = await releaser.editDraft(AGENT, { firstMessage: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftConflictError);
    expect(error).toMatchObject({
      kind: 'concurrent-edit',
      conflictPaths: ['call_handling.firstMessage', 'llm.slmModel'],
      expectedRevision: undefined,
    });
  });

  it('base_revision_unavailable says to re-read the branch', async () => {
    const { releaser } = v2();
    editArranged();
    put().reply(409, { status: false, errors: ['base_revision_unavailable'] });

    const error = await releaser.editDraft(AGENT, { firstMessage: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftConflictError);
    expect(error).toMatchObject({ kind: 'base-revision-unavailable', conflictPaths: [] });
    expect((error as Error).message).toMatch(/re-read the branch/);
  });

  it('publish_in_progress is a retryable ConflictError', async () => {
    const { releaser } = v2();
    editArranged();
    put().reply(409, {
      status: false,
      error_type: 'publish_in_progress',
      errors: ['A publish is in progress'],
    });

    const error = await releaser.editDraft(AGENT, { firstMessage: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(DraftConflictError);
    expect(error).toMatchObject({ retryable: true, details: { errorType: 'publish_in_progress' } });
  });
});

describe('v2 423 config_freeze_active', () => {
  const cases: Array<[string, (r: ReturnType<typeof v2>['releaser']) => Promise<unknown>, () => void]> = [
    [
      'PUT .../draft',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        editArranged();
        put().reply(423, FREEZE, { 'Retry-After': '120' });
      },
    ],
    [
      'POST .../draft/publish',
      (r) => r.publish(draftRef),
      () => {
        publishArranged();
        api().post(`${branchPath()}/draft/publish`).reply(423, FREEZE, { 'Retry-After': '120' });
      },
    ],
    [
      'POST .../restore',
      (r) => r.activate(AGENT, V1),
      () => {
        api()
          .get(`${A}/branches`)
          .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
        api()
          .get(`${branchPath()}/revisions/${V1}`)
          .reply(200, ok({ revision: revisionRow(V1) }));
        api().post(`${branchPath()}/revisions/${V1}/restore`).reply(423, FREEZE, { 'Retry-After': '120' });
      },
    ],
  ];

  it.each(cases)(
    'on %s is a retryable ConfigFreezeError with retryAfterMs, sent once',
    async (_label, run, arrange) => {
      arrange();
      const { releaser } = makeReleaser({ apiGeneration: 'v2' });
      const error = (await run(releaser).catch((e: unknown) => e)) as ConfigFreezeError;
      expect(error).toBeInstanceOf(ConfigFreezeError);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({
        code: 'CONFLICT',
        status: 423,
        retryable: true,
        retryAfterMs: 120_000,
        details: { errorType: 'config_freeze_active' },
      });
      expect(error.message).toMatch(/config-freeze maintenance window/);
      expect(error.message).toMatch(/Retry after the window \(Atoms asked for 120 s\)/);
      expect(error.toJSON()).toMatchObject({ retryAfterMs: 120_000 });
      // 423 is not in the retry statuses: exactly the arranged requests were used.
      expect(nock.pendingMocks()).toEqual([]);
    },
  );
});

describe('v2 publish refusals', () => {
  it('409 security_check_failed (re-publishing a draft whose scan failed) is a SecurityCheckFailedError', async () => {
    const { releaser } = v2();
    publishArranged();
    api()
      .post(`${branchPath()}/draft/publish`)
      .reply(409, {
        status: false,
        error_type: 'security_check_failed',
        errors: [
          'Security check failed: Prompt failed the security review. Edit the draft and publish again.',
        ],
      });

    const error = await releaser.publish(draftRef).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'failed', status: 409 });
    expect((error as Error).message).toMatch(/Change the draft/);
  });

  it('a 409 whose text does not say why is decided by the draft row: a failed securityCheck is a SecurityCheckFailedError with its reason', async () => {
    const { releaser } = v2();
    publishArranged();
    api()
      .post(`${branchPath()}/draft/publish`)
      .reply(409, { status: false, errors: ['Draft cannot be published in its current state'] });
    api()
      .get(`${branchPath()}/draft`)
      .reply(
        200,
        ok({ latest: branchDraftRow({ securityCheck: scan('failed', 'Prompt injection detected') }) }),
      );

    const error = await releaser.publish(draftRef).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'failed', reason: 'Prompt injection detected' });
  });

  it('a 409 that neither the text nor the draft row explains is a ConflictError quoting Atoms, whatever error_type it carries', async () => {
    const { releaser } = v2();
    publishArranged();
    api()
      .post(`${branchPath()}/draft/publish`)
      .reply(409, {
        status: false,
        error_type: 'security_check_failed',
        errors: ['Draft cannot be published in its current state'],
      });
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow({ securityCheck: null }) }));

    const error = await releaser.publish(draftRef).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(SecurityCheckFailedError);
    expect((error as Error).message).toContain('Draft cannot be published in its current state');
  });

  it('another documented 409 error_type is a ConflictError carrying it', () => {
    const error = mapAtomsError({
      provider: 'atoms',
      operation: 'createBranch',
      method: 'POST',
      path: `/agent/${AGENT}/branches`,
      status: 409,
      headers: {},
      body: {
        status: false,
        error_type: 'branch_name_exists',
        errors: ['A branch named "x" already exists'],
      },
      now: 0,
    } satisfies HttpFailure) as AgentReleaseError;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(DraftConflictError);
    expect(error.details).toMatchObject({ errorType: 'branch_name_exists' });
  });

  it('a v1 409 on another operation listing dotted words is not taken for a draft conflict', () => {
    const error = mapAtomsError({
      provider: 'atoms',
      operation: 'archive',
      method: 'DELETE',
      path: `/agent/${AGENT}/archive`,
      status: 409,
      headers: {},
      body: { status: false, errors: ['agent.archived'] },
      now: 0,
    });
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(DraftConflictError);
  });
});

describe('expectedRevision under v1 (checked by the adapter before any write)', () => {
  it('a named draft that moved on is a DraftConflictError and nothing is written', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
      .query(true)
      .reply(200, ok({ latest: draftRow({ draftRevision: 4 }), editHistory: [], editCount: 4 }));

    const error = await releaser
      .editDraft(
        AGENT,
        { firstMessage: 'x', providerOptions: { atoms: { expectedRevision: 3 } } },
        { draftId: DRAFT },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftConflictError);
    expect(error).toMatchObject({ kind: 'concurrent-edit', expectedRevision: 3, latestRevision: 4 });
  });

  it('without a draftId v1 forks a fresh draft, which nobody else edits: the expectation is not checked', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(`${P}/agent/${AGENT}`).reply(200, agentBody());
    api().post(`${P}/agent/${AGENT}/drafts`, { sourceVersionId: V1 }).reply(201, ok(draftRow()));
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, { firstMessage: 'x' })
      .reply(200, ok(draftRow({ draftRevision: 1 })));

    const draft = await releaser.editDraft(AGENT, {
      firstMessage: 'x',
      providerOptions: { atoms: { expectedRevision: 2 } },
    });
    expect(draft.revision).toBe(1);
  });

  it('the matching revision, or null, edits as usual and never sends expectedRevision to v1', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}/drafts/${DRAFT}`)
      .query(true)
      .reply(200, ok({ latest: draftRow({ draftRevision: 4 }), editHistory: [], editCount: 4 }));
    api()
      .patch(`${P}/agent/${AGENT}/drafts/${DRAFT}/config`, { firstMessage: 'x' })
      .reply(200, ok(draftRow({ draftRevision: 5 })));

    const draft = await releaser.editDraft(
      AGENT,
      { firstMessage: 'x', providerOptions: { atoms: { expectedRevision: 4 } } },
      { draftId: DRAFT },
    );
    expect(draft.revision).toBe(5);
  });
});

// Vendors sometimes echo what they were sent; these bodies do, to prove redaction.
const echo = `key ${KEY} (Authorization: Bearer ${KEY})`;

function expectNoKey(error: unknown, logLines: string[]): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  for (const text of [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    inspect((e as { cause?: unknown }).cause, { depth: 10, showHidden: true }),
    ...logLines,
  ]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('SENTINEL');
  }
}

describe('the API key never leaks from a v2 error or log line', () => {
  const paths: Array<[string, (r: ReturnType<typeof v2>['releaser']) => Promise<unknown>, () => void]> = [
    [
      'DraftConflictError echoing the key in its paths',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        editArranged();
        put().reply(409, {
          status: false,
          errors: [echo],
          data: { conflict: { expectedRevision: 0, latestRevision: 1 } },
        });
      },
    ],
    [
      'lean DraftConflictError',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        editArranged();
        put().reply(409, { status: false, errors: [`sk_${KEY}.leak`] });
      },
    ],
    [
      'base_revision_unavailable',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        editArranged();
        put().reply(409, { status: false, errors: ['base_revision_unavailable', echo] });
      },
    ],
    [
      '423 echoing the key',
      (r) => r.editDraft(AGENT, { firstMessage: 'x' }),
      () => {
        editArranged();
        put().reply(423, { status: false, error_type: 'config_freeze_active', errors: [echo] });
      },
    ],
    [
      'failed scan with the key in its reason',
      (r) => r.publish(draftRef),
      () => {
        publishArranged();
        api()
          .post(`${branchPath()}/draft/publish`)
          .reply(202, ok({ state: 'scanning' }));
        api()
          .get(`${branchPath()}/revisions`)
          .query(true)
          .reply(
            200,
            ok({ revisions: [scanningRow('failed', { securityCheck: scan('failed', echo) })], total: 2 }),
          );
      },
    ],
    [
      '409 security_check_failed echoing the key',
      (r) => r.publish(draftRef),
      () => {
        publishArranged();
        api()
          .post(`${branchPath()}/draft/publish`)
          .reply(409, { status: false, error_type: 'security_check_failed', errors: [echo] });
        api()
          .get(`${branchPath()}/draft`)
          .reply(200, ok({ latest: branchDraftRow({ securityCheck: scan('failed', echo) }) }));
      },
    ],
    [
      'scan timeout with the key as status, cancel failing',
      (r) => r.publish(draftRef),
      () => {
        publishArranged();
        api()
          .post(`${branchPath()}/draft/publish`)
          .reply(202, ok({ state: 'scanning' }));
        api()
          .get(`${branchPath()}/revisions`)
          .query(true)
          .reply(200, ok({ revisions: [scanningRow(echo)], total: 2 }));
        api()
          .get(`${branchPath()}/revisions/${ROW}`)
          .times(200)
          .reply(200, ok({ revision: scanningRow(echo) }));
        api().post(`${branchPath()}/draft/publish/cancel`).reply(500, fail(echo));
      },
    ],
    [
      'lost publish, draft vanished',
      (r) => r.publish(draftRef),
      () => {
        publishArranged();
        api().post(`${branchPath()}/draft/publish`).replyWithError(connectionReset());
        api()
          .get(branchPath())
          .reply(200, ok(summary(MAIN)));
      },
    ],
    [
      'restore refused',
      (r) => r.activate(AGENT, V1),
      () => {
        api()
          .get(`${A}/branches`)
          .reply(200, branchesBody(summary(MAIN, { headRevisionId: V3 })));
        api()
          .get(`${branchPath()}/revisions/${V1}`)
          .reply(200, ok({ revision: revisionRow(V1) }));
        api().post(`${branchPath()}/revisions/${V1}/restore`).reply(403, fail(echo));
      },
    ],
    [
      'agent not on the branch model',
      (r) => r.getActiveVersion(AGENT),
      () => {
        api()
          .get(`${A}/branches`)
          .reply(200, ok({ branches: [] }));
      },
    ],
  ];

  it.each(paths)('%s', async (_label, run, arrange) => {
    arrange();
    const { releaser, logger } = makeReleaser({
      apiGeneration: 'v2',
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const error = await run(releaser).catch((e: unknown) => e);
    expectNoKey(error, logger.lines);
    expect(inspect(releaser, { depth: 10, showHidden: true })).not.toContain(KEY);
    expect(JSON.stringify(releaser)).not.toContain(KEY);
  });
});
