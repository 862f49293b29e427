import { ConflictError, MigrationRequiredError, noopLogger, type VersionInfo } from '@agent-release/core';
import { BoundedMap } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';

const A1 = '65a1b2c3d4e5f60718293c01';
const A2 = '65a1b2c3d4e5f60718293c02';
const A3 = '65a1b2c3d4e5f60718293c03';

import { AtomsAutoReleaser } from '../src/auto.js';
import { ATOMS_AUTO_CAPABILITIES, ATOMS_V1_CAPABILITIES, ATOMS_V2_CAPABILITIES } from '../src/index.js';
import type { AtomsV1Releaser } from '../src/v1/releaser.js';
import type { AtomsV2Releaser } from '../src/v2/releaser.js';
import {
  A,
  AGENT,
  agentBody,
  api,
  BDRAFT,
  branchDraftRow,
  branchesBody,
  branchPath,
  DRAFT,
  draftRow,
  fail,
  MAIN,
  makeReleaser,
  ok,
  ROW,
  revisionRow,
  STAGING,
  someDiff,
  summary,
  useNock,
  V1,
  V2,
  versionRow,
} from './fixtures.js';

useNock();

const OTHER = '65a1b2c3d4e5f60718293c99';
const MIGRATION = {
  status: false,
  error_type: 'versioning_v2_migration_required',
  errors: ['This endpoint is deprecated under the branch model.'],
};
const refused = { Deprecation: 'true' };

/** The v2 requests of `editDraft(AGENT, { instructions: 'New prompt' })` on the live branch. */
function v2InstructionsEdit() {
  api().get(`${A}/branches`).reply(200, branchesBody());
  api().put(`${branchPath()}/draft`, { globalPrompt: 'New prompt' }).reply(200, ok(branchDraftRow()));
}

describe("apiGeneration 'auto' (the default)", () => {
  it('a refused v1 fork is re-done as a PUT of the branch draft and the agent is remembered as v2', async () => {
    const { releaser, logger } = makeReleaser();
    expect(releaser.apiGeneration).toBe('auto');
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
    api().get(A).reply(200, agentBody());
    api().post(`${A}/drafts`, { sourceVersionId: V1 }).reply(409, MIGRATION, refused);
    v2InstructionsEdit();

    const draft = await releaser.editDraft(AGENT, { instructions: 'New prompt' });

    expect(draft).toMatchObject({
      draftId: BDRAFT,
      meta: { apiGeneration: 'v2', branchId: MAIN, edited: true },
    });
    expect(releaser.generationOf(AGENT)).toBe('v2');
    // The capabilities are fixed: they hold for every agent, whichever generation serves it.
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
    // An agent not seen on v2 is still spoken to through v1.
    expect(releaser.generationOf(OTHER)).toBe('v1');
    expect(logger.lines.some((l) => l.includes('switching it to the v2 API'))).toBe(true);

    // Remembered: the next edit sends no v1 request at all.
    v2InstructionsEdit();
    await releaser.editDraft(AGENT, { instructions: 'New prompt' });
  });

  it('publishing a v1 draft after the agent migrated re-applies the edit to the branch draft and publishes it', async () => {
    const { releaser } = makeReleaser();
    // editDraft on v1 (the agent is not migrated yet).
    api().get(A).reply(200, agentBody());
    api().post(`${A}/drafts`, { sourceVersionId: V1 }).reply(201, ok(draftRow()));
    api()
      .patch(`${A}/drafts/${DRAFT}/config`, { firstMessage: 'Hello' })
      .reply(200, ok(draftRow({ draftRevision: 1 })));
    const draft = await releaser.editDraft(AGENT, { firstMessage: 'Hello' });
    expect(draft.meta).toMatchObject({ apiGeneration: 'v1' });

    // Migrated now: the kept diff read works, the version list answers 409.
    api()
      .get(`${A}/drafts/${DRAFT}/diff`)
      .reply(200, ok({ hasChanges: true }));
    api().get(`${A}/versions`).query({ limit: '1', skip: '0' }).reply(409, MIGRATION, refused);
    api().get(`${A}/branches`).reply(200, branchesBody());
    api().put(`${branchPath()}/draft`, { firstMessage: 'Hello' }).reply(200, ok(branchDraftRow()));
    api()
      .get(branchPath())
      .reply(200, ok(summary(MAIN, { openDraftId: BDRAFT })));
    api()
      .get(`${A}/diff`)
      .query({ a: `${MAIN}:draft`, b: V1 })
      .reply(200, someDiff);
    api()
      .post(`${branchPath()}/draft/publish`, { label: 'hello' })
      .reply(200, ok({ state: 'committed', revision: revisionRow(ROW, { label: 'hello' }) }));

    const outcome = await releaser.publish(draft, { label: 'hello' });

    expect(outcome).toMatchObject({
      status: 'published',
      version: { id: ROW, isActive: true, label: 'hello' },
    });
    expect(releaser.generationOf(AGENT)).toBe('v2');
  });

  it('a v1 draft whose edit is unknown (a copied DraftRef) is a retryable ConflictError saying to edit again', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${A}/drafts/${DRAFT}/diff`)
      .reply(200, ok({ hasChanges: true }));
    api().get(`${A}/versions`).query(true).reply(409, MIGRATION, refused);

    const error = await releaser
      .publish({
        provider: 'atoms',
        agentId: AGENT,
        draftId: DRAFT,
        baseVersionId: V1,
        meta: { apiGeneration: 'v1' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/edit again/);
    expect(releaser.generationOf(AGENT)).toBe('v2');
  });

  it('a refused v1 activate is re-done on v2 (the migrated version id is the revision id)', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(`${A}/versions/${V2}`)
      .reply(200, ok({ version: versionRow(V2, { securityCheck: { status: 'passed', reason: null } }) }));
    api().patch(`${A}/versions/${V2}/activate`).reply(409, MIGRATION, refused);
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN, { headRevisionId: V2 })));
    api()
      .get(`${branchPath()}/revisions/${V2}`)
      .reply(200, ok({ revision: revisionRow(V2) }));

    expect(await releaser.activate(AGENT, V2)).toMatchObject({ id: V2, isActive: true, number: 2 });
    expect(releaser.generationOf(AGENT)).toBe('v2');
  });

  it('a refused v1 version list is re-done as the live branch revisions', async () => {
    const { releaser } = makeReleaser();
    api().get(`${A}/versions`).query(true).reply(409, MIGRATION, refused);
    api().get(`${A}/branches`).reply(200, branchesBody());
    api()
      .get(`${branchPath()}/revisions`)
      .query({ limit: '20', skip: '0' })
      .reply(200, ok({ revisions: [revisionRow(V1)], total: 1 }));

    const page = await releaser.listVersions(AGENT);
    expect(page.map((v) => [v.id, v.isActive])).toEqual([[V1, true]]);
  });

  it('getActiveVersion of an agent not known as v2 uses the v1 reads Atoms keeps under v2', async () => {
    const { releaser } = makeReleaser();
    api().get(A).reply(200, agentBody());
    api()
      .get(`${A}/versions/${V1}`)
      .reply(200, ok({ version: versionRow(V1, { isActive: true }) }));

    expect(await releaser.getActiveVersion(AGENT)).toMatchObject({ id: V1, isActive: true });
    expect(releaser.generationOf(AGENT)).toBe('v1');
  });

  it('a branch id given as draftId (no v1 draft has it) finds the agent on v2', async () => {
    const { releaser } = makeReleaser();
    api().get(`${A}/drafts/${STAGING}`).query(true).reply(404, fail('Resource not found'));
    api()
      .get(`${A}/branches`)
      .reply(200, branchesBody(summary(MAIN), summary(STAGING, {}, { isLive: false })));
    api()
      .put(`${branchPath(STAGING)}/draft`, { firstMessage: 'staged' })
      .reply(200, ok(branchDraftRow({ branch: STAGING })));

    const draft = await releaser.editDraft(AGENT, { firstMessage: 'staged' }, { draftId: STAGING });
    expect(draft.meta).toMatchObject({ apiGeneration: 'v2', branchId: STAGING });
    expect(releaser.generationOf(AGENT)).toBe('v2');
  });

  it('an unknown v1 draft stays a NotFoundError when the agent is not on v2 either', async () => {
    const { releaser } = makeReleaser();
    api().get(`${A}/drafts/${STAGING}`).query(true).reply(404, fail('Resource not found'));
    api()
      .get(`${A}/branches`)
      .reply(200, ok({ branches: [] }));

    const error = await releaser
      .editDraft(AGENT, { firstMessage: 'x' }, { draftId: STAGING })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND', operation: 'getDraft' });
    expect(releaser.generationOf(AGENT)).toBe('v1');
  });

  it('a migration 409 for an agent that has no branches either surfaces the MigrationRequiredError, no switch', async () => {
    const { releaser } = makeReleaser();
    api().get(A).reply(200, agentBody());
    api().post(`${A}/drafts`).reply(409, MIGRATION, refused);
    api()
      .get(`${A}/branches`)
      .reply(200, ok({ branches: [] }));

    const error = await releaser.editDraft(AGENT, { firstMessage: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationRequiredError);
    expect(releaser.generationOf(AGENT)).toBe('v1');
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
  });

  it('a remembered v2 agent that has no branches any more goes back to v1', async () => {
    const { releaser } = makeReleaser();
    api().get(A).reply(200, agentBody());
    api().post(`${A}/drafts`).reply(409, MIGRATION, refused);
    v2InstructionsEdit();
    await releaser.editDraft(AGENT, { instructions: 'New prompt' });
    expect(releaser.generationOf(AGENT)).toBe('v2');

    api()
      .get(`${A}/branches`)
      .reply(200, ok({ branches: [] }));
    api().get(A).reply(200, agentBody());
    api()
      .get(`${A}/versions/${V1}`)
      .reply(200, ok({ version: versionRow(V1, { isActive: true }) }));

    expect(await releaser.getActiveVersion(AGENT)).toMatchObject({ id: V1 });
    expect(releaser.generationOf(AGENT)).toBe('v1');
  });
});

describe('pinned generations', () => {
  it("'v1' surfaces the migration 409 as MigrationRequiredError and never calls v2", async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().get(A).reply(200, agentBody());
    api().post(`${A}/drafts`).reply(409, MIGRATION, refused);

    const error = await releaser.editDraft(AGENT, { firstMessage: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationRequiredError);
    expect((error as Error).message).toMatch(/apiGeneration 'auto'/);
    expect(releaser.generationOf(AGENT)).toBe('v1');
    expect(releaser.capabilities).toBe(ATOMS_V1_CAPABILITIES);
  });

  it("'v2' reports v2 capabilities from the start and for every agent", () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v2' });
    expect(releaser.apiGeneration).toBe('v2');
    expect(releaser.capabilities).toBe(ATOMS_V2_CAPABILITIES);
    expect(releaser.capabilities).toEqual({
      activation: 'on-publish',
      publishGate: 'security-check',
      drafts: 'one',
      versionHistory: true,
      rollback: 'republish',
      confirmsActiveVersion: true,
    });
    expect(releaser.generationOf(AGENT)).toBe('v2');
    expect(releaser.toJSON()).toMatchObject({ apiGeneration: 'v2', capabilities: ATOMS_V2_CAPABILITIES });
    expect(() => releaser.generationOf('../x')).toThrow(/agentId/);
  });
});

describe('auto releaser memory', () => {
  const live = (agentId: string): VersionInfo => ({ provider: 'atoms', agentId, id: V1, isActive: true });

  it('remembers at most `memory` agents, forgetting the least recently used', async () => {
    const migrated = new Set([A1, A2, A3]);
    const v1Calls: string[] = [];
    const auto = new AtomsAutoReleaser({
      v1: {
        getActiveVersion: async (agentId: string) => {
          v1Calls.push(agentId);
          if (migrated.has(agentId)) throw new MigrationRequiredError('migrated', { provider: 'atoms' });
          return live(agentId);
        },
      } as unknown as AtomsV1Releaser,
      v2: { getActiveVersion: async (agentId: string) => live(agentId) } as unknown as AtomsV2Releaser,
      logger: noopLogger,
      memory: 2,
    });

    for (const agentId of [A1, A2, A3]) await auto.getActiveVersion(agentId);

    expect(auto.generationOf(A1)).toBe('v1'); // forgotten: re-detected on its next call
    expect(auto.generationOf(A2)).toBe('v2');
    expect(auto.generationOf(A3)).toBe('v2');
    expect(auto.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
    await auto.getActiveVersion(A1);
    expect(v1Calls).toEqual([A1, A2, A3, A1]);
  });
});

describe('BoundedMap', () => {
  it('evicts the least recently used entry; get and set refresh an entry', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
    map.set('a', 4).set('d', 5);
    expect([map.get('a'), map.has('c'), map.get('d'), map.size]).toEqual([4, false, 5, 2]);
    expect(map.delete('a')).toBe(true);
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
