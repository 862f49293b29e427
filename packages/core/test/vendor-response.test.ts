import { type ProviderUnavailableError, RateLimitedError } from '@agent-release/core';
import { defaultErrorFor, extractVendorMessage, type HttpFailure } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';

const failure = (over: Partial<HttpFailure>): HttpFailure => ({
  provider: 'p',
  operation: 'op',
  method: 'POST',
  path: '/x',
  status: 500,
  headers: {},
  body: undefined,
  now: 0,
  ...over,
});

describe('vendor responses', () => {
  it.each([
    [{ errors: ['a', 'b'] }, 'a; b'],
    [{ message: 'm' }, 'm'],
    [{ error: 'e' }, 'e'],
    [{ error: { message: 'nested' } }, 'nested'],
    ['plain text', 'plain text'],
    ['', undefined],
    [undefined, undefined],
    [{ other: 1 }, undefined],
  ])('extracts the vendor message from %j', (body, expected) => {
    expect(extractVendorMessage(body)).toBe(expected);
  });

  it('records x-request-id and adapter details, and prefers the adapter’s retry wait', () => {
    const error = defaultErrorFor(
      failure({ status: 429, headers: { 'x-request-id': 'req-1', 'retry-after': '9' } }),
      { details: { errorType: 'x' }, retryAfterMs: 2500 },
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2500);
    expect(error.details).toEqual({ requestId: 'req-1', errorType: 'x' });
    const header = defaultErrorFor(failure({ status: 429, headers: { 'retry-after': '9' } }));
    expect((header as RateLimitedError).retryAfterMs).toBe(9000);
    expect(header.details).toBeUndefined();
  });

  it('a 5xx after a write may have taken effect; after a read it did not', () => {
    expect(
      (defaultErrorFor(failure({ method: 'POST' })) as ProviderUnavailableError).mayHaveTakenEffect,
    ).toBe(true);
    expect((defaultErrorFor(failure({ method: 'GET' })) as ProviderUnavailableError).mayHaveTakenEffect).toBe(
      false,
    );
  });
});
