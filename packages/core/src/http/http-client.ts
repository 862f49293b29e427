import { inspect } from 'node:util';
import axios, { type AxiosError, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { type Clock, deadlineAfter, systemClock, throwIfAborted } from '../clock.js';
import {
  AbortedError,
  type AgentReleaseError,
  ProviderUnavailableError,
  RateLimitedError,
  UnexpectedResponseError,
} from '../errors.js';
import { currentFence, type LeaseFence } from '../lease-fence.js';
import { type Logger, noopLogger } from '../logger.js';
import { registerSecret } from '../redact.js';
import { assertApiKey, isLoopbackHost, normalizeBaseUrl } from './base-url.js';
import {
  assertDelayMs,
  backoffDelayMs,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
} from './retry-policy.js';
import { defaultErrorFor, type ErrorMapper, type HttpFailure } from './vendor-response.js';
import { dropUndefined, lowerCaseHeaders, parseBody } from './wire.js';

/** Options of {@link HttpClient}. */
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
  /** The adapter's vendor-specific error mapping; falls back to {@link defaultErrorFor}. */
  mapError?: ErrorMapper | undefined;
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

/** Default total deadline of one request across its retries. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;

// Errors where the request provably never reached the server.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface TotalDeadline {
  /** Clock time at which the request's total deadline passes. */
  readonly at: number;
  readonly ms: number;
  readonly signal: AbortSignal;
}

type Attempt =
  | { kind: 'response'; response: AxiosResponse<string> }
  | { kind: 'failure'; error: AgentReleaseError; sent: boolean };

/**
 * The HTTP edge every adapter shares: base URL + bearer auth, a total per-attempt deadline,
 * retries with full-jitter backoff that honour `Retry-After`, zod-validated responses and the
 * adapter's error mapping. The API key lives in a private field and is never logged.
 */
export class HttpClient {
  readonly provider: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly retryPolicy: Readonly<RetryPolicy>;
  readonly #apiKey: string;
  readonly #mapError: ErrorMapper | undefined;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #headers: Record<string, string>;
  readonly #loopback: boolean;

  constructor(options: HttpClientOptions) {
    assertApiKey(options.apiKey, options.provider);
    this.provider = options.provider;
    this.baseUrl = normalizeBaseUrl(options.baseUrl, options.provider);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    assertDelayMs(this.timeoutMs, 'timeoutMs', options.provider, 1);
    this.totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    assertDelayMs(this.totalTimeoutMs, 'totalTimeoutMs', options.provider, 1);
    this.retryPolicy = Object.freeze(resolveRetryPolicy(options.retry, options.provider));
    this.#apiKey = options.apiKey;
    registerSecret(options.apiKey);
    this.#mapError = options.mapError;
    this.#logger = options.logger ?? noopLogger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#headers = Object.fromEntries(
      Object.entries(options.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'),
    );
    this.#loopback = isLoopbackHost(new URL(this.baseUrl).hostname);
  }

  /** The current time of the injected clock. */
  now(): number {
    return this.#clock.now();
  }

  /** Sends `req`, retrying per policy, and returns the schema-validated body. */
  async request<S extends z.ZodType>(req: HttpRequest<S>): Promise<HttpResponse<z.output<S>>> {
    const idempotent =
      req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    const policy = this.retryPolicy;
    const totalMs = req.totalTimeoutMs ?? this.totalTimeoutMs;
    if (req.totalTimeoutMs !== undefined) assertDelayMs(totalMs, 'totalTimeoutMs', this.provider, 1);
    const deadlineAt = this.#clock.now() + totalMs;
    const deadline = deadlineAfter(this.#clock, totalMs);
    // Inside release() or rollback(), the lease's fence cuts this request and its retry waits.
    const fence = currentFence();
    const fenced = fence
      ? { ...req, signal: req.signal ? AbortSignal.any([req.signal, fence.signal]) : fence.signal }
      : req;
    try {
      return await this.#attempts(fenced, idempotent, policy, fence, {
        at: deadlineAt,
        ms: totalMs,
        signal: deadline.signal,
      });
    } finally {
      deadline.dispose();
    }
  }

  async #attempts<S extends z.ZodType>(
    req: HttpRequest<S>,
    idempotent: boolean,
    policy: Readonly<RetryPolicy>,
    fence: LeaseFence | undefined,
    total: TotalDeadline,
  ): Promise<HttpResponse<z.output<S>>> {
    for (let attempt = 1; ; attempt++) {
      // Checked synchronously right before each send, on the holder's monotonic deadline: a
      // process that was paused past its lease sends nothing, not even a read it would act on.
      fence?.assertHeld(req.operation, this.provider);
      throwIfAborted(req.signal, `${this.provider} ${req.operation}`);
      const started = this.#clock.now();
      const outcome = await this.#send(req, total);
      const durationMs = this.#clock.now() - started;

      let error: AgentReleaseError;
      let canResend: boolean;
      if (outcome.kind === 'response') {
        const { response } = outcome;
        this.#logger.debug('http response', {
          provider: this.provider,
          operation: req.operation,
          method: req.method,
          path: req.path,
          status: response.status,
          attempt,
          durationMs,
        });
        if (response.status >= 200 && response.status < 300) {
          return {
            status: response.status,
            data: this.#parse(req, response),
            headers: lowerCaseHeaders(response.headers),
            attempts: attempt,
          };
        }
        const failure: HttpFailure = {
          provider: this.provider,
          operation: req.operation,
          method: req.method,
          path: req.path,
          status: response.status,
          headers: lowerCaseHeaders(response.headers),
          body: parseBody(response.data),
          now: this.#clock.now(),
        };
        error = this.#mapError?.(failure) ?? defaultErrorFor(failure);
        // A 429 is refused before processing, so even a non-idempotent request may be re-sent.
        canResend =
          policy.retryStatuses.includes(response.status) &&
          error.retryable &&
          (idempotent || response.status === 429);
        if (canResend) {
          const wait = retryAfterOf(error, failure);
          if (wait !== undefined && wait > policy.maxRetryAfterMs) canResend = false;
        }
      } else {
        this.#logger.debug('http failure', {
          provider: this.provider,
          operation: req.operation,
          method: req.method,
          path: req.path,
          code: outcome.error.code,
          attempt,
          durationMs,
        });
        error = outcome.error;
        canResend = error.retryable && (idempotent || !outcome.sent);
      }

      if (fence && !fence.holds()) throw fence.error(req.operation, this.provider);
      if (!canResend || attempt > policy.maxRetries || total.signal.aborted) throw error;
      const delay =
        (outcome.kind === 'response'
          ? retryAfterOf(error, {
              headers: lowerCaseHeaders(outcome.response.headers),
              now: this.#clock.now(),
            })
          : undefined) ?? backoffDelayMs(attempt - 1, policy, this.#random);
      // Waiting past the total deadline only to be cut: say now what the last answer said.
      if (this.#clock.now() + delay >= total.at) {
        this.#logger.warn('not retrying: the wait would pass the total deadline', {
          provider: this.provider,
          operation: req.operation,
          method: req.method,
          path: req.path,
          attempt,
          delayMs: delay,
          totalTimeoutMs: total.ms,
          code: error.code,
          status: error.status,
        });
        throw error;
      }
      this.#logger.warn('retrying request', {
        provider: this.provider,
        operation: req.operation,
        method: req.method,
        path: req.path,
        attempt,
        delayMs: delay,
        code: error.code,
        status: error.status,
      });
      await this.#clock.sleep(delay, req.signal).catch((cut: unknown) => {
        throw fence && !fence.holds() ? fence.error(req.operation, this.provider) : cut;
      });
    }
  }

  async #send<S extends z.ZodType>(req: HttpRequest<S>, total: TotalDeadline): Promise<Attempt> {
    const deadline = AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs);
    const signal = AbortSignal.any(
      req.signal ? [req.signal, deadline, total.signal] : [deadline, total.signal],
    );
    const hasBody = req.body !== undefined;
    try {
      const response = await axios.request<string>({
        baseURL: this.baseUrl,
        url: req.path,
        method: req.method,
        params: req.query ? dropUndefined(req.query) : undefined,
        data: hasBody ? JSON.stringify(req.body) : undefined,
        headers: {
          ...this.#headers,
          Accept: 'application/json',
          // `false` stops axios from adding its form-urlencoded default to a bodiless PATCH/POST.
          'Content-Type': hasBody ? 'application/json' : false,
          Authorization: `Bearer ${this.#apiKey}`,
        },
        signal,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        // Statuses are mapped here, not thrown by axios: its errors carry the request config.
        validateStatus: () => true,
        // A redirect could carry the bearer key to another host.
        maxRedirects: 0,
        maxContentLength: 16 * 1024 * 1024,
        proxy: this.#loopback ? false : undefined,
      });
      return { kind: 'response', response };
    } catch (raw) {
      const err = raw as AxiosError;
      if (req.signal?.aborted) {
        return {
          kind: 'failure',
          error: new AbortedError(`${this.provider} ${req.operation} was aborted`, {
            provider: this.provider,
            operation: req.operation,
          }),
          sent: true,
        };
      }
      const base = { provider: this.provider, operation: req.operation };
      if (total.signal.aborted) {
        return {
          kind: 'failure',
          error: new ProviderUnavailableError(
            `${this.provider} ${req.operation}: no complete response within the request's total deadline of ${total.ms} ms (across retries)`,
            { ...base, reason: 'timeout', mayHaveTakenEffect: req.method !== 'GET' },
          ),
          sent: true,
        };
      }
      if (deadline.aborted || err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
        return {
          kind: 'failure',
          error: new ProviderUnavailableError(
            `${this.provider} ${req.operation}: no complete response within ${req.timeoutMs ?? this.timeoutMs} ms`,
            { ...base, reason: 'timeout', mayHaveTakenEffect: req.method !== 'GET' },
          ),
          sent: true,
        };
      }
      const code = typeof err.code === 'string' ? err.code : undefined;
      const sent = !(code !== undefined && NOT_SENT_CODES.has(code));
      return {
        kind: 'failure',
        error: new ProviderUnavailableError(
          `${this.provider} ${req.operation}: network error${code ? ` (${code})` : ''}`,
          {
            ...base,
            reason: 'network',
            mayHaveTakenEffect: sent && req.method !== 'GET',
            // Only name/code/message survive: the axios error's config holds the headers.
            cause: { name: 'NetworkError', code, message: err.message } as unknown,
            details: code ? { code } : undefined,
          },
        ),
        sent,
      };
    }
  }

  #parse<S extends z.ZodType>(req: HttpRequest<S>, response: AxiosResponse<string>): z.output<S> {
    const body = parseBody(response.data);
    const result = req.schema.safeParse(body);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : '(body)';
    throw new UnexpectedResponseError(
      `${this.provider} ${req.operation}: unexpected response shape at "${field}": ${issue?.message ?? 'invalid'}`,
      { provider: this.provider, operation: req.operation, status: response.status, field },
    );
  }

  toJSON(): Record<string, unknown> {
    return {
      provider: this.provider,
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
      totalTimeoutMs: this.totalTimeoutMs,
    };
  }

  [inspect.custom](): string {
    return `HttpClient ${inspect(this.toJSON())}`;
  }
}

function retryAfterOf(
  error: AgentReleaseError,
  failure: Pick<HttpFailure, 'headers' | 'now'>,
): number | undefined {
  if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  return parseRetryAfter(failure.headers['retry-after'], failure.now);
}
