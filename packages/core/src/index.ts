/**
 * @packageDocumentation
 * Provider-neutral port, release orchestration, typed errors, HTTP/retry/waiter plumbing and DI
 * for releasing AI-agent configuration changes. Provider packages implement {@link AgentReleaser}.
 */
export {
  type AgentChanges,
  agentChangesSchema,
  agentIdSchema,
  type ProviderOptions,
  parseInput,
  publishOptionsSchema,
  releaseOptionsSchema,
  toValidationIssues,
  versionIdSchema,
} from './changes.js';
export {
  type Clock,
  type Deadline,
  deadlineAfter,
  MAX_TIMER_MS,
  systemClock,
  throwIfAborted,
} from './clock.js';
export {
  AbortedError,
  AgentReleaseError,
  type AgentReleaseErrorCode,
  type AgentReleaseErrorOptions,
  AuthenticationError,
  ConfigurationError,
  ConflictError,
  isAgentReleaseError,
  LeaseLostError,
  MigrationRequiredError,
  NotFoundError,
  PermissionError,
  ProviderUnavailableError,
  RateLimitedError,
  type SafeCause,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
  type UnavailableReason,
  UnexpectedResponseError,
  UnsupportedOperationError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { assertApiKey, isLoopbackHost, MIN_API_KEY_LENGTH, normalizeBaseUrl } from './http/base-url.js';
export {
  DEFAULT_TOTAL_TIMEOUT_MS,
  HttpClient,
  type HttpClientOptions,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
} from './http/http-client.js';
export { pathOf } from './http/path.js';
export {
  assertDelayMs,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
} from './http/retry-policy.js';
export {
  type DefaultErrorExtras,
  defaultErrorFor,
  type ErrorMapper,
  extractVendorMessage,
  type HttpFailure,
  retryAfterFromHeaders,
} from './http/vendor-response.js';
export {
  createInProcessReleaseLock,
  InProcessReleaseLock,
} from './in-process-release-lock.js';
export { KeyedMutex } from './keyed-mutex.js';
export type {
  ConfigSnapshot,
  LedgerEntry,
  LedgerEntryFinish,
  LedgerEntryStart,
  LedgerHistoryQuery,
  LedgerOutcome,
  ReleaseLedger,
} from './ledger.js';
export { type Logger, noopLogger } from './logger.js';
export type {
  ActivateOptions,
  AgentReleaser,
  DraftRef,
  EditDraftOptions,
  GateProgress,
  GetActiveVersionOptions,
  ListVersionsOptions,
  PublishGateInfo,
  PublishOptions,
  PublishOutcome,
  ReadConfigOptions,
  ReleaseInput,
  ReleaserCapabilities,
  VersionInfo,
} from './port.js';
export { redact, redactAndCut, registerSecret } from './redact.js';
export {
  type ReleaseEvent,
  type ReleaseObserver,
  type ReleaseOptions,
  type ReleaseResult,
  type ReleaseStep,
  type ReleaseStepName,
  release,
} from './release.js';
export type { AcquireLeaseOptions, ReleaseLease, ReleaseLock, ReleaseLockKey } from './release-lock.js';
export {
  type RollbackEvent,
  type RollbackObserver,
  type RollbackOptions,
  type RollbackResult,
  type RollbackStep,
  type RollbackStepName,
  type RollbackTarget,
  rollback,
} from './rollback.js';
export type { StepRecord } from './step-runner.js';
export {
  type PollResult,
  type PollState,
  type WaiterOptions,
  type WaiterResult,
  waiterDelayMs,
  waitUntil,
} from './waiter.js';
