import type { AgentChanges, AgentReleaser, Clock, ReleaseLedger, ReleaseLock } from '@agent-release/core';
import type { KeyedRateLimiter } from './rate-limit.js';
import type { TargetResult } from './target-result.js';

// The job and its dependencies live apart from `runTargetJob` so that `releaseOnce` and
// `rollbackOnce`, which `runTargetJob` calls, can name them without importing it back.

/** Finds a tenant's releaser, e.g. `(tenant) => tenantReleasers.get(tenant)`. */
export type ResolveReleaser = (tenant: string) => Promise<AgentReleaser>;

/**
 * Names the vendor rate-limit bucket of a tenant: tenants sharing an API key must share a bucket.
 * May return the API key itself; it is hashed before use and never stored or printed.
 */
export type RateKeyOf = (tenant: string) => string | Promise<string>;

/** What a worker needs to release or roll back one target. */
export interface TargetTaskDeps {
  resolveReleaser: ResolveReleaser;
  /** Where attempts are recorded and where a resumed rollout reads what was done. */
  ledger: ReleaseLedger;
  /** The per-agent lease. Default: core's in-process lock (one process only). */
  lock?: ReleaseLock | undefined;
  /** Shared per-key limiter; without it calls are not limited. */
  limiter?: KeyedRateLimiter | undefined;
  /** Default: the tenant id. */
  rateKeyOf?: RateKeyOf | undefined;
  /** Who the ledger names as the actor. Default `rollout:<id>`. */
  actor?: string | undefined;
  /**
   * Attempts per target when a release fails with a retryable error (rate limited, vendor
   * unavailable) after the adapter's own retries. Default 3.
   */
  attempts?: number | undefined;
  /**
   * Attempts per target while the vendor keeps answering 429 (rate limited): a 429 says "later",
   * not "no", and workers sharing an API key can meet several in a row. Default 10.
   */
  rateLimitedAttempts?: number | undefined;
  /** Wait before the next attempt when the vendor named none; grows with each attempt. Default 1,000 ms. */
  retryDelayMs?: number | undefined;
  clock?: Clock | undefined;
}

/** One unit of work, plain JSON so that it can sit in a queue. */
export interface TargetJob {
  kind: 'release' | 'rollback';
  rolloutId: string;
  index: number;
  tenant: string;
  agentId: string;
  changes: AgentChanges;
  label?: string | undefined;
  description?: string | undefined;
  maxWaitMs?: number | undefined;
}

/** What a job reports besides who it was about. */
export type JobOutcome = Pick<TargetResult, 'outcome' | 'versionId' | 'error'>;
