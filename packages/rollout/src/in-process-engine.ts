import { type Clock, systemClock } from '@agent-release/core';
import type { RolloutEngine, RolloutRun } from './engine.js';
import { type RolloutPlan, validatePlan } from './plan.js';
import { planCheck } from './plan-check.js';
import { InProcessRateLimiter, type KeyedRateLimiter, type KeyRateLimit } from './rate-limit.js';
import { startRollout } from './rollout-run.js';
import type { TargetJob, TargetTaskDeps } from './target-job.js';
import type { TargetResult } from './target-result.js';
import { runTargetJob } from './target-task.js';
import type { TaskExecutor } from './task-executor.js';

/** Options of {@link createInProcessEngine}. */
export interface InProcessEngineOptions extends Omit<TargetTaskDeps, 'limiter'> {
  /** Targets released at the same time. Default 8. */
  concurrency?: number | undefined;
  /**
   * The vendors' limit per API key (see `rateKeyOf`): every port call of every task under one key
   * takes a permit (a call may send several requests: leave headroom). Default: no limit (the
   * adapters still back off on 429).
   */
  rateLimit?: KeyRateLimit | undefined;
  /** A limiter of your own instead of `rateLimit` (e.g. one shared with other code). */
  limiter?: KeyedRateLimiter | undefined;
}

/**
 * The embedded engine: runs rollouts in this process with a concurrency limit and a per-API-key
 * rate limit shared by all its tasks. Needs no services; resumable from the ledger like any engine.
 *
 * @example
 * ```ts
 * const engine = createInProcessEngine({ resolveReleaser: (t) => releasers.get(t), ledger });
 * const run = engine.start({ id: 'fix-greeting', changes: { firstMessage: 'Hi!' }, targets });
 * run.on((e) => e.type === 'progress' && render(e.progress));
 * const summary = await run.done;
 * ```
 */
export function createInProcessEngine(options: InProcessEngineOptions): RolloutEngine {
  const clock = options.clock ?? systemClock;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be a positive integer.');
  }
  const limiter =
    options.limiter ?? (options.rateLimit ? new InProcessRateLimiter(options.rateLimit, clock) : undefined);
  const deps: TargetTaskDeps = { ...options, limiter };
  return {
    start(plan: RolloutPlan): RolloutRun {
      const validated = validatePlan(plan);
      const executor = new PoolExecutor(deps, concurrency, clock);
      return startRollout(validated, executor, () => clock.now(), planCheck(deps));
    },
    async close() {},
  };
}

/** A fixed number of loops pulling jobs in order; pausing holds them between jobs. */
class PoolExecutor implements TaskExecutor {
  #paused = false;
  #stopped = false;
  #wakers: Array<() => void> = [];

  constructor(
    private readonly deps: TargetTaskDeps,
    private readonly concurrency: number,
    private readonly clock: Clock,
  ) {}

  async run(jobs: readonly TargetJob[], onResult: (result: TargetResult) => void): Promise<void> {
    this.#stopped = false;
    let next = 0;
    const loop = async () => {
      for (;;) {
        while (this.#paused && !this.#stopped) await new Promise<void>((wake) => this.#wakers.push(wake));
        const job = jobs[next];
        if (this.#stopped || !job) return;
        next++;
        onResult(await runTargetJob({ ...this.deps, clock: this.clock }, job));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, jobs.length) }, loop));
  }

  async pause(): Promise<void> {
    this.#paused = true;
  }

  async resume(): Promise<void> {
    this.#paused = false;
    this.#wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#paused = false;
    this.#wake();
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
