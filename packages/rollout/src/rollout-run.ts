import type { RolloutEvent, RolloutListener, RolloutRun, RolloutSummary } from './engine.js';
import type { PlannedTarget, ValidatedPlan } from './plan.js';
import { jobFor } from './plan-job.js';
import { ProgressTracker, type RolloutProgress, type RolloutState } from './progress.js';
import type { TargetJob } from './target-job.js';
import type { TargetResult } from './target-result.js';
import type { TaskExecutor } from './task-executor.js';

/**
 * Checks a plan before its first job: throws a `ValidationError` when a target's vendor would
 * reject it or its id was used for another change. Other errors are left to the jobs to meet.
 */
export type PlanCheck = (validated: ValidatedPlan) => Promise<void>;

/**
 * Runs a validated plan on an executor: the plan check, waves in order, the failure budget after
 * every result and at the end of every wave, the automatic rollback after a halt,
 * pause/resume/cancel, and progress events. Engine-neutral: both engines hand it their executor.
 */
export function startRollout(
  validated: ValidatedPlan,
  executor: TaskExecutor,
  now: () => number,
  check?: PlanCheck,
): RolloutRun {
  return new Coordinator(validated, executor, now, check);
}

class Coordinator implements RolloutRun {
  readonly rolloutId: string;
  readonly done: Promise<RolloutSummary>;
  readonly #listeners = new Set<RolloutListener>();
  readonly #tracker: ProgressTracker;
  readonly #targets: Map<number, PlannedTarget>;
  #state: RolloutState = 'running';
  #wave = 0;
  #cancelled = false;
  #haltReason: string | undefined;

  constructor(
    private readonly validated: ValidatedPlan,
    private readonly executor: TaskExecutor,
    private readonly now: () => number,
    private readonly check: PlanCheck | undefined,
  ) {
    this.rolloutId = validated.plan.id;
    this.#tracker = new ProgressTracker(this.rolloutId, validated.waves, now());
    this.#targets = new Map(validated.waves.flatMap((w) => w.targets.map((t) => [t.index, t] as const)));
    // Started on the next tick, so a caller can subscribe before the first event.
    this.done = Promise.resolve().then(() => this.#run());
  }

  get state(): RolloutState {
    return this.#state;
  }

  on(listener: RolloutListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  progress(): RolloutProgress {
    return this.#tracker.snapshot(this.#state, this.#wave, this.now());
  }

  async pause(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#setState('paused');
    await this.executor.pause();
  }

  async resume(): Promise<void> {
    if (this.#state !== 'paused') return;
    this.#setState('running');
    await this.executor.resume();
  }

  async cancel(): Promise<void> {
    if (this.#isOver()) return;
    this.#cancelled = true;
    await this.executor.stop();
  }

  async #run(): Promise<RolloutSummary> {
    await this.#checkPlan();
    const { plan, waves } = this.validated;
    for (const wave of waves) {
      if (this.#stopping()) break;
      this.#wave = wave.index;
      this.#emit({ type: 'wave-start', wave: wave.index, name: wave.name, size: wave.targets.length });
      await this.executor.run(
        wave.targets.map((t) => this.#job('release', t)),
        (result) => this.#onResult(result),
      );
      this.#emit({ type: 'wave-end', wave: wave.index, name: wave.name });
      this.#checkWaveRate(wave.index);
    }
    this.#checkAnySucceeded();
    if (this.#haltReason !== undefined && plan.rollbackOnHalt && !this.#cancelled) await this.#rollBack();
    const status = this.#haltReason !== undefined ? 'halted' : this.#cancelled ? 'cancelled' : 'completed';
    this.#setState(status);
    const summary: RolloutSummary = {
      rolloutId: this.rolloutId,
      status,
      haltReason: this.#haltReason,
      results: this.#tracker.results(),
      rollbacks: this.#tracker.rollbacks(),
      progress: this.progress(),
    };
    this.#emit({ type: 'end', summary });
    return summary;
  }

  #onResult(result: TargetResult): void {
    this.#tracker.record(result);
    this.#emit({ type: 'target', result });
    this.#emit({ type: 'progress', progress: this.progress() });
    const { maxFailures } = this.validated.budget;
    if (result.outcome === 'failed' && this.#tracker.failed > maxFailures) {
      this.#halt(`${this.#tracker.failed} targets failed, more than the failure budget of ${maxFailures}.`);
    }
  }

  #checkWaveRate(wave: number): void {
    const { maxFailureRate } = this.validated.budget;
    if (maxFailureRate === undefined || this.#stopping()) return;
    const { failed, attempted } = this.#tracker.failedIn(wave);
    if (attempted > 0 && failed / attempted > maxFailureRate) {
      this.#halt(
        `${failed} of ${attempted} targets of wave ${wave + 1} failed, above the failure budget's rate of ${maxFailureRate}.`,
      );
    }
  }

  /** A plan the check refuses ends the run before any job: `done` rejects with the refusal. */
  async #checkPlan(): Promise<void> {
    try {
      await this.check?.(this.validated);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#haltReason = reason;
      this.#emit({ type: 'halted', reason });
      this.#setState('halted');
      throw error;
    }
  }

  /** However generous the budget, a rollout in which every target failed did not complete. */
  #checkAnySucceeded(): void {
    const results = this.#tracker.results();
    if (this.#stopping() || results.length === 0) return;
    if (results.every((r) => r.outcome === 'failed')) {
      this.#halt(`Every target failed (${results.length}); see each target's error.`);
    }
  }

  #halt(reason: string): void {
    if (this.#stopping()) return;
    this.#haltReason = reason;
    this.#emit({ type: 'halted', reason });
    void this.executor.stop();
  }

  /** Rolls back every target this rollout may have changed (earlier runs included: the ledger decides). */
  async #rollBack(): Promise<void> {
    this.#setState('rolling-back');
    const touched = this.#tracker
      .results()
      // `unchanged` too: a crashed attempt of this rollout may have made the change before.
      .filter((r) => r.outcome === 'released' || r.outcome === 'skipped' || r.outcome === 'unchanged')
      .map((r) => this.#targets.get(r.index) as PlannedTarget);
    await this.executor.run(
      touched.map((t) => this.#job('rollback', t)),
      (result) => {
        this.#tracker.recordRollback(result);
        this.#emit({ type: 'rollback', result });
        this.#emit({ type: 'progress', progress: this.progress() });
      },
    );
  }

  #job(kind: TargetJob['kind'], t: PlannedTarget): TargetJob {
    return jobFor(this.validated.plan, kind, t);
  }

  #stopping(): boolean {
    return this.#cancelled || this.#haltReason !== undefined;
  }

  #isOver(): boolean {
    return this.#state === 'completed' || this.#state === 'halted' || this.#state === 'cancelled';
  }

  #setState(state: RolloutState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit({ type: 'state', state });
  }

  #emit(event: RolloutEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A broken progress display must not stop a rollout.
      }
    }
  }
}
