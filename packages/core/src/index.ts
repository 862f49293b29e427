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
  versionIdSchema,
} from './changes.js';
export { type Clock, systemClock } from './clock.js';
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
export { createInProcessReleaseLock, InProcessReleaseLock } from './in-process-release-lock.js';
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
export { redact } from './redact.js';
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
