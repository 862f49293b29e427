import {
  AbortedError,
  ConfigurationError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitedError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  UnexpectedResponseError,
  UnsupportedOperationError,
} from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../src/problem.js';
import { tenantDirectoryFrom } from '../src/tenants-config.js';

describe('tenants config', () => {
  it('resolves apiKeyEnv from the environment and keeps keys out of inspection', async () => {
    const dir = tenantDirectoryFrom(
      { tenants: { acme: { provider: 'atoms', apiKeyEnv: 'ACME_KEY' } } },
      { ACME_KEY: 'sk_from_env_123' },
    );
    expect((await dir.resolve('acme'))?.apiKey).toBe('sk_from_env_123');
    expect(JSON.stringify(dir)).not.toContain('sk_from_env_123');
  });

  it.each([
    [{ tenants: { a: { provider: 'atoms' } } }, 'exactly one of apiKey or apiKeyEnv'],
    [{ tenants: { a: { provider: 'atoms', apiKey: 'k', apiKeyEnv: 'K' } } }, 'exactly one'],
    [{ tenants: { a: { provider: 'atoms', apiKeyEnv: 'MISSING_ENV' } } }, 'MISSING_ENV is not set'],
    [{ tenants: { a: { provider: 'atoms', apiKey: 'k', extra: 1 } } }, 'tenants.a'],
    [{}, 'tenants'],
  ])('rejects %j', (input, message) => {
    expect(() => tenantDirectoryFrom(input, {})).toThrow(ConfigurationError);
    expect(() => tenantDirectoryFrom(input, {})).toThrow(message);
  });
});

describe('toProblem', () => {
  it.each([
    [new SecurityCheckFailedError('failed'), 422],
    [new UnsupportedOperationError('no'), 422],
    [new NotFoundError('no earlier version'), 404],
    [new SecurityCheckTimeoutError('slow'), 504],
    [new ProviderUnavailableError('down', { reason: 'network' }), 502],
    [new ProviderUnavailableError('slow', { reason: 'timeout' }), 504],
    [new UnexpectedResponseError('odd'), 502],
    [new AbortedError(), 503],
    [new ConfigurationError('http to remote'), 500],
    [new RateLimitedError('limited'), 429],
  ])('%s → %i', (error, status) => {
    const problem = toProblem(error, '/x');
    expect(problem.status).toBe(status);
    expect(problem.body).toMatchObject({ status, code: error.code, instance: '/x' });
    expect(problem.headers['content-type']).toBe('application/problem+json');
  });

  it('hides non-library errors behind an opaque 500', () => {
    const problem = toProblem(new Error('db password is hunter2'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.body)).not.toContain('hunter2');
  });

  it('a 429 without a known wait sends no Retry-After', () => {
    expect(toProblem(new RateLimitedError('x')).headers['retry-after']).toBeUndefined();
    expect(toProblem(new RateLimitedError('x', { retryAfterMs: 1500 })).headers['retry-after']).toBe('2');
  });
});
