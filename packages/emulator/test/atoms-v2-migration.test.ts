import { ATOMS_MIGRATION_MESSAGE, parseCliArgs, runCli } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { UNKNOWN_ID, v2Harness } from './atoms-v2-helpers.js';
import { client, type Json } from './helpers.js';

const { start } = v2Harness();

const MIGRATION_409 = {
  status: false,
  error_type: 'versioning_v2_migration_required',
  errors: [ATOMS_MIGRATION_MESSAGE],
};

/** A v1 agent with v1 and v2 published (v2 active) and v3 published but never activated. */
async function v1History() {
  const h = await start({ versioning: 'v1' });
  const { call, clock, emu } = h;
  const agentId: string = (await call('POST', '/agent', { name: 'legacy' })).body.data;
  const v1 = emu.state.activeVersionId(agentId)!;
  const publish = async (firstMessage: string) => {
    const fork = await call('POST', `/agent/${agentId}/drafts`, { sourceVersionId: v1 });
    await call('PATCH', `/agent/${agentId}/drafts/${fork.body.data.draftId}/config`, { firstMessage });
    return (
      await call('POST', `/agent/${agentId}/drafts/${fork.body.data.draftId}/publish`, {
        label: firstMessage,
      })
    ).body.data._id as string;
  };
  const v2 = await publish('two');
  clock.advance(6000);
  expect((await call('PATCH', `/agent/${agentId}/versions/${v2}/activate`)).status).toBe(200);
  const v3 = await publish('three');
  const openDraft = (await call('POST', `/agent/${agentId}/drafts`, { sourceVersionId: v2 })).body.data
    .draftId;
  return { ...h, agentId, v1, v2, v3, openDraft };
}

describe('versioning v1 (default): v2 routes on an agent that is not migrated', () => {
  it('list no branches (no live branch) and answer 404 elsewhere; nothing changes', async () => {
    const { emu, call, agentId, v2 } = await v1History();
    expect(emu.state.versioning).toBe('v1');
    const list = await call('GET', `/agent/${agentId}/branches`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ status: true, data: { branches: [] } });
    const notFound: [string, string, unknown?][] = [
      ['GET', `/agent/${agentId}/branches/${UNKNOWN_ID}`],
      ['PUT', `/agent/${agentId}/branches/${UNKNOWN_ID}/draft`, { firstMessage: 'x' }],
      ['POST', `/agent/${agentId}/branches`, { sourceBranchId: UNKNOWN_ID, name: 'x' }],
      ['GET', `/agent/${agentId}/diff?a=${v2}&b=${v2}`],
    ];
    for (const [method, path, body] of notFound) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ status: false, errors: ['Resource not found'] });
    }
    expect(emu.state.liveBranchId(agentId)).toBeNull();
    expect(emu.state.branches(agentId)).toEqual([]);
    expect((await call('GET', `/agent/${agentId}/versions`)).status).toBe(200);
  });
});

describe('state.migrateToV2(agentId)', () => {
  it('turns v1 versions into Main revisions with the same ids; the active version is the live head', async () => {
    const { emu, call, agentId, v1, v2, v3 } = await v1History();
    const before = (await call('GET', `/agent/${agentId}`)).body.data;
    emu.state.migrateToV2(agentId);
    emu.state.migrateToV2(agentId); // idempotent

    const [main] = emu.state.branches(agentId);
    expect(main).toMatchObject({
      branch: { name: 'Main', isDefault: true, headRevisionId: v2, status: 'active' },
      isLive: true,
      revisionsCount: 3,
      headRevisionNumber: 2,
    });
    const mainId = main!.branch._id;
    expect(emu.state.liveBranchId(agentId)).toBe(mainId);
    const revisions = emu.state.revisions(agentId, mainId);
    expect(revisions.map((r) => [r._id, r.revisionNumber, r.versionNumber, r.branch])).toEqual([
      [v3, 3, 3, mainId],
      [v2, 2, 2, mainId],
      [v1, 1, 1, mainId],
    ]);
    // Over HTTP: the v1 ids are the revision ids.
    const listed = await call('GET', `/agent/${agentId}/branches/${mainId}/revisions`);
    expect(listed.body.data.revisions.map((r: Json) => r._id)).toEqual([v3, v2, v1]);
    const rev = await call('GET', `/agent/${agentId}/branches/${mainId}/revisions/${v2}`);
    expect(rev.body.data.revision).toMatchObject({
      _id: v2,
      revisionNumber: 2,
      label: 'two',
      isActive: true,
    });
    // GET /agent serves the same config from the same id.
    const after = (await call('GET', `/agent/${agentId}`)).body.data;
    expect(after.activeVersionId).toBe(before.activeVersionId);
    expect(after.activeVersionId).toBe(v2);
    expect(after._resolvedConfig).toEqual(before._resolvedConfig);
  });

  it('from then on v1 writes and lists answer 409 for that agent only; the kept v1 reads still work', async () => {
    const { emu, call, agentId, v2, v3, openDraft } = await v1History();
    const other: string = (await call('POST', '/agent', { name: 'still v1' })).body.data;
    emu.state.migrateToV2(agentId);
    const removed: [string, string, unknown?][] = [
      ['POST', `/agent/${agentId}/drafts`, { sourceVersionId: v2 }],
      ['GET', `/agent/${agentId}/drafts`],
      ['PATCH', `/agent/${agentId}/drafts/${openDraft}`, { draftName: 'n' }],
      ['DELETE', `/agent/${agentId}/drafts/${openDraft}`],
      ['PATCH', `/agent/${agentId}/drafts/${openDraft}/config`, { firstMessage: 'x' }],
      ['POST', `/agent/${agentId}/drafts/${openDraft}/publish`, {}],
      ['GET', `/agent/${agentId}/versions`],
      ['PATCH', `/agent/${agentId}/versions/${v3}`, { label: 'x' }],
      ['PATCH', `/agent/${agentId}/versions/${v3}/activate`],
    ];
    for (const [method, path, body] of removed) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(409);
      expect(res.headers.get('deprecation')).toBe('true');
      expect(res.body).toEqual(MIGRATION_409);
    }
    expect(emu.state.activeVersionId(agentId)).toBe(v2);
    const kept: [string, string, unknown?][] = [
      ['GET', `/agent/${agentId}`],
      ['GET', `/agent/${agentId}/versions/${v3}`],
      ['GET', `/agent/${agentId}/versions/diff?versionA=${v2}&versionB=${v3}`],
      ['GET', `/agent/${agentId}/drafts/${openDraft}`],
      ['GET', `/agent/${agentId}/drafts/${openDraft}/diff`],
      ['POST', `/agent/${agentId}/drafts/${openDraft}/test-call`, {}],
      ['POST', `/agent/${agentId}/versions/${v2}/test-call`, {}],
    ];
    for (const [method, path, body] of kept) {
      expect((await call(method, path, body)).status, `${method} ${path}`).toBe(200);
    }
    // Another agent on the same (v1) server is unaffected.
    expect((await call('GET', `/agent/${other}/versions`)).status).toBe(200);
    expect((await call('GET', `/agent/${other}/branches`)).body.data.branches).toEqual([]);
  });

  it('v2 routes then work: a publish commits revision max+1 on Main and GET /agent shows the live head', async () => {
    const { emu, call, clock, agentId, v3 } = await v1History();
    emu.state.migrateToV2(agentId);
    const mainId = emu.state.liveBranchId(agentId)!;
    const branch = `/agent/${agentId}/branches/${mainId}`;
    await call('PUT', `${branch}/draft`, { firstMessage: 'four' });
    expect((await call('POST', `${branch}/draft/publish`)).status).toBe(202);
    clock.advance(6000);
    const [head] = emu.state.revisions(agentId, mainId);
    expect(head).toMatchObject({ revisionNumber: 4, versionNumber: null, status: 'published' });
    const dto = (await call('GET', `/agent/${agentId}`)).body.data;
    expect(dto.activeVersionId).toBe(head!._id);
    expect(dto._resolvedConfig.firstMessage).toBe('four');
    // The kept v1 by-id read resolves the new revision id.
    expect((await call('GET', `/agent/${agentId}/versions/${head!._id}`)).body.data.version._id).toBe(
      head!._id,
    );
    // Restoring the never-activated v1 version 3 (its check passed meanwhile) makes it serve.
    const restored = await call('POST', `${branch}/revisions/${v3}/restore`);
    expect(restored.body.data.revision).toMatchObject({ revisionNumber: 5, restoredFromRevisionId: v3 });
    expect((await call('GET', `/agent/${agentId}`)).body.data._resolvedConfig.firstMessage).toBe('three');
  });

  it('throws for an unknown agent', async () => {
    const { emu } = await start({ versioning: 'v1' });
    expect(() => emu.state.migrateToV2(UNKNOWN_ID)).toThrow(/No agent/);
  });
});

describe('switching the whole server', () => {
  it('setMigrationRequired(true) / migrateToV2() migrate every agent and make new ones v2', async () => {
    const { emu, call } = await start({ versioning: 'v1' });
    const a = emu.state.createAgent({ name: 'a' });
    const b = emu.state.createAgent({ name: 'b' });
    emu.state.setMigrationRequired(true);
    expect(emu.state.versioning).toBe('v2');
    for (const id of [a, b]) {
      expect(emu.state.liveBranchId(id)).toEqual(expect.any(String));
      expect((await call('GET', `/agent/${id}/versions`)).status).toBe(409);
    }
    const c: string = (await call('POST', '/agent', { name: 'c' })).body.data;
    expect(emu.state.branches(c)[0]!.branch.headRevisionId).toBe(emu.state.activeVersionId(c));

    const { emu: other } = await start({ versioning: 'v1' });
    const d = other.state.createAgent({ name: 'd' });
    other.state.migrateToV2();
    expect(other.state.migrationRequired).toBe(true);
    expect(other.state.liveBranchId(d)).toEqual(expect.any(String));
  });

  it('setMigrationRequired(false) rolls back: revisions stay published versions, the live head stays active', async () => {
    const { emu, call, clock } = await start({ versioning: 'v2' });
    const id = emu.state.createAgent({ name: 'x' });
    const mainId = emu.state.liveBranchId(id)!;
    await call('PUT', `/agent/${id}/branches/${mainId}/draft`, { firstMessage: 'committed' });
    await call('POST', `/agent/${id}/branches/${mainId}/draft/publish`);
    clock.advance(6000);
    const head = emu.state.revisions(id, mainId)[0]!._id;
    await call('PUT', `/agent/${id}/branches/${mainId}/draft`, { firstMessage: 'still a draft' });

    emu.state.setMigrationRequired(false);
    expect(emu.state.versioning).toBe('v1');
    expect(emu.state.liveBranchId(id)).toBeNull();
    expect(emu.state.activeVersionId(id)).toBe(head);
    const versions = await call('GET', `/agent/${id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.data.versions.map((v: Json) => [v._id, v.versionNumber])).toEqual([
      [head, 2],
      [expect.any(String), 1],
    ]);
    expect(emu.state.drafts(id).map((d) => d.config.firstMessage)).toEqual(['still a draft']);
    expect((await call('GET', `/agent/${id}/branches`)).body.data.branches).toEqual([]);
  });
});

describe('the shared pipeline on v2 routes', () => {
  it('logs requests, needs a valid key (401), and never echoes the key', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    emu.clearRequests();
    const unauthorized = await call('GET', `/agent/${agentId}/branches`, undefined, { key: 'sk_wrong' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual({ status: false, errors: ['Unauthorized: User not found'] });
    const noKey = await call(
      'PUT',
      `/agent/${agentId}/branches/${mainId}/draft`,
      { firstMessage: 'x' },
      { key: null },
    );
    expect(noKey.status).toBe(401);
    expect(emu.state.branchDraft(agentId, mainId)).toBeUndefined();
    const conflict = await call('PUT', `/agent/${agentId}/branches/${mainId}/draft`, {
      firstMessage: 'x',
      expectedRevision: 9,
    });
    expect(conflict.status).toBe(409);
    await call('PUT', `/agent/${agentId}/branches/${mainId}/draft`, { firstMessage: 'x' });
    expect(emu.requests.map((r) => `${r.method} ${r.path} -> ${r.status}`)).toEqual([
      `GET /agent/${agentId}/branches -> 401`,
      `PUT /agent/${agentId}/branches/${mainId}/draft -> 401`,
      `PUT /agent/${agentId}/branches/${mainId}/draft -> 409`,
      `PUT /agent/${agentId}/branches/${mainId}/draft -> 200`,
    ]);
    expect(emu.requests[3]!.body).toEqual({ firstMessage: 'x' });
    const everything = JSON.stringify([unauthorized.body, noKey.body, conflict.body, emu.requests]);
    expect(everything).not.toContain(emu.apiKey);
    expect(everything).not.toContain('sk_wrong');
  });

  it('scripted faults apply: a status fault does not apply the write, drop-after applies it and loses the answer', async () => {
    const { emu, call, agent } = await start();
    const { agentId, mainId } = await agent();
    const branch = `/agent/${agentId}/branches/${mainId}`;
    await call('PUT', `${branch}/draft`, { firstMessage: 'x' });
    emu.faults.add({ method: 'POST', path: /\/draft\/publish$/, kind: 'status', status: 503 });
    const failed = await call('POST', `${branch}/draft/publish`);
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ status: false, errors: ['Service Unavailable'] });
    expect(emu.state.branchDraft(agentId, mainId)!.pendingPublish).toBeNull();

    emu.faults.add({ method: 'POST', path: /\/draft\/publish$/, kind: 'drop-after' });
    await expect(call('POST', `${branch}/draft/publish`)).rejects.toThrow();
    expect(emu.state.branchDraft(agentId, mainId)!.pendingPublish?.state).toBe('active');
    expect(emu.requests.at(-1)!.status).toBe('dropped');
    // The client's retry learns the publish is already running.
    expect((await call('POST', `${branch}/draft/publish`)).body.error_type).toBe('publish_in_progress');
  });

  it('rate limits per key with the Atoms 429 body', async () => {
    const { emu, call, agent } = await start({ rateLimit: { requestsPerSecond: 1, burst: 2 } });
    const { agentId } = await agent(); // POST /agent + GET /branches use the burst
    const limited = await call('GET', `/agent/${agentId}/branches`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toMatchObject({ status: false, code: 'RATE_LIMIT_EXCEEDED', retry_after: 1 });
    emu.addApiKey('sk_tenant_b');
    expect((await call('GET', `/agent/${agentId}/branches`, undefined, { key: 'sk_tenant_b' })).status).toBe(
      200,
    );
  });
});

describe('CLI --versioning', () => {
  it('parses v1|v2 and rejects anything else', () => {
    expect(parseCliArgs(['--versioning', 'v2'])).toEqual({ versioning: 'v2' });
    expect(parseCliArgs(['--versioning=v1'])).toEqual({ versioning: 'v1' });
    expect(() => parseCliArgs(['--versioning', 'v3'])).toThrow(/v1 or v2/);
    expect(() => parseCliArgs(['--versioning'])).toThrow(/Missing value/);
  });

  it('starts the Atoms emulator on the branch model', async () => {
    const running = await runCli(['--versioning', 'v2', '--api-key-atoms', 'sk_cli_v2'], () => {});
    try {
      const call = client(running!.atoms);
      const id: string = (await call('POST', '/agent', { name: 'cli' })).body.data;
      const branches = await call('GET', `/agent/${id}/branches`);
      expect(branches.body.data.branches[0]).toMatchObject({ branch: { name: 'Main' }, isLive: true });
      expect((await call('GET', `/agent/${id}/versions`)).status).toBe(409);
    } finally {
      await running!.close();
    }
  });
});
