import {
  AbortedError,
  AuthenticationError,
  ConfigurationError,
  ConflictError,
  isAgentReleaseError,
  MigrationRequiredError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  UnexpectedResponseError,
  UnsupportedOperationError,
  ValidationError,
} from '@agent-release/core';

/** An RFC 9457 problem details body, with the library's error code as an extension member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string | undefined;
  code: string;
  provider?: string | undefined;
  field?: string | undefined;
  issues?: ReadonlyArray<{ path: string; message: string }> | undefined;
  retryAfterSeconds?: number | undefined;
}

/** A problem plus the response headers it needs (Retry-After). */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

const problemType = (code: string) => `urn:agent-release:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/**
 * Maps any thrown value to an HTTP problem. Library errors keep their (already redacted) message;
 * anything else becomes an opaque 500 so an unexpected exception never leaks internals.
 */
export function toProblem(error: unknown, instance?: string): ProblemResponse {
  if (!isAgentReleaseError(error)) {
    return respond(500, 'Internal error', 'INTERNAL', 'The service failed unexpectedly.', instance);
  }
  const base = { provider: error.provider };
  const vendor = error.provider ?? 'the vendor';
  if (error instanceof ValidationError) {
    return respond(400, 'Invalid request', error.code, error.message, instance, {
      ...base,
      field: error.field,
      issues: error.issues,
    });
  }
  if (error instanceof AuthenticationError) {
    return respond(
      502,
      'Vendor rejected the tenant credentials',
      error.code,
      `${vendor} rejected this tenant's API key (401). Rotate the key in the tenant directory.`,
      instance,
      base,
    );
  }
  if (error instanceof PermissionError) {
    return respond(
      502,
      'Vendor refused the operation',
      error.code,
      `${vendor} refused: the tenant's API key lacks access (403)${error.vendorMessage ? `: ${error.vendorMessage}` : ''}.`,
      instance,
      base,
    );
  }
  if (error instanceof NotFoundError)
    return respond(404, 'Not found', error.code, error.message, instance, base);
  if (error instanceof MigrationRequiredError || error instanceof ConflictError) {
    return respond(409, 'Conflict', error.code, error.message, instance, base);
  }
  if (error instanceof SecurityCheckFailedError) {
    return respond(422, 'Security check failed', error.code, error.message, instance, base);
  }
  // 422, not 409: the request is well-formed but asks for something this vendor cannot do the
  // way it was asked (e.g. roll back where neither the vendor nor the ledger knows an earlier
  // configuration, or activate a version Langdock cannot re-activate). Nothing about the agent's
  // current state conflicts, and repeating it unchanged will fail the same way; 409 stays for
  // state that moved under the caller (ConflictError, a pending migration).
  if (error instanceof UnsupportedOperationError) {
    return respond(422, 'Unsupported by the vendor', error.code, error.message, instance, base);
  }
  if (error instanceof RateLimitedError) {
    const seconds =
      error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    const response = respond(429, 'Rate limited by the vendor', error.code, error.message, instance, {
      ...base,
      retryAfterSeconds: seconds,
    });
    if (seconds !== undefined) response.headers['retry-after'] = String(seconds);
    return response;
  }
  if (error instanceof SecurityCheckTimeoutError) {
    return respond(504, 'Security check still pending', error.code, error.message, instance, base);
  }
  if (error instanceof ProviderUnavailableError) {
    return error.reason === 'timeout'
      ? respond(504, 'Vendor timed out', error.code, error.message, instance, base)
      : respond(502, 'Vendor unavailable', error.code, error.message, instance, base);
  }
  if (error instanceof UnexpectedResponseError) {
    return respond(502, 'Unexpected vendor response', error.code, error.message, instance, base);
  }
  if (error instanceof AbortedError)
    return respond(503, 'Release aborted', error.code, error.message, instance, base);
  if (error instanceof ConfigurationError) {
    return respond(500, 'Service misconfigured', error.code, error.message, instance, base);
  }
  return respond(500, 'Release failed', error.code, error.message, instance, base);
}

function respond(
  status: number,
  title: string,
  code: string,
  detail: string,
  instance: string | undefined,
  extra: Partial<Problem> = {},
): ProblemResponse {
  const body: Problem = { type: problemType(code), title, status, detail, instance, code };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (body as unknown as Record<string, unknown>)[key] = value;
  }
  return { status, headers: { 'content-type': 'application/problem+json' }, body };
}
