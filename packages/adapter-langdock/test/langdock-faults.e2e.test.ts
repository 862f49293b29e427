import { randomUUID } from 'node:crypto';
import {
  AuthenticationError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  release,
  UnsupportedOperationError,
  ValidationError,
} from '@agent-release/core';
import { ManualClock } from '@agent-release/core/testing';
import {
  type LangdockEmulator,
  type LangdockEmulatorOptions,
  startLangdockEmulator,
} from '@agent-release/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { createLangdockReleaser, type LangdockReleaserOptions } from '../src/index.js';
import { captureLogger, expectNoSecret, rejectionOf, SENTINEL_KEY } from './helpers.js';

// End-to-end over real loopback HTTP against the Langdock emulator; effects are asserted on the
// emulator's state and request log. No nock in this file.

let emulator: LangdockEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup(
  options: { emulator?: LangdockEmulatorOptions; releaser?: Partial<LangdockReleaserOptions> } = {},
) {
  const clock = new ManualClock();
  emulator = await startLangdockEmulator({ apiKey: SENTINEL_KEY, ...options.emulator });
  const logger = captureLogger();
  const releaser = createLangdockReleaser({
    apiKey: emulator.apiKey,
    baseUrl: emulator.baseUrl,
    clock,
    logger,
    random: () => 0.5,
    ...options.releaser,
  });
  const agentId = emulator.state.createAgent({ name: 'Support bot', instruction: 'v1', publish: true });
  const emu = emulator;
  const publishes = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/agent/v1/publish');
  return { emu, releaser, clock, logger, agentId, publishes };
}

describe('releases against the emulator', () => {
  it('sends the mapped fields and makes them live in one new version', async () => {
    const { emu, releaser, agentId } = await setup();
    const result = await release(
      releaser,
      agentId,
      {
        instructions: 'You answer billing questions.',
        model: 'gpt-4.1',
        providerOptions: {
          langdock: { conversationStarters: ['Where is my invoice?'], creativity: 0.2, emoji: '💶' },
          atoms: { ignored: true },
        },
      },
      { description: 'Billing focus' },
    );
    expect(result.status).toBe('released');
    const versions = emu.state.versions(agentId);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({
      id: result.version?.id,
      version: 2,
      description: 'Billing focus',
      config: {
        instruction: 'You answer billing questions.',
        model: 'gpt-4.1',
        conversationStarters: ['Where is my invoice?'],
        creativity: 0.2,
        emoji: '💶',
      },
    });
    expect(emu.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /agent/v1/get 200',
      'PATCH /agent/v1/update 200',
      'POST /agent/v1/publish 200',
    ]);
    expect(emu.requests[1]?.body).toEqual({
      agentId,
      instruction: 'You answer billing questions.',
      model: 'gpt-4.1',
      conversationStarters: ['Where is my invoice?'],
      creativity: 0.2,
      emoji: '💶',
    });
  });

  it('stores a label as the version description', async () => {
    const { emu, releaser, agentId } = await setup();
    await release(releaser, agentId, { instructions: 'v2' }, { label: 'release-2026-01' });
    expect(emu.state.activeVersion(agentId)?.description).toBe('release-2026-01');
  });

  it('rejects a 101-character description before any request', async () => {
    const { emu, releaser, agentId } = await setup();
    const error = await rejectionOf(
      release(releaser, agentId, { instructions: 'v2' }, { description: 'x'.repeat(101) }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(emu.requests).toEqual([]);
    expect(emu.state.draft(agentId)?.instruction).toBe('v1');
  });

  it('activate: no-op for the published version, unsupported for an older one', async () => {
    const { emu, releaser, agentId } = await setup();
    const older = emu.state.activeVersion(agentId)!.id;
    const result = await release(releaser, agentId, { instructions: 'v2' });
    const count = emu.requests.length;
    await expect(releaser.activate(agentId, result.version!.id)).resolves.toMatchObject({ isActive: true });
    await expect(releaser.activate(agentId, older)).rejects.toBeInstanceOf(UnsupportedOperationError);
    expect(emu.requests.length).toBe(count);
    expect(emu.state.activeVersion(agentId)?.id).toBe(result.version!.id);
  });

  it('getActiveVersion names the version this releaser published, "live" otherwise', async () => {
    const { releaser, agentId } = await setup();
    await expect(releaser.getActiveVersion(agentId)).resolves.toMatchObject({ id: 'live', isActive: true });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    await expect(releaser.getActiveVersion(agentId)).resolves.toMatchObject({ id: result.version!.id });
    await expect(releaser.getActiveVersion(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('faults', () => {
  it('429 with Retry-After on publish: waits as told, then publishes once', async () => {
    const { emu, releaser, clock, agentId, publishes } = await setup();
    emu.faults.add({
      method: 'POST',
      path: '/agent/v1/publish',
      kind: 'status',
      status: 429,
      headers: { 'Retry-After': '3' },
    });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(clock.sleeps).toEqual([3000]);
    expect(publishes().map((r) => r.status)).toEqual([429, 200]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('the emulator’s own rate limit (shared manual clock): every request eventually passes', async () => {
    const clock = new ManualClock();
    const { emu, releaser, agentId } = await setup({
      emulator: { clock, rateLimit: { requestsPerSecond: 1, burst: 1 } },
      releaser: { clock },
    });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(emu.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'PATCH 429',
      'PATCH 200',
      'POST 429',
      'POST 200',
    ]);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('503 once on update: re-sent (idempotent), released', async () => {
    const { emu, releaser, agentId } = await setup();
    emu.faults.add({ method: 'PATCH', path: '/agent/v1/update', kind: 'status', status: 503 });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(emu.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'PATCH 503',
      'PATCH 200',
      'POST 200',
    ]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('503 once on publish: re-sent once, exactly one new version', async () => {
    const { emu, releaser, agentId, publishes } = await setup();
    emu.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'status', status: 503 });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(publishes().map((r) => r.status)).toEqual([503, 200]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
    expect(emu.state.activeVersion(agentId)?.id).toBe(result.version?.id);
  });

  it('lost publish response (drop-after): released (reconciled), exactly one new version; again → unchanged', async () => {
    const { emu, releaser, agentId, publishes } = await setup();
    emu.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'drop-after' });
    const first = await release(releaser, agentId, { instructions: 'v2' });
    // This release created the live version: it must not say `unchanged` (defect 9). Langdock
    // cannot name the version after a lost answer, so it is "the live one".
    expect(first).toMatchObject({
      status: 'released',
      reconciled: true,
      version: { id: 'live', isActive: true },
    });
    expect(publishes().map((r) => r.status)).toEqual(['dropped', 409]);
    const versions = emu.state.versions(agentId);
    expect(versions).toHaveLength(2);
    expect(emu.state.activeVersion(agentId)?.config.instruction).toBe('v2');

    const again = await release(releaser, agentId, { instructions: 'v2' });
    expect(again).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(emu.state.versions(agentId)).toEqual(versions);
  });

  it('lost publish response: publish reports the live version as published and reconciled', async () => {
    const { emu, releaser, agentId, publishes } = await setup();
    emu.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'drop-after' });
    const draft = await releaser.editDraft(agentId, { instructions: 'v2' });
    const outcome = await releaser.publish(draft, { description: 'fix' });
    expect(outcome).toEqual({
      status: 'published',
      reconciled: true,
      version: { provider: 'langdock', agentId, id: 'live', isActive: true, description: 'fix' },
    });
    expect(publishes().map((r) => r.status)).toEqual(['dropped', 409]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
    expect(emu.state.activeVersion(agentId)?.description).toBe('fix');
  });

  it('connection dropped before publish was applied (drop-before): the re-send publishes once', async () => {
    const { emu, releaser, agentId, publishes } = await setup();
    emu.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'drop-before' });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result.status).toBe('released');
    expect(publishes().map((r) => r.status)).toEqual(['dropped', 200]);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('publish answered after the deadline (delay): reconciled, exactly one new version', async () => {
    const { emu, releaser, agentId, publishes } = await setup({ releaser: { timeoutMs: 100 } });
    emu.faults.add({ method: 'POST', path: '/agent/v1/publish', kind: 'delay', delayMs: 1_000 });
    const result = await release(releaser, agentId, { instructions: 'v2' });
    expect(result).toMatchObject({ status: 'released', version: { id: 'live', isActive: true } });
    expect(publishes().at(-1)?.status).toBe(409);
    expect(emu.state.versions(agentId)).toHaveLength(2);
  });

  it('429 that outlasts the retries surfaces as RateLimitedError, nothing published', async () => {
    const { emu, releaser, agentId } = await setup({ releaser: { retry: { maxRetries: 1 } } });
    emu.faults.add({
      method: 'POST',
      path: '/agent/v1/publish',
      kind: 'status',
      status: 429,
      times: 2,
      headers: { 'Retry-After': '1' },
    });
    const error = await rejectionOf(release(releaser, agentId, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(1000);
    expect(emu.state.versions(agentId)).toHaveLength(1);
  });
});

describe('access errors from the emulator', () => {
  it('a read-only key: 403 INSUFFICIENT_SCOPES, named as such', async () => {
    const readOnlyKey = 'sk-ld-read-only-key-0001';
    const { emu, agentId, logger } = await setup({ emulator: { readOnlyApiKeys: [readOnlyKey] } });
    const releaser = createLangdockReleaser({ apiKey: readOnlyKey, baseUrl: emu.baseUrl, logger });
    const error = await rejectionOf(release(releaser, agentId, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).details).toMatchObject({
      reason: 'insufficient-scopes',
      missingScopes: ['AGENT_API'],
    });
    expectNoSecret(error, logger.lines, readOnlyKey);
  });

  it('an agent not shared with the key: 403 no-access', async () => {
    const { emu, releaser, agentId, logger } = await setup();
    emu.state.forbidAgent(agentId);
    const error = await rejectionOf(release(releaser, agentId, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).details).toMatchObject({ reason: 'no-access' });
    expectNoSecret(error, logger.lines);
  });

  it('a wrong key: 401, and the key appears nowhere', async () => {
    const { emu, agentId } = await setup();
    const logger = captureLogger();
    const wrongKey = 'sk_SENTINEL_wrong_key_456';
    const releaser = createLangdockReleaser({ apiKey: wrongKey, baseUrl: emu.baseUrl, logger });
    const error = await rejectionOf(release(releaser, agentId, { instructions: 'v2' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecret(error, logger.lines, wrongKey);
    expect(emu.requests.every((r) => !JSON.stringify(r).includes(wrongKey))).toBe(true);
  });
});
