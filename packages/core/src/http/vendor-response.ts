import type { AgentReleaseError } from '../errors.js';
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
 * core's default mapping (`defaultErrorFor`), so a mapper only handles what is special about its vendor.
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
