/**
 * @packageDocumentation
 * Fleet rollouts: one agent change to many agents across tenants, in waves, with a failure budget
 * and automatic rollback, resumable from the release ledger. The in-process engine is here; the
 * BullMQ-on-Redis engine is under `@agent-release/rollout/bullmq`.
 */
export type { RolloutEngine, RolloutEvent, RolloutListener, RolloutRun, RolloutSummary } from './engine.js';
export { createInProcessEngine, type InProcessEngineOptions } from './in-process-engine.js';
export {
  type FailureBudget,
  type PlannedTarget,
  type PlannedWave,
  type RolloutPlan,
  type RolloutTarget,
  type ValidatedPlan,
  validatePlan,
  type WaveSpec,
} from './plan.js';
export type { RolloutProgress, RolloutState, WaveProgress } from './progress.js';
export { InProcessRateLimiter, type KeyedRateLimiter, type KeyRateLimit } from './rate-limit.js';
export type { RateKeyOf, ResolveReleaser, TargetTaskDeps } from './target-job.js';
export type { TargetOutcome, TargetResult } from './target-result.js';
