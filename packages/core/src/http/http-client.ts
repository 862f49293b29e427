import { inspect } from 'node:util';
import type { z } from 'zod';
import { type Clock, deadlineAfter, systemClock, throwIfAborted } from '../clock.js';
import { currentFence, type FenceLike } from '../lease-fence.js';
import { type Logger, noopLogger } from '../logger.js';
import { registerSecret } from '../redact.js';
import { assertApiKey, isLoopbackHost, normalizeBaseUrl } from './base-url.js';
import { type AnswerError, classify, type RawFailure, type RequestFacts } from './classify.js';
import { vendorErrorOf } from './error-mapping.js';
import type { HttpClientOptions, HttpRequest, HttpResponse } from './http-types.js';
import { parseSuccess } from './parse-success.js';
import { decide } from './retry-decision.js';
import { assertDelayMs, type RetryPolicy, resolveRetryPolicy } from './retry-policy.js';
import { type SendTarget, sendOnce } from './send.js';
import { lowerCaseHeaders, parseBody } from './wire.js';

/** Default total deadline of one request across its retries. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;

interface TotalDeadline {
  /** Clock time at which the request's total deadline passes. */
  readonly at: number;
  readonly signal: AbortSignal;
}

type Sent = { kind: 'success'; status: number; text: unknown; headers: Record<string, string> } | RawFailure;

/**
 * The HTTP edge every adapter shares: base URL + bearer auth, a total per-attempt deadline,
 * retries with full-jitter backoff that honour `Retry-After`, zod-validated responses and the
 * adapter's error mapping. The API key lives in a private field and is never logged.
 *
 * Each attempt is sent, classified (`classify`) and decided on (`decide`); this class only
 * loops, sleeps, logs and keeps the lease fence.
 */
export class HttpClient {
  readonly provider: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly retryPolicy: Readonly<RetryPolicy>;
  // Holds the bearer key: private, and left out of toJSON and inspect.
  readonly #target: SendTarget;
  readonly #errorOf: AnswerError;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: HttpClientOptions) {
    assertApiKey(options.apiKey, options.provider);
    this.provider = options.provider;
    this.baseUrl = normalizeBaseUrl(options.baseUrl, options.provider);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    assertDelayMs(this.timeoutMs, 'timeoutMs', options.provider, 1);
    this.totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    assertDelayMs(this.totalTimeoutMs, 'totalTimeoutMs', options.provider, 1);
    this.retryPolicy = Object.freeze(resolveRetryPolicy(options.retry, options.provider));
    registerSecret(options.apiKey);
    const extra = Object.entries(options.headers ?? {}).filter(
      ([name]) => name.toLowerCase() !== 'authorization',
    );
    this.#target = {
      baseUrl: this.baseUrl,
      headers: {
        ...Object.fromEntries(extra),
        Accept: 'application/json',
        Authorization: `Bearer ${options.apiKey}`,
      },
      loopback: isLoopbackHost(new URL(this.baseUrl).hostname),
    };
    const mapping = { mapError: options.mapError, errorCases: options.errorCases };
    this.#errorOf = (failure) => vendorErrorOf(failure, mapping);
    this.#logger = options.logger ?? noopLogger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** The current time of the injected clock. */
  now(): number {
    return this.#clock.now();
  }

  /** Sends `req`, retrying per policy, and returns the schema-validated body. */
  async request<S extends z.ZodType>(req: HttpRequest<S>): Promise<HttpResponse<z.output<S>>> {
    const totalMs = req.totalTimeoutMs ?? this.totalTimeoutMs;
    if (req.totalTimeoutMs !== undefined) assertDelayMs(totalMs, 'totalTimeoutMs', this.provider, 1);
    const facts: RequestFacts = {
      provider: this.provider,
      operation: req.operation,
      method: req.method,
      path: req.path,
      idempotent: req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE'),
      attemptTimeoutMs: req.timeoutMs ?? this.timeoutMs,
      totalTimeoutMs: totalMs,
    };
    const at = this.#clock.now() + totalMs;
    const deadline = deadlineAfter(this.#clock, totalMs);
    // Inside release() or rollback(), the lease's fence cuts this request and its retry waits.
    const fence = currentFence();
    const fenced = fence
      ? { ...req, signal: req.signal ? AbortSignal.any([req.signal, fence.signal]) : fence.signal }
      : req;
    try {
      return await this.#attempts(fenced, facts, fence, { at, signal: deadline.signal });
    } finally {
      deadline.dispose();
    }
  }

  async #attempts<S extends z.ZodType>(
    req: HttpRequest<S>,
    facts: RequestFacts,
    fence: FenceLike | undefined,
    total: TotalDeadline,
  ): Promise<HttpResponse<z.output<S>>> {
    const where = { provider: this.provider, operation: req.operation, method: req.method, path: req.path };
    for (let attempt = 1; ; attempt++) {
      // Checked synchronously right before each send, on the holder's monotonic deadline: a
      // process that was paused past its lease sends nothing, not even a read it would act on.
      fence?.assertHeld(req.operation, this.provider);
      throwIfAborted(req.signal, `${this.provider} ${req.operation}`);
      const started = this.#clock.now();
      const sent = await this.#send(req, facts, total);
      const durationMs = this.#clock.now() - started;
      if (sent.kind !== 'transport') {
        this.#logger.debug('http response', { ...where, status: sent.status, attempt, durationMs });
      }
      if (sent.kind === 'success') {
        const { status, headers } = sent;
        const data = parseSuccess(req.schema, sent.text, {
          provider: this.provider,
          operation: req.operation,
          status,
        });
        return { status, data, headers, attempts: attempt };
      }
      const failure = classify(sent, facts, this.#errorOf);
      const { error } = failure;
      if (sent.kind === 'transport') {
        this.#logger.debug('http failure', { ...where, code: error.code, attempt, durationMs });
      }

      if (fence && !fence.holds()) throw fence.error(req.operation, this.provider);
      const state = { now: this.#clock.now(), at: total.at, passed: total.signal.aborted };
      const next = decide(failure, attempt, this.retryPolicy, state, this.#random);
      if (next.stop) {
        if (next.why === 'wait-passes-deadline') {
          this.#logger.warn('not retrying: the wait would pass the total deadline', {
            ...where,
            attempt,
            delayMs: next.delayMs,
            totalTimeoutMs: facts.totalTimeoutMs,
            code: error.code,
            status: error.status,
          });
        }
        throw error;
      }
      const fields = { ...where, attempt, delayMs: next.delayMs, code: error.code, status: error.status };
      this.#logger.warn('retrying request', fields);
      await this.#clock.sleep(next.delayMs, req.signal).catch((cut: unknown) => {
        throw fence && !fence.holds() ? fence.error(req.operation, this.provider) : cut;
      });
    }
  }

  /** One send, cut by the caller's signal and both deadlines, reported as what came back. */
  async #send<S extends z.ZodType>(
    req: HttpRequest<S>,
    facts: RequestFacts,
    total: TotalDeadline,
  ): Promise<Sent> {
    const attemptDeadline = AbortSignal.timeout(facts.attemptTimeoutMs);
    const signals = [attemptDeadline, total.signal];
    const signal = AbortSignal.any(req.signal ? [req.signal, ...signals] : signals);
    const outcome = await sendOnce(this.#target, req, signal);
    if (outcome.kind === 'response') {
      const { status, data } = outcome.response;
      const headers = lowerCaseHeaders(outcome.response.headers);
      if (status >= 200 && status < 300) return { kind: 'success', status, text: data, headers };
      return { kind: 'status', status, headers, body: parseBody(data), now: this.#clock.now() };
    }
    const cutBy = req.signal?.aborted
      ? 'caller'
      : total.signal.aborted
        ? 'total-deadline'
        : attemptDeadline.aborted
          ? 'attempt-deadline'
          : undefined;
    return { kind: 'transport', code: outcome.code, message: outcome.message, cutBy };
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
