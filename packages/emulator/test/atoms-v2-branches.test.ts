import { ATOMS_CONFIG_FREEZE_MESSAGE } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { BAD_ID, UNKNOWN_ID, v2Harness } from './atoms-v2-helpers.js';
import type { Json } from './helpers.js';

const { start } = v2Harness();

describe('a new agent under versioning v2', () => {
  it('has a default Main branch that is live, with revision 1 as head and the active version', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId, headId } = await agent();
    const list = await call('GET', `/agent/${agentId}/branches`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      status: true,
      data: {
        branches: [
          {
            branch: {
              _id: mainId,
              agent: agentId,
              name: 'Main',
              isDefault: true,
              sourceBranchId: null,
              sourceRevisionId: null,
              headRevisionId: headId,
              openDraftId: null,
              status: 'active',
              createdBy: expect.any(String),
              updatedBy: expect.any(String),
              createdAt: expect.any(String),
              updatedAt: expect.any(String),
            },
            isLive: true,
            hasOpenDraft: false,
            revisionsCount: 1,
            headRevisionNumber: 1,
          },
        ],
      },
    });
    expect(emu.state.liveBranchId(agentId)).toBe(mainId);
    expect(emu.state.activeVersionId(agentId)).toBe(headId);
    expect((await call('GET', `/agent/${agentId}`)).body.data.activeVersionId).toBe(headId);
    const [rev1] = emu.state.revisions(agentId, mainId);
    expect(rev1).toMatchObject({
      _id: headId,
      revisionNumber: 1,
      status: 'published',
      branch: mainId,
      isActive: true,
    });
    expect(rev1!.securityCheck?.status).toBe('passed');
  });

  it('state helpers create migrated agents too and report the versioning model', async () => {
    const { emu } = await start();
    const id = emu.state.createAgent({ name: 'seeded' });
    expect(emu.state.versioning).toBe('v2');
    expect(emu.state.migrationRequired).toBe(true);
    expect(emu.state.branches(id)).toHaveLength(1);
    expect(emu.state.branches(id)[0]!.branch.name).toBe('Main');
  });
});

describe('POST /agent/{id}/branches (fork)', () => {
  it('answers 201 with the Branch document: forked from the source head, no commit of its own yet', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId, headId } = await agent();
    const res = await call('POST', `/agent/${agentId}/branches`, {
      sourceBranchId: mainId,
      name: 'experiment',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      agent: agentId,
      name: 'experiment',
      isDefault: false,
      sourceBranchId: mainId,
      sourceRevisionId: headId,
      headRevisionId: null,
      openDraftId: null,
      status: 'active',
    });
    expect(res.body.data._id).toMatch(/^[a-f\d]{24}$/);
    const summary = await call('GET', `/agent/${agentId}/branches/${res.body.data._id}`);
    expect(summary.body.data).toMatchObject({
      isLive: false,
      hasOpenDraft: false,
      revisionsCount: 0,
      headRevisionNumber: null,
    });
    expect(emu.state.branches(agentId).map((b) => b.branch.name)).toEqual(['Main', 'experiment']);
  });

  it('validates the body (400) and 404s an unknown source branch or agent', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    const bodies = [
      {},
      { name: 'x' },
      { sourceBranchId: 'nope', name: 'x' },
      { sourceBranchId: mainId },
      { sourceBranchId: mainId, name: '' },
      { sourceBranchId: mainId, name: 'n'.repeat(101) },
    ];
    for (const body of bodies) {
      const res = await call('POST', `/agent/${agentId}/branches`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.status).toBe(false);
    }
    const unknownSource = await call('POST', `/agent/${agentId}/branches`, {
      sourceBranchId: UNKNOWN_ID,
      name: 'x',
    });
    expect(unknownSource.status).toBe(404);
    expect(unknownSource.body).toEqual({ status: false, errors: ['Resource not found'] });
    expect(
      (await call('POST', `/agent/${UNKNOWN_ID}/branches`, { sourceBranchId: mainId, name: 'x' })).status,
    ).toBe(404);
    expect(emu.state.branches(agentId)).toHaveLength(1);
  });

  it('409 branch_name_exists for a taken name (Main is reserved, case-insensitively)', async () => {
    const { call, agent } = await start();
    const { agentId, mainId } = await agent();
    expect(
      (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).status,
    ).toBe(201);
    for (const name of ['b1', 'Main', 'main']) {
      const res = await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name });
      expect(res.status, name).toBe(409);
      expect(res.body).toEqual({
        status: false,
        error_type: 'branch_name_exists',
        errors: [expect.any(String)],
      });
    }
  });

  it('409 source_has_no_commit when the source branch was never published', async () => {
    const { call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' });
    const res = await call('POST', `/agent/${agentId}/branches`, {
      sourceBranchId: b1.body.data._id,
      name: 'b2',
    });
    expect(res.status).toBe(409);
    expect(res.body.error_type).toBe('source_has_no_commit');
  });

  it('409 source_scanning while the source draft is being scanned', async () => {
    const { call, clock, agent } = await start();
    const { agentId, mainId } = await agent();
    await call('PUT', `/agent/${agentId}/branches/${mainId}/draft`, { firstMessage: 'hi' });
    expect((await call('POST', `/agent/${agentId}/branches/${mainId}/draft/publish`)).status).toBe(202);
    const res = await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' });
    expect(res.status).toBe(409);
    expect(res.body.error_type).toBe('source_scanning');
    clock.advance(6000);
    expect(
      (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).status,
    ).toBe(201);
  });
});

describe('GET /agent/{id}/branches and /branches/{branchId}', () => {
  it('lists only active branches; a by-id read still finds an archived one', async () => {
    const { call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`)).status).toBe(200);
    const list = await call('GET', `/agent/${agentId}/branches`);
    expect(list.body.data.branches.map((b: Json) => b.branch.name)).toEqual(['Main']);
    const archived = await call('GET', `/agent/${agentId}/branches/${b1._id}`);
    expect(archived.status).toBe(200);
    expect(archived.body.data.branch.status).toBe('archived');
  });

  it('400 for a malformed branch or agent id, 404 for unknown ones', async () => {
    const { call, agent } = await start();
    const { agentId } = await agent();
    expect((await call('GET', `/agent/${agentId}/branches/${BAD_ID}`)).status).toBe(400);
    expect((await call('GET', `/agent/${BAD_ID}/branches`)).status).toBe(400);
    const unknown = await call('GET', `/agent/${agentId}/branches/${UNKNOWN_ID}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ status: false, errors: ['Resource not found'] });
    expect((await call('GET', `/agent/${UNKNOWN_ID}/branches`)).status).toBe(404);
  });
});

describe('PATCH /branches/{branchId} (rename)', () => {
  it('renames a branch and answers the Branch', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    const res = await call('PATCH', `/agent/${agentId}/branches/${b1._id}`, { name: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ _id: b1._id, name: 'renamed' });
    expect(emu.state.branches(agentId)[1]!.branch.name).toBe('renamed');
    // Renaming to its own name is fine.
    expect((await call('PATCH', `/agent/${agentId}/branches/${b1._id}`, { name: 'renamed' })).status).toBe(
      200,
    );
  });

  it('403 for Main and for an archived branch, 409 branch_name_exists, 400 for a bad name, 404 unknown', async () => {
    const { call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    const b2 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b2' })).body
      .data;
    const main = await call('PATCH', `/agent/${agentId}/branches/${mainId}`, { name: 'x' });
    expect(main.status).toBe(403);
    expect(main.body.status).toBe(false);
    const taken = await call('PATCH', `/agent/${agentId}/branches/${b1._id}`, { name: 'b2' });
    expect(taken.status).toBe(409);
    expect(taken.body.error_type).toBe('branch_name_exists');
    expect((await call('PATCH', `/agent/${agentId}/branches/${b1._id}`, {})).status).toBe(400);
    expect((await call('PATCH', `/agent/${agentId}/branches/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
    await call('POST', `/agent/${agentId}/branches/${b2._id}/archive`);
    expect((await call('PATCH', `/agent/${agentId}/branches/${b2._id}`, { name: 'x' })).status).toBe(403);
    // An archived branch's name is free again.
    expect((await call('PATCH', `/agent/${agentId}/branches/${b1._id}`, { name: 'b2' })).status).toBe(200);
  });
});

describe('POST /branches/{branchId}/archive', () => {
  it('archives (idempotently) and answers {archived:true}', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    const res = await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true, data: { archived: true } });
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`)).status).toBe(200);
    expect(emu.state.branches(agentId)[1]!.branch.status).toBe('archived');
  });

  it('403 for Main and for the live branch; 404 for an unknown branch', async () => {
    const { call, agent } = await start();
    const { agentId, mainId } = await agent();
    expect((await call('POST', `/agent/${agentId}/branches/${mainId}/archive`)).status).toBe(403);
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, { workflowType: 'workflow_graph' });
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/draft/publish`)).status).toBe(200);
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/live`)).status).toBe(200);
    const live = await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`);
    expect(live.status).toBe(403);
    expect(live.body.errors).toEqual(['The live branch cannot be archived']);
    expect((await call('POST', `/agent/${agentId}/branches/${UNKNOWN_ID}/archive`)).status).toBe(404);
  });
});

describe('POST /branches/{branchId}/live', () => {
  it('switches the live branch: its head serves GET /agent, the old one stops being live', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId, headId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    await call('PUT', `/agent/${agentId}/branches/${b1._id}/draft`, {
      workflowType: 'workflow_graph',
      firstMessage: 'from b1',
    });
    const published = await call('POST', `/agent/${agentId}/branches/${b1._id}/draft/publish`);
    const b1Head = published.body.data.revision._id;
    // Not live yet: production still serves Main.
    expect((await call('GET', `/agent/${agentId}`)).body.data._resolvedConfig.firstMessage).toBe('');

    const res = await call('POST', `/agent/${agentId}/branches/${b1._id}/live`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ branch: { _id: b1._id, headRevisionId: b1Head }, isLive: true });
    const dto = (await call('GET', `/agent/${agentId}`)).body.data;
    expect(dto.activeVersionId).toBe(b1Head);
    expect(dto._resolvedConfig.firstMessage).toBe('from b1');
    expect(emu.state.liveBranchId(agentId)).toBe(b1._id);
    const main = (await call('GET', `/agent/${agentId}/branches/${mainId}`)).body.data;
    expect(main.isLive).toBe(false);
    expect(emu.state.version(agentId, headId)!.isActive).toBe(false);
    expect(emu.state.version(agentId, b1Head)!.isActive).toBe(true);
    // Idempotent.
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/live`)).status).toBe(200);
    // And back.
    expect((await call('POST', `/agent/${agentId}/branches/${mainId}/live`)).status).toBe(200);
    expect(emu.state.activeVersionId(agentId)).toBe(headId);
  });

  it('409 no_committed_revision for a branch without a commit, 403 for an archived one, 404 unknown', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    const b1 = (await call('POST', `/agent/${agentId}/branches`, { sourceBranchId: mainId, name: 'b1' })).body
      .data;
    const empty = await call('POST', `/agent/${agentId}/branches/${b1._id}/live`);
    expect(empty.status).toBe(409);
    expect(empty.body.error_type).toBe('no_committed_revision');
    await call('POST', `/agent/${agentId}/branches/${b1._id}/archive`);
    expect((await call('POST', `/agent/${agentId}/branches/${b1._id}/live`)).status).toBe(403);
    expect((await call('POST', `/agent/${agentId}/branches/${UNKNOWN_ID}/live`)).status).toBe(404);
    expect(emu.state.liveBranchId(agentId)).toBe(mainId);
  });
});

describe('config freeze (423 config_freeze_active)', () => {
  it('refuses every declared write, lets reads, discard, cancel and test calls through, and lifts', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId, headId } = await agent();
    await call('PUT', `/agent/${agentId}/branches/${mainId}/draft`, { firstMessage: 'before the freeze' });
    const before = emu.state.branchDraft(agentId, mainId)!;
    emu.state.setConfigFreeze(true);
    expect(emu.state.configFreeze).toBe(true);
    const base = `/agent/${agentId}/branches`;
    const writes: [string, string, unknown?][] = [
      ['POST', base, { sourceBranchId: mainId, name: 'b1' }],
      ['PATCH', `${base}/${mainId}`, { name: 'x' }],
      ['POST', `${base}/${mainId}/archive`],
      ['POST', `${base}/${mainId}/live`],
      ['PUT', `${base}/${mainId}/draft`, { firstMessage: 'frozen' }],
      ['POST', `${base}/${mainId}/draft/publish`],
      ['POST', `${base}/${mainId}/revisions/${headId}/restore`],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(423);
      expect(res.body).toEqual({
        status: false,
        error_type: 'config_freeze_active',
        errors: [ATOMS_CONFIG_FREEZE_MESSAGE],
      });
    }
    // Nothing was applied.
    expect(emu.state.branches(agentId)).toHaveLength(1);
    expect(emu.state.branchDraft(agentId, mainId)!.draftRevision).toBe(before.draftRevision);
    expect(emu.state.revisions(agentId, mainId)).toHaveLength(1);

    const allowed: [string, string, unknown?][] = [
      ['GET', base],
      ['GET', `${base}/${mainId}`],
      ['GET', `${base}/${mainId}/draft`],
      ['GET', `${base}/${mainId}/revisions`],
      ['POST', `${base}/${mainId}/draft/publish/cancel`],
      ['POST', `${base}/${mainId}/test-call`, {}],
      ['DELETE', `${base}/${mainId}/draft`],
    ];
    for (const [method, path, body] of allowed) {
      expect((await call(method, path, body)).status, `${method} ${path}`).toBe(200);
    }
    emu.state.setConfigFreeze(false);
    expect((await call('POST', base, { sourceBranchId: mainId, name: 'b1' })).status).toBe(201);
  });

  it('can start frozen via the configFreeze option; v1 endpoints are not affected', async () => {
    const { emu, call } = await start({ configFreeze: true, versioning: 'v1' });
    const created = await call('POST', '/agent', { name: 'v1 agent' });
    const id = created.body.data;
    const fork = await call('POST', `/agent/${id}/drafts`, {
      sourceVersionId: emu.state.activeVersionId(id),
    });
    expect(fork.status).toBe(201);
    emu.state.migrateToV2(id);
    const main = emu.state.branches(id)[0]!.branch._id;
    expect((await call('PUT', `/agent/${id}/branches/${main}/draft`, { firstMessage: 'x' })).status).toBe(
      423,
    );
  });
});
