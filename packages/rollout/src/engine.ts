import type { RolloutPlan } from './plan.js';
import type { RolloutProgress, RolloutState } from './progress.js';
import type { TargetResult } from './target-result.js';

/** Events of a {@link RolloutRun}, in order. */
export type RolloutEvent =
  | { type: 'wave-start'; wave: number; name: string; size: number }
  | { type: 'target'; result: TargetResult }
  | { type: 'progress'; progress: RolloutProgress }
  | { type: 'wave-end'; wave: number; name: string }
  | { type: 'halted'; reason: string }
  | { type: 'rollback'; result: TargetResult }
  | { type: 'state'; state: RolloutState }
  | { type: 'end'; summary: RolloutSummary };

/** Receives rollout events. Called synchronously; a throwing listener never breaks the rollout. */
export type RolloutListener = (event: RolloutEvent) => void;

/** How a rollout ended. */
export interface RolloutSummary {
  rolloutId: string;
  /**
   * `completed`: every wave ran within the failure budget and at least one target did not fail.
   * `halted`: the failure budget stopped it, or every target failed. `cancelled`: a caller did.
   */
  status: 'completed' | 'halted' | 'cancelled';
  /** Why the failure budget halted it. */
  haltReason?: string | undefined;
  /** One result per target that finished, by target index. Targets never started have none. */
  results: TargetResult[];
  /**
   * Results of the automatic rollback after a halt: `rolled-back`, `rollback-failed`, or `unchanged`
   * for a target this rollout did not change after all.
   */
  rollbacks: TargetResult[];
  progress: RolloutProgress;
}

/** A rollout in progress. */
export interface RolloutRun {
  readonly rolloutId: string;
  readonly state: RolloutState;
  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: RolloutListener): () => void;
  /** Starts no new targets until {@link RolloutRun.resume}; targets in flight finish. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /**
   * Starts no new targets and ends the run as `cancelled` once the targets in flight finished.
   * Running the same plan again later resumes it.
   */
  cancel(): Promise<void>;
  /** The current counts. */
  progress(): RolloutProgress;
  /**
   * Resolves when the run ended (it never rejects for a target's failure). Rejects with a
   * `ValidationError`, before any vendor request, when the plan check refused the plan: a target's
   * adapter rejects it, or its id already ran another change.
   */
  readonly done: Promise<RolloutSummary>;
}

/** Runs rollout plans. Both engines implement it, and both pass the same conformance suite. */
export interface RolloutEngine {
  /**
   * Validates the plan and starts it. Checks that need the targets' releasers or the ledger run
   * next, before any request; their refusal rejects {@link RolloutRun.done}.
   * @throws ValidationError for a bad plan, before anything runs.
   */
  start(plan: RolloutPlan): RolloutRun;
  /** Frees the engine's resources (connections, workers). */
  close(): Promise<void>;
}
