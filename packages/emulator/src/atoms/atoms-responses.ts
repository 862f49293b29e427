import { HttpError } from '../kit/http-kit.js';
import type { RouteResponse } from '../kit/router.js';

/** Atoms success envelope. */
export function ok(data: unknown, status = 200): RouteResponse {
  return { status, body: { status: true, data } };
}

/** Atoms error envelope (`{status:false, errors:[...]}`). */
export function fail(status: number, ...errors: string[]): RouteResponse {
  return { status, body: { status: false, errors } };
}

/** Throwable form of `fail`, for state operations deep in a call. */
export function atomsError(status: number, message: string): HttpError {
  return new HttpError(fail(status, message));
}

/** The documented message of the v2 branch-model refusal. */
export const MIGRATION_MESSAGE =
  'This endpoint is deprecated under the branch model. Use the /agents/:id/branches APIs — publish, make-live and config edits now happen on branches. If you are calling this via the MCP server, update the MCP tool to its branch-model version as well.';

/** `409 versioning_v2_migration_required`, sent with `Deprecation: true`. */
export function migrationRequired(): RouteResponse {
  return {
    status: 409,
    headers: { Deprecation: 'true' },
    body: { status: false, error_type: 'versioning_v2_migration_required', errors: [MIGRATION_MESSAGE] },
  };
}

/** A v2 `ConflictErrorResponse`: 409 with a stable `error_type`. */
export function conflictError(errorType: string, message: string): HttpError {
  return new HttpError({ status: 409, body: { status: false, error_type: errorType, errors: [message] } });
}

/** The message of the 423 sent during a config-freeze maintenance window. */
export const CONFIG_FREEZE_MESSAGE =
  'Agent configuration changes are frozen during a maintenance window (AGENT_CONFIG_FROZEN). Retry after the window.';

/** `423 config_freeze_active` (`LockedErrorResponse`). */
export function configFrozen(): RouteResponse {
  return {
    status: 423,
    body: { status: false, error_type: 'config_freeze_active', errors: [CONFIG_FREEZE_MESSAGE] },
  };
}
