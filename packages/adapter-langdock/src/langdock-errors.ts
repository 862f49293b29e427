import {
  type AgentReleaseError,
  AuthenticationError,
  NotFoundError,
  PermissionError,
  ValidationError,
} from '@agent-release/core';
import {
  errorMapperFrom,
  type HttpFailure,
  type VendorErrorBase,
  type VendorErrorFields,
} from '@agent-release/core/provider';

/**
 * Why Langdock refused with 403, when its body says so. The publish page lists three causes
 * (no owner/editor access, agent in another workspace, a project instead of an agent); a key
 * without the `AGENT_API` scope answers `{"error":"INSUFFICIENT_SCOPES","details":{"missing":[...]}}`.
 */
export type LangdockForbiddenReason = 'insufficient-scopes' | 'other-workspace' | 'project' | 'no-access';

const FORBIDDEN_EXPLANATIONS: Record<LangdockForbiddenReason, string> = {
  'insufficient-scopes': 'the API key lacks a required scope (agent endpoints need AGENT_API)',
  'other-workspace': 'the agent belongs to a different workspace than the API key',
  project: 'the resource is a project, not an agent (projects cannot be published through the API)',
  'no-access': 'the API key has no owner/editor access to the agent (share the agent with the key)',
};

function bodyRecord(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** Scopes named in `{details: {missing: [...]}}`, when present. */
function missingScopes(body: unknown): string[] | undefined {
  const details = bodyRecord(bodyRecord(body)?.details);
  const missing = details?.missing;
  if (!Array.isArray(missing)) return undefined;
  const names = missing.filter(
    (s): s is string => typeof s === 'string' && /^[A-Za-z0-9_:.-]{1,64}$/.test(s),
  );
  return names.length ? names : undefined;
}

/** Classifies a 403 from its body; `undefined` when the body does not tell. */
export function forbiddenReason(
  body: unknown,
  vendorMessage: string | undefined,
): LangdockForbiddenReason | undefined {
  const code = bodyRecord(body)?.error;
  if (code === 'INSUFFICIENT_SCOPES' || missingScopes(body) !== undefined) return 'insufficient-scopes';
  const text = (vendorMessage ?? '').toLowerCase();
  if (text === '') return undefined;
  if (/scope/.test(text)) return 'insufficient-scopes';
  if (/workspace/.test(text)) return 'other-workspace';
  if (/project/.test(text)) return 'project';
  if (/access|owner|editor|permission|not allowed|forbidden/.test(text)) return 'no-access';
  return undefined;
}

/**
 * What is special about Langdock's error answers, over the base fields and message core builds
 * once (the vendor's message whatever the body's shape — `{message}`, `{error}`, a plain string, or
 * nothing — and `details.requestId`). Langdock's error bodies are not formally specified, so every
 * shape is read defensively.
 *
 * - 400 → `ValidationError` (malformed `agentId`, description over 100 characters, ...)
 * - 401 → `AuthenticationError`
 * - 403 → `PermissionError`, `details.reason` says which cause when the body tells
 * - 404 → `NotFoundError` (no such agent, or it is not shared with the key)
 * - anything else → `undefined`: core's default, which already says what Langdock needs for
 *   409 (`ConflictError`; on publish the releaser turns it into `unchanged`), 429
 *   (`RateLimitedError`, `retryAfterMs` from `Retry-After`) and 5xx (`ProviderUnavailableError`,
 *   `mayHaveTakenEffect` for writes).
 */
export function langdockErrorCases(
  failure: HttpFailure,
  { fields, what }: VendorErrorBase,
): AgentReleaseError | undefined {
  const said = fields.vendorMessage ? ` Langdock said: ${fields.vendorMessage}` : '';
  switch (failure.status) {
    case 400:
      return new ValidationError(`${what} was rejected as invalid (400).${said}`, fields);
    case 401:
      return new AuthenticationError(
        `${what}: the API key was rejected (401); check that it is a valid, unrevoked Langdock key.${said}`,
        fields,
      );
    case 403:
      return forbidden(failure.body, fields, `${what}: forbidden (403)`, said);
    case 404:
      return new NotFoundError(
        `${what}: agent not found (404); it does not exist or is not shared with this API key.${said}`,
        fields,
      );
    default:
      return undefined;
  }
}

function forbidden(body: unknown, fields: VendorErrorFields, what: string, said: string): PermissionError {
  const reason = forbiddenReason(body, fields.vendorMessage);
  const missing = missingScopes(body);
  const why = reason
    ? `${FORBIDDEN_EXPLANATIONS[reason]}${missing ? ` (missing: ${missing.join(', ')})` : ''}`
    : 'the key lacks the AGENT_API scope or owner/editor access, the agent is in another workspace, or the resource is a project';
  return new PermissionError(`${what}: ${why}.${said}`, {
    ...fields,
    details: {
      ...fields.details,
      reason: reason ?? 'unknown',
      ...(missing ? { missingScopes: missing } : {}),
    },
  });
}

/** Langdock's whole mapping as one function: {@link langdockErrorCases} over core's default. */
export const mapLangdockError: (failure: HttpFailure) => AgentReleaseError =
  errorMapperFrom(langdockErrorCases);
