import {
  type AgentReleaseError,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  UnexpectedResponseError,
  ValidationError,
} from '../errors.js';
import {
  type ErrorMapper,
  extractVendorMessage,
  type HttpFailure,
  retryAfterFromHeaders,
} from './vendor-response.js';

/** The options every typed error of one vendor answer carries. Core builds them once per answer. */
export interface VendorErrorFields {
  readonly provider: string;
  readonly status: number;
  readonly operation: string;
  /** The vendor's own message, redacted and capped (see `extractVendorMessage`). */
  readonly vendorMessage: string | undefined;
  /** `requestId` (the vendor's `x-request-id`, which support desks ask for), plus any extras. */
  readonly details: Record<string, unknown> | undefined;
}

/** What core hands a vendor's {@link VendorErrorCases} along with the failure. */
export interface VendorErrorBase {
  /** Pass these (or a spread of them) to the error's constructor. */
  readonly fields: VendorErrorFields;
  /** How every message starts: `<provider> <operation>`. */
  readonly what: string;
  /** `: <vendor message>`, or `''` when the vendor said nothing. */
  readonly suffix: string;
}

/**
 * A vendor's special cases, as data over core's mapping: given the failure and the base core built,
 * return the typed error for what is special about this vendor, or `undefined` for core's default.
 */
export type VendorErrorCases = (failure: HttpFailure, base: VendorErrorBase) => AgentReleaseError | undefined;

/** What an adapter may add to {@link defaultErrorFor}'s mapping. */
export interface DefaultErrorExtras {
  /** Extra JSON-safe facts for `error.details` (e.g. a vendor `error_type`). */
  details?: Record<string, unknown> | undefined;
  /** The wait a 429 asks for when the vendor says it somewhere other than `Retry-After`. */
  retryAfterMs?: number | undefined;
}

/** The base fields and message parts of `failure`'s typed error; `extraDetails` join `requestId`. */
export function errorBaseOf(
  failure: HttpFailure,
  extraDetails?: Record<string, unknown> | undefined,
): VendorErrorBase {
  const vendorMessage = extractVendorMessage(failure.body);
  const requestId = failure.headers['x-request-id'];
  const details =
    requestId !== undefined || extraDetails !== undefined
      ? { ...(requestId !== undefined ? { requestId } : {}), ...extraDetails }
      : undefined;
  return {
    fields: {
      provider: failure.provider,
      status: failure.status,
      vendorMessage,
      operation: failure.operation,
      details,
    },
    what: `${failure.provider} ${failure.operation}`,
    suffix: vendorMessage ? `: ${vendorMessage}` : '',
  };
}

/**
 * The generic status → error mapping every adapter starts from. `details.requestId` carries the
 * vendor's `x-request-id`, which support desks ask for.
 */
export function defaultErrorFor(failure: HttpFailure, extras: DefaultErrorExtras = {}): AgentReleaseError {
  return defaultFromBase(failure, errorBaseOf(failure, extras.details), extras.retryAfterMs);
}

function defaultFromBase(
  failure: HttpFailure,
  { fields, what, suffix }: VendorErrorBase,
  retryAfterMs: number | undefined,
): AgentReleaseError {
  switch (failure.status) {
    case 400:
    case 422:
      return new ValidationError(`${what} was rejected as invalid${suffix}`, fields);
    case 401:
      return new AuthenticationError(`${what}: the API key was rejected (401)${suffix}`, fields);
    case 403:
      return new PermissionError(`${what}: the API key may not do this (403)${suffix}`, fields);
    case 404:
      return new NotFoundError(`${what}: not found (404)${suffix}`, fields);
    case 409:
      return new ConflictError(`${what}: conflict (409)${suffix}`, fields);
    case 429:
      return new RateLimitedError(`${what}: rate limited (429)${suffix}`, {
        ...fields,
        retryAfterMs: retryAfterMs ?? retryAfterFromHeaders(failure),
      });
    default:
      if (failure.status >= 500) {
        return new ProviderUnavailableError(
          `${what}: ${failure.provider} answered ${failure.status}${suffix}`,
          {
            ...fields,
            reason: 'server-error',
            // A 5xx after a write says nothing about whether the write was applied.
            mayHaveTakenEffect: failure.method !== 'GET' && failure.method !== 'HEAD',
          },
        );
      }
      return new UnexpectedResponseError(`${what}: unexpected HTTP ${failure.status}${suffix}`, fields);
  }
}

/** How an adapter maps vendor answers: the whole-answer mapper (older form) and/or special cases. */
export interface VendorErrorMapping {
  readonly mapError?: ErrorMapper | undefined;
  readonly errorCases?: VendorErrorCases | undefined;
}

/**
 * The typed error of a non-2xx answer: the adapter's `mapError`, else its `errorCases` over the
 * base built once here, else core's default over that same base.
 */
export function vendorErrorOf(failure: HttpFailure, mapping: VendorErrorMapping): AgentReleaseError {
  const mapped = mapping.mapError?.(failure);
  if (mapped !== undefined) return mapped;
  const base = errorBaseOf(failure);
  return mapping.errorCases?.(failure, base) ?? defaultFromBase(failure, base, undefined);
}

/**
 * `cases` over core's default as one whole-answer function, for an adapter that still hands out
 * a mapper of its own (`HttpClientOptions.errorCases` takes `cases` directly).
 */
export function errorMapperFrom(cases: VendorErrorCases): (failure: HttpFailure) => AgentReleaseError {
  return (failure) => vendorErrorOf(failure, { errorCases: cases });
}
