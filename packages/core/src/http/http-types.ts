import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { VendorErrorCases } from './error-mapping.js';
import type { RetryPolicy } from './retry-policy.js';
import type { ErrorMapper } from './vendor-response.js';

// The shapes adapters pass to and get from `HttpClient`.

/** Options of `HttpClient`. */
export interface HttpClientOptions {
  /** Provider id used in errors and logs. */
  provider: string;
  /** https URL (http only for loopback hosts). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never logged or put in an error. */
  apiKey: string;
  /** Total deadline per attempt, connection to last byte. Default 30 s. */
  timeoutMs?: number | undefined;
  /**
   * Total deadline per request, across all its attempts and the waits between them. Default
   * 60 s. A retry whose wait would end past it is not made: the last answer's typed error is
   * thrown at once (a 429 as `RateLimitedError` with `retryAfterMs`), and an attempt in flight
   * when it passes is cut.
   */
  totalTimeoutMs?: number | undefined;
  /** Retry policy overrides, or `false` for none. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /**
   * The adapter's whole-answer error mapping (the older form); `undefined` from it falls through
   * to `errorCases`, then to core's default mapping.
   */
  mapError?: ErrorMapper | undefined;
  /**
   * The adapter's special cases over the base fields and message core builds once per answer;
   * `undefined` from it means core's default mapping.
   */
  errorCases?: VendorErrorCases | undefined;
  logger?: Logger | undefined;
  clock?: Clock | undefined;
  /** Uniform random in [0, 1), for jitter. */
  random?: (() => number) | undefined;
  /** Extra headers on every request (never `Authorization`). */
  headers?: Record<string, string> | undefined;
}

/** HTTP methods adapters use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One logical request; the client may send it several times. */
export interface HttpRequest<S extends z.ZodType> {
  /** Name for logs and errors, e.g. `'publish'`. */
  operation: string;
  method: HttpMethod;
  /** Path relative to the base URL, built with `pathOf`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  body?: unknown;
  /** Lenient schema of the success body: read only what you use. */
  schema: S;
  /**
   * Whether sending twice has the same effect as once. Defaults to true for GET, PUT and DELETE.
   * A non-idempotent request is re-sent only when it cannot have reached the vendor
   * (429, connection refused, DNS failure).
   */
  idempotent?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt deadline. */
  timeoutMs?: number | undefined;
  /** Overrides the client's total deadline across attempts ({@link HttpClientOptions.totalTimeoutMs}). */
  totalTimeoutMs?: number | undefined;
}

/** A validated success response. */
export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
  /** How many times the request was sent. */
  attempts: number;
}
