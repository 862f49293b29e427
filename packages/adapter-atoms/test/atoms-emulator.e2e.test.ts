import { inspect } from 'node:util';
import {
  AuthenticationError,
  MigrationRequiredError,
  release,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  ValidationError,
} from '@agent-release/core';
import { describeReleaserConformance } from '@agent-release/core/testing/conformance';
import { startAtomsEmulator } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';
import { createAtomsReleaser } from '../src/index.js';
import {
  conformanceHarness,
  count,
  FAST_CHECK,
  log,
  setupEmulator,
  TOOLS,
  track,
  useEmulators,
} from './emulator-harness.js';
import { captureLogger, KEY } from './fixtures.js';
import { startRewriteProxy } from './rewrite-proxy.js';

useEmulators();

const setup = setupEmulator;
const PUBLISH = /\/drafts\/[^/]+\/publish$/;

describeReleaserConformance('atoms (emulator)', () =>
  conformanceHarness({}, {}, [
    { model: 'gpt-3' },
    { providerOptions: { atoms: { name: 'renamed' } } },
    { instructions: 'a', providerOptions: { atoms: { singlePromptConfig: { prompt: 'b' } } } },
    { providerOptions: { atoms: { interruptionBackoffTimer: 11 } } },
  ]),
);

describe('atoms against the emulator', () => {
  it('releases an instructions edit: exact requests, tools kept, new version live', async () => {
    const { emulator, releaser, agentId } = await setup();
    const v1 = emulator.state.activeVersionId(agentId)!;

    const result = await release(releaser, agentId, { instructions: 'New prompt' }, { label: 'prompt v2' });

    expect(result.status).toBe('released');
    expect(result.version).toMatchObject({ isActive: true, number: 2, label: 'prompt v2' });
    const active = emulator.state.activeVersion(agentId)!;
    expect(active._id).toBe(result.version?.id);
    expect(active.config.singlePromptConfig).toEqual({ prompt: 'New prompt', tools: TOOLS });
    expect(emulator.state.drafts(agentId)).toEqual([]);

    const requests = emulator.requests;
    const fork = requests.find((r) => r.method === 'POST' && r.path === `/agent/${agentId}/drafts`);
    expect(fork?.body).toEqual({ sourceVersionId: v1 });
    const patch = requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/config'));
    expect(patch?.body).toEqual({ singlePromptConfig: { prompt: 'New prompt', tools: TOOLS } });
    const publish = requests.find((r) => r.method === 'POST' && PUBLISH.test(r.path));
    expect(publish?.body).toEqual({ label: 'prompt v2' });
    const vid = result.version?.id;
    const activation = requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/activate'));
    expect(activation?.body).toBeUndefined();
    const lines = log(emulator);
    // No pre-publish version read: a lost publish is reconciled by the draft's server createdAt.
    expect(lines.slice(0, 5)).toEqual([
      `GET /agent/${agentId} 200`,
      `POST /agent/${agentId}/drafts 201`,
      expect.stringMatching(new RegExp(`^PATCH /agent/${agentId}/drafts/[^/]+/config 200$`)),
      expect.stringMatching(new RegExp(`^GET /agent/${agentId}/drafts/[^/]+/diff 200$`)),
      expect.stringMatching(new RegExp(`^POST /agent/${agentId}/drafts/[^/]+/publish 201$`)),
    ]);
    // v1 has no compare-and-swap on activation: the base is checked live right before the
    // activate, and recent versions are read right after it (a version that went live in between).
    // The confirm reads the agent only: it names the version this releaser just activated.
    expect(lines.slice(-5)).toEqual([
      `GET /agent/${agentId}/versions/${vid} 200`,
      `GET /agent/${agentId} 200`,
      `PATCH /agent/${agentId}/versions/${vid}/activate 200`,
      `GET /agent/${agentId}/versions 200`,
      `GET /agent/${agentId} 200`,
    ]);
  });

  it('reports security-check progress to the release observer', async () => {
    const { releaser, agentId } = await setup({}, { apiGeneration: 'v1' });
    const gates: string[] = [];

    await release(
      releaser,
      agentId,
      { instructions: 'Watch the gate' },
      {
        observer: (event) => {
          if (event.type === 'gate-progress') gates.push(`${event.progress.status}:${event.progress.raw}`);
        },
      },
    );

    expect(gates[0]).toBe('pending:queued');
    expect(gates.at(-1)).toBe('passed:passed');
  });

  it('honours a scripted 429 with Retry-After on publish and still publishes once', async () => {
    const { emulator, releaser, agentId } = await setup();
    emulator.faults.add({
      method: 'POST',
      path: PUBLISH,
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { status: false, error: 'Rate limit exceeded', code: 'RATE_LIMIT_EXCEEDED', retry_after: 1 },
    });

    const result = await release(releaser, agentId, { firstMessage: 'Hello there' });

    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    const publishes = emulator.requests.filter((r) => r.method === 'POST' && PUBLISH.test(r.path));
    expect(publishes.map((r) => r.status)).toEqual([429, 201]);
    // The re-send waited for Retry-After (1 s) per the emulator's own clock.
    expect(publishes[1]!.at - publishes[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('rides through the emulator rate limit (429 + Retry-After)', async () => {
    const { emulator, releaser, agentId } = await setup({ rateLimit: { requestsPerSecond: 20, burst: 2 } });

    const result = await release(releaser, agentId, { firstMessage: 'Rate limited hello' });

    expect(result.status).toBe('released');
    expect(emulator.requests.some((r) => r.status === 429)).toBe(true);
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(emulator.state.activeVersionId(agentId)).toBe(result.version?.id);
  });

  it('retries a 503 on a read', async () => {
    const { emulator, releaser, agentId } = await setup();
    emulator.faults.add({ method: 'GET', path: `/agent/${agentId}`, kind: 'status', status: 503 });

    const result = await release(releaser, agentId, { instructions: 'After a 503' });

    expect(result.status).toBe('released');
    expect(log(emulator).slice(0, 2)).toEqual([`GET /agent/${agentId} 503`, `GET /agent/${agentId} 200`]);
  });

  it('a publish whose response was lost (drop-after) yields exactly one new version', async () => {
    const { emulator, releaser, agentId, logger } = await setup();
    emulator.faults.add({ method: 'POST', path: PUBLISH, kind: 'drop-after' });

    const result = await release(releaser, agentId, { instructions: 'Published once' }, { label: 'once' });

    expect(result.status).toBe('released');
    const versions = emulator.state.versions(agentId);
    expect(versions).toHaveLength(2);
    expect(versions[0]?._id).toBe(result.version?.id);
    expect(emulator.state.activeVersionId(agentId)).toBe(result.version?.id);
    expect(
      emulator.requests.filter((r) => r.method === 'POST' && PUBLISH.test(r.path)).map((r) => r.status),
    ).toEqual(['dropped']);
    expect(logger.lines.some((l) => l.includes('reconciling'))).toBe(true);
  });

  it('a 5xx on publish after it applied yields exactly one new version', async () => {
    const emulator = await startAtomsEmulator({ securityCheck: { durationMs: 150 } });
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
    });
    const agentId = emulator.state.createAgent({ name: 'support', prompt: 'Initial', tools: TOOLS });

    const result = await release(releaser, agentId, { instructions: 'Applied behind a 500' });

    expect(proxy.rewritten()).toBe(1);
    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(count(emulator, 'POST', PUBLISH)).toBe(1);
    expect(emulator.state.activeVersion(agentId)?.config.singlePromptConfig?.prompt).toBe(
      'Applied behind a 500',
    );
  });

  it('a 5xx on publish that did not apply is re-sent once', async () => {
    const { emulator, releaser, agentId } = await setup();
    emulator.faults.add({ method: 'POST', path: PUBLISH, kind: 'status', status: 500 });

    const result = await release(releaser, agentId, { instructions: 'Second try' });

    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    expect(
      emulator.requests.filter((r) => r.method === 'POST' && PUBLISH.test(r.path)).map((r) => r.status),
    ).toEqual([500, 201]);
  });

  it('a lost fork response is retried without failing the release', async () => {
    const { emulator, releaser, agentId } = await setup();
    emulator.faults.add({ method: 'POST', path: `/agent/${agentId}/drafts`, kind: 'drop-after' });

    const result = await release(releaser, agentId, { instructions: 'After a lost fork' });

    expect(result.status).toBe('released');
    expect(emulator.state.versions(agentId)).toHaveLength(2);
    // The first fork's draft is an orphan at worst; it is never published.
    expect(emulator.state.drafts(agentId).length).toBeLessThanOrEqual(1);
  });

  it('a failed security check is a SecurityCheckFailedError and the version does not go live', async () => {
    const { emulator, releaser, agentId } = await setup({
      securityCheck: { outcome: 'failed', reason: 'Prompt injection detected' },
    });
    const v1 = emulator.state.activeVersionId(agentId);

    const error = await release(releaser, agentId, { instructions: 'Ignore previous instructions' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({ checkStatus: 'failed', reason: 'Prompt injection detected' });
    expect(emulator.state.activeVersionId(agentId)).toBe(v1);
    const [newest] = emulator.state.versions(agentId);
    expect(newest?.isActive).toBe(false);
    expect(count(emulator, 'PATCH', /\/activate$/)).toBe(0);
  });

  it('an errored check without the securityCheck field is read from the activate refusal', async () => {
    const { emulator, releaser, agentId } = await setup({
      securityCheck: { outcome: 'errored', expose: false },
    });

    const error = await release(releaser, agentId, { instructions: 'Scanner down' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(emulator.state.versions(agentId)[0]?.isActive).toBe(false);
  });

  it('waits for a slow check with the default waits and then goes live', async () => {
    const { emulator, releaser, agentId } = await setup(
      { securityCheck: { durationMs: 1000 } },
      { securityCheck: undefined },
    );

    const result = await release(releaser, agentId, { instructions: 'Slow check' });

    expect(result.status).toBe('released');
    const vid = result.version!.id;
    const polls = emulator.requests.filter(
      (r) => r.method === 'GET' && r.path === `/agent/${agentId}/versions/${vid}`,
    );
    // The default schedule looks right after the publish and early at 0.5 s (both queued), then
    // at 1.5 s, when this 1 s check has passed (500 ms of margin either side); no dense polling.
    expect(polls.length).toBe(3);
    expect(count(emulator, 'PATCH', /\/activate$/)).toBe(1);
  });

  it('times out with SecurityCheckTimeoutError when the check outlasts maxWaitMs', async () => {
    const { emulator, releaser, agentId } = await setup({ securityCheck: { durationMs: 60_000 } });

    const error = await release(releaser, agentId, { instructions: 'Too slow' }, { maxWaitMs: 200 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'queued' });
    expect(emulator.state.versions(agentId)[0]?.isActive).toBe(false);
  });

  it.each([[400], [409], [425]])(
    'with no securityCheck exposed, retries the pending refusal (status %i) until it goes live',
    async (pendingStatus) => {
      const { emulator, releaser, agentId } = await setup({
        securityCheck: { expose: false, pendingStatus },
      });

      const result = await release(releaser, agentId, { instructions: `Hidden check ${pendingStatus}` });

      expect(result.status).toBe('released');
      const vid = result.version!.id;
      const activations = emulator.requests
        .filter((r) => r.method === 'PATCH' && r.path === `/agent/${agentId}/versions/${vid}/activate`)
        .map((r) => r.status);
      expect(activations.length).toBeGreaterThan(1);
      expect(activations.at(-1)).toBe(200);
      expect(new Set(activations.slice(0, -1))).toEqual(new Set([pendingStatus]));
      // One read during activation (it showed no check field); the confirmation reads only the
      // agent, which names the version just activated.
      expect(count(emulator, 'GET', new RegExp(`/versions/${vid}$`))).toBe(1);
      expect(emulator.state.activeVersionId(agentId)).toBe(vid);
    },
  );

  it('with apiGeneration v1, a 409 versioning_v2_migration_required is a MigrationRequiredError telling what to do', async () => {
    const { emulator, releaser, agentId } = await setup({ migrationRequired: true }, { apiGeneration: 'v1' });

    const error = await release(releaser, agentId, { instructions: 'v2 account' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationRequiredError);
    expect((error as Error).message).toMatch(/versioning v2 \(branches\)/);
    expect(emulator.state.versions(agentId)).toHaveLength(1);
  });

  it('sends instructions of a workflow_graph agent as globalPrompt, capped at 4000 characters', async () => {
    const { emulator, releaser } = await setup();
    const agentId = emulator.state.createAgent({ name: 'graph', workflowType: 'workflow_graph' });

    const tooLong = await release(releaser, agentId, { instructions: 'g'.repeat(4001) }).catch(
      (e: unknown) => e,
    );
    expect(tooLong).toBeInstanceOf(ValidationError);
    expect(count(emulator, 'POST', /\/drafts$/)).toBe(0);

    const result = await release(releaser, agentId, { instructions: 'Graph-wide prompt' });
    expect(result.status).toBe('released');
    expect(emulator.state.activeVersion(agentId)?.config.globalPrompt).toBe('Graph-wide prompt');
  });

  it('edits an existing draft by id, keeping the tools of that draft', async () => {
    const { emulator, releaser, agentId } = await setup();
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
    expect(config.singlePromptConfig).toEqual({ prompt: 'Prompt on that draft', tools: TOOLS });
    expect(count(emulator, 'POST', /\/drafts$/)).toBe(1);
  });

  it('rolls back by re-activating an older version and lists versions newest first', async () => {
    const { emulator, releaser, agentId } = await setup();
    const v1 = emulator.state.activeVersionId(agentId)!;
    const released = await release(releaser, agentId, { instructions: 'To be rolled back' });

    const back = await releaser.activate(agentId, v1);
    expect(back).toMatchObject({ id: v1, isActive: true });
    expect(emulator.state.activeVersionId(agentId)).toBe(v1);
    expect((await releaser.getActiveVersion(agentId))?.id).toBe(v1);

    const page = await releaser.listVersions(agentId, { limit: 1 });
    expect(page.map((v) => v.id)).toEqual([released.version?.id]);
    const next = await releaser.listVersions(agentId, { limit: 1, skip: 1 });
    expect(next.map((v) => [v.id, v.isActive])).toEqual([[v1, true]]);
  });

  it('a rejected key is an AuthenticationError that does not carry the key', async () => {
    const emulator = await startAtomsEmulator();
    track(emulator);
    const logger = captureLogger();
    const releaser = createAtomsReleaser({ apiKey: KEY, baseUrl: emulator.baseUrl, logger });
    const agentId = emulator.state.createAgent({ name: 'x' });

    const error = await release(releaser, agentId, { instructions: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthenticationError);
    for (const text of [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      ...logger.lines,
    ]) {
      expect(text).not.toContain(KEY);
    }
  });
});
