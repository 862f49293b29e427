import type { TargetJob } from './target-job.js';
import type { TargetResult } from './target-result.js';

/**
 * How an engine runs jobs: the only part that differs between engines. The coordinator
 * ({@link startRollout}) decides what to run and when; the executor runs it somewhere.
 */
export interface TaskExecutor {
  /**
   * Runs `jobs` and reports each result as it arrives. Resolves once every job reported, or after
   * {@link TaskExecutor.stop} once the jobs in flight reported.
   */
  run(jobs: readonly TargetJob[], onResult: (result: TargetResult) => void): Promise<void>;
  /** Starts no new jobs until resumed. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Starts no more jobs of the current `run` and ends any pause (a later `run` starts unpaused). */
  stop(): Promise<void>;
}
