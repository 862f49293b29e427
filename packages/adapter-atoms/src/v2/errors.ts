/**
 * Errors of the Atoms v2 branch model and their mapping. v2 adds a machine-readable
 * `error_type` to 409 and 423 bodies, and a `PUT .../draft` can answer three different 409s
 * (told apart by `error_type`, then by body shape): the v1 migration refusal (mapped in
 * `shared/errors.ts`), a `DraftConflictError` (a concurrent edit of the same fields, possibly in
 * a lean form with only the conflicting paths) and `base_revision_unavailable`.
 *
 * The two classes here extend core's `ConflictError` (code `CONFLICT`), so callers that only
 * know core still catch them; callers that care get the specifics.
 */
import {
  type AgentReleaseError,
  type AgentReleaseErrorOptions,
  ConflictError,
  SecurityCheckFailedError,
} from '@agent-release/core';
import { extractVendorMessage, type HttpFailure } from '@agent-release/core/provider';
import { atomsRetryAfterMs, DraftConflictError } from '../shared/errors.js';

/** `error_type` of the 423 sent during a config-freeze maintenance window. */
export const CONFIG_FREEZE_ERROR_TYPE = 'config_freeze_active';
/** The `errors[0]` (or `error_type`) of a 409 for an `expectedRevision` the branch's draft does not have. */
export const BASE_REVISION_UNAVAILABLE = 'base_revision_unavailable';
/** `error_type` of a 409 while another publish or restore is in flight on the branch. */
export const PUBLISH_IN_PROGRESS = 'publish_in_progress';

/**
 * Atoms refused a write with `423 config_freeze_active`: a config-freeze maintenance window is on
 * (or the resource is briefly locked by another write). Reads still work; nothing was written.
 * Retryable: try again after the window (`retryAfterMs` when Atoms said how long).
 */
export class ConfigFreezeError extends ConflictError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: AgentReleaseErrorOptions & { retryAfterMs?: number | undefined }) {
    super(message, { ...options, retryable: true });
    this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function intOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

// The lean DraftConflictError lists `<section>.<field>` paths and nothing else.
const LEAF_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/;

/**
 * Maps the v2-specific failures (423, and the 409s that are not the migration refusal) to typed
 * errors, or returns `undefined` for everything else. `base` carries provider, status, vendor
 * message, operation and details.
 */
export function mapAtomsV2Failure(
  failure: HttpFailure,
  errorType: string | undefined,
  base: AgentReleaseErrorOptions,
): AgentReleaseError | undefined {
  const retryAfterMs = failure.status === 423 ? atomsRetryAfterMs(failure) : undefined;
  const what = `${failure.provider} ${failure.operation}`;
  const vendorMessage = extractVendorMessage(failure.body);
  const suffix = vendorMessage ? `: ${vendorMessage}` : '';

  if (failure.status === 423 || errorType === CONFIG_FREEZE_ERROR_TYPE) {
    return new ConfigFreezeError(
      `${what}: Atoms refused the write with ${failure.status} ${errorType ?? CONFIG_FREEZE_ERROR_TYPE} (a config-freeze maintenance window, or the agent is briefly locked by another write)${suffix}. Nothing was written; reads still work. Retry after the window${retryAfterMs !== undefined ? ` (Atoms asked for ${Math.ceil(retryAfterMs / 1000)} s)` : ''}.`,
      { ...base, retryAfterMs },
    );
  }
  if (failure.status !== 409) return undefined;

  const body = record(failure.body);
  const errors = stringsOf(body?.errors);
  if (errorType === BASE_REVISION_UNAVAILABLE || errors[0] === BASE_REVISION_UNAVAILABLE) {
    return new DraftConflictError(
      `${what}: the draft edit was based on a draft revision this branch's draft does not have (409 ${BASE_REVISION_UNAVAILABLE}); the draft was probably published, discarded or reopened meanwhile. Nothing was written: re-read the branch and apply the change again (calling editDraft or release again does).`,
      { ...base, kind: 'base-revision-unavailable' },
    );
  }
  const conflict = record(record(body?.data)?.conflict);
  const lean =
    errorType === undefined &&
    failure.operation === 'putDraft' &&
    errors.length > 0 &&
    errors.every((e) => LEAF_PATH.test(e));
  if (conflict !== undefined || lean) {
    const expectedRevision = intOf(conflict?.expectedRevision);
    const latestRevision = intOf(conflict?.latestRevision);
    const revisions =
      expectedRevision !== undefined
        ? ` since revision ${expectedRevision}${latestRevision !== undefined ? ` (the draft is at ${latestRevision} now)` : ''}`
        : '';
    return new DraftConflictError(
      `${what}: someone else changed ${errors.length > 0 ? errors.slice(0, 5).join(', ') : 'the same fields'} in this branch's draft${revisions} (409 DraftConflictError). Nothing was written: re-read the draft and apply the change again (calling editDraft or release again does), or send providerOptions.atoms.expectedRevision: null to overwrite their edit.`,
      { ...base, kind: 'concurrent-edit', conflictPaths: errors, expectedRevision, latestRevision },
    );
  }
  if (
    // Only the wording: no `error_type` for this refusal is documented. A 409 that does not say
    // why is decided by the publish from the draft row's securityCheck (see v2/publish.ts).
    failure.operation === 'publish' &&
    /security[\s_-]*(check|scan)[^.]*fail/i.test(vendorMessage ?? '')
  ) {
    return new SecurityCheckFailedError(
      `${what}: the branch's draft failed its security scan, so Atoms refuses to publish it unchanged (409)${suffix}. Change the draft (release again with a fixed configuration) or discard it.`,
      { ...base, checkStatus: 'failed', ...(vendorMessage !== undefined ? { reason: vendorMessage } : {}) },
    );
  }
  if (errorType === PUBLISH_IN_PROGRESS) {
    return new ConflictError(
      `${what}: another publish or restore is in flight on this branch (409 ${PUBLISH_IN_PROGRESS})${suffix}. Only one runs at a time; retry when it has finished.`,
      { ...base, retryable: true },
    );
  }
  return undefined;
}
