import {
  AbortedError,
  AgentReleaseError,
  AuthenticationError,
  ConfigurationError,
  ConflictError,
  isAgentReleaseError,
  MigrationRequiredError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  UnexpectedResponseError,
  UnsupportedOperationError,
  ValidationError,
} from '@agent-release/core';
import { registerSecret } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import { expectNoSecret } from './leak-helpers.js';

const SENTINEL = 'sk_SENTINEL_errors_do_not_leak_0001';
registerSecret(SENTINEL);

const all = [
  [ValidationError, 'VALIDATION', false],
  [ConfigurationError, 'CONFIGURATION', false],
  [AuthenticationError, 'AUTHENTICATION', false],
  [PermissionError, 'PERMISSION', false],
  [NotFoundError, 'NOT_FOUND', false],
  [ConflictError, 'CONFLICT', false],
  [RateLimitedError, 'RATE_LIMITED', true],
  [ProviderUnavailableError, 'PROVIDER_UNAVAILABLE', true],
  [SecurityCheckFailedError, 'SECURITY_CHECK_FAILED', false],
  [SecurityCheckTimeoutError, 'SECURITY_CHECK_TIMEOUT', true],
  [MigrationRequiredError, 'MIGRATION_REQUIRED', false],
  [UnsupportedOperationError, 'UNSUPPORTED_OPERATION', false],
  [UnexpectedResponseError, 'UNEXPECTED_RESPONSE', false],
  [AbortedError, 'ABORTED', false],
] as const;

describe('error hierarchy', () => {
  it.each(all)('%o has a stable code, its own name and a default retryable', (Ctor, code, retryable) => {
    const error = new Ctor('boom', { provider: 'p', status: 418 });
    expect(error).toBeInstanceOf(AgentReleaseError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Ctor.name);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('p');
    expect(error.status).toBe(418);
    expect(isAgentReleaseError(error)).toBe(true);
    expect(error.toJSON()).toMatchObject({ code, name: Ctor.name, message: 'boom' });
  });

  it.each(all)('%o never shows a secret passed in any field', (Ctor) => {
    const axiosLike = Object.assign(new Error(`connect failed Authorization: Bearer ${SENTINEL}`), {
      code: 'ECONNRESET',
      config: { headers: { Authorization: `Bearer ${SENTINEL}` } },
      request: { _header: `GET / HTTP/1.1\r\nAuthorization: Bearer ${SENTINEL}` },
    });
    const error = new Ctor(`failed with key ${SENTINEL}`, {
      provider: 'p',
      vendorMessage: `Invalid API key ${SENTINEL}`,
      details: {
        apiKey: SENTINEL,
        nested: { note: `key=${SENTINEL}` },
        headers: { authorization: SENTINEL },
      },
      cause: axiosLike,
    });
    expectNoSecret(error, SENTINEL);
    expect(error.cause).toEqual({ name: 'Error', code: 'ECONNRESET', message: expect.any(String) });
    expect(JSON.stringify(error)).not.toContain('config');
  });

  it('redacts validation issues that name a key as a field', () => {
    const error = new ValidationError('bad', {
      issues: [{ path: `changes.providerOptions.${SENTINEL}`, message: `Unrecognized key: "${SENTINEL}"` }],
    });
    expectNoSecret(error, SENTINEL);
    expect(error.issues[0]?.path).toBe('changes.providerOptions.[REDACTED]');
  });

  it('redacts vendor-sourced fields of security-check errors', () => {
    const failed = new SecurityCheckFailedError('x', { checkStatus: `failed ${SENTINEL}`, reason: SENTINEL });
    const timeout = new SecurityCheckTimeoutError('x', { lastStatus: `queued ${SENTINEL}` });
    expectNoSecret(failed, SENTINEL);
    expectNoSecret(timeout, SENTINEL);
  });

  it('redacts unregistered key-shaped and bearer values too', () => {
    const error = new AuthenticationError(
      'Bearer abc.def.ghi rejected; key sk-ld-1234567890abcdef; api_key=hunter2',
    );
    expect(error.message).not.toContain('abc.def.ghi');
    expect(error.message).not.toContain('sk-ld-1234567890abcdef');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('[REDACTED]');
  });

  it('recognises an error from another copy of the package', async () => {
    // A second module instance stands for a duplicate install: instanceof fails, the guard works.
    const duplicate = '../src/errors.ts?duplicate-copy';
    const copy = (await import(/* @vite-ignore */ duplicate)) as typeof import('../src/errors.js');
    const foreign = new copy.NotFoundError('from the other copy');
    expect(foreign).not.toBeInstanceOf(NotFoundError);
    expect(isAgentReleaseError(foreign)).toBe(true);
    expect(isAgentReleaseError(new Error('plain'))).toBe(false);
    expect(isAgentReleaseError({ code: 'NOT_FOUND' })).toBe(false);
    expect(isAgentReleaseError(null)).toBe(false);
  });

  it('carries the subclass facts callers need', () => {
    expect(new RateLimitedError('x', { retryAfterMs: 1500 }).toJSON()).toMatchObject({ retryAfterMs: 1500 });
    expect(
      new ProviderUnavailableError('x', { reason: 'timeout', mayHaveTakenEffect: true }).toJSON(),
    ).toMatchObject({ reason: 'timeout', mayHaveTakenEffect: true });
    expect(new ValidationError('x', { issues: [{ path: 'changes.model', message: 'bad' }] }).field).toBe(
      'changes.model',
    );
    const timeout = new SecurityCheckTimeoutError('x', {
      versionId: 'v1',
      lastStatus: 'queued',
      waitedMs: 10,
    });
    expect(timeout.toJSON()).toMatchObject({ versionId: 'v1', lastStatus: 'queued', waitedMs: 10 });
  });
});
