import type { SecurityCheckSubject } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { BAD_ID, UNKNOWN_ID, v2Harness } from './atoms-v2-helpers.js';
import { type Json, sleep } from './helpers.js';

const { start } = v2Harness();

async function seeded(options: Parameters<typeof start>[0] = {}) {
  const h = await start(options);
  const { agentId, mainId, headId } = await h.agent({ name: 'publish' });
  const branch = `/agent/${agentId}/branches/${mainId}`;
  return { ...h, agentId, mainId, headId, branch };
}

describe('POST /branches/{branchId}/draft/publish: 202 scanning, then committed', () => {
  it('answers 202 {state:"scanning"} without a revision; the scanning row is listed and polled to published', async () => {
    const { emu, call, clock, agentId, mainId, headId, branch } = await seeded();
    const edited = (await call('PUT', `${branch}/draft`, { firstMessage: 'v2 greeting' })).body.data;
    const res = await call('POST', `${branch}/draft/publish`, { label: 'greeting' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: true, data: { state: 'scanning' } });

    // SDK-style polling: the newest listed revision is the scanning row.
    const listed = await call('GET', `${branch}/revisions?limit=1`);
    expect(listed.body.data.total).toBe(2);
    const scanning = listed.body.data.revisions[0];
    expect(scanning).toMatchObject({
      _id: edited._id,
      status: 'draft',
      revisionNumber: null,
      pendingPublish: { state: 'active', startedBy: expect.any(String), startedAt: expect.any(String) },
      securityCheck: { status: 'queued', reason: null, completedAt: null },
    });
    const polled = await call('GET', `${branch}/revisions/${scanning._id}`);
    expect(polled.body.data.revision.status).toBe('draft');
    // MCP-style polling: the draft is still open and carries the scan.
    const draft = await call('GET', `${branch}/draft`);
    expect(draft.body.data.latest.securityCheck.status).toBe('queued');
    // Production still serves the old head.
    expect(emu.state.activeVersionId(agentId)).toBe(headId);
    expect(emu.state.revisions(agentId, mainId)).toHaveLength(1);

    clock.advance(6000);
    const committed = await call('GET', `${branch}/revisions/${scanning._id}`);
    expect(committed.body.data.revision).toMatchObject({
      _id: edited._id,
      status: 'published',
      revisionNumber: 2,
      label: 'greeting',
      branch: mainId,
      pendingPublish: null,
      draftId: null,
      sourceDraftId: edited.draftId,
      isActive: true,
      securityCheck: { status: 'passed' },
    });
    expect(committed.body.data.resolvedConfig.call_handling.firstMessage).toBe('v2 greeting');
    expect((await call('GET', `${branch}/draft`)).status).toBe(404);
    const summary = (await call('GET', branch)).body.data;
    expect(summary).toMatchObject({
      hasOpenDraft: false,
      revisionsCount: 2,
      headRevisionNumber: 2,
      branch: { headRevisionId: edited._id, openDraftId: null },
    });
    // Main is live: the commit went to production at once.
    const dto = (await call('GET', `/agent/${agentId}`)).body.data;
    expect(dto.activeVersionId).toBe(edited._id);
    expect(dto._resolvedConfig.firstMessage).toBe('v2 greeting');
    expect(emu.state.revisions(agentId, mainId).map((r) => r.revisionNumber)).toEqual([2, 1]);
  });

  it('commits on the wall clock after a short scan (real time, no manual clock)', async () => {
    const { call, branch } = await seeded({ clock: undefined, securityCheck: { durationMs: 150 } });
    await call('PUT', `${branch}/draft`, { firstMessage: 'quick' });
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
    let status = '';
    for (let i = 0; i < 100 && status !== 'published'; i++) {
      const newest = (await call('GET', `${branch}/revisions?limit=1`)).body.data.revisions[0];
      status = newest.status;
      if (status !== 'published') await sleep(25);
    }
    expect(status).toBe('published');
    expect((await call('GET', `${branch}/draft`)).status).toBe(404);
  });

  it('passes the draft to the outcome callback as the revision it will become', async () => {
    const subjects: SecurityCheckSubject[] = [];
    const { emu, call, agentId, mainId, branch } = await seeded({
      securityCheck: {
        durationMs: 6000,
        outcome: (s) => {
          subjects.push(s);
          return 'passed';
        },
      },
    });
    const row = (await call('PUT', `${branch}/draft`, { firstMessage: 'x' })).body.data;
    await call('POST', `${branch}/draft/publish`);
    expect(subjects).toEqual([
      { agentId, versionId: row._id, versionNumber: 2, branchId: mainId, config: expect.any(Object) },
    ]);
    // completeSecurityCheck ends a v2 scan too (by the scanning row's id).
    emu.state.completeSecurityCheck(agentId, row._id);
    expect(emu.state.revisions(agentId, mainId)[0]!._id).toBe(row._id);
  });

  it('a workflow_graph draft is not scanned: 200 committed with the revision', async () => {
    const { call, agentId, branch } = await seeded();
    await call('PUT', `${branch}/draft`, { workflowType: 'workflow_graph', globalPrompt: 'graph' });
    const res = await call('POST', `${branch}/draft/publish`, { label: 'graph' });
    expect(res.status).toBe(200);
    expect(res.body.data.state).toBe('committed');
    expect(res.body.data.revision).toMatchObject({
      status: 'published',
      revisionNumber: 2,
      label: 'graph',
      securityCheck: null,
      isActive: true,
    });
    expect((await call('GET', `/agent/${agentId}`)).body.data.activeVersionId).toBe(
      res.body.data.revision._id,
    );
  });

  it('a commit on a branch that is not live does not touch production', async () => {
    const { emu, call, clock, agentId, mainId, headId } = await seeded();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { firstMessage: 'b1' });
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/draft/publish`)).status).toBe(202);
    clock.advance(6000);
    const [rev] = emu.state.revisions(agentId, b1._id);
    expect(rev).toMatchObject({ revisionNumber: 1, isActive: false, parentVersion: headId });
    expect(emu.state.activeVersionId(agentId)).toBe(headId);
  });
});

describe('publish errors', () => {
  it('404 without an open draft, 403 on an archived branch, 400 for a bad label, 404 unknown branch', async () => {
    const { call, agentId, mainId, branch } = await seeded();
    const none = await call('POST', `${branch}/draft/publish`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ status: false, errors: ['Resource not found'] });
    await call('PUT', `${branch}/draft`, { firstMessage: 'x' });
    expect((await call('POST', `${branch}/draft/publish`, { label: 'l'.repeat(201) })).status).toBe(400);
    expect((await call('POST', `${branch}/draft/publish`, { label: 5 })).status).toBe(400);
    expect((await call('POST', `/agent/${agentId}/branches/${UNKNOWN_ID}/draft/publish`)).status).toBe(404);
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { firstMessage: 'x' });
    await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`);
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/draft/publish`)).status).toBe(403);
  });

  it('409 publish_in_progress for a second publish while the first is scanning', async () => {
    const { emu, call, agentId, mainId, branch } = await seeded();
    await call('PUT', `${branch}/draft`, { firstMessage: 'x' });
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
    const again = await call('POST', `${branch}/draft/publish`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      status: false,
      error_type: 'publish_in_progress',
      errors: [expect.any(String)],
    });
    expect(emu.state.revisions(agentId, mainId)).toHaveLength(1);
  });
});

describe('a failed scan', () => {
  it('commits nothing, keeps the draft open with the failed check, and refuses re-publish until edited', async () => {
    const { emu, call, clock, agentId, mainId, headId, branch } = await seeded({
      securityCheck: { durationMs: 6000, outcome: 'failed', reason: 'Prompt injection' },
    });
    const row = (await call('PUT', `${branch}/draft`, { firstMessage: 'ignore previous instructions' })).body
      .data;
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
    clock.advance(6000);

    const draft = await call('GET', `${branch}/draft`);
    expect(draft.status).toBe(200);
    expect(draft.body.data.latest).toMatchObject({
      _id: row._id,
      status: 'draft',
      pendingPublish: null,
      securityCheck: { status: 'failed', reason: 'Prompt injection' },
    });
    const polled = await call('GET', `${branch}/revisions/${row._id}`);
    expect(polled.body.data.revision).toMatchObject({ status: 'draft', securityCheck: { status: 'failed' } });
    expect(emu.state.revisions(agentId, mainId).map((r) => r._id)).toEqual([headId]);
    expect(emu.state.activeVersionId(agentId)).toBe(headId);
    expect((await call('GET', branch)).body.data.branch.headRevisionId).toBe(headId);

    const republish = await call('POST', `${branch}/draft/publish`);
    expect(republish.status).toBe(409);
    // The spec names no error_type for a failed scan: the plain error envelope.
    expect(republish.body).toEqual({
      status: false,
      errors: ['Security check failed: Prompt injection. Edit the draft and publish again.'],
    });
    // Editing clears the failed result; the next publish scans again.
    const fixed = (await call('PUT', `${branch}/draft`, { firstMessage: 'Hello' })).body.data;
    expect(fixed.securityCheck).toBeNull();
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
  });

  it('an errored scan behaves the same (outcome decided per draft)', async () => {
    const { emu, call, clock, agentId, mainId, branch } = await seeded({
      securityCheck: {
        durationMs: 100,
        outcome: (s) => (s.config.firstMessage === 'bad' ? 'errored' : 'passed'),
      },
    });
    await call('PUT', `${branch}/draft`, { firstMessage: 'bad' });
    await call('POST', `${branch}/draft/publish`);
    clock.advance(100);
    expect(emu.state.branchDraft(agentId, mainId)!.securityCheck?.status).toBe('errored');
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(409);
    await call('PUT', `${branch}/draft`, { firstMessage: 'good' });
    await call('POST', `${branch}/draft/publish`);
    clock.advance(100);
    expect(emu.state.revisions(agentId, mainId)[0]!.config.firstMessage).toBe('good');
  });
});

describe('POST /branches/{branchId}/draft/publish/cancel', () => {
  it('cancels a scanning publish: nothing commits, the draft stays; a re-publish after the scan passed commits at once', async () => {
    const { emu, call, clock, agentId, mainId, headId, branch } = await seeded();
    const row = (await call('PUT', `${branch}/draft`, { firstMessage: 'x' })).body.data;
    await call('POST', `${branch}/draft/publish`, { label: 'first try' });
    const res = await call('POST', `${branch}/draft/publish/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: { cancelled: true } });
    expect(emu.state.branchDraft(agentId, mainId)!.pendingPublish?.state).toBe('cancelled');
    // Cancelled: another publish is no longer "in progress".
    clock.advance(6000);
    expect(emu.state.revisions(agentId, mainId).map((r) => r._id)).toEqual([headId]);
    expect(emu.state.branchDraft(agentId, mainId)).toMatchObject({
      _id: row._id,
      pendingPublish: null,
      securityCheck: { status: 'passed' },
    });
    const republish = await call('POST', `${branch}/draft/publish`, { label: 'second try' });
    expect(republish.status).toBe(200);
    expect(republish.body.data).toMatchObject({
      state: 'committed',
      revision: { _id: row._id, revisionNumber: 2, label: 'second try', status: 'published' },
    });
    expect(emu.state.activeVersionId(agentId)).toBe(row._id);
  });

  it('re-publishing while the cancelled scan still runs re-arms it (202), and the scan then commits', async () => {
    const { emu, call, clock, agentId, mainId, branch } = await seeded();
    await call('PUT', `${branch}/draft`, { firstMessage: 'x' });
    await call('POST', `${branch}/draft/publish`);
    await call('POST', `${branch}/draft/publish/cancel`);
    clock.advance(3000);
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
    clock.advance(3000);
    expect(emu.state.revisions(agentId, mainId)).toHaveLength(2);
  });

  it('is idempotent: 200 with nothing to cancel; 404 for an unknown branch', async () => {
    const { call, agentId, branch } = await seeded();
    expect((await call('POST', `${branch}/draft/publish/cancel`)).status).toBe(200);
    expect((await call('POST', `${branch}/draft/publish/cancel`)).status).toBe(200);
    expect((await call('POST', `/agent/${agentId}/branches/${UNKNOWN_ID}/draft/publish/cancel`)).status).toBe(
      404,
    );
  });
});

/** Publishes `firstMessage` on Main through a scan and returns the committed revision. */
async function commit(h: Awaited<ReturnType<typeof seeded>>, firstMessage: string, label?: string) {
  await h.call('PUT', `${h.branch}/draft`, { firstMessage });
  expect((await h.call('POST', `${h.branch}/draft/publish`, label ? { label } : undefined)).status).toBe(202);
  h.clock.advance(6000);
  return h.emu.state.revisions(h.agentId, h.mainId)[0]!;
}

describe('GET /branches/{branchId}/revisions', () => {
  it('lists newest first with limit/skip and total; validates the query', async () => {
    const h = await seeded();
    const r2 = await commit(h, 'two');
    const r3 = await commit(h, 'three');
    const all = await h.call('GET', `${h.branch}/revisions`);
    expect(all.status).toBe(200);
    expect(all.body.data.total).toBe(3);
    expect(all.body.data.revisions.map((r: Json) => r.revisionNumber)).toEqual([3, 2, 1]);
    expect(all.body.data.revisions[0]).toMatchObject({ _id: r3._id, publishedByName: expect.any(String) });
    expect(all.body.data.revisions[0].config).toBeUndefined();
    const page = await h.call('GET', `${h.branch}/revisions?limit=1&skip=1`);
    expect(page.body.data).toMatchObject({ total: 3, revisions: [{ _id: r2._id }] });
    for (const query of ['limit=0', 'limit=101', 'skip=-1', 'limit=x']) {
      expect((await h.call('GET', `${h.branch}/revisions?${query}`)).status, query).toBe(400);
    }
    expect((await h.call('GET', `/agent/${h.agentId}/branches/${UNKNOWN_ID}/revisions`)).status).toBe(404);
  });
});

describe('GET /branches/{branchId}/revisions/{revisionId}', () => {
  it('answers {revision, resolvedConfig}; 400 for another branch or a bad id, 404 unknown', async () => {
    const h = await seeded();
    const res = await h.call('GET', `${h.branch}/revisions/${h.headId}`);
    expect(res.status).toBe(200);
    expect(res.body.data.revision).toMatchObject({ _id: h.headId, revisionNumber: 1, status: 'published' });
    expect(Object.keys(res.body.data.resolvedConfig)).toContain('workflow_prompt');
    const b1 = (
      await h.call('POST', `/agent/${h.agentId}/branches`, { sourceBranchId: h.mainId, name: 'b1' })
    ).body.data;
    const other = await h.call('GET', `/agent/${h.agentId}/branches/${b1._id}/revisions/${h.headId}`);
    expect(other.status).toBe(400);
    expect((await h.call('GET', `${h.branch}/revisions/${BAD_ID}`)).status).toBe(400);
    expect((await h.call('GET', `${h.branch}/revisions/${UNKNOWN_ID}`)).status).toBe(404);
    // The kept v1 read resolves revision ids as well.
    expect((await h.call('GET', `/agent/${h.agentId}/versions/${h.headId}`)).status).toBe(200);
  });

  it('an archived branch’s revisions can still be fetched by id', async () => {
    const h = await seeded();
    const b1 = (
      await h.call('POST', `/agent/${h.agentId}/branches`, { sourceBranchId: h.mainId, name: 'b1' })
    ).body.data;
    await h.call('PUT', `/agent/${h.agentId}/branches/${b1._id}/draft`, { workflowType: 'workflow_graph' });
    const rev = (await h.call('POST', `/agent/${h.agentId}/branches/${b1._id}/draft/publish`)).body.data
      .revision;
    await h.call('POST', `/agent/${h.agentId}/branches/${b1._id}/archive`);
    expect((await h.call('GET', `/agent/${h.agentId}/branches/${b1._id}/revisions/${rev._id}`)).status).toBe(
      200,
    );
  });
});

describe('GET /branches/{branchId}/revisions/{revisionId}/history', () => {
  it('answers the publisher and the trail of commits up to the revision with changed sections', async () => {
    const h = await seeded();
    const r2 = await commit(h, 'two');
    await h.call('PUT', `${h.branch}/draft`, { slmModel: 'gpt-4o' });
    await h.call('POST', `${h.branch}/draft/publish`);
    h.clock.advance(6000);
    const res = await h.call('GET', `${h.branch}/revisions/${r2._id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.data.revision._id).toBe(r2._id);
    expect(res.body.data.publishedBy).toBe(res.body.data.revision.publishedBy);
    expect(res.body.data.publishedBy).toEqual(expect.any(String));
    expect(res.body.data.trail.map((t: Json) => [t.revision.revisionNumber, t.changedSections])).toEqual([
      [2, ['call_handling']],
      [1, []],
    ]);
    expect((await h.call('GET', `${h.branch}/revisions/${UNKNOWN_ID}/history`)).status).toBe(404);
  });
});

describe('POST /branches/{branchId}/revisions/{revisionId}/restore', () => {
  it('republishes the old config as a new head revision (200 committed); older ids stay', async () => {
    const h = await seeded();
    const r2 = await commit(h, 'two', 'second');
    const r3 = await commit(h, 'three');
    const openDraft = (await h.call('PUT', `${h.branch}/draft`, { globalPrompt: 'untouched' })).body.data;
    const res = await h.call('POST', `${h.branch}/revisions/${r2._id}/restore`);
    expect(res.status).toBe(200);
    expect(res.body.data.state).toBe('committed');
    const r4 = res.body.data.revision;
    expect(r4).toMatchObject({
      status: 'published',
      revisionNumber: 4,
      restoredFromRevisionId: r2._id,
      restoredFromLabel: 'second',
      parentVersion: r3._id,
      isActive: true,
      securityCheck: { status: 'passed' },
    });
    expect(r4._id).not.toBe(r2._id);
    expect(h.emu.state.revisions(h.agentId, h.mainId).map((r) => r._id)).toEqual([
      r4._id,
      r3._id,
      r2._id,
      h.headId,
    ]);
    expect(h.emu.state.revisions(h.agentId, h.mainId)[0]!.config.firstMessage).toBe('two');
    // Live branch: production switched at once.
    const dto = (await h.call('GET', `/agent/${h.agentId}`)).body.data;
    expect(dto.activeVersionId).toBe(r4._id);
    expect(dto._resolvedConfig.firstMessage).toBe('two');
    // The draft slot is untouched.
    expect(h.emu.state.branchDraft(h.agentId, h.mainId)!._id).toBe(openDraft._id);
  });

  it('403 for a revision that has not passed its scan, 409 while a publish is in flight, 400/404 for bad ids', async () => {
    const h = await seeded();
    const row = (await h.call('PUT', `${h.branch}/draft`, { firstMessage: 'x' })).body.data;
    await h.call('POST', `${h.branch}/draft/publish`);
    const scanning = await h.call('POST', `${h.branch}/revisions/${row._id}/restore`);
    expect(scanning.status).toBe(409);
    expect(scanning.body.error_type).toBe('publish_in_progress');
    await h.call('POST', `${h.branch}/draft/publish/cancel`);
    const notPassed = await h.call('POST', `${h.branch}/revisions/${row._id}/restore`);
    expect(notPassed.status).toBe(403);
    expect(notPassed.body.status).toBe(false);
    const inFlight = await h.call('POST', `${h.branch}/draft/publish`);
    expect(inFlight.status).toBe(202);
    const busy = await h.call('POST', `${h.branch}/revisions/${h.headId}/restore`);
    expect(busy.status).toBe(409);
    expect(busy.body.error_type).toBe('publish_in_progress');
    expect((await h.call('POST', `${h.branch}/revisions/${BAD_ID}/restore`)).status).toBe(400);
    expect((await h.call('POST', `${h.branch}/revisions/${UNKNOWN_ID}/restore`)).status).toBe(404);
    expect(h.emu.state.revisions(h.agentId, h.mainId)).toHaveLength(1);
  });
});

describe('POST /branches/{branchId}/test-call', () => {
  it('tests the head, a revision or the open draft', async () => {
    const h = await seeded();
    const head = await h.call('POST', `${h.branch}/test-call`, {});
    expect(head.status).toBe(200);
    expect(head.body.data).toEqual({
      conversationId: expect.stringMatching(/^[a-f\d]{24}$/),
      callId: expect.any(String),
      token: expect.any(String),
      roomName: expect.any(String),
      host: expect.any(String),
    });
    expect((await h.call('POST', `${h.branch}/test-call`, { revisionId: h.headId })).status).toBe(200);
    const telephony = await h.call('POST', `${h.branch}/test-call`, {
      mode: 'telephony',
      toPhone: '+4915112345678',
    });
    expect(Object.keys(telephony.body.data).sort()).toEqual(['callId', 'conversationId']);
    expect((await h.call('POST', `${h.branch}/test-call`, { includeDraft: true })).status).toBe(404);
    await h.call('PUT', `${h.branch}/draft`, { firstMessage: 'x' });
    expect((await h.call('POST', `${h.branch}/test-call`, { includeDraft: true })).status).toBe(200);
  });

  it('400 for both targets or a bad body, 404 for an unknown revision, 409 no_committed_revision', async () => {
    const h = await seeded();
    for (const body of [
      { includeDraft: true, revisionId: h.headId },
      { mode: 'fax' },
      { mode: 'telephony' },
      { revisionId: 'x' },
      { includeDraft: 'yes' },
    ]) {
      expect((await h.call('POST', `${h.branch}/test-call`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await h.call('POST', `${h.branch}/test-call`, { revisionId: UNKNOWN_ID })).status).toBe(404);
    const b1 = (
      await h.call('POST', `/agent/${h.agentId}/branches`, { sourceBranchId: h.mainId, name: 'b1' })
    ).body.data;
    const empty = await h.call('POST', `/agent/${h.agentId}/branches/${b1._id}/test-call`, {});
    expect(empty.status).toBe(409);
    expect(empty.body.error_type).toBe('no_committed_revision');
    expect(
      (await h.call('POST', `/agent/${h.agentId}/branches/${b1._id}/test-call`, { revisionId: h.headId }))
        .status,
    ).toBe(404);
  });
});
