/**
 * @packageDocumentation
 * `@agent-release/core/provider`: what adapter authors share. Users of the library do not need
 * it. Waiting for a publish gate with one mapping to typed errors, publishing exactly once, the
 * releaser options schema, a bounded per-agent memory, and the HTTP, retry and waiter plumbing.
 */

export { parseInput, publishOptionsSchema, releaseOptionsSchema, toValidationIssues } from '../changes.js';
export {
  type Clock,
  type Deadline,
  deadlineAfter,
  MAX_TIMER_MS,
  systemClock,
  throwIfAborted,
} from '../clock.js';
// What release() records as the change it means to leave live, so a rollout can compare plans with it.
export { changesHold, snapshotOfChanges } from '../config-snapshot.js';
export { assertApiKey, isLoopbackHost, MIN_API_KEY_LENGTH, normalizeBaseUrl } from '../http/base-url.js';
export {
  type DefaultErrorExtras,
  defaultErrorFor,
  errorMapperFrom,
  type VendorErrorBase,
  type VendorErrorCases,
  type VendorErrorFields,
} from '../http/error-mapping.js';
export { DEFAULT_TOTAL_TIMEOUT_MS, HttpClient } from '../http/http-client.js';
export type { HttpClientOptions, HttpMethod, HttpRequest, HttpResponse } from '../http/http-types.js';
export { pathOf } from '../http/path.js';
export {
  assertDelayMs,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
} from '../http/retry-policy.js';
export {
  type ErrorMapper,
  extractVendorMessage,
  type HttpFailure,
  retryAfterFromHeaders,
} from '../http/vendor-response.js';
export { KeyedMutex } from '../keyed-mutex.js';
export { redactAndCut, registerSecret } from '../redact.js';
export {
  type PollResult,
  type PollState,
  type WaiterOptions,
  type WaiterResult,
  waiterDelayMs,
  waitUntil,
} from '../waiter.js';
export { BoundedMap } from './bounded-map.js';
export {
  type GatePassed,
  type GateStop,
  type GateSubject,
  type GateWaitOptions,
  gateProgressReporter,
  gateStopError,
  hasErrorCode,
  waitForGate,
} from './gate-wait.js';
export {
  type PublishedHow,
  type PublishOnceSteps,
  publishExactlyOnce,
  type Reconciled,
} from './publish-once.js';
export {
  nonNegativeMsSchema,
  parseReleaserOptions,
  positiveMsSchema,
  type ReleaserOptions,
  releaserOptionsSchema,
  releaserOptionsShape,
} from './releaser-options.js';
