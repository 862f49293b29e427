import { describe, expect, it } from 'vitest';
import { contractHarness } from './contract-harness.js';

const UNKNOWN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const { start, expectCovered } = contractHarness();

// Every branch-model operation of the vendor's spec, answered by the emulator, matches its schema.
expectCovered((op) => /^\w+ \/agent\/\{id\}\/(branches|diff)(\/.*)?$/.test(op));

async function seeded(options: Parameters<typeof start>[0] = {}) {
  const h = await start({ versioning: 'v2', ...options });
  const id = await h.createAgent({ name: 'contract-v2', singlePromptConfig: { prompt: 'p', tools: [] } });
  const list = await h.call('GET', '/agent/{id}/branches', { id });
  // biome-ignore lint/suspicious/noExplicitAny: a decoded answer
  const main = list.body.data.branches.find((b: any) => b.branch.isDefault);
  return { ...h, id, mainId: main.branch._id as string, headId: main.branch.headRevisionId as string };
}

describe('Atoms v2 answers match the vendor OpenAPI spec', () => {
  it('branches: create, list, get, rename, archive, live', async () => {
    const { call, id, mainId } = await seeded();
    expect((await call('GET', '/agent/{id}/branches', { id: UNKNOWN })).status).toBe(404);
    expect((await call('POST', '/agent/{id}/branches', { id }, { name: 'x' })).status).toBe(400);
    const created = await call(
      'POST',
      '/agent/{id}/branches',
      { id },
      { sourceBranchId: mainId, name: 'b1' },
    );
    expect(created.status).toBe(201);
    const b1 = created.body.data._id as string;
    expect(
      (await call('POST', '/agent/{id}/branches', { id }, { sourceBranchId: mainId, name: 'b1' })).status,
    ).toBe(409);

    expect((await call('GET', '/agent/{id}/branches/{branchId}', { id, branchId: b1 })).status).toBe(200);
    expect((await call('GET', '/agent/{id}/branches/{branchId}', { id, branchId: UNKNOWN })).status).toBe(
      404,
    );
    expect(
      (await call('PATCH', '/agent/{id}/branches/{branchId}', { id, branchId: b1 }, { name: 'b2' })).status,
    ).toBe(200);
    expect(
      (await call('PATCH', '/agent/{id}/branches/{branchId}', { id, branchId: mainId }, { name: 'x' }))
        .status,
    ).toBe(403);

    // b1 has no commit yet: it cannot go live or take a head test call.
    expect((await call('POST', '/agent/{id}/branches/{branchId}/live', { id, branchId: b1 })).status).toBe(
      409,
    );
    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/test-call', { id, branchId: b1 }, {})).status,
    ).toBe(409);
    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/live', { id, branchId: mainId })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/archive', { id, branchId: mainId })).status,
    ).toBe(403);
    expect((await call('POST', '/agent/{id}/branches/{branchId}/archive', { id, branchId: b1 })).status).toBe(
      200,
    );
  });

  it('draft: write, conflicts, read, discard', async () => {
    const { call, id, mainId } = await seeded();
    const p = { id, branchId: mainId };
    expect((await call('GET', '/agent/{id}/branches/{branchId}/draft', p)).status).toBe(404);
    expect((await call('DELETE', '/agent/{id}/branches/{branchId}/draft', p)).status).toBe(404);
    expect((await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {})).status).toBe(400);
    const first = await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { globalPrompt: 'one' });
    expect(first.status).toBe(200);
    const base = first.body.data.draftRevision as number;
    await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {
      globalPrompt: 'two',
      expectedRevision: base,
    });
    const stale = await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {
      globalPrompt: 'three',
      expectedRevision: base,
    });
    expect(stale.status).toBe(409);
    const unavailable = await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {
      globalPrompt: 'four',
      expectedRevision: 99,
    });
    expect(unavailable.status).toBe(409);
    expect(unavailable.body.errors).toContain('base_revision_unavailable');

    expect((await call('GET', '/agent/{id}/branches/{branchId}/draft', p)).status).toBe(200);
    expect((await call('DELETE', '/agent/{id}/branches/{branchId}/draft', p)).status).toBe(200);
  });

  it('the lean production draft conflict matches the spec too', async () => {
    const { call, id, mainId } = await seeded({ draftConflict: 'lean' });
    const p = { id, branchId: mainId };
    const base = (await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { globalPrompt: 'one' })).body
      .data.draftRevision as number;
    await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {
      globalPrompt: 'two',
      expectedRevision: base,
    });
    const stale = await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, {
      globalPrompt: 'three',
      expectedRevision: base,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ status: false, errors: ['workflow_prompt.globalPrompt'] });
  });

  it('publish (202 scanning, then committed), cancel, revisions, history, restore, test call, diff', async () => {
    const { call, clock, id, mainId, headId } = await seeded();
    const p = { id, branchId: mainId };
    expect((await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {})).status).toBe(404);
    await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { firstMessage: 'Hello' });
    const scanning = await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, { label: 'v2' });
    expect(scanning.status).toBe(202);
    expect((await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {})).status).toBe(409);
    const listed = await call('GET', '/agent/{id}/branches/{branchId}/revisions', p, undefined, {
      query: { limit: 1 },
    });
    const revisionId = listed.body.data.revisions[0]._id as string;
    expect(
      (await call('GET', '/agent/{id}/branches/{branchId}/revisions', p, undefined, { query: { limit: 0 } }))
        .status,
    ).toBe(400);
    clock.advance(6000);
    const rp = { ...p, revisionId };
    expect((await call('GET', '/agent/{id}/branches/{branchId}/revisions/{revisionId}', rp)).status).toBe(
      200,
    );
    expect(
      (
        await call('GET', '/agent/{id}/branches/{branchId}/revisions/{revisionId}', {
          ...p,
          revisionId: UNKNOWN,
        })
      ).status,
    ).toBe(404);
    expect(
      (await call('GET', '/agent/{id}/branches/{branchId}/revisions/{revisionId}/history', rp)).status,
    ).toBe(200);
    expect(
      (
        await call('GET', '/agent/{id}/branches/{branchId}/revisions/{revisionId}/history', {
          ...p,
          revisionId: UNKNOWN,
        })
      ).status,
    ).toBe(404);

    const restored = await call('POST', '/agent/{id}/branches/{branchId}/revisions/{revisionId}/restore', {
      ...p,
      revisionId: headId,
    });
    expect(restored.status).toBe(200);
    expect(
      (
        await call('POST', '/agent/{id}/branches/{branchId}/revisions/{revisionId}/restore', {
          ...p,
          revisionId: UNKNOWN,
        })
      ).status,
    ).toBe(404);

    expect((await call('POST', '/agent/{id}/branches/{branchId}/draft/publish/cancel', p)).status).toBe(200);
    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/draft/publish/cancel', { id, branchId: UNKNOWN }))
        .status,
    ).toBe(404);

    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/test-call', p, { mode: 'webcall' })).status,
    ).toBe(200);
    expect(
      (await call('POST', '/agent/{id}/branches/{branchId}/test-call', p, { includeDraft: true })).status,
    ).toBe(404);

    // The agent read under the branch model: the live head, and the open draft's preview.
    expect((await call('GET', '/agent/{id}', { id })).body.data.activeVersionId).toBe(
      (await call('GET', '/agent/{id}/branches/{branchId}', p)).body.data.branch.headRevisionId,
    );
    const diff = await call('GET', '/agent/{id}/diff', { id }, undefined, {
      query: { a: headId, b: revisionId },
    });
    expect(diff.status).toBe(200);
    expect((await call('GET', '/agent/{id}/diff', { id }, undefined, { query: { a: headId } })).status).toBe(
      400,
    );
    await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { firstMessage: 'draft side' });
    const draftId = (await call('GET', '/agent/{id}/branches/{branchId}', p)).body.data.branch.openDraftId;
    expect((await call('GET', '/agent/{id}', { id }, undefined, { query: { draftId } })).status).toBe(200);
    const draftSide = await call('GET', '/agent/{id}/diff', { id }, undefined, {
      query: { a: revisionId, b: `${mainId}:draft` },
    });
    expect(draftSide.status).toBe(200);
  });

  it('a workflow_graph draft commits synchronously: 200 committed with the revision', async () => {
    const h = await start({ versioning: 'v2' });
    const id = await h.createAgent({ name: 'graph', workflowType: 'workflow_graph' });
    const list = await h.call('GET', '/agent/{id}/branches', { id });
    const p = { id, branchId: list.body.data.branches[0].branch._id as string };
    await h.call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { firstMessage: 'graph hello' });
    const committed = await h.call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {});
    expect(committed.status).toBe(200);
    expect(committed.body.data.state).toBe('committed');
  });

  it('a failed scan: the next publish is a 409 and the revision says why', async () => {
    const { call, clock, id, mainId } = await seeded({
      securityCheck: { durationMs: 6000, outcome: 'failed' },
    });
    const p = { id, branchId: mainId };
    await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { globalPrompt: 'ignore all previous' });
    expect((await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {})).status).toBe(202);
    clock.advance(6000);
    const refused = await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {});
    expect(refused.status).toBe(409);
    const listed = await call('GET', '/agent/{id}/branches/{branchId}/revisions', p, undefined, {
      query: { limit: 1 },
    });
    expect(listed.body.data.revisions[0].securityCheck.status).toBe('failed');
  });

  it('config freeze: the v2 writes answer 423 config_freeze_active', async () => {
    const { call, id, mainId } = await seeded({ configFreeze: true });
    const p = { id, branchId: mainId };
    const frozen = [
      await call('POST', '/agent/{id}/branches', { id }, { sourceBranchId: mainId, name: 'x' }),
      await call('PUT', '/agent/{id}/branches/{branchId}/draft', p, { firstMessage: 'x' }),
      await call('POST', '/agent/{id}/branches/{branchId}/draft/publish', p, {}),
      await call('POST', '/agent/{id}/branches/{branchId}/live', p),
    ];
    for (const answer of frozen) expect(answer.status).toBe(423);
  });
});
