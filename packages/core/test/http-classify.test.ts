import {
  AbortedError,
  type AgentReleaseError,
  NotFoundError,
  ProviderUnavailableError,
  RateLimitedError,
  ValidationError,
} from '@agent-release/core';
import { defaultErrorFor, type HttpFailure } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import { classify, type RawFailure, type RequestFacts } from '../src/http/classify.js';

const request = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  provider: 'vendor',
  operation: 'publish',
  method: 'POST',
  path: '/publish',
  idempotent: false,
  attemptTimeoutMs: 1_500,
  totalTimeoutMs: 9_000,
  ...over,
});

const status = (
  code: number,
  headers: Record<string, string> = {},
  body: unknown = undefined,
): RawFailure => ({
  kind: 'status',
  status: code,
  headers,
  body,
  now: 1_000_000,
});

const transport = (
  code: string | undefined,
  cutBy?: 'caller' | 'total-deadline' | 'attempt-deadline',
): RawFailure => ({
  kind: 'transport',
  code,
  message: `socket said ${code ?? 'nothing'}`,
  cutBy,
});

type ErrorClass = abstract new (...args: never[]) => AgentReleaseError;

describe('classify: a non-2xx answer', () => {
  const cases: Array<[string, RawFailure, Partial<RequestFacts>, ErrorClass, Record<string, unknown>]> = [
    [
      '429 is refused before processing',
      status(429),
      {},
      RateLimitedError,
      { retryable: true, processed: false },
    ],
    [
      '429 Retry-After seconds',
      status(429, { 'retry-after': '7' }),
      {},
      RateLimitedError,
      { retryAfterMs: 7000 },
    ],
    [
      '429 HTTP-date Retry-After, against the answer time',
      status(429, { 'retry-after': new Date(1_000_000 + 30_000).toUTCString() }),
      {},
      RateLimitedError,
      { retryAfterMs: 30_000 },
    ],
    [
      '503 on a write may have taken effect',
      status(503),
      {},
      ProviderUnavailableError,
      { processed: true, effect: true },
    ],
    ['503 on a read took none', status(503), { method: 'GET' }, ProviderUnavailableError, { effect: false }],
    [
      '503 Retry-After is kept',
      status(503, { 'retry-after': '2' }),
      {},
      ProviderUnavailableError,
      { retryAfterMs: 2000 },
    ],
    ['400 is not retryable', status(400, {}, { message: 'bad' }), {}, ValidationError, { retryable: false }],
    ['404 is not retryable', status(404), {}, NotFoundError, { retryable: false, retryAfterMs: undefined }],
  ];
  for (const [label, raw, over, ErrorType, expected] of cases) {
    it(label, () => {
      const facts = request(over);
      const failure = classify(raw, facts, (f) => defaultErrorFor(f));
      expect(failure.error).toBeInstanceOf(ErrorType);
      expect(failure.status).toBe((raw as { status: number }).status);
      expect(failure.idempotent).toBe(facts.idempotent);
      if ('retryable' in expected) expect(failure.retryable).toBe(expected.retryable);
      if ('processed' in expected) expect(failure.mayHaveBeenProcessed).toBe(expected.processed);
      if ('retryAfterMs' in expected) expect(failure.retryAfterMs).toBe(expected.retryAfterMs);
      if ('effect' in expected) {
        expect((failure.error as ProviderUnavailableError).mayHaveTakenEffect).toBe(expected.effect);
      }
    });
  }

  it('hands the mapper the failure as received, and keeps the wait it read from the body', () => {
    const seen: HttpFailure[] = [];
    const raw = status(429, { 'retry-after': '9', 'x-request-id': 'r1' }, { retry_after: 3 });
    const failure = classify(raw, request(), (f) => {
      seen.push(f);
      return new RateLimitedError('limited', { retryAfterMs: 3000 });
    });
    expect(seen).toEqual([
      {
        provider: 'vendor',
        operation: 'publish',
        method: 'POST',
        path: '/publish',
        status: 429,
        headers: { 'retry-after': '9', 'x-request-id': 'r1' },
        body: { retry_after: 3 },
        now: 1_000_000,
      },
    ]);
    expect(failure.retryAfterMs).toBe(3000);
  });
});

describe('classify: no answer', () => {
  const cases: Array<[string, RawFailure, Partial<RequestFacts>, Record<string, unknown>]> = [
    [
      'the caller aborted',
      transport('ERR_CANCELED', 'caller'),
      {},
      { type: AbortedError, retryable: false, processed: true },
    ],
    [
      'the total deadline cut it',
      transport('ERR_CANCELED', 'total-deadline'),
      {},
      { reason: 'timeout', effect: true, processed: true, message: /total deadline of 9000 ms/ },
    ],
    [
      'the attempt deadline cut it',
      transport('ERR_CANCELED', 'attempt-deadline'),
      { method: 'GET' },
      { reason: 'timeout', effect: false, message: /within 1500 ms$/ },
    ],
    [
      'ETIMEDOUT is a timeout',
      transport('ETIMEDOUT'),
      {},
      { reason: 'timeout', effect: true, processed: true },
    ],
    ['ECONNABORTED is a timeout', transport('ECONNABORTED'), {}, { reason: 'timeout' }],
    [
      'a refused connection carried nothing',
      transport('ECONNREFUSED'),
      {},
      { reason: 'network', effect: false, processed: false, details: { code: 'ECONNREFUSED' } },
    ],
    ['a failed DNS lookup carried nothing', transport('ENOTFOUND'), {}, { processed: false }],
    [
      'a reset after sending may have taken effect',
      transport('ECONNRESET'),
      {},
      { reason: 'network', effect: true, processed: true, message: /network error \(ECONNRESET\)$/ },
    ],
    [
      'no code at all',
      transport(undefined),
      {},
      { reason: 'network', processed: true, message: /network error$/ },
    ],
  ];
  for (const [label, raw, over, expected] of cases) {
    it(label, () => {
      const failure = classify(raw, request(over), () => {
        throw new Error('no answer: the vendor mapping must not be asked');
      });
      const error = failure.error;
      expect(error).toBeInstanceOf((expected.type as ErrorClass | undefined) ?? ProviderUnavailableError);
      expect(error).toMatchObject({ provider: 'vendor', operation: 'publish' });
      expect(failure.status).toBeUndefined();
      expect(failure.retryAfterMs).toBeUndefined();
      expect(failure.retryable).toBe(expected.retryable ?? true);
      if ('processed' in expected) expect(failure.mayHaveBeenProcessed).toBe(expected.processed);
      if ('reason' in expected) expect((error as ProviderUnavailableError).reason).toBe(expected.reason);
      if ('effect' in expected)
        expect((error as ProviderUnavailableError).mayHaveTakenEffect).toBe(expected.effect);
      if ('message' in expected) expect(error.message).toMatch(expected.message as RegExp);
      if ('details' in expected) expect(error.details).toEqual(expected.details);
    });
  }

  it('keeps only the name, code and message of the transport error as the cause', () => {
    const { error } = classify(transport('ECONNRESET'), request(), () => {
      throw new Error('unused');
    });
    expect(error.toJSON().cause).toEqual({
      name: 'NetworkError',
      code: 'ECONNRESET',
      message: 'socket said ECONNRESET',
    });
  });
});
