import { inspect } from 'node:util';
import { redact, redactAndCut, redactValue } from './redact.js';

/** Stable machine-readable codes. Never renamed once published: callers switch on them. */
export type AgentReleaseErrorCode =
  | 'VALIDATION'
  | 'CONFIGURATION'
  | 'AUTHENTICATION'
  | 'PERMISSION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PROVIDER_UNAVAILABLE'
  | 'SECURITY_CHECK_FAILED'
  | 'SECURITY_CHECK_TIMEOUT'
  | 'MIGRATION_REQUIRED'
  | 'UNSUPPORTED_OPERATION'
  | 'UNEXPECTED_RESPONSE'
  | 'ABORTED';

/** What every error constructor accepts. All text is redacted before it is stored. */
export interface AgentReleaseErrorOptions {
  /** Provider id (`'atoms'`, `'langdock'`, ...) when the error concerns one. */
  provider?: string | undefined;
  /** HTTP status of the vendor response, when there was one. */
  status?: number | undefined;
  /** The vendor's own message, as sent (redacted). */
  vendorMessage?: string | undefined;
  /** Whether retrying the same call later may succeed. Defaults per subclass. */
  retryable?: boolean | undefined;
  /** The operation that failed, e.g. `'publish'`. */
  operation?: string | undefined;
  /** Extra JSON-safe facts; redacted and size-bounded. */
  details?: Record<string, unknown> | undefined;
  /** The underlying failure; only its name, code and redacted message are kept. */
  cause?: unknown;
}

/** A cause reduced to what is safe to keep: never an axios config, request or headers. */
export interface SafeCause {
  name: string;
  code?: string;
  message: string;
}

function redactOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactAndCut(text, 200);
}

// A global-registry symbol, so the guard recognises errors thrown by another copy of this package.
const BRAND = Symbol.for('@agent-release/core.AgentReleaseError');

function toSafeCause(cause: unknown): SafeCause | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: redact(cause.message),
    };
  }
  if (typeof cause === 'object') {
    const { name, code, message } = cause as { name?: unknown; code?: unknown; message?: unknown };
    return {
      name: typeof name === 'string' ? name : 'Error',
      ...(typeof code === 'string' ? { code } : {}),
      message: redactAndCut(typeof message === 'string' ? message : '', 500),
    };
  }
  return { name: typeof cause, message: redactAndCut(String(cause), 500) };
}

/**
 * Base class of every error this library throws.
 *
 * Carries a stable {@link AgentReleaseError.code}, the provider, the HTTP status when there is one,
 * whether a retry may help, and the vendor's own message. It never carries the API key, request
 * headers or an axios config: text is redacted on construction and `cause` is reduced to a
 * {@link SafeCause}.
 */
export class AgentReleaseError extends Error {
  readonly code: AgentReleaseErrorCode;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly vendorMessage: string | undefined;
  readonly operation: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  declare readonly cause: SafeCause | undefined;

  constructor(code: AgentReleaseErrorCode, message: string, options: AgentReleaseErrorOptions = {}) {
    super(redact(message));
    const safeCause = toSafeCause(options.cause);
    // Defined as a plain data property so `util.inspect` shows the safe shape, never the original.
    Object.defineProperty(this, 'cause', { value: safeCause, enumerable: false, writable: false });
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.vendorMessage = options.vendorMessage === undefined ? undefined : redact(options.vendorMessage);
    this.operation = options.operation;
    this.details =
      options.details === undefined
        ? undefined
        : (redactValue(options.details) as Record<string, unknown> | undefined);
    if (this.stack) this.stack = redact(this.stack);
  }

  /** A JSON-safe summary for logs and API responses. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      status: this.status,
      retryable: this.retryable,
      vendorMessage: this.vendorMessage,
      operation: this.operation,
      details: this.details,
      cause: this.cause,
    };
  }

  [inspect.custom](): string {
    const facts = Object.entries(this.toJSON())
      .filter(([key, value]) => value !== undefined && key !== 'name' && key !== 'message')
      .map(
        ([key, value]) => `${key}: ${inspect(value, { depth: 3, breakLength: Number.POSITIVE_INFINITY })}`,
      );
    return `${this.stack ?? `${this.name}: ${this.message}`}${facts.length ? ` { ${facts.join(', ')} }` : ''}`;
  }
}

/**
 * True for any error thrown by agent-release, including errors from another installed copy of
 * `@agent-release/core` (where `instanceof` would fail).
 */
export function isAgentReleaseError(value: unknown): value is AgentReleaseError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** One invalid input field. `path` is dotted (`changes.providerOptions.atoms.tools.0.name`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input was rejected before any request was sent. */
export class ValidationError extends AgentReleaseError {
  readonly issues: readonly ValidationIssue[];
  constructor(message: string, options: AgentReleaseErrorOptions & { issues?: ValidationIssue[] } = {}) {
    super('VALIDATION', message, { ...options, retryable: false });
    // zod names unknown keys and record keys in paths and messages: a caller who put a key where
    // a field name goes would otherwise get it back here.
    this.issues = (options.issues ?? []).map((issue) => ({
      path: redact(issue.path),
      message: redact(issue.message),
    }));
  }
  /** The first offending field, for callers that report one. */
  get field(): string | undefined {
    return this.issues[0]?.path;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The library was configured in a way it refuses to run with (e.g. an API key over plain http). */
export class ConfigurationError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('CONFIGURATION', message, { ...options, retryable: false });
  }
}

/** The vendor rejected the credentials (HTTP 401). */
export class AuthenticationError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('AUTHENTICATION', message, { ...options, retryable: false });
  }
}

/** The credentials are valid but may not do this (HTTP 403). */
export class PermissionError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('PERMISSION', message, { ...options, retryable: false });
  }
}

/** The agent, draft, version or tenant does not exist (404, and vendor-specific equivalents). */
export class NotFoundError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('NOT_FOUND', message, { ...options, retryable: false });
  }
}

/** The vendor refused because of the resource's current state (HTTP 409 and friends). */
export class ConflictError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

/**
 * The lease a release held on its agent was lost (it expired, or its store became unreachable),
 * so another process may be releasing the same agent now. The release stopped before its next
 * step; check the live version and release again.
 */
export class LeaseLostError extends ConflictError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** HTTP 429. `retryAfterMs` is the vendor's requested wait, when it gave one. */
export class RateLimitedError extends AgentReleaseError {
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: AgentReleaseErrorOptions & { retryAfterMs?: number | undefined } = {},
  ) {
    super('RATE_LIMITED', message, { ...options, retryable: true });
    this.retryAfterMs = options.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** Why a provider counts as unavailable. */
export type UnavailableReason = 'server-error' | 'network' | 'timeout';

/**
 * 5xx, a network failure, or the per-request deadline passed.
 *
 * `mayHaveTakenEffect` is true when the request reached the vendor and its answer was lost
 * (connection dropped after sending, deadline passed, 5xx on a write): the write may have been
 * applied, so re-sending a non-idempotent request could duplicate it. Adapters reconcile first.
 */
export class ProviderUnavailableError extends AgentReleaseError {
  readonly reason: UnavailableReason;
  readonly mayHaveTakenEffect: boolean;
  constructor(
    message: string,
    options: AgentReleaseErrorOptions & {
      reason?: UnavailableReason | undefined;
      mayHaveTakenEffect?: boolean | undefined;
    } = {},
  ) {
    super('PROVIDER_UNAVAILABLE', message, { retryable: true, ...options });
    this.reason = options.reason ?? 'server-error';
    this.mayHaveTakenEffect = options.mayHaveTakenEffect ?? false;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, mayHaveTakenEffect: this.mayHaveTakenEffect };
  }
}

/** The post-publish security check failed or errored; the version cannot go live. */
export class SecurityCheckFailedError extends AgentReleaseError {
  readonly versionId: string | undefined;
  readonly checkStatus: string | undefined;
  readonly reason: string | undefined;
  constructor(
    message: string,
    options: AgentReleaseErrorOptions & { versionId?: string; checkStatus?: string; reason?: string } = {},
  ) {
    super('SECURITY_CHECK_FAILED', message, { ...options, retryable: false });
    this.versionId = options.versionId;
    // Both texts come from the vendor, which may echo anything back.
    this.checkStatus = redactOptional(options.checkStatus);
    this.reason = redactOptional(options.reason);
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      versionId: this.versionId,
      checkStatus: this.checkStatus,
      reason: this.reason,
    };
  }
}

/** The security check did not pass before the deadline. The version is published but not live. */
export class SecurityCheckTimeoutError extends AgentReleaseError {
  readonly versionId: string | undefined;
  readonly lastStatus: string | undefined;
  readonly waitedMs: number | undefined;
  constructor(
    message: string,
    options: AgentReleaseErrorOptions & { versionId?: string; lastStatus?: string; waitedMs?: number } = {},
  ) {
    super('SECURITY_CHECK_TIMEOUT', message, { ...options, retryable: true });
    this.versionId = options.versionId;
    this.lastStatus = redactOptional(options.lastStatus);
    this.waitedMs = options.waitedMs;
  }
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      versionId: this.versionId,
      lastStatus: this.lastStatus,
      waitedMs: this.waitedMs,
    };
  }
}

/** The vendor account moved to a newer API generation that this call cannot use. */
export class MigrationRequiredError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('MIGRATION_REQUIRED', message, { ...options, retryable: false });
  }
}

/** The provider cannot do this at all (e.g. activating an older version on Langdock). */
export class UnsupportedOperationError extends AgentReleaseError {
  constructor(message: string, options: AgentReleaseErrorOptions = {}) {
    super('UNSUPPORTED_OPERATION', message, { ...options, retryable: false });
  }
}

/** A vendor response did not have the shape we rely on. `field` names the first bad field. */
export class UnexpectedResponseError extends AgentReleaseError {
  readonly field: string | undefined;
  constructor(message: string, options: AgentReleaseErrorOptions & { field?: string } = {}) {
    super('UNEXPECTED_RESPONSE', message, { ...options, retryable: false });
    this.field = options.field;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends AgentReleaseError {
  constructor(message = 'The operation was aborted', options: AgentReleaseErrorOptions = {}) {
    super('ABORTED', message, { ...options, retryable: false });
  }
}
