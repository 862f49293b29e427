import {
  type AgentChanges,
  type AgentReleaser,
  type Clock,
  type LedgerEntry,
  type ReleaseLedger,
  type ReleaseLock,
  release,
  rollback,
  systemClock,
} from '@agent-release/core';
import { type KeyedRateLimiter, rateKeyName, rateLimitedReleaser } from './rate-limit.js';
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

const DONE = new Set(['released', 'unchanged']);

/**
 * Releases one target exactly once per rollout. The ledger says what earlier runs did: a finished
 * `released`/`unchanged` attempt of this rollout means done (skipped). A `running` attempt is one
 * that crashed (or is still running elsewhere; the lease orders this one after it): releasing the
 * same change again is the re-check, since it answers `unchanged` without a new version when the
 * earlier attempt got through.
 */
export async function runTargetJob(
  deps: TargetTaskDeps,
  job: TargetJob,
  signal?: AbortSignal,
): Promise<TargetResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const base = { index: job.index, tenant: job.tenant, agentId: job.agentId };
  try {
    const raw = await deps.resolveReleaser(job.tenant);
    const releaser = deps.limiter
      ? rateLimitedReleaser(raw, deps.limiter, rateKeyName(await (deps.rateKeyOf ?? String)(job.tenant)))
      : raw;
    const report = job.kind === 'release' ? releaseOnce : rollbackOnce;
    const outcome = await report(deps, releaser, job, signal);
    return { ...base, ...outcome, durationMs: clock.now() - started };
  } catch (error) {
    return {
      ...base,
      outcome: job.kind === 'release' ? 'failed' : 'rollback-failed',
      error: describeFailure(error),
      durationMs: clock.now() - started,
    };
  }
}

type Outcome = Pick<TargetResult, 'outcome' | 'versionId' | 'error'>;

async function releaseOnce(
  deps: TargetTaskDeps,
  releaser: AgentReleaser,
  job: TargetJob,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const earlier = await deps.ledger.history({
    agentId: job.agentId,
    tenant: job.tenant,
    provider: releaser.provider,
    rolloutId: job.rolloutId,
    limit: 50,
  });
  const done = earlier.find((e) => e.kind === 'release' && DONE.has(e.outcome));
  if (done) return { outcome: 'skipped', versionId: done.versionAfter };
  const result = await release(releaser, job.agentId, job.changes, {
    ledger: deps.ledger,
    lock: deps.lock,
    tenant: job.tenant,
    rolloutId: job.rolloutId,
    actor: deps.actor ?? `rollout:${job.rolloutId}`,
    label: job.label,
    description: job.description,
    maxWaitMs: job.maxWaitMs,
    signal,
  });
  return { outcome: result.status, versionId: result.version?.id };
}

/**
 * Undoes this rollout's release of one agent, once. Rolls back only while this rollout's release is
 * still the agent's latest successful change: a later release by someone else is left alone
 * (reported as `rollback-failed`), and a rollback already done is reported, not repeated.
 */
async function rollbackOnce(
  deps: TargetTaskDeps,
  releaser: AgentReleaser,
  job: TargetJob,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const history = await deps.ledger.history({
    agentId: job.agentId,
    tenant: job.tenant,
    provider: releaser.provider,
    limit: 200,
  });
  const ours = history.findIndex(
    (e) => e.rolloutId === job.rolloutId && e.kind === 'release' && e.outcome === 'released',
  );
  if (ours < 0) return { outcome: 'unchanged' };
  const entry = history[ours] as LedgerEntry;
  const newer = history.slice(0, ours).filter((e) => e.outcome === 'released' || e.outcome === 'rolled-back');
  if (newer.length > 0) {
    const latest = newer[0] as LedgerEntry;
    if (latest.kind === 'rollback' && newer.length === 1)
      return { outcome: 'rolled-back', versionId: latest.versionAfter };
    return {
      outcome: 'rollback-failed',
      error: {
        code: 'CONFLICT',
        message: `Agent ${job.agentId} was changed again after this rollout released it; it was not rolled back. Check what is live before undoing it by hand.`,
      },
    };
  }
  // Aim at the exact version this rollout replaced where the vendor can make it live again, so a
  // repeated rollback cannot go back one version too far.
  const to =
    releaser.capabilities.rollback !== 'none' && entry.versionBefore ? entry.versionBefore : 'previous';
  const result = await rollback(
    releaser,
    job.agentId,
    { to },
    {
      ledger: deps.ledger,
      lock: deps.lock,
      tenant: job.tenant,
      actor: deps.actor ?? `rollout:${job.rolloutId}`,
      maxWaitMs: job.maxWaitMs,
      signal,
    },
  );
  return { outcome: 'rolled-back', versionId: result.version?.id };
}
