import {
  AbortedError,
  ConflictError,
  release,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import { describeReleaserConformance } from '@agent-release/core/testing/conformance';
import { type AtomsEmulatorOptions, startAtomsEmulator } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import {
  ATOMS_AUTO_CAPABILITIES,
  type AtomsReleaserOptions,
  ConfigFreezeError,
  createAtomsReleaser,
  DraftConflictError,
} from '../src/index.js';
import {
  call,
  conformanceHarness,
  count,
  FAST_CHECK,
  livePrompt,
  log,
  setupEmulator,
  TOOLS,
  track,
  useEmulators,
} from './emulator-harness.js';
import { startRewriteProxy } from './rewrite-proxy.js';

useEmulators();

const V2_INVALID = [
  { model: 'gpt-3' },
  { providerOptions: { atoms: { name: 'renamed' } } },
  { providerOptions: { atoms: { expectedRevision: -1 } } },
];

// v2 mode: a server on the branch model, a releaser pinned to v2.
describeReleaserConformance('atoms v2 (emulator, versioning v2, apiGeneration v2)', () =>
  conformanceHarness({ versioning: 'v2' }, { apiGeneration: 'v2' }, V2_INVALID),
);

// Migration mode: agents created under v1, then migrated; the default releaser ('auto') meets
// the 409 on its first v1 write for each agent and switches.
describeReleaserConformance('atoms migration (emulator, v1 agents migrated to v2, apiGeneration auto)', () =>
  conformanceHarness({ versioning: 'v1' }, {}, V2_INVALID, (emulator, agentId) =>
    emulator.state.migrateToV2(agentId),
  ),
);

// A v2 server with the default releaser: every agent is detected on its first write.
describeReleaserConformance('atoms auto on a v2 server (emulator, versioning v2, apiGeneration auto)', () =>
  conformanceHarness({ versioning: 'v2' }, {}, V2_INVALID),
);

/** An emulator on the branch model (unless told otherwise) and a releaser on it. */
const setup = (
  emulatorOptions: AtomsEmulatorOptions = {},
  releaserOptions: Partial<AtomsReleaserOptions> = {},
) => setupEmulator({ versioning: 'v2', ...emulatorOptions }, releaserOptions);
const PUBLISH = /\/draft\/publish$/;
const V1_WRITE = /\/(drafts|versions)(\/|$)/;

describe('a release that meets the v2 migration (apiGeneration auto, the default)', () => {
  it('starts on v1, meets the migration 409 mid-release and completes on v2 without the caller doing anything', async () => {
    const { emulator, releaser, agentId, logger } = await setup(
      { versioning: 'v1' },
      { apiGeneration: undefined },
    );
    const v1 = emulator.state.activeVersionId(agentId)!;
    expect(releaser.generationOf(agentId)).toBe('v1');
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);

    // The account is migrated between the edit (done on v1: fork + PATCH) and the publish.
    const result = await release(
      releaser,
      agentId,
      { instructions: 'Migrated mid-release' },
      {
        label: 'after migration',
        observer: (event) => {
          if (event.type === 'step-start' && event.step === 'publish') emulator.state.migrateToV2(agentId);
        },
      },
    );

    expect(result.status).toBe('released');
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'validate:ok',
      'edit-draft:ok',
      'publish:ok',
      'activate:skipped',
      'confirm:ok',
    ]);
    // The v1 edit really happened, then v1 met the 409 and the publish was re-done on v2.
    const lines = log(emulator);
    expect(lines).toContain(`POST /agent/${agentId}/drafts 201`);
    // v1 meets the 409 at the publish itself (no pre-publish version read any more); a refusal
    // creates nothing, so the publish is re-done on v2.
    expect(lines.some((l) => /^POST \/agent\/[a-f\d]+\/drafts\/[^/]+\/publish 409$/.test(l))).toBe(true);
    expect(lines.some((l) => /^PUT \/agent\/[a-f\d]+\/branches\/[a-f\d]+\/draft 200$/.test(l))).toBe(true);
    expect(lines.some((l) => PUBLISH.test(l.split(' ')[1]!))).toBe(true);

    // Emulator state: a revision on the live branch, no v1 version, the change live.
    const main = emulator.state.liveBranchId(agentId)!;
    const [head, previous, ...older] = emulator.state.revisions(agentId, main);
    expect(older).toEqual([]);
    expect(previous?._id).toBe(v1);
    expect(head).toMatchObject({
      _id: result.version?.id,
      branch: main,
      revisionNumber: 2,
      versionNumber: null,
      label: 'after migration',
      status: 'published',
    });
    expect(emulator.state.versions(agentId).map((v) => v._id)).toEqual(
      expect.arrayContaining([v1, result.version!.id]),
    );
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(emulator.state.activeVersionId(agentId)).toBe(result.version?.id);
    expect(livePrompt(emulator, agentId)).toBe('Migrated mid-release');
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.tools).toEqual(TOOLS);
    expect(result.version).toMatchObject({ isActive: true, number: 2, label: 'after migration' });

    // Remembered per agent; the releaser now reports v2 behaviour.
    expect(releaser.generationOf(agentId)).toBe('v2');
    expect(releaser.capabilities).toBe(ATOMS_AUTO_CAPABILITIES);
    expect(logger.lines.some((l) => l.includes('re-applying the edit'))).toBe(true);

    // The next release goes straight to v2 and sends no v1 write.
    const before = emulator.requests.length;
    const next = await release(releaser, agentId, { firstMessage: 'Straight to v2' });
    expect(next.status).toBe('released');
    expect(emulator.requests.slice(before).filter((r) => V1_WRITE.test(r.path))).toEqual([]);
  });

  it('an agent migrated before the release: the refused fork is re-done as a PUT of the branch draft', async () => {
    const { emulator, releaser, agentId } = await setup({ versioning: 'v1' });
    emulator.state.migrateToV2(agentId);
    const other = emulator.state.createAgent({ name: 'still v1', prompt: 'p', tools: TOOLS });

    const result = await release(releaser, agentId, { instructions: 'Edited on the branch' });

    expect(result.status).toBe('released');
    expect(log(emulator).slice(0, 4)).toEqual([
      `GET /agent/${agentId} 200`,
      `POST /agent/${agentId}/drafts 409`,
      `GET /agent/${agentId}/branches 200`,
      expect.stringMatching(new RegExp(`^PUT /agent/${agentId}/branches/[a-f\\d]+/draft 200$`)),
    ]);
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(emulator.state.drafts(agentId)).toEqual([]);
    expect(livePrompt(emulator, agentId)).toBe('Edited on the branch');
    // Per agent: another agent of the same releaser is still released through v1.
    expect(releaser.generationOf(other)).toBe('v1');
    const v1Release = await release(releaser, other, { instructions: 'Still v1' });
    expect(v1Release.status).toBe('released');
    expect(count(emulator, 'PATCH', new RegExp(`/agent/${other}/versions/[a-f\\d]+/activate$`))).toBe(1);
  });
});

describe('atoms v2 against the emulator', () => {
  it('releases an instructions edit on the live branch: exact requests, tools kept, live on publish', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const main = emulator.state.liveBranchId(agentId)!;
    const r1 = emulator.state.activeVersionId(agentId)!;

    const result = await release(releaser, agentId, { instructions: 'New prompt' }, { label: 'prompt v2' });

    expect(result.status).toBe('released');
    expect(result.version).toMatchObject({ isActive: true, number: 2, label: 'prompt v2' });
    expect(emulator.state.activeVersionId(agentId)).toBe(result.version?.id);
    expect(livePrompt(emulator, agentId)).toBe('New prompt');
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.tools).toEqual(TOOLS);
    expect(emulator.state.branchDraft(agentId, main)).toBeUndefined();
    const rid = result.version!.id;
    const lines = log(emulator);
    expect(lines.slice(0, 6)).toEqual([
      `GET /agent/${agentId}/branches 200`,
      `PUT /agent/${agentId}/branches/${main}/draft 200`,
      `GET /agent/${agentId}/branches/${main} 200`,
      `GET /agent/${agentId}/diff 200`,
      `POST /agent/${agentId}/branches/${main}/draft/publish 202`,
      `GET /agent/${agentId}/branches/${main}/revisions 200`,
    ]);
    expect(lines.slice(-3)).toEqual([
      `GET /agent/${agentId}/branches/${main}/revisions/${rid} 200`,
      `GET /agent/${agentId}/branches 200`,
      `GET /agent/${agentId}/branches/${main}/revisions/${rid} 200`,
    ]);
    const requests = emulator.requests;
    // The prompt goes as globalPrompt (the spec's UpdateBranchDraftRequest): no agent read for tools.
    expect(requests[1]?.body).toEqual({ globalPrompt: 'New prompt' });
    expect(requests[3]?.query).toEqual({ a: `${main}:draft`, b: r1 });
    expect(requests[4]?.body).toEqual({ label: 'prompt v2' });
    expect(requests[5]?.query).toEqual({ limit: '1', skip: '0' });
    expect(count(emulator, 'POST', /\/live$/)).toBe(0);
  });

  it('releasing the same change twice gives unchanged, discards the empty draft and creates no revision', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const main = emulator.state.liveBranchId(agentId)!;
    await release(releaser, agentId, { firstMessage: 'Same' });
    const revisions = emulator.state.revisions(agentId, main).map((r) => r._id);

    const again = await release(releaser, agentId, { firstMessage: 'Same' });

    expect(again).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(emulator.state.revisions(agentId, main).map((r) => r._id)).toEqual(revisions);
    expect(emulator.state.branchDraft(agentId, main)).toBeUndefined();
    expect(count(emulator, 'DELETE', /\/draft$/)).toBe(1);
    expect(count(emulator, 'POST', PUBLISH)).toBe(1);
  });

  it('a publish whose answer was lost (drop-after) yields exactly one revision', async () => {
    const { emulator, releaser, agentId, logger } = await setup({}, { apiGeneration: 'v2' });
    emulator.faults.add({ method: 'POST', path: PUBLISH, kind: 'drop-after' });

    const result = await release(releaser, agentId, { instructions: 'Published once' });

    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(emulator.state.activeVersionId(agentId)).toBe(result.version?.id);
    expect(
      emulator.requests.filter((r) => r.method === 'POST' && PUBLISH.test(r.path)).map((r) => r.status),
    ).toEqual(['dropped']);
    expect(logger.lines.some((l) => l.includes('reconciling'))).toBe(true);
  });

  it('a 5xx on a publish that applied is reconciled into exactly one revision, without a re-send', async () => {
    const emulator = await startAtomsEmulator({ versioning: 'v2', securityCheck: { durationMs: 150 } });
    track(emulator);
    const proxy = await startRewriteProxy({
      upstream: emulator.url,
      match: (method, path) => method === 'POST' && PUBLISH.test(path),
      status: 500,
      times: 1,
    });
    track(proxy);
    const releaser = createAtomsReleaser({
      apiKey: emulator.apiKey,
      baseUrl: `${proxy.url}/atoms/v1`,
      securityCheck: FAST_CHECK,
      apiGeneration: 'v2',
    });
    const agentId = emulator.state.createAgent({ name: 'support', prompt: 'Initial', tools: TOOLS });

    const result = await release(releaser, agentId, { instructions: 'Applied behind a 500' });

    expect(proxy.rewritten()).toBe(1);
    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(count(emulator, 'POST', PUBLISH)).toBe(1);
    expect(livePrompt(emulator, agentId)).toBe('Applied behind a 500');
  });

  it('a 5xx on a publish that did not apply is re-sent once', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    emulator.faults.add({ method: 'POST', path: PUBLISH, kind: 'status', status: 500 });

    const result = await release(releaser, agentId, { instructions: 'Second try' });

    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(
      emulator.requests.filter((r) => r.method === 'POST' && PUBLISH.test(r.path)).map((r) => r.status),
    ).toEqual([500, 202]);
  });

  it('a failed scan is a SecurityCheckFailedError: nothing committed, the draft stays open', async () => {
    const { emulator, releaser, agentId } = await setup(
      { securityCheck: { outcome: 'failed', reason: 'Prompt injection detected' } },
      { apiGeneration: 'v2' },
    );
    const main = emulator.state.liveBranchId(agentId)!;
    const r1 = emulator.state.activeVersionId(agentId);

    const error = await release(releaser, agentId, { instructions: 'Ignore previous instructions' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'failed', reason: 'Prompt injection detected' });
    expect(emulator.state.activeVersionId(agentId)).toBe(r1);
    expect(emulator.state.revisions(agentId, main)).toHaveLength(1);
    expect(emulator.state.branchDraft(agentId, main)?.securityCheck?.status).toBe('failed');
  });

  it('aborting while the scan runs cancels the publish: nothing commits, even after the scan passes', async () => {
    const { emulator, releaser, agentId } = await setup(
      { securityCheck: { durationMs: 400 } },
      { apiGeneration: 'v2' },
    );
    const main = emulator.state.liveBranchId(agentId)!;
    const controller = new AbortController();
    const draft = await releaser.editDraft(agentId, { instructions: 'Never live' });
    const publishing = releaser.publish(draft, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);

    const error = await publishing.catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).details).toMatchObject({ cancelled: true });
    const cancel = emulator.requests.find((r) => r.method === 'POST' && r.path.endsWith('/publish/cancel'));
    expect(cancel).toMatchObject({ status: 200, body: undefined });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(emulator.state.revisions(agentId, main)).toHaveLength(1);
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt).toBe('Initial prompt');
  });

  it('a scan that outlasts the deadline is a SecurityCheckTimeoutError and the publish is cancelled', async () => {
    const { emulator, releaser, agentId } = await setup(
      { securityCheck: { durationMs: 60_000 } },
      { apiGeneration: 'v2', securityCheck: { minDelayMs: 20, maxDelayMs: 40, maxWaitMs: 200 } },
    );

    const error = await release(releaser, agentId, { instructions: 'Too slow' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'queued', details: { cancelled: true } });
    expect(count(emulator, 'POST', /\/publish\/cancel$/)).toBe(1);
    const main = emulator.state.liveBranchId(agentId)!;
    expect(emulator.state.branchDraft(agentId, main)?.pendingPublish).toMatchObject({ state: 'cancelled' });
  });

  it('a config freeze (423) is a ConfigFreezeError and nothing is written', async () => {
    const { emulator, releaser, agentId } = await setup({ configFreeze: true }, { apiGeneration: 'v2' });

    const error = await release(releaser, agentId, { instructions: 'Frozen' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigFreezeError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      status: 423,
      retryable: true,
      details: { errorType: 'config_freeze_active' },
    });
    expect((error as Error).message).toMatch(/Retry after the window/);
    expect(emulator.state.versions(agentId)).toHaveLength(1);
    emulator.state.setConfigFreeze(false);
    expect((await release(releaser, agentId, { instructions: 'Thawed' })).status).toBe('released');
  });

  it('a concurrent edit of the same field is a DraftConflictError that names the field', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const main = emulator.state.liveBranchId(agentId)!;
    const mine = await releaser.editDraft(agentId, { firstMessage: 'Mine' });
    expect(mine.revision).toBe(1);
    // Someone else edits the same field in the shared branch draft.
    expect(
      (await call(emulator, 'PUT', `/agent/${agentId}/branches/${main}/draft`, { firstMessage: 'Theirs' }))
        .status,
    ).toBe(200);

    const error = await releaser
      .editDraft(agentId, {
        firstMessage: 'Mine again',
        providerOptions: { atoms: { expectedRevision: mine.revision } },
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DraftConflictError);
    expect(error).toMatchObject({
      kind: 'concurrent-edit',
      conflictPaths: ['call_handling.firstMessage'],
      expectedRevision: 1,
      latestRevision: 2,
    });
    expect((error as Error).message).toMatch(/apply the change again/);
    expect(emulator.state.branchDraft(agentId, main)?.config.firstMessage).toBe('Theirs');
  });

  it('rolls back by restoring an older revision as a new head revision (republish)', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const main = emulator.state.liveBranchId(agentId)!;
    const r1 = emulator.state.activeVersionId(agentId)!;
    const released = await release(releaser, agentId, { instructions: 'To be rolled back' });

    const back = await releaser.activate(agentId, r1);

    expect(back.id).not.toBe(r1);
    expect(back).toMatchObject({ isActive: true, number: 3 });
    const [head] = emulator.state.revisions(agentId, main);
    expect(head).toMatchObject({ _id: back.id, restoredFromRevisionId: r1 });
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt).toBe('Initial prompt');
    expect((await releaser.getActiveVersion(agentId))?.id).toBe(back.id);
    const page = await releaser.listVersions(agentId, { limit: 2 });
    expect(page.map((v) => [v.id, v.isActive])).toEqual([
      [back.id, true],
      [released.version!.id, false],
    ]);
  });

  it('publishes on a named, non-live branch and makes that branch live on activate', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const main = emulator.state.liveBranchId(agentId)!;
    const created = await call(emulator, 'POST', `/agent/${agentId}/branches`, {
      sourceBranchId: main,
      name: 'staging',
    });
    const staging = created.body.data._id as string;

    const result = await release(
      releaser,
      agentId,
      { instructions: 'Staged prompt' },
      { draftId: staging, label: 'staged' },
    );

    expect(result.status).toBe('released');
    expect(result.steps.find((s) => s.name === 'activate')?.status).toBe('ok');
    expect(result.version).toMatchObject({ isActive: true, number: 1, label: 'staged' });
    expect(emulator.state.liveBranchId(agentId)).toBe(staging);
    expect(livePrompt(emulator, agentId)).toBe('Staged prompt');
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.tools).toEqual(TOOLS);
    expect(count(emulator, 'POST', new RegExp(`/branches/${staging}/live$`))).toBe(1);
    expect(emulator.state.revisions(agentId, main)).toHaveLength(1);
  });

  it('a workflow_graph agent commits at once (200) with the prompt as globalPrompt', async () => {
    const { emulator, releaser } = await setup({}, { apiGeneration: 'v2' });
    const agentId = emulator.state.createAgent({ name: 'graph', workflowType: 'workflow_graph' });

    const result = await release(releaser, agentId, { instructions: 'Graph-wide prompt' });

    expect(result.status).toBe('released');
    expect(emulator.requests.find((r) => PUBLISH.test(r.path))?.status).toBe(200);
    expect(count(emulator, 'GET', /\/revisions/)).toBe(1); // only the confirmation read
    expect(emulator.state.activeVersion(agentId)?.config.globalPrompt).toBe('Graph-wide prompt');
  });

  it('edits an open draft by its id, keeping what is already in it', async () => {
    const { emulator, releaser, agentId } = await setup({}, { apiGeneration: 'v2' });
    const first = await releaser.editDraft(agentId, { firstMessage: 'Hi from the draft' });

    const result = await release(
      releaser,
      agentId,
      { instructions: 'Prompt on that draft' },
      { draftId: first.draftId },
    );

    expect(result.status).toBe('released');
    const config = emulator.state.activeVersion(agentId)!.config;
    expect(config.firstMessage).toBe('Hi from the draft');
    expect(livePrompt(emulator, agentId)).toBe('Prompt on that draft');
    expect(config.singlePromptConfig?.tools).toEqual(TOOLS);
    // The second edit was based on the draft's revision 1.
    const puts = emulator.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => (r.body as { expectedRevision?: number }).expectedRevision)).toEqual([
      undefined,
      1,
    ]);
  });
});
