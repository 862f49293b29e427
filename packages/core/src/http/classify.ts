import {
  AbortedError,
  type AgentReleaseError,
  ProviderUnavailableError,
  RateLimitedError,
} from '../errors.js';
import { parseRetryAfter } from './retry-policy.js';
import type { HttpFailure } from './vendor-response.js';

/** What classifying a failed attempt needs to know about its request. */
export interface RequestFacts {
  readonly provider: string;
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** Whether sending twice has the same effect as once. */
  readonly idempotent: boolean;
  /** The per-attempt deadline, named in the error of an attempt it cut. */
  readonly attemptTimeoutMs: number;
  /** The total deadline across attempts, named in the error of an attempt it cut. */
  readonly totalTimeoutMs: number;
}

/** A non-2xx answer, as received. */
export interface RawStatus {
  readonly kind: 'status';
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, the raw text when not JSON, `undefined` when empty. */
  readonly body: unknown;
  /** The clock's time when the answer came, for HTTP-date `Retry-After`. */
  readonly now: number;
}

/** No answer: the transport failed, or a signal cut the attempt. */
export interface RawTransport {
  readonly kind: 'transport';
  /** The socket/axios error code (`ECONNREFUSED`, ...), when there was one. */
  readonly code: string | undefined;
  readonly message: string;
  /** Which signal cut the attempt, checked in this order: the caller's, the total, the attempt's. */
  readonly cutBy: 'caller' | 'total-deadline' | 'attempt-deadline' | undefined;
}

/** What one failed attempt came back with, before any interpretation. */
export type RawFailure = RawStatus | RawTransport;

/** A failed attempt, interpreted: what to tell the caller and what the retry decision needs. */
export interface ClassifiedFailure {
  /** The typed error the caller is told if nothing is re-sent. */
  readonly error: AgentReleaseError;
  /** Whether the typed error says the same call may succeed later. */
  readonly retryable: boolean;
  /**
   * Whether the vendor may have acted on the request. False only when it provably did not: a 429
   * is refused before processing, and a connection that was never made carried nothing.
   */
  readonly mayHaveBeenProcessed: boolean;
  readonly idempotent: boolean;
  /** The answer's HTTP status; `undefined` when there was no answer. */
  readonly status: number | undefined;
  /** The wait the vendor asked for (`RateLimitedError.retryAfterMs`, else `Retry-After`). */
  readonly retryAfterMs: number | undefined;
}

/** The adapter's mapping of a non-2xx answer to its typed error. */
export type AnswerError = (failure: HttpFailure) => AgentReleaseError;

// Errors where the request provably never reached the server.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** Interprets one failed attempt; pure, given a pure `errorOf`. */
export function classify(raw: RawFailure, request: RequestFacts, errorOf: AnswerError): ClassifiedFailure {
  return raw.kind === 'status' ? classifyStatus(raw, request, errorOf) : classifyTransport(raw, request);
}

function classifyStatus(raw: RawStatus, request: RequestFacts, errorOf: AnswerError): ClassifiedFailure {
  const { provider, operation, method, path, idempotent } = request;
  const { status, headers, body, now } = raw;
  const error = errorOf({ provider, operation, method, path, status, headers, body, now });
  const asked = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
  return {
    error,
    retryable: error.retryable,
    mayHaveBeenProcessed: status !== 429,
    idempotent,
    status,
    retryAfterMs: asked ?? parseRetryAfter(headers['retry-after'], now),
  };
}

function classifyTransport(raw: RawTransport, request: RequestFacts): ClassifiedFailure {
  const sent = raw.cutBy !== undefined || raw.code === undefined || !NOT_SENT_CODES.has(raw.code);
  const error = transportError(raw, request, sent);
  return {
    error,
    retryable: error.retryable,
    mayHaveBeenProcessed: sent,
    idempotent: request.idempotent,
    status: undefined,
    retryAfterMs: undefined,
  };
}

function transportError(raw: RawTransport, request: RequestFacts, sent: boolean): AgentReleaseError {
  const what = `${request.provider} ${request.operation}`;
  const base = { provider: request.provider, operation: request.operation };
  // A read takes no effect however far it got.
  const write = request.method !== 'GET';
  if (raw.cutBy === 'caller') return new AbortedError(`${what} was aborted`, base);
  if (raw.cutBy === 'total-deadline') {
    return new ProviderUnavailableError(
      `${what}: no complete response within the request's total deadline of ${request.totalTimeoutMs} ms (across retries)`,
      { ...base, reason: 'timeout', mayHaveTakenEffect: write },
    );
  }
  if (raw.cutBy === 'attempt-deadline' || (raw.code !== undefined && TIMEOUT_CODES.has(raw.code))) {
    return new ProviderUnavailableError(
      `${what}: no complete response within ${request.attemptTimeoutMs} ms`,
      {
        ...base,
        reason: 'timeout',
        mayHaveTakenEffect: write,
      },
    );
  }
  const { code } = raw;
  return new ProviderUnavailableError(`${what}: network error${code ? ` (${code})` : ''}`, {
    ...base,
    reason: 'network',
    mayHaveTakenEffect: sent && write,
    // Only name/code/message survive: the transport's own error object holds the request headers.
    cause: { name: 'NetworkError', code, message: raw.message } as unknown,
    details: code ? { code } : undefined,
  });
}
