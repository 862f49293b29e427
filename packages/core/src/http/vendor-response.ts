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
import { redactAndCut } from '../redact.js';
import { parseRetryAfter } from './retry-policy.js';

/** A non-2xx vendor response, handed to the adapter's {@link ErrorMapper}. */
export interface HttpFailure {
  readonly provider: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Response headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, the raw text when it was not JSON, or `undefined` when empty. */
  readonly body: unknown;
  /** The clock's current time, for resolving HTTP-date `Retry-After` values. */
  readonly now: number;
}

/**
 * Turns a vendor failure into a typed error. Return `undefined` to fall back to
 * {@link defaultErrorFor}, so a mapper only handles what is special about its vendor.
 */
export type ErrorMapper = (failure: HttpFailure) => AgentReleaseError | undefined;

/**
 * The vendor's own message, whatever the body's shape: `{errors:[...]}` (Atoms), `{message}`,
 * `{error}` (string or object), or a plain string. Redacted and capped.
 */
export function extractVendorMessage(body: unknown): string | undefined {
  const text = vendorText(body);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : redactAndCut(trimmed, 1000);
}

function vendorText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    const parts = record.errors.map((e) => (typeof e === 'string' ? e : vendorText(e))).filter(Boolean);
    if (parts.length) return parts.join('; ');
  }
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  if (typeof record.error === 'object' && record.error !== null) return vendorText(record.error);
  if (typeof record.detail === 'string') return record.detail;
  return undefined;
}

/** `Retry-After` (header) in ms, resolved against `failure.now`. */
export function retryAfterFromHeaders(failure: HttpFailure): number | undefined {
  return parseRetryAfter(failure.headers['retry-after'], failure.now);
}

/** What an adapter may add to {@link defaultErrorFor}'s mapping. */
export interface DefaultErrorExtras {
  /** Extra JSON-safe facts for `error.details` (e.g. a vendor `error_type`). */
  details?: Record<string, unknown> | undefined;
  /** The wait a 429 asks for when the vendor says it somewhere other than `Retry-After`. */
  retryAfterMs?: number | undefined;
}

/**
 * The generic status → error mapping every adapter starts from. `details.requestId` carries the
 * vendor's `x-request-id`, which support desks ask for.
 */
export function defaultErrorFor(failure: HttpFailure, extras: DefaultErrorExtras = {}): AgentReleaseError {
  const vendorMessage = extractVendorMessage(failure.body);
  const requestId = failure.headers['x-request-id'];
  const details =
    requestId !== undefined || extras.details !== undefined
      ? { ...(requestId !== undefined ? { requestId } : {}), ...extras.details }
      : undefined;
  const base = {
    provider: failure.provider,
    status: failure.status,
    vendorMessage,
    operation: failure.operation,
    details,
  };
  const suffix = vendorMessage ? `: ${vendorMessage}` : '';
  const what = `${failure.provider} ${failure.operation}`;
  switch (failure.status) {
    case 400:
    case 422:
      return new ValidationError(`${what} was rejected as invalid${suffix}`, base);
    case 401:
      return new AuthenticationError(`${what}: the API key was rejected (401)${suffix}`, base);
    case 403:
      return new PermissionError(`${what}: the API key may not do this (403)${suffix}`, base);
    case 404:
      return new NotFoundError(`${what}: not found (404)${suffix}`, base);
    case 409:
      return new ConflictError(`${what}: conflict (409)${suffix}`, base);
    case 429:
      return new RateLimitedError(`${what}: rate limited (429)${suffix}`, {
        ...base,
        retryAfterMs: extras.retryAfterMs ?? retryAfterFromHeaders(failure),
      });
    default:
      if (failure.status >= 500) {
        return new ProviderUnavailableError(
          `${what}: ${failure.provider} answered ${failure.status}${suffix}`,
          {
            ...base,
            reason: 'server-error',
            // A 5xx after a write says nothing about whether the write was applied.
            mayHaveTakenEffect: failure.method !== 'GET' && failure.method !== 'HEAD',
          },
        );
      }
      return new UnexpectedResponseError(`${what}: unexpected HTTP ${failure.status}${suffix}`, base);
  }
}
