import { type AgentReleaser, type ReleaseLedger, ValidationError } from '@agent-release/core';
import { assertSameChange, earlierAttempts } from './change-binding.js';
import type { PlannedTarget } from './plan.js';
import { jobFor } from './plan-job.js';
import type { PlanCheck } from './rollout-run.js';
import type { ResolveReleaser } from './target-job.js';

/** Ledger reads in flight at once while checking a plan. */
const CHECK_CONCURRENCY = 16;

/** What a plan check reads: the targets' releasers (to validate) and the ledger (for the id). */
export interface PlanCheckDeps {
  resolveReleaser: ResolveReleaser;
  ledger?: ReleaseLedger | undefined;
}

/**
 * Before the first job: every target's adapter validates its release (what `release()` would
 * reject, e.g. Langdock's 100-character description, fails here instead of on every target), and
 * the ledger shows the rollout id was not used for another change. Sends no vendor request.
 * A tenant that does not resolve, or a ledger that does not answer, is left to the job.
 */
export function planCheck(deps: PlanCheckDeps): PlanCheck {
  return async ({ plan, waves }) => {
    const releasers = new Map<string, Promise<AgentReleaser | undefined>>();
    const releaserOf = (tenant: string) => {
      if (!releasers.has(tenant)) {
        releasers.set(
          tenant,
          deps.resolveReleaser(tenant).catch(() => undefined),
        );
      }
      return releasers.get(tenant) as Promise<AgentReleaser | undefined>;
    };
    const checkOne = async (target: PlannedTarget) => {
      const releaser = await releaserOf(target.tenant);
      if (!releaser) return;
      const job = jobFor(plan, 'release', target);
      try {
        const { agentId, changes, label, description } = job;
        releaser.validate?.({ agentId, changes, label, description });
      } catch (error) {
        if (!(error instanceof ValidationError)) return;
        throw new ValidationError(
          `Target ${target.index} (agent ${target.agentId}, tenant ${target.tenant}) would be rejected: ${error.message} Fix the plan; nothing was sent.`,
          { provider: releaser.provider, issues: [...error.issues] },
        );
      }
      if (!deps.ledger) return;
      const earlier = await earlierAttempts(deps.ledger, releaser.provider, job).catch(() => undefined);
      if (earlier) assertSameChange(earlier, job);
    };
    await eachLimited(
      waves.flatMap((w) => w.targets),
      CHECK_CONCURRENCY,
      checkOne,
    );
  };
}

/** Runs `fn` over `items`, `limit` at a time; the first error stops the rest and is thrown. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const loop = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, loop));
}
