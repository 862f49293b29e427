import {
  ATOMS_MIGRATION_MESSAGE,
  type AtomsEmulator,
  type AtomsEmulatorOptions,
  startAtomsEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { client, manualClock, sleep } from './helpers.js';

let atoms: AtomsEmulator | undefined;
let call: ReturnType<typeof client>;

async function start(options: AtomsEmulatorOptions = {}) {
  atoms = await startAtomsEmulator(options);
  call = client(atoms);
  return atoms;
}
afterEach(async () => {
  await atoms?.close();
  atoms = undefined;
});

/** Creates an agent, forks its active version, edits and publishes; returns the new version. */
async function publishOnce(emu: AtomsEmulator, agentId?: string, body: Record<string, unknown> = {}) {
  const id = agentId ?? emu.state.createAgent({ name: 'versions', prompt: 'v1' });
  const source = emu.state.activeVersionId(id)!;
  const fork = await call('POST', `/agent/${id}/drafts`, { sourceVersionId: source });
  const draftId: string = fork.body.data.draftId;
  await call('PATCH', `/agent/${id}/drafts/${draftId}/config`, { firstMessage: `msg ${Math.random()}` });
  const published = await call('POST', `/agent/${id}/drafts/${draftId}/publish`, body);
  expect(published.status).toBe(201);
  return { agentId: id, draftId, source, version: published.body.data };
}

describe('POST /drafts/{draftId}/publish', () => {
  it('creates an inactive published version even with activate:true (documented quirk)', async () => {
    const emu = await start({ securityCheck: { durationMs: 10_000 } });
    const { agentId, draftId, source, version } = await publishOnce(emu, undefined, {
      label: 'v2 - greeting added',
      description: 'Adds a greeting',
      activate: true,
    });
    expect(version).toMatchObject({
      status: 'published',
      versionNumber: 2,
      isActive: false,
      label: 'v2 - greeting added',
      description: 'Adds a greeting',
      sourceVersionId: source,
      parentVersion: source,
      draftId: null,
      securityCheck: { status: 'queued', reason: null, completedAt: null },
    });
    expect(version._id).toMatch(/^[a-f\d]{24}$/);
    expect(version.publishedAt).toEqual(expect.any(String));
    expect(version.securityCheck.triggeredAt).toEqual(expect.any(String));
    expect(emu.state.activeVersionId(agentId)).toBe(source);
    // The draft is gone after publishing.
    expect((await call('GET', `/agent/${agentId}/drafts/${draftId}`)).status).toBe(404);
    expect(emu.state.drafts(agentId)).toEqual([]);
  });

  it('numbers versions max+1 and accepts an empty body', async () => {
    const emu = await start();
    const first = await publishOnce(emu);
    const second = await publishOnce(emu, first.agentId);
    expect(first.version.versionNumber).toBe(2);
    expect(second.version.versionNumber).toBe(3);
  });

  it('validates label (<= 200) and description (<= 2000), and 404s an unknown draft', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x' });
    const fork = await call('POST', `/agent/${id}/drafts`, {
      sourceVersionId: emu.state.activeVersionId(id),
    });
    const draftId = fork.body.data.draftId;
    expect(
      (await call('POST', `/agent/${id}/drafts/${draftId}/publish`, { label: 'l'.repeat(201) })).status,
    ).toBe(400);
    const longDescription = { description: 'd'.repeat(2001) };
    expect((await call('POST', `/agent/${id}/drafts/${draftId}/publish`, longDescription)).status).toBe(400);
    expect((await call('POST', `/agent/${id}/drafts/draft_nope/publish`, {})).status).toBe(404);
    expect(emu.state.versions(id)).toHaveLength(1);
  });
});

describe('security check and activation', () => {
  it('refuses activation while pending, then activates once passed (short real duration)', async () => {
    const emu = await start({ securityCheck: { durationMs: 150 } });
    const { agentId, source, version } = await publishOnce(emu);
    const early = await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`);
    expect(early.status).toBe(400);
    expect(early.body.status).toBe(false);
    expect(early.body.errors[0]).toMatch(/security check pending/i);
    expect(emu.state.activeVersionId(agentId)).toBe(source);

    let status = 'queued';
    for (let i = 0; i < 50 && status !== 'passed'; i++) {
      await sleep(30);
      status = (await call('GET', `/agent/${agentId}/versions/${version._id}`)).body.data.version
        .securityCheck.status;
    }
    expect(status).toBe('passed');

    const activated = await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.data).toMatchObject({
      _id: version._id,
      isActive: true,
      activatedBy: expect.any(String),
    });
    expect(activated.body.data.activatedAt).toEqual(expect.any(String));
    expect(emu.state.activeVersionId(agentId)).toBe(version._id);
    expect(emu.state.version(agentId, source)?.isActive).toBe(false);
    const agent = await call('GET', `/agent/${agentId}`);
    expect(agent.body.data.activeVersionId).toBe(version._id);
  });

  it('is idempotent: activating the active version returns it unchanged', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x' });
    const active = emu.state.activeVersion(id)!;
    const res = await call('PATCH', `/agent/${id}/versions/${active._id}/activate`);
    expect(res.status).toBe(200);
    expect(res.body.data.isActive).toBe(true);
    expect(res.body.data.activatedAt).toBe(active.activatedAt);
  });

  it('follows an injected clock (no timers) and supports completeSecurityCheck', async () => {
    const clock = manualClock();
    const emu = await start({ clock, securityCheck: { durationMs: 6000 } });
    const { agentId, version } = await publishOnce(emu);
    clock.advance(5999);
    expect(emu.state.version(agentId, version._id)?.securityCheck?.status).toBe('queued');
    clock.advance(1);
    expect(emu.state.version(agentId, version._id)?.securityCheck).toMatchObject({
      status: 'passed',
      completedAt: new Date(clock.now()).toISOString(),
    });

    const second = await publishOnce(emu, agentId);
    emu.state.completeSecurityCheck(agentId, second.version._id);
    const res = await call('PATCH', `/agent/${agentId}/versions/${second.version._id}/activate`);
    expect(res.status).toBe(200);
  });

  it.each(['failed', 'errored'] as const)(
    'refuses activation after a %s check with its reason',
    async (outcome) => {
      const clock = manualClock();
      const emu = await start({
        clock,
        securityCheck: { durationMs: 100, outcome, reason: 'Prompt injection found' },
      });
      const { agentId, version } = await publishOnce(emu);
      clock.advance(100);
      const read = await call('GET', `/agent/${agentId}/versions/${version._id}`);
      expect(read.body.data.version.securityCheck).toMatchObject({
        status: outcome,
        reason: 'Prompt injection found',
      });
      const res = await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(['Security check failed: Prompt injection found']);
    },
  );

  it('decides the outcome per version with a function of the published config', async () => {
    const clock = manualClock();
    const emu = await start({
      clock,
      securityCheck: {
        durationMs: 0,
        outcome: (v) => (String(v.config.firstMessage).includes('bad') ? 'failed' : 'passed'),
      },
    });
    const id = emu.state.createAgent({ name: 'x' });
    const fork = await call('POST', `/agent/${id}/drafts`, {
      sourceVersionId: emu.state.activeVersionId(id),
    });
    await call('PATCH', `/agent/${id}/drafts/${fork.body.data.draftId}/config`, {
      firstMessage: 'bad words',
    });
    const published = await call('POST', `/agent/${id}/drafts/${fork.body.data.draftId}/publish`, {});
    expect(published.body.data.securityCheck.status).toBe('failed');
    expect(published.body.data.securityCheck.reason).toEqual(expect.any(String));
    const good = await publishOnce(emu, id);
    expect(good.version.securityCheck.status).toBe('passed');
  });

  it('uses the configured status for the pending refusal', async () => {
    const emu = await start({ securityCheck: { durationMs: 60_000, pendingStatus: 409 } });
    const { agentId, version } = await publishOnce(emu);
    const res = await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`);
    expect(res.status).toBe(409);
    expect(res.body.errors[0]).toMatch(/security check pending/i);
  });

  it('omits securityCheck entirely with expose:false, while still enforcing it', async () => {
    const clock = manualClock();
    const emu = await start({ clock, securityCheck: { durationMs: 1000, expose: false } });
    const { agentId, version } = await publishOnce(emu);
    expect('securityCheck' in version).toBe(false);
    const read = await call('GET', `/agent/${agentId}/versions/${version._id}`);
    expect('securityCheck' in read.body.data.version).toBe(false);
    const list = await call('GET', `/agent/${agentId}/versions`);
    expect(list.body.data.versions.some((v: object) => 'securityCheck' in v)).toBe(false);
    expect((await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`)).status).toBe(400);
    clock.advance(1000);
    expect((await call('PATCH', `/agent/${agentId}/versions/${version._id}/activate`)).status).toBe(200);
  });

  it('checks the version id: 400 when not 24-hex, 404 when unknown or a draft', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x' });
    expect((await call('PATCH', `/agent/${id}/versions/nothex/activate`)).status).toBe(400);
    const unknown = await call('PATCH', `/agent/${id}/versions/0123456789abcdef01234567/activate`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe(false);
    const fork = await call('POST', `/agent/${id}/drafts`, {
      sourceVersionId: emu.state.activeVersionId(id),
    });
    expect((await call('PATCH', `/agent/${id}/versions/${fork.body.data._id}/activate`)).status).toBe(404);
  });
});

describe('GET /agent/{id}/versions', () => {
  it('lists published versions newest first with names, paginates, and counts total ignoring isPinned', async () => {
    const emu = await start({ securityCheck: { durationMs: 0 } });
    const { agentId, version: v2 } = await publishOnce(emu);
    const { version: v3 } = await publishOnce(emu, agentId);
    await call('PATCH', `/agent/${agentId}/versions/${v2._id}`, { isPinned: true });

    const all = await call('GET', `/agent/${agentId}/versions`);
    expect(all.status).toBe(200);
    expect(all.body.data.total).toBe(3);
    expect(all.body.data.versions.map((v: { versionNumber: number }) => v.versionNumber)).toEqual([3, 2, 1]);
    expect(all.body.data.versions[0]).toMatchObject({
      _id: v3._id,
      publishedByName: 'Emulator User',
      activatedByName: null,
    });

    const page = await call('GET', `/agent/${agentId}/versions?limit=1&skip=1`);
    expect(page.body.data.versions.map((v: { _id: string }) => v._id)).toEqual([v2._id]);

    const pinned = await call('GET', `/agent/${agentId}/versions?isPinned=true`);
    expect(pinned.body.data.versions.map((v: { _id: string }) => v._id)).toEqual([v2._id]);
    expect(pinned.body.data.total).toBe(3);

    for (const q of ['limit=0', 'limit=101', 'skip=-1', 'isPinned=maybe']) {
      expect((await call('GET', `/agent/${agentId}/versions?${q}`)).status).toBe(400);
    }
    expect((await call('GET', '/agent/0123456789abcdef01234567/versions')).status).toBe(404);
  });
});

describe('GET/PATCH /agent/{id}/versions/{versionId} and the version diff', () => {
  it('returns {version, resolvedConfig} keyed by section; 400 on a bad id, 404 envelope when unknown', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x', prompt: 'P', firstMessage: 'F' });
    const v1 = emu.state.activeVersionId(id)!;
    const res = await call('GET', `/agent/${id}/versions/${v1}`);
    expect(res.status).toBe(200);
    expect(res.body.data.version._id).toBe(v1);
    expect(res.body.data.resolvedConfig.workflow_prompt.prompt).toBe('P');
    expect(res.body.data.resolvedConfig.call_handling.firstMessage).toBe('F');
    expect((await call('GET', `/agent/${id}/versions/xyz`)).status).toBe(400);
    const unknown = await call('GET', `/agent/${id}/versions/0123456789abcdef01234567`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ status: false, errors: ['Version not found'] });
  });

  it('updates label, description and pin; requires at least one field', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x' });
    const v1 = emu.state.activeVersionId(id)!;
    const res = await call('PATCH', `/agent/${id}/versions/${v1}`, { label: 'Initial', isPinned: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ label: 'Initial', isPinned: true });
    expect((await call('PATCH', `/agent/${id}/versions/${v1}`, {})).status).toBe(400);
    expect((await call('PATCH', `/agent/${id}/versions/${v1}`, { label: 'l'.repeat(201) })).status).toBe(400);
  });

  it('diffs two versions section by section with leaf paths', async () => {
    const emu = await start();
    const { agentId, source, version } = await publishOnce(emu);
    const res = await call(
      'GET',
      `/agent/${agentId}/versions/diff?versionA=${source}&versionB=${version._id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.diffs).toEqual([
      {
        section: 'call_handling',
        changes: [{ path: 'firstMessage', oldValue: '', newValue: expect.any(String) }],
      },
    ]);
    expect(res.body.data.unchangedSections).toContain('workflow_prompt');
    expect((await call('GET', `/agent/${agentId}/versions/diff?versionA=${source}`)).status).toBe(400);
    expect((await call('GET', `/agent/${agentId}/versions/diff?versionA=x&versionB=y`)).status).toBe(400);
    const unknown = `/agent/${agentId}/versions/diff?versionA=${source}&versionB=0123456789abcdef01234567`;
    expect((await call('GET', unknown)).status).toBe(404);
  });

  it('resolves a draft revision id in the version diff', async () => {
    const emu = await start();
    const id = emu.state.createAgent({ name: 'x' });
    const v1 = emu.state.activeVersionId(id)!;
    const fork = await call('POST', `/agent/${id}/drafts`, { sourceVersionId: v1 });
    const patched = await call('PATCH', `/agent/${id}/drafts/${fork.body.data.draftId}/config`, {
      slmModel: 'gpt-4o',
    });
    const res = await call(
      'GET',
      `/agent/${id}/versions/diff?versionA=${v1}&versionB=${patched.body.data._id}`,
    );
    expect(res.body.data.diffs).toEqual([
      { section: 'llm', changes: [{ path: 'slmModel', oldValue: 'electron', newValue: 'gpt-4o' }] },
    ]);
  });
});

describe('migrationRequired (server on the v2 branch model)', () => {
  it('answers 409 versioning_v2_migration_required with Deprecation: true on v1 writes and lists', async () => {
    const emu = await start({ migrationRequired: true });
    const id = emu.state.createAgent({ name: 'x' });
    const v1 = emu.state.activeVersionId(id)!;
    const removed: [string, string, unknown?][] = [
      ['POST', `/agent/${id}/drafts`, { sourceVersionId: v1 }],
      ['GET', `/agent/${id}/drafts`],
      ['PATCH', `/agent/${id}/drafts/draft_x`, { draftName: 'n' }],
      ['DELETE', `/agent/${id}/drafts/draft_x`],
      ['PATCH', `/agent/${id}/drafts/draft_x/config`, { firstMessage: 'x' }],
      ['POST', `/agent/${id}/drafts/draft_x/publish`, {}],
      ['GET', `/agent/${id}/versions`],
      ['PATCH', `/agent/${id}/versions/${v1}`, { label: 'x' }],
      ['PATCH', `/agent/${id}/versions/${v1}/activate`],
    ];
    for (const [method, path, body] of removed) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(409);
      expect(res.headers.get('deprecation')).toBe('true');
      expect(res.body).toEqual({
        status: false,
        error_type: 'versioning_v2_migration_required',
        errors: [ATOMS_MIGRATION_MESSAGE],
      });
    }
    expect(emu.state.drafts(id)).toEqual([]);
  });

  it('keeps GET /agent/{id}, GET versions/{versionId} and the diff working; can be toggled at runtime', async () => {
    const emu = await start({ migrationRequired: true });
    const id = emu.state.createAgent({ name: 'x' });
    const v1 = emu.state.activeVersionId(id)!;
    expect((await call('GET', `/agent/${id}`)).status).toBe(200);
    expect((await call('GET', `/agent/${id}/versions/${v1}`)).status).toBe(200);
    expect((await call('GET', `/agent/${id}/versions/diff?versionA=${v1}&versionB=${v1}`)).status).toBe(200);
    expect((await call('POST', '/agent', { name: 'still works' })).status).toBe(201);

    emu.state.setMigrationRequired(false);
    expect(emu.state.migrationRequired).toBe(false);
    expect((await call('GET', `/agent/${id}/versions`)).status).toBe(200);
  });
});
