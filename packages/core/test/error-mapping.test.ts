import { ConflictError, NotFoundError, PermissionError, RateLimitedError } from '@agent-release/core';
import {
  defaultErrorFor,
  errorMapperFrom,
  type HttpFailure,
  type VendorErrorBase,
} from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import { vendorErrorOf } from '../src/http/error-mapping.js';

const failure = (over: Partial<HttpFailure> = {}): HttpFailure => ({
  provider: 'vendor',
  operation: 'publish',
  method: 'POST',
  path: '/publish',
  status: 403,
  headers: { 'x-request-id': 'req-1' },
  body: { message: 'no scope' },
  now: 0,
  ...over,
});

describe('vendor error mapping as data', () => {
  it('hands the special cases the base fields and message parts core built once', () => {
    const bases: VendorErrorBase[] = [];
    const error = vendorErrorOf(failure(), {
      errorCases: (f, base) => {
        bases.push(base);
        return f.status === 403
          ? new PermissionError(`${base.what}: scoped${base.suffix}`, base.fields)
          : undefined;
      },
    });
    expect(bases).toEqual([
      {
        fields: {
          provider: 'vendor',
          status: 403,
          operation: 'publish',
          vendorMessage: 'no scope',
          details: { requestId: 'req-1' },
        },
        what: 'vendor publish',
        suffix: ': no scope',
      },
    ]);
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({
      message: 'vendor publish: scoped: no scope',
      details: { requestId: 'req-1' },
    });
  });

  it('an empty body leaves no suffix and no vendor message', () => {
    let seen: VendorErrorBase | undefined;
    vendorErrorOf(failure({ body: undefined, headers: {} }), {
      errorCases: (_f, base) => {
        seen = base;
        return undefined;
      },
    });
    expect(seen).toEqual({
      fields: {
        provider: 'vendor',
        status: 403,
        operation: 'publish',
        vendorMessage: undefined,
        details: undefined,
      },
      what: 'vendor publish',
      suffix: '',
    });
  });

  it.each([400, 401, 403, 404, 409, 418, 422, 429, 500, 503])(
    'a case that answers undefined gets exactly the default error (%i)',
    (status) => {
      const f = failure({ status, headers: { 'x-request-id': 'req-1', 'retry-after': '4' } });
      const mapped = vendorErrorOf(f, { errorCases: () => undefined });
      const fallback = defaultErrorFor(f);
      expect(mapped.constructor).toBe(fallback.constructor);
      expect(mapped.toJSON()).toEqual(fallback.toJSON());
    },
  );

  it('the whole-answer mapError still comes first; its undefined falls through to the cases', () => {
    const asked: string[] = [];
    const mapping = {
      mapError: (f: HttpFailure) => {
        asked.push('mapError');
        return f.status === 404 ? new NotFoundError('mapped') : undefined;
      },
      errorCases: (f: HttpFailure) => {
        asked.push('errorCases');
        return f.status === 409 ? new ConflictError('special') : undefined;
      },
    };
    expect(vendorErrorOf(failure({ status: 404 }), mapping).message).toBe('mapped');
    expect(asked).toEqual(['mapError']);
    expect(vendorErrorOf(failure({ status: 409 }), mapping).message).toBe('special');
    expect(vendorErrorOf(failure({ status: 429 }), mapping)).toBeInstanceOf(RateLimitedError);
    expect(asked).toEqual(['mapError', 'mapError', 'errorCases', 'mapError', 'errorCases']);
  });

  it('errorMapperFrom turns cases into a whole-answer mapper that never answers undefined', () => {
    const map = errorMapperFrom((f, base) =>
      f.status === 403 ? new NotFoundError(`${base.what}: hidden`, base.fields) : undefined,
    );
    expect(map(failure())).toMatchObject({
      message: 'vendor publish: hidden',
      details: { requestId: 'req-1' },
    });
    expect(map(failure({ status: 409 })).toJSON()).toEqual(
      defaultErrorFor(failure({ status: 409 })).toJSON(),
    );
  });
});
