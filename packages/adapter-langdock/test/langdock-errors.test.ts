import {
  type AgentReleaseError,
  AuthenticationError,
  ConfigurationError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  UnexpectedResponseError,
  UnsupportedOperationError,
  ValidationError,
} from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLangdockReleaser } from '../src/index.js';
import {
  AGENT,
  BASE,
  expectNoSecret,
  makeReleaser,
  nockLiveAgent,
  OTHER_AGENT,
  rejectionOf,
  SENTINEL_KEY,
} from './helpers.js';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

type ErrorClass = abstract new (...args: never[]) => AgentReleaseError;

const STATUSES: Array<[number, ErrorClass]> = [
  [400, ValidationError],
  [401, AuthenticationError],
  [403, PermissionError],
  [404, NotFoundError],
  [409, ConflictError],
  [429, RateLimitedError],
  [500, ProviderUnavailableError],
  [502, ProviderUnavailableError],
  [503, ProviderUnavailableError],
  [504, ProviderUnavailableError],
];

/** Body shapes Langdock has been seen to use, and the vendor message each must yield. */
const BODIES: Array<[string, string | Record<string, unknown>, string | undefined]> = [
  ['{message}', { message: 'Agent not found' }, 'Agent not found'],
  ['{error}', { error: 'Something broke' }, 'Something broke'],
  ['plain string', 'Workspace default model not configured', 'Workspace default model not configured'],
  ['empty body', '', undefined],
];

describe('every status × every body shape (GET /agent/v1/get, no retries)', () => {
  for (const [status, ErrorType] of STATUSES) {
    for (const [shape, body, vendorMessage] of BODIES) {
      it(`${status} with ${shape} → ${ErrorType.name}`, async () => {
        nock(BASE).get('/agent/v1/get').query({ agentId: AGENT }).once().reply(status, body);
        const { releaser, logger } = makeReleaser({ retry: false });
        const error = await rejectionOf(releaser.getActiveVersion(AGENT));
        expect(error).toBeInstanceOf(ErrorType);
        expect(error).toMatchObject({
          provider: 'langdock',
          status,
          operation: 'getActiveVersion',
          vendorMessage,
        });
        if (vendorMessage) expect((error as Error).message).toContain(vendorMessage);
        expectNoSecret(error, logger.lines);
      });
    }
  }
});

describe('status-specific details', () => {
  it('401 explains the key was rejected', async () => {
    nock(BASE).get('/agent/v1/get').query(true).reply(401, { message: 'Unauthorized' });
    const { releaser } = makeReleaser();
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect((error as Error).message).toMatch(/API key was rejected \(401\)/);
    expect((error as AgentReleaseError).retryable).toBe(false);
  });

  it('404 says the agent may not be shared with the key', async () => {
    nock(BASE).get('/agent/v1/get').query({ agentId: AGENT }).reply(404, { message: 'Agent not found' });
    const { releaser } = makeReleaser();
    const error = await rejectionOf(releaser.editDraft(AGENT, { instructions: 'x' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/not shared with this API key/);
    expect(error).toMatchObject({ operation: 'editDraft' });
  });

  it('429 carries Retry-After (seconds) as retryAfterMs', async () => {
    nock(BASE)
      .get('/agent/v1/get')
      .query(true)
      .reply(429, { message: 'Rate limit exceeded' }, { 'Retry-After': '7' });
    const { releaser } = makeReleaser({ retry: false });
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it('429 carries Retry-After (HTTP date) as retryAfterMs', async () => {
    const { releaser, clock } = makeReleaser({ retry: false });
    const at = new Date(clock.now() + 30_000).toUTCString();
    nock(BASE).get('/agent/v1/get').query(true).reply(429, 'Too Many Requests', { 'Retry-After': at });
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect((error as RateLimitedError).retryAfterMs).toBe(30_000);
  });

  it('429 without Retry-After leaves retryAfterMs undefined', async () => {
    nock(BASE).get('/agent/v1/get').query(true).reply(429);
    const { releaser } = makeReleaser({ retry: false });
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('a Retry-After longer than the policy allows is not waited for', async () => {
    nock(BASE).get('/agent/v1/get').query(true).once().reply(429, {}, { 'Retry-After': '3600' });
    const { releaser, clock } = makeReleaser();
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(clock.sleeps).toEqual([]);
  });

  it('5xx on a write may have taken effect; on a read it did not', async () => {
    nockLiveAgent();
    nock(BASE).patch('/agent/v1/update', { agentId: AGENT, model: 'gpt-5' }).reply(500, { message: 'boom' });
    // The write may have landed, so the releaser puts the live value back into the draft.
    nock(BASE).patch('/agent/v1/update', { agentId: AGENT, model: 'gpt-4o' }).reply(200, {});
    nock(BASE).get('/agent/v1/get').query(true).reply(500, { message: 'boom' });
    const { releaser } = makeReleaser({ retry: false });
    const write = await rejectionOf(releaser.editDraft(AGENT, { model: 'gpt-5' }));
    const read = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect(write).toMatchObject({ reason: 'server-error', mayHaveTakenEffect: true, retryable: true });
    expect(read).toMatchObject({ reason: 'server-error', mayHaveTakenEffect: false });
  });

  it('an unlisted status falls back to UnexpectedResponseError', async () => {
    nock(BASE).get('/agent/v1/get').query(true).reply(418, { message: 'teapot' });
    const { releaser } = makeReleaser();
    const error = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ status: 418, vendorMessage: 'teapot' });
  });

  it('a success body without version.id is UnexpectedResponseError naming the field', async () => {
    nock(BASE)
      .post('/agent/v1/publish')
      .reply(200, { status: 'success', version: { version: 3 } });
    const { releaser } = makeReleaser();
    const error = await rejectionOf(
      releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' }),
    );
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).field).toBe('version.id');
  });
});

describe('403: which cause, when the body tells', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    [
      'INSUFFICIENT_SCOPES',
      { error: 'INSUFFICIENT_SCOPES', details: { missing: ['AGENT_API'] } },
      'insufficient-scopes',
      /lacks a required scope .*missing: AGENT_API/,
    ],
    [
      'other workspace',
      { message: 'Agent belongs to a different workspace' },
      'other-workspace',
      /different workspace/,
    ],
    ['project', { message: 'Projects are not supported' }, 'project', /project, not an agent/],
    ['no access', 'The API key does not have access to this agent', 'no-access', /no owner\/editor access/],
    ['nothing said', '', 'unknown', /AGENT_API scope or owner\/editor access.*another workspace.*project/],
  ];
  for (const [label, body, reason, message] of cases) {
    it(label, async () => {
      nock(BASE)
        .post('/agent/v1/publish')
        .reply(403, body as Record<string, unknown>);
      const { releaser } = makeReleaser();
      const error = await rejectionOf(
        releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' }),
      );
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as AgentReleaseError).details).toMatchObject({ reason });
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('secrets never leak', () => {
  it('not when Langdock echoes the key back in an error body', async () => {
    nock(BASE)
      .get('/agent/v1/get')
      .query(true)
      .reply(401, { message: `Invalid API key ${SENTINEL_KEY}` });
    nock(BASE)
      .post('/agent/v1/publish')
      .reply(403, { error: `key ${SENTINEL_KEY} lacks scope`, details: { missing: [SENTINEL_KEY] } });
    const { releaser, logger } = makeReleaser();
    const a = await rejectionOf(releaser.getActiveVersion(AGENT));
    const b = await rejectionOf(releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' }));
    expectNoSecret(a, logger.lines);
    expectNoSecret(b, logger.lines);
  });

  it('not on network errors, timeouts, retries or reconciliation logs', async () => {
    nock(BASE)
      .get('/agent/v1/get')
      .query(true)
      .times(4)
      .replyWithError(
        Object.assign(new Error(`connect ECONNREFUSED (key ${SENTINEL_KEY})`), { code: 'ECONNREFUSED' }),
      );
    nockLiveAgent();
    nock(BASE).patch('/agent/v1/update', { agentId: AGENT, instruction: 'x' }).delay(2_000).reply(200, {});
    nock(BASE).patch('/agent/v1/update', { agentId: AGENT, instruction: 'v1' }).reply(200, {});
    nock(BASE)
      .post('/agent/v1/publish')
      .twice()
      .reply(503, { message: `down ${SENTINEL_KEY}` });
    const { releaser, logger } = makeReleaser();
    const network = await rejectionOf(releaser.getActiveVersion(AGENT));
    expect(network).toMatchObject({ reason: 'network', mayHaveTakenEffect: false });
    const { releaser: slow, logger: slowLogger } = makeReleaser({ timeoutMs: 250, retry: false });
    const timeout = await rejectionOf(slow.editDraft(AGENT, { instructions: 'x' }));
    expect(timeout).toMatchObject({ reason: 'timeout', mayHaveTakenEffect: true });
    const lost = await rejectionOf(
      releaser.publish({ provider: 'langdock', agentId: AGENT, draftId: 'draft' }),
    );
    expect(lost).toBeInstanceOf(ProviderUnavailableError);
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const error of [network, timeout, lost])
      expectNoSecret(error, [...logger.lines, ...slowLogger.lines]);
  });

  it('not in validation, unsupported-operation or configuration errors', async () => {
    const { releaser, logger } = makeReleaser();
    const errors = [
      await rejectionOf(releaser.editDraft(AGENT, { firstMessage: 'Hello' })),
      await rejectionOf(releaser.getActiveVersion('../x')),
      await rejectionOf(releaser.activate(AGENT, OTHER_AGENT)),
      await rejectionOf(
        releaser.publish(
          { provider: 'langdock', agentId: AGENT, draftId: 'draft' },
          { description: 'x'.repeat(101) },
        ),
      ),
    ];
    expect(errors.map((e) => (e as Error).constructor)).toEqual([
      ValidationError,
      ValidationError,
      UnsupportedOperationError,
      ValidationError,
    ]);
    const config = [
      () => createLangdockReleaser({ apiKey: SENTINEL_KEY, baseUrl: 'http://langdock.example.com' }),
      () => createLangdockReleaser({ apiKey: SENTINEL_KEY, timeoutMs: -1 }),
      () => createLangdockReleaser({ apiKey: `${SENTINEL_KEY} x` }),
      () => createLangdockReleaser({ apiKey: SENTINEL_KEY, bogus: true } as never),
    ];
    for (const build of config) {
      let thrown: unknown;
      try {
        build();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigurationError);
      errors.push(thrown);
    }
    for (const error of errors) expectNoSecret(error, logger.lines);
  });
});
