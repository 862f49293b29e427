import type { PlannedTarget, RolloutPlan } from './plan.js';
import type { TargetJob } from './target-job.js';

/**
 * The job that releases (or rolls back) one target of a plan: its effective change and the
 * version label and description every release of the rollout carries.
 */
export function jobFor(plan: RolloutPlan, kind: TargetJob['kind'], target: PlannedTarget): TargetJob {
  return {
    kind,
    rolloutId: plan.id,
    index: target.index,
    tenant: target.tenant,
    agentId: target.agentId,
    changes: target.changes,
    label: plan.label ?? (plan.description === undefined ? defaultLabel(plan.id) : undefined),
    description: plan.description,
    maxWaitMs: plan.maxWaitMs,
  };
}

/**
 * Versions a rollout publishes carry its id, so a re-check after a crash can tell its own
 * stranded version from anyone else's. Within Langdock's 100-character description limit.
 */
function defaultLabel(rolloutId: string): string {
  return `rollout ${rolloutId}`.slice(0, 100);
}
