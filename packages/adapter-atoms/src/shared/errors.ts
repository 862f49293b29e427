/**
 * Atoms-specific error mapping, plugged into core's `HttpClient` as its `mapError`.
 *
 * Atoms answers errors as `{status:false, errors:[...]}`, the 429 of its rate limiter as
 * `{error, code, retry_after}` and v2-era 409/423s with a machine-readable `error_type`. A few
 * statuses do not mean what HTTP says: an unknown agent is a 400 "No agent found". The v2
 * branch-model specifics (423 config freeze, draft conflicts) are plugged in by `v2/errors.ts`.
 */
import {
  type AgentReleaseError,
  type AgentReleaseErrorOptions,
  ConflictError,
  isAgentReleaseError,
  MigrationRequiredError,
  NotFoundError,
  PermissionError,
  type ProviderUnavailableError,
  redact,
  ValidationError,
} from '@agent-release/core';
import {
  defaultErrorFor,
  type ErrorMapper,
  extractVendorMessage,
  type HttpFailure,
  parseRetryAfter,
} from '@agent-release/core/provider';

/** The `error_type` Atoms sends when a v1 endpoint is called on an account on the branch model. */
export const MIGRATION_ERROR_TYPE = 'versioning_v2_migration_required';

/**
 * What a caller should do about a {@link MigrationRequiredError}; part of its message. With
 * `apiGeneration: 'auto'` (the default) the releaser handles the refusal itself and switches the
 * agent to v2, so callers only see this when the releaser is pinned to `'v1'`, or when a v1 read
 * the v2 strategy still uses has been retired.
 */
export const MIGRATION_ADVICE =
  'This Atoms agent uses agent versioning v2 (branches), which retired the v1 draft/version endpoints this call used. ' +
  "Create the releaser with apiGeneration 'auto' (the default: switches per agent on this answer) or 'v2' instead of 'v1'; " +
  'releases to this agent cannot be made through the v1 API.';

// Backend texts for an unknown agent: `GET /agent/{id}` answers 400 "No agent found" (documented),
// other endpoints and clients have been seen saying "Agent not found".
const AGENT_NOT_FOUND = /\b(no agent found|agent not found)\b/i;

function bodyRecord(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function errorTypeOf(body: unknown): string | undefined {
  const type = bodyRecord(body)?.error_type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * The wait a 429 asks for, in ms: the `Retry-After` header (seconds or HTTP date), else
 * `retry-after-ms`, else the body's `retry_after` (seconds, the documented Atoms shape), else
 * `rateLimit.retryAfterSec` (the prompt-scoring shape).
 */
export function atomsRetryAfterMs(failure: HttpFailure): number | undefined {
  const fromHeader = parseRetryAfter(failure.headers['retry-after'], failure.now);
  if (fromHeader !== undefined) return fromHeader;
  const ms = Number(failure.headers['retry-after-ms']);
  if (failure.headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0)
    return Math.round(ms);
  const body = bodyRecord(failure.body);
  const seconds = secondsOf(body?.retry_after) ?? secondsOf(bodyRecord(body?.rateLimit)?.retryAfterSec);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

function secondsOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Why a 403 happened, from the hints Atoms' SDK and docs give. */
function permissionHint(failure: HttpFailure, message: string): string | undefined {
  if (/not available for your organi[sz]ation/i.test(message)) {
    return 'the feature is org-gated: it is not enabled for this Atoms organization (ask Smallest AI to enable it)';
  }
  if (/upgrade/i.test(message) && /plan/i.test(message)) {
    return 'the feature is plan-gated: it needs a higher Atoms plan';
  }
  if (/gpt-5\.2|electron-kogta|model/i.test(message)) {
    return 'gpt-5.2, electron-kogta and electron-kogta-v2 are gated models that need organization access';
  }
  if (/\/versions(\/|$)/.test(failure.path)) {
    return 'on the versions endpoints a 403 means a workflow_graph agent in an organization without conversational-agent access';
  }
  return undefined;
}

/** Maps what only one API generation answers; `undefined` for everything else. */
export type AtomsGenerationErrorMapper = (
  failure: HttpFailure,
  errorType: string | undefined,
  base: AgentReleaseErrorOptions,
) => AgentReleaseError | undefined;

/**
 * The `mapError` of a releaser's HttpClient: {@link mapAtomsError} with the generation's own
 * cases (`generation`) tried after the migration refusal.
 */
export function atomsErrorMapper(generation?: AtomsGenerationErrorMapper): ErrorMapper {
  return (failure) => mapAtomsError(failure, generation);
}

/**
 * Maps a non-2xx Atoms response to a typed error: Atoms' special cases here, everything else
 * through core's `defaultErrorFor` (which also records the `x-request-id` Atoms support asks for).
 */
export function mapAtomsError(
  failure: HttpFailure,
  generation?: AtomsGenerationErrorMapper,
): AgentReleaseError | undefined {
  const vendorMessage = extractVendorMessage(failure.body);
  const message = vendorMessage ?? '';
  const errorType = errorTypeOf(failure.body);
  const requestId = failure.headers['x-request-id'];
  const details =
    requestId !== undefined || errorType !== undefined
      ? {
          ...(requestId !== undefined ? { requestId } : {}),
          ...(errorType !== undefined ? { errorType } : {}),
        }
      : undefined;
  const base = {
    provider: failure.provider,
    status: failure.status,
    vendorMessage,
    operation: failure.operation,
    details,
  };
  const what = `${failure.provider} ${failure.operation}`;
  const suffix = vendorMessage ? `: ${vendorMessage}` : '';

  if (
    errorType === MIGRATION_ERROR_TYPE ||
    (failure.status === 409 &&
      /versioning_v2_migration_required|deprecated under the branch model/i.test(message))
  ) {
    return new MigrationRequiredError(
      `${what}: ${MIGRATION_ADVICE} (HTTP ${failure.status} ${MIGRATION_ERROR_TYPE})`,
      base,
    );
  }

  const specific = generation?.(failure, errorType, base);
  if (specific !== undefined) return specific;

  if (failure.status === 400 && AGENT_NOT_FOUND.test(message)) {
    return new NotFoundError(
      `${what}: the agent does not exist or is not visible to this API key${suffix}`,
      base,
    );
  }
  if (failure.status === 400 && /upgrade/i.test(message) && /plan/i.test(message)) {
    return new ValidationError(
      `${what} was rejected as invalid${suffix} (the feature is plan-gated: it needs a higher Atoms plan)`,
      { ...base, details: { ...details, planGated: true } },
    );
  }
  if (failure.status === 403) {
    const hint = permissionHint(failure, message);
    return new PermissionError(
      `${what}: the API key may not do this (403)${suffix}${hint ? ` (${hint})` : ''}`,
      base,
    );
  }
  return defaultErrorFor(failure, {
    details: errorType !== undefined ? { errorType } : undefined,
    retryAfterMs: failure.status === 429 ? atomsRetryAfterMs(failure) : undefined,
  });
}

/** Whether `error` is an agent-release error with this `code`. */
export function isErrorCode(error: unknown, code: AgentReleaseError['code']): boolean {
  return isAgentReleaseError(error) && error.code === code;
}

/** The Atoms `error_type` an error was mapped from (`details.errorType`), if any. */
export function errorTypeOfError(error: unknown): string | undefined {
  if (!isAgentReleaseError(error)) return undefined;
  const type = error.details?.errorType;
  return typeof type === 'string' ? type : undefined;
}

/**
 * A write whose answer was lost: the request reached Atoms and may have been applied (dropped
 * connection, deadline, 5xx). Re-sending it blindly could publish twice; reconcile first.
 */
export function isLostWrite(error: unknown): error is ProviderUnavailableError {
  return (
    isAgentReleaseError(error) &&
    error.code === 'PROVIDER_UNAVAILABLE' &&
    (error as ProviderUnavailableError).mayHaveTakenEffect
  );
}

/** Why a draft edit conflicted. */
export type AtomsDraftConflictKind = 'concurrent-edit' | 'base-revision-unavailable';

/**
 * A draft edit was refused because the draft moved on since the revision it was based on
 * (`expectedRevision`): someone else changed the same fields (`concurrent-edit`, Atoms'
 * `DraftConflictError`), or the revision is not one this branch's draft has
 * (`base-revision-unavailable`, e.g. the draft was published or discarded meanwhile). Nothing was
 * written. Re-read and re-apply the change (calling `editDraft`/`release` again does), or send
 * `providerOptions.atoms.expectedRevision: null` to overwrite (last write wins).
 */
export class DraftConflictError extends ConflictError {
  readonly kind: AtomsDraftConflictKind;
  /** The conflicting fields as `<section>.<field>` paths (concurrent edits only). */
  readonly conflictPaths: readonly string[];
  /** The revision the edit was based on, when known. */
  readonly expectedRevision: number | undefined;
  /** The draft's latest revision, when Atoms said. */
  readonly latestRevision: number | undefined;

  constructor(
    message: string,
    options: AgentReleaseErrorOptions & {
      kind: AtomsDraftConflictKind;
      conflictPaths?: readonly string[] | undefined;
      expectedRevision?: number | undefined;
      latestRevision?: number | undefined;
    },
  ) {
    // Retrying the same write cannot succeed; re-reading the draft first can.
    super(message, { ...options, retryable: false });
    this.kind = options.kind;
    // Paths come from the vendor: scrub and bound them like any vendor text.
    this.conflictPaths = Object.freeze(
      (options.conflictPaths ?? []).slice(0, 50).map((path) => redact(path).slice(0, 200)),
    );
    this.expectedRevision = options.expectedRevision;
    this.latestRevision = options.latestRevision;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      kind: this.kind,
      conflictPaths: this.conflictPaths,
      expectedRevision: this.expectedRevision,
      latestRevision: this.latestRevision,
    };
  }
}
