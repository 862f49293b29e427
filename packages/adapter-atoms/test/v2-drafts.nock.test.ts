// Issue 12: a release ships only the edits it made (defect 3), `expectedRevision` only when a
// draft is open (item 5), and `openDraftId` read as either id of the draft row (item 6).
import { ConflictError } from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import {
  A,
  AGENT,
  api,
  BDRAFT,
  branchDraftRow,
  branchesBody,
  branchPath,
  MAIN,
  makeReleaser,
  noDiff,
  ok,
  ROW,
  revisionRow,
  someDiff,
  summary,
  useNock,
  V1,
} from './fixtures.js';

useNock();

const v2 = () => makeReleaser({ apiGeneration: 'v2', retry: false });
const draftDiff = () =>
  api()
    .get(`${A}/diff`)
    .query({ a: `${MAIN}:draft`, b: V1 });

describe('expectedRevision (item 5)', () => {
  it('is not sent when no draft is open: there is no base revision', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    api().put(`${branchPath()}/draft`, { firstMessage: 'Hello!' }).reply(200, ok(branchDraftRow()));

    await releaser.editDraft(AGENT, { firstMessage: 'Hello!' });
  });
});

describe("someone else's unpublished draft edits (defect 3)", () => {
  const openDraft = () => {
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { openDraftId: BDRAFT })));
    api()
      .get(`${branchPath()}/draft`)
      .reply(200, ok({ latest: branchDraftRow({ draftRevision: 3 }) }));
  };

  it('are refused with a ConflictError naming the branch and showing the edits; nothing is written', async () => {
    const { releaser } = v2();
    openDraft();
    draftDiff().reply(200, someDiff);

    const error = await releaser.editDraft(AGENT, { firstMessage: 'Hello!' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain(MAIN);
    expect((error as Error).message).toContain('workflow_prompt.prompt');
    expect(error).toMatchObject({
      details: {
        branchId: MAIN,
        draftEdits: [{ section: 'workflow_prompt', path: 'prompt', oldValue: 'a', newValue: 'b' }],
      },
    });
  });

  it('are included on explicit request (providerOptions.atoms.includeDraftEdits), based on the draft revision', async () => {
    const { releaser } = v2();
    openDraft();
    api()
      .put(`${branchPath()}/draft`, { firstMessage: 'Hello!', expectedRevision: 3 })
      .reply(200, ok(branchDraftRow({ draftRevision: 4 })));

    const draft = await releaser.editDraft(AGENT, {
      firstMessage: 'Hello!',
      providerOptions: { atoms: { includeDraftEdits: true } },
    });
    expect(draft.revision).toBe(4);
  });

  it('an open draft that does not differ from the head is built on as usual', async () => {
    const { releaser } = v2();
    openDraft();
    draftDiff().reply(200, noDiff);
    api()
      .put(`${branchPath()}/draft`, { firstMessage: 'Hello!', expectedRevision: 3 })
      .reply(200, ok(branchDraftRow({ draftRevision: 4 })));

    expect((await releaser.editDraft(AGENT, { firstMessage: 'Hello!' })).revision).toBe(4);
  });
});

describe('openDraftId may be the draft row _id (item 6)', () => {
  it('publishes the draft whose row _id the branch names as openDraftId', async () => {
    const { releaser } = v2();
    api().get(`${A}/branches`).reply(200, branchesBody());
    api().put(`${branchPath()}/draft`, { firstMessage: 'Hello!' }).reply(200, ok(branchDraftRow()));
    const draft = await releaser.editDraft(AGENT, { firstMessage: 'Hello!' });

    // This server names the open draft by its row `_id` (ROW), not its `draftId` (BDRAFT).
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { openDraftId: ROW })));
    draftDiff().reply(200, someDiff);
    api()
      .post(`${branchPath()}/draft/publish`)
      .reply(200, ok({ state: 'committed', revision: revisionRow(ROW, { sourceDraftId: BDRAFT }) }));

    expect(await releaser.publish(draft)).toMatchObject({ status: 'published', version: { id: ROW } });
  });
});
