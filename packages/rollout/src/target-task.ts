import {
  type AgentChanges,
  type AgentReleaser,
  type Clock,
  isAgentReleaseError,
  RateLimitedError,
  type ReleaseLedger,
  type ReleaseLock,
  systemClock,
} from '@agent-release/core';
import { type KeyedRateLimiter, rateKeyName, rateLimitedReleaser } from './rate-limit.js';
import { releaseOnce } from './release-once.js';
import { rollbackOnce } from './rollback-once.js';
import { describeFailure, type TargetResult } from './target-result.js';

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

/** Releases (or, after a halt, rolls back) one target exactly once per rollout; see `releaseOnce`. */
export async function runTargetJob(
  deps: TargetTaskDeps,
  job: TargetJob,
  signal?: AbortSignal,
): Promise<TargetResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const base = { index: job.index, tenant: job.tenant, agentId: job.agentId };
  const attempts = Math.max(1, deps.attempts ?? 3);
  const rateLimitedAttempts = Math.max(attempts, deps.rateLimitedAttempts ?? 10);
  for (let attempt = 1; ; attempt++) {
    try {
      const raw = await deps.resolveReleaser(job.tenant);
      const releaser = deps.limiter
        ? rateLimitedReleaser(raw, deps.limiter, rateKeyName(await (deps.rateKeyOf ?? String)(job.tenant)))
        : raw;
      const once = job.kind === 'release' ? releaseOnce : rollbackOnce;
      const outcome = await once(deps, releaser, job, signal);
      return { ...base, ...outcome, durationMs: clock.now() - started };
    } catch (error) {
      // Safe to try again: the next attempt reads the ledger and re-checks what this one left.
      const limited = error instanceof RateLimitedError;
      const allowed = limited ? rateLimitedAttempts : attempts;
      if (attempt < allowed && isAgentReleaseError(error) && error.retryable && !signal?.aborted) {
        const asked = limited ? error.retryAfterMs : undefined;
        await clock.sleep(asked ?? (deps.retryDelayMs ?? 1000) * attempt, signal).catch(() => {});
        continue;
      }
      return {
        ...base,
        outcome: job.kind === 'release' ? 'failed' : 'rollback-failed',
        error: describeFailure(error),
        durationMs: clock.now() - started,
      };
    }
  }
}

/** What a job reports besides who it was about. */
export type JobOutcome = Pick<TargetResult, 'outcome' | 'versionId' | 'error'>;
