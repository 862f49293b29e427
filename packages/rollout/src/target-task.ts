import { isAgentReleaseError, RateLimitedError, systemClock } from '@agent-release/core';
import { rateKeyName, rateLimitedReleaser } from './rate-limit.js';
import { releaseOnce } from './release-once.js';
import { rollbackOnce } from './rollback-once.js';
import type { TargetJob, TargetTaskDeps } from './target-job.js';
import { describeFailure, type TargetResult } from './target-result.js';

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
