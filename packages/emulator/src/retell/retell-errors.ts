import { HttpError, type VendorProfile } from '../kit/http-kit.js';

/**
 * Retell's error envelope, the same for every status in its OpenAPI file:
 * `{ status: 'error', message }`.
 */
export function retellError(status: number, message: string): HttpError {
  return new HttpError({ status, body: { status: 'error', message } });
}

/** The answers of Retell's shared responses (`components/responses` in its OpenAPI file). */
export const retellProfile: VendorProfile = {
  basePath: '',
  unauthorized: () => ({ status: 401, body: { status: 'error', message: 'API key is missing or invalid.' } }),
  // Retell documents no Retry-After; the emulator sends one so clients can be tested honouring it.
  rateLimited: (retryAfter) => ({
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: { status: 'error', message: 'Account rate limited, please throttle your requests.' },
  }),
  notFound: () => ({
    status: 404,
    body: { status: 'error', message: 'The requested resource was not found.' },
  }),
  invalidJson: () => ({
    status: 400,
    body: { status: 'error', message: 'Invalid request format, please check API reference.' },
  }),
  internalError: () => ({
    status: 500,
    body: { status: 'error', message: 'An unexpected server error occurred.' },
  }),
  faultBody: (status) => ({ status: 'error', message: `Emulated fault (HTTP ${status})` }),
};

/**
 * The older get/update operations (agent, LLM, phone number) declare no 404 but a 422
 * "Cannot find requested asset under given api key"; the version operations declare a 404.
 */
export const MISSING_ASSET = 422;
export const MISSING_VERSION = 404;

/** The refusal of an edit to a published (immutable) version. */
export function publishedImmutable(kind: 'agent' | 'Retell LLM', version: number): HttpError {
  return retellError(
    400,
    `Cannot update ${kind} version ${version}: it is published and published versions are immutable. Create a draft version from it and edit that.`,
  );
}
