import { describe, expect, it } from 'vitest';
import { BAD_ID, UNKNOWN_ID, v2Harness } from './atoms-v2-helpers.js';
import type { Json } from './helpers.js';

const { start } = v2Harness();

const endCall = { type: 'end_call', name: 'end_call', description: 'Hang up' };

async function seeded() {
  const h = await start();
  const { agentId, mainId, headId } = await h.agent({
    name: 'drafts',
    singlePromptConfig: { prompt: 'Original prompt', tools: [endCall] },
  });
  const draftPath = `/agent/${agentId}/branches/${mainId}/draft`;
  return { ...h, agentId, mainId, headId, draftPath };
}

describe('PUT /branches/{branchId}/draft', () => {
  it('opens the draft on first write (from the head) and answers the draft row with the merged config', async () => {
    const { emu, call, agentId, mainId, headId, draftPath } = await seeded();
    const res = await call('PUT', draftPath, { firstMessage: 'Hello' });
    expect(res.status).toBe(200);
    const row = res.body.data;
    expect(row).toMatchObject({
      status: 'draft',
      agent: agentId,
      branch: mainId,
      draftRevision: 1,
      sourceVersionId: headId,
      revisionNumber: null,
      versionNumber: null,
      pendingPublish: null,
      securityCheck: null,
    });
    expect(row.draftId).toMatch(/^[a-f\d]{24}$/);
    // The answer is a Revision: the spec gives it no config; the state helper shows it.
    expect(row).not.toHaveProperty('config');
    const config = emu.state.branchDraft(agentId, mainId)!.config;
    expect(config.firstMessage).toBe('Hello');
    expect(config.singlePromptConfig).toEqual({ prompt: 'Original prompt', tools: [endCall] });
    const branch = (await call('GET', `/agent/${agentId}/branches/${mainId}`)).body.data;
    expect(branch.hasOpenDraft).toBe(true);
    expect(branch.branch.openDraftId).toBe(row.draftId);
    // The head is untouched until a publish.
    expect(branch.branch.headRevisionId).toBe(headId);
    expect(emu.state.branchDraft(agentId, mainId)).toMatchObject({ draftId: row.draftId, editCount: 1 });
  });

  it('merges into the one open draft: objects key by key, arrays and scalars replace; each write is a revision', async () => {
    const { emu, call, agentId, mainId, draftPath } = await seeded();
    const first = (await call('PUT', draftPath, { firstMessage: 'Hello' })).body.data;
    // Prompt only: the tools are kept (unlike v1's wholesale singlePromptConfig replace).
    const second = (await call('PUT', draftPath, { singlePromptConfig: { prompt: 'New prompt' } })).body.data;
    expect(second.draftId).toBe(first.draftId);
    expect(second.draftRevision).toBe(2);
    expect(second._id).not.toBe(first._id);
    const draftConfig = () => emu.state.branchDraft(agentId, mainId)!.config as Json;
    expect(draftConfig().firstMessage).toBe('Hello');
    expect(draftConfig().singlePromptConfig).toEqual({ prompt: 'New prompt', tools: [endCall] });
    const third = (
      await call('PUT', draftPath, {
        synthesizer: { speed: 1 },
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            { identifier: 'ok', dispositionMetricPrompt: 'ok?', dispositionMetricType: 'BOOLEAN' },
          ],
        },
        unknownField: 'passed through',
      })
    ).body.data;
    expect(third.draftRevision).toBe(3);
    expect(draftConfig().synthesizer.speed).toBe(1);
    expect(draftConfig().synthesizer.voiceConfig.voiceId).toBe('nyah');
    expect(draftConfig().postCallAnalyticsConfig.dispositionMetrics).toHaveLength(1);
    expect(draftConfig().postCallAnalyticsConfig.useInternalAnalyticsModel).toBe(true);
    // UpdateBranchDraftRequest has additionalProperties: true: a field the spec does not type is kept.
    expect(draftConfig().unknownField).toBe('passed through');
    // timezone is an IANA string under v2.
    expect((await call('PUT', draftPath, { timezone: 'Europe/Berlin' })).status).toBe(200);
    expect(draftConfig().timezone).toBe('Europe/Berlin');
    expect(emu.state.branchDraft(agentId, mainId)!.editCount).toBe(4);
  });

  it('400: empty body, no recognised field, internal section names, invalid values, bad expectedRevision', async () => {
    const { emu, call, agentId, mainId, draftPath } = await seeded();
    const cases: [unknown, string | RegExp][] = [
      [undefined, 'No recognized config fields in request body'],
      [{}, 'No recognized config fields in request body'],
      [{ name: 'metadata goes to PATCH /agent' }, 'No recognized config fields in request body'],
      [{ expectedRevision: 0 }, 'No recognized config fields in request body'],
      [{ call_handling: { firstMessage: 'x' } }, 'No recognized config fields in request body'],
      [{ firstMessage: 'x', workflow_prompt: {} }, 'No recognized config fields in request body'],
      [{ slmModel: 'gpt-9' }, /slmModel must be one of/],
      [{ backgroundSound: 'jungle' }, /backgroundSound/],
      [{ firstMessage: 'x', expectedRevision: -1 }, /expectedRevision/],
      [{ firstMessage: 'x', expectedRevision: 'one' }, /expectedRevision/],
    ];
    for (const [body, message] of cases) {
      const res = await call('PUT', draftPath, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.status).toBe(false);
      expect(res.body.errors[0]).toMatch(message);
    }
    expect((await call('PUT', draftPath, [1])).status).toBe(400);
    // No draft was opened by any of them.
    expect(emu.state.branchDraft(agentId, mainId)).toBeUndefined();
  });

  it('404 for an unknown branch or agent; 403 on an archived branch; 400 for a malformed id', async () => {
    const { call, agentId, mainId } = await seeded();
    expect(
      (await call('PUT', `/agent/${agentId}/branches/${UNKNOWN_ID}/draft`, { firstMessage: 'x' })).status,
    ).toBe(404);
    expect(
      (await call('PUT', `/agent/${UNKNOWN_ID}/branches/${mainId}/draft`, { firstMessage: 'x' })).status,
    ).toBe(404);
    expect(
      (await call('PUT', `/agent/${agentId}/branches/${BAD_ID}/draft`, { firstMessage: 'x' })).status,
    ).toBe(400);
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`);
    expect(
      (await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { firstMessage: 'x' })).status,
    ).toBe(403);
  });

  it('a new branch drafts from its fork point', async () => {
    const { emu, call, agentId, mainId, headId } = await seeded();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    const row = (await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { firstMessage: 'b1' })).body
      .data;
    expect(row).toMatchObject({ branch: b1._id, sourceVersionId: headId, draftRevision: 1 });
    expect(emu.state.branchDraft(agentId, b1._id)!.config.singlePromptConfig!.prompt).toBe('Original prompt');
  });
});

describe('PUT draft concurrency: expectedRevision', () => {
  it('applies when expectedRevision is the latest draftRevision (0 opens a new draft)', async () => {
    const { call, draftPath } = await seeded();
    const first = await call('PUT', draftPath, { firstMessage: 'a', expectedRevision: 0 });
    expect(first.status).toBe(200);
    const second = await call('PUT', draftPath, { firstMessage: 'b', expectedRevision: 1 });
    expect(second.status).toBe(200);
    expect(second.body.data.draftRevision).toBe(2);
  });

  it('409 DraftConflictError when someone else changed the same leaf since expectedRevision', async () => {
    const { emu, call, agentId, mainId, draftPath } = await seeded();
    await call('PUT', draftPath, { firstMessage: 'mine at r1' }); // r1
    await call('PUT', draftPath, { firstMessage: 'theirs at r2' }); // r2, based on r1
    const res = await call('PUT', draftPath, { firstMessage: 'stale edit', expectedRevision: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      status: false,
      errors: ['call_handling.firstMessage'],
      data: {
        conflict: {
          expectedRevision: 1,
          latestRevision: 2,
          diffs: [
            {
              path: 'call_handling.firstMessage',
              baseValue: 'mine at r1',
              latestValue: 'theirs at r2',
              requestedValue: 'stale edit',
            },
          ],
        },
      },
    });
    expect(res.body.error_type).toBeUndefined();
    // Not applied.
    const draft = emu.state.branchDraft(agentId, mainId)!;
    expect(draft.draftRevision).toBe(2);
    expect(draft.config.firstMessage).toBe('theirs at r2');
    // Without expectedRevision the write is last-write-wins.
    const forced = await call('PUT', draftPath, { firstMessage: 'forced' });
    expect(forced.status).toBe(200);
    expect(emu.state.branchDraft(agentId, mainId)!.config.firstMessage).toBe('forced');
  });

  it('merges a stale edit of a different leaf, and nested leaves conflict only when they overlap', async () => {
    const { emu, call, agentId, mainId, draftPath } = await seeded();
    await call('PUT', draftPath, { firstMessage: 'r1' });
    await call('PUT', draftPath, { synthesizer: { speed: 1.5 } }); // r2 changes voice.synthesizer.speed
    const disjoint = await call('PUT', draftPath, {
      synthesizer: { consistency: 0.9 },
      globalPrompt: 'g',
      expectedRevision: 1,
    });
    expect(disjoint.status).toBe(200);
    expect(emu.state.branchDraft(agentId, mainId)!.config.synthesizer).toMatchObject({
      speed: 1.5,
      consistency: 0.9,
    });
    const clash = await call('PUT', draftPath, { synthesizer: { speed: 0.5 }, expectedRevision: 1 });
    expect(clash.status).toBe(409);
    expect(clash.body.errors).toEqual(['voice.synthesizer.speed']);
    // Making the very same change as the other edit is not a conflict.
    expect((await call('PUT', draftPath, { synthesizer: { speed: 1.5 }, expectedRevision: 1 })).status).toBe(
      200,
    );
  });

  it('409 base_revision_unavailable when expectedRevision names a revision the branch does not have', async () => {
    const { emu, call, agentId, mainId, draftPath } = await seeded();
    const none = await call('PUT', draftPath, { firstMessage: 'x', expectedRevision: 3 });
    expect(none.status).toBe(409);
    expect(none.body).toEqual({ status: false, errors: ['base_revision_unavailable'] });
    expect(emu.state.branchDraft(agentId, mainId)).toBeUndefined();
    await call('PUT', draftPath, { firstMessage: 'x' });
    const ahead = await call('PUT', draftPath, { firstMessage: 'y', expectedRevision: 2 });
    expect(ahead.status).toBe(409);
    expect(ahead.body.errors).toEqual(['base_revision_unavailable']);
  });

  it('409 publish_in_progress while a publish of the draft is scanning', async () => {
    const { call, draftPath } = await seeded();
    await call('PUT', draftPath, { firstMessage: 'x' });
    expect((await call('POST', `${draftPath}/publish`)).status).toBe(202);
    const res = await call('PUT', draftPath, { firstMessage: 'y' });
    expect(res.status).toBe(409);
    expect(res.body.error_type).toBe('publish_in_progress');
  });
});

describe('GET and DELETE /branches/{branchId}/draft', () => {
  it('GET answers DraftDetail: latest, edit history newest first with changed sections', async () => {
    const { call, agentId, draftPath } = await seeded();
    const r1 = (await call('PUT', draftPath, { firstMessage: 'Hello' })).body.data;
    const r2 = (await call('PUT', draftPath, { slmModel: 'gpt-4o' })).body.data;
    const res = await call('GET', draftPath);
    expect(res.status).toBe(200);
    const detail = res.body.data;
    expect(detail.latest).toMatchObject({ _id: r2._id, draftRevision: 2, status: 'draft', agent: agentId });
    expect(detail.latest).not.toHaveProperty('config');
    expect(detail.editCount).toBe(2);
    expect(
      detail.editHistory.map((e: Json) => [e.revision._id, e.revision.draftRevision, e.changedSections]),
    ).toEqual([
      [r2._id, 2, ['llm']],
      [r1._id, 1, ['call_handling']],
    ]);
    expect(detail.editHistory[0].editorName).toEqual(expect.any(String));
  });

  it('the kept v1 draft reads resolve the branch draft by its draftId', async () => {
    const { call, agentId, headId, draftPath } = await seeded();
    const row = (await call('PUT', draftPath, { firstMessage: 'Hello' })).body.data;
    const v1Detail = await call('GET', `/agent/${agentId}/drafts/${row.draftId}`);
    expect(v1Detail.status).toBe(200);
    expect(v1Detail.body.data.latest._id).toBe(row._id);
    const v1Diff = await call('GET', `/agent/${agentId}/drafts/${row.draftId}/diff`);
    expect(v1Diff.body.data.hasChanges).toBe(true);
    const dto = await call('GET', `/agent/${agentId}?draftId=${row.draftId}`);
    expect(dto.body.data._resolvedConfig.firstMessage).toBe('Hello');
    expect(dto.body.data.activeVersionId).toBe(headId);
  });

  it('GET/DELETE answer 404 when no draft is open; DELETE discards and keeps the head', async () => {
    const { emu, call, agentId, mainId, headId, draftPath } = await seeded();
    const noDraft = await call('GET', draftPath);
    expect(noDraft.status).toBe(404);
    expect(noDraft.body).toEqual({ status: false, errors: ['Resource not found'] });
    expect((await call('DELETE', draftPath)).status).toBe(404);
    await call('PUT', draftPath, { firstMessage: 'to be discarded' });
    const res = await call('DELETE', draftPath);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: { discarded: true } });
    expect((await call('GET', draftPath)).status).toBe(404);
    expect(emu.state.branchDraft(agentId, mainId)).toBeUndefined();
    expect(emu.state.drafts(agentId)).toEqual([]);
    const branch = (await call('GET', `/agent/${agentId}/branches/${mainId}`)).body.data;
    expect(branch).toMatchObject({
      hasOpenDraft: false,
      branch: { headRevisionId: headId, openDraftId: null },
    });
    // A new PUT opens a fresh draft from the head.
    expect((await call('PUT', draftPath, { globalPrompt: 'x' })).body.data.draftRevision).toBe(1);
  });
});

describe('GET /agent/{id}/diff', () => {
  it('diffs revision ids and <branchId>:draft tokens, across branches of the agent', async () => {
    const { call, agentId, mainId, headId, draftPath } = await seeded();
    await call('PUT', draftPath, { firstMessage: 'Hello' });
    const res = await call('GET', `/agent/${agentId}/diff?a=${headId}&b=${mainId}:draft`);
    expect(res.status).toBe(200);
    expect(res.body.data.diffs).toEqual([
      { section: 'call_handling', changes: [{ path: 'firstMessage', oldValue: '', newValue: 'Hello' }] },
    ]);
    expect(res.body.data.unchangedSections).toContain('workflow_prompt');
    const same = await call('GET', `/agent/${agentId}/diff?a=${headId}&b=${headId}`);
    expect(same.body.data.diffs).toEqual([]);
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { slmModel: 'gpt-4o' });
    const cross = await call('GET', `/agent/${agentId}/diff?a=${mainId}:draft&b=${b1._id}:draft`);
    expect(cross.body.data.diffs.map((d: Json) => d.section)).toEqual(['llm', 'call_handling']);
  });

  it('400 for missing or malformed sides, 404 for unknown revisions, branches or a closed draft', async () => {
    const { call, agentId, mainId, headId } = await seeded();
    const bad = [
      `a=${headId}`,
      `b=${headId}`,
      `a=${headId}&b=nope`,
      `a=${headId}&b=${'x'.repeat(65)}`,
      `a=${headId}&b=${mainId}:head`,
    ];
    for (const query of bad) {
      expect((await call('GET', `/agent/${agentId}/diff?${query}`)).status, query).toBe(400);
    }
    expect((await call('GET', `/agent/${agentId}/diff?a=${headId}&b=${UNKNOWN_ID}`)).status).toBe(404);
    expect((await call('GET', `/agent/${agentId}/diff?a=${headId}&b=${UNKNOWN_ID}:draft`)).status).toBe(404);
    expect((await call('GET', `/agent/${agentId}/diff?a=${headId}&b=${mainId}:draft`)).status).toBe(404);
  });
});
