import {
  type AgentReleaseError,
  AuthenticationError,
  ConflictError,
  MigrationRequiredError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  UnexpectedResponseError,
  ValidationError,
} from '@agent-release/core';
import type { HttpFailure } from '@agent-release/core/provider';
import type nock from 'nock';
import { describe, expect, it } from 'vitest';
import { atomsRetryAfterMs, mapAtomsError } from '../src/shared/errors.js';
import { AGENT, agentBody, api, fail, makeReleaser, P, useNock, V2 } from './fixtures.js';

useNock();

const agentPath = `${P}/agent/${AGENT}`;
const migrationBody = {
  status: false,
  error_type: 'versioning_v2_migration_required',
  errors: [
    'This endpoint is deprecated under the branch model. Use the /agents/:id/branches APIs — publish, make-live and config edits now happen on branches.',
  ],
};

// Pinned to v1: under the default 'auto' a migration 409 switches the agent to v2 instead
// (covered by v2-generation.nock.test.ts).
describe('error mapping over HTTP (GET /agent/{id}, no retries, apiGeneration v1)', () => {
  const cases: Array<
    [string, number, unknown, Record<string, string>, new (...a: never[]) => AgentReleaseError]
  > = [
    ['400 No agent found', 400, fail('No agent found'), {}, NotFoundError],
    ['400 Agent not found', 400, fail('Agent not found'), {}, NotFoundError],
    ['400 invalid input', 400, fail('Invalid input'), {}, ValidationError],
    ['401', 401, fail('Unauthorized: User not found'), {}, AuthenticationError],
    ['403', 403, fail('Forbidden'), {}, PermissionError],
    ['404', 404, fail('Resource not found'), {}, NotFoundError],
    ['409 migration (error_type)', 409, migrationBody, { Deprecation: 'true' }, MigrationRequiredError],
    [
      '409 migration (text only)',
      409,
      fail('This endpoint is deprecated under the branch model.'),
      {},
      MigrationRequiredError,
    ],
    ['409 other', 409, fail('Agent is already archived'), {}, ConflictError],
    [
      '429 rate limiter shape',
      429,
      { status: false, error: 'Rate limit exceeded', code: 'RATE_LIMIT_EXCEEDED', retry_after: 60 },
      {},
      RateLimitedError,
    ],
    ['500', 500, fail('Internal server error'), {}, ProviderUnavailableError],
    ['503 (plain text)', 503, 'upstream unavailable', {}, ProviderUnavailableError],
    ['418 (unmapped)', 418, fail('teapot'), {}, UnexpectedResponseError],
  ];

  it.each(cases)('%s', async (_label, status, body, headers, type) => {
    const { releaser } = makeReleaser({ retry: false, apiGeneration: 'v1' });
    api()
      .get(agentPath)
      .reply(status, body as nock.Body, { 'x-request-id': 'req-123', ...headers });

    const error = (await releaser.getActiveVersion(AGENT).catch((e: unknown) => e)) as AgentReleaseError;
    expect(error).toBeInstanceOf(type);
    expect(error.provider).toBe('atoms');
    expect(error.status).toBe(status);
    expect(error.operation).toBe('getAgent');
    expect(error.details).toMatchObject({ requestId: 'req-123' });
    if (typeof body === 'object' && body !== null && 'errors' in body) {
      expect(error.vendorMessage).toBe((body as { errors: string[] }).errors[0]);
    }
  });

  it('MigrationRequiredError tells the user what to do (apiGeneration v1)', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api().post(`${P}/agent/${AGENT}/drafts`).reply(409, migrationBody, { Deprecation: 'true' });
    api().get(agentPath).reply(200, agentBody());

    const error = (await releaser
      .editDraft(AGENT, { instructions: 'x' })
      .catch((e: unknown) => e)) as AgentReleaseError;
    expect(error).toBeInstanceOf(MigrationRequiredError);
    expect(error.message).toMatch(/versioning v2 \(branches\)/);
    expect(error.message).toMatch(/apiGeneration 'auto'/);
    expect(error.details).toMatchObject({ errorType: 'versioning_v2_migration_required' });
    expect(error.retryable).toBe(false);
  });

  it('403 carries the org-gated hint', async () => {
    const { releaser } = makeReleaser();
    api().get(agentPath).reply(403, fail('This feature is not available for your organization'));

    const error = (await releaser.getActiveVersion(AGENT).catch((e: unknown) => e)) as AgentReleaseError;
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).toMatch(/org-gated/);
  });

  it('403 on the versions endpoints explains workflow_graph access', async () => {
    const { releaser } = makeReleaser();
    api().get(`${P}/agent/${AGENT}/versions/${V2}`).reply(403, fail('Forbidden'));

    const error = (await releaser.activate(AGENT, V2).catch((e: unknown) => e)) as AgentReleaseError;
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).toMatch(/workflow_graph/);
  });

  it('400 plan-gated is a ValidationError that says so', async () => {
    const { releaser } = makeReleaser();
    api().get(agentPath).reply(400, fail('Please upgrade your plan to use this feature'));

    const error = (await releaser.getActiveVersion(AGENT).catch((e: unknown) => e)) as AgentReleaseError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/plan-gated/);
    expect(error.details).toMatchObject({ planGated: true });
  });

  it('429 with Retry-After is waited for and retried', async () => {
    const { releaser, clock } = makeReleaser();
    api().get(agentPath).reply(429, fail('Too many requests'), { 'Retry-After': '2' });
    api()
      .get(agentPath)
      .reply(200, agentBody({ activeVersionId: null, versionId: null }));

    expect(await releaser.getActiveVersion(AGENT)).toBeNull();
    expect(clock.sleeps).toEqual([2000]);
  });

  it('429 with a body retry_after (seconds) is waited for and retried', async () => {
    const { releaser, clock } = makeReleaser();
    api().get(agentPath).reply(429, {
      status: false,
      error: 'Rate limit exceeded',
      code: 'RATE_LIMIT_EXCEEDED',
      retry_after: 3,
    });
    api()
      .get(agentPath)
      .reply(200, agentBody({ activeVersionId: null, versionId: null }));

    await releaser.getActiveVersion(AGENT);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('429 asking for more than the policy allows fails fast with retryAfterMs', async () => {
    const { releaser, clock } = makeReleaser();
    api().get(agentPath).reply(429, {
      status: false,
      error: 'Rate limit exceeded',
      code: 'RATE_LIMIT_EXCEEDED',
      retry_after: 120,
    });

    const error = await releaser.getActiveVersion(AGENT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(clock.sleeps).toEqual([]);
  });

  it('a 503 on a read is retried', async () => {
    const { releaser, clock } = makeReleaser();
    api().get(agentPath).reply(503, fail('Service unavailable'));
    api()
      .get(agentPath)
      .reply(200, agentBody({ activeVersionId: null, versionId: null }));

    expect(await releaser.getActiveVersion(AGENT)).toBeNull();
    expect(clock.sleeps).toHaveLength(1);
  });

  it('a success body of the wrong shape is an UnexpectedResponseError naming the field', async () => {
    const { releaser } = makeReleaser();
    api()
      .get(agentPath)
      .reply(200, agentBody({ activeVersionId: V2 }));
    api()
      .get(`${P}/agent/${AGENT}/versions/${V2}`)
      .reply(200, { status: true, data: { version: { versionNumber: 2 } } });

    const error = await releaser.getActiveVersion(AGENT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).field).toBe('data.version._id');
  });
});

describe('mapAtomsError / atomsRetryAfterMs', () => {
  const failure = (over: Partial<HttpFailure>): HttpFailure => ({
    provider: 'atoms',
    operation: 'publish',
    method: 'POST',
    path: '/agent/x/drafts/d/publish',
    status: 500,
    headers: {},
    body: undefined,
    now: Date.UTC(2026, 0, 1),
    ...over,
  });

  it('reads Retry-After (seconds and HTTP date), retry-after-ms, retry_after and rateLimit.retryAfterSec', () => {
    expect(atomsRetryAfterMs(failure({ status: 429, headers: { 'retry-after': '5' } }))).toBe(5000);
    expect(
      atomsRetryAfterMs(
        failure({ status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' } }),
      ),
    ).toBe(10_000);
    expect(atomsRetryAfterMs(failure({ status: 429, headers: { 'retry-after-ms': '250' } }))).toBe(250);
    expect(atomsRetryAfterMs(failure({ status: 429, body: { retry_after: 60 } }))).toBe(60_000);
    expect(atomsRetryAfterMs(failure({ status: 429, body: { retry_after: '1.5' } }))).toBe(1500);
    expect(atomsRetryAfterMs(failure({ status: 429, body: { rateLimit: { retryAfterSec: 10 } } }))).toBe(
      10_000,
    );
    expect(atomsRetryAfterMs(failure({ status: 429, body: { retry_after: -1 } }))).toBeUndefined();
    // The header wins over the body.
    expect(
      atomsRetryAfterMs(failure({ status: 429, headers: { 'retry-after': '1' }, body: { retry_after: 60 } })),
    ).toBe(1000);
  });

  it('marks a 5xx on a write as possibly applied, and on a read as not', () => {
    const write = mapAtomsError(failure({ status: 500 })) as ProviderUnavailableError;
    expect(write.mayHaveTakenEffect).toBe(true);
    expect(write.retryable).toBe(true);
    const read = mapAtomsError(failure({ status: 502, method: 'GET' })) as ProviderUnavailableError;
    expect(read.mayHaveTakenEffect).toBe(false);
  });

  it('recognises the migration error_type on any status', () => {
    expect(
      mapAtomsError(
        failure({ status: 400, body: { status: false, error_type: 'versioning_v2_migration_required' } }),
      ),
    ).toBeInstanceOf(MigrationRequiredError);
  });
});
