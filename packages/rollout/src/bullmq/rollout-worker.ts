import { Worker } from 'bullmq';
import type { KeyRateLimit } from '../rate-limit.js';
import type { TargetJob, TargetTaskDeps } from '../target-job.js';
import type { TargetResult } from '../target-result.js';
import { runTargetJob } from '../target-task.js';
import { type BullmqConnectionOptions, redisClient, resolveConnection } from './connection.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

/** Options of {@link createRolloutWorker}. */
export interface RolloutWorkerOptions extends BullmqConnectionOptions, Omit<TargetTaskDeps, 'limiter'> {
  /** Targets this worker releases at the same time. Default 8. */
  concurrency?: number | undefined;
  /**
   * The vendors' limit per API key, shared through Redis by every worker on the same prefix.
   * Counts port calls, not HTTP requests (see the README): leave headroom under the vendor's limit.
   */
  rateLimit?: KeyRateLimit | undefined;
  /**
   * How long a job's lock lasts without renewal: after a worker died, its jobs go back to the
   * queue this long after its last renewal. Default 30 s.
   */
  lockDurationMs?: number | undefined;
}

/** A running worker. */
export interface RolloutWorker {
  /** Finishes the jobs in flight, then disconnects. */
  close(): Promise<void>;
}

/**
 * Starts a worker that releases rollout targets taken from the queue. Run any number of them, in
 * any number of processes on any number of machines: they share the per-key rate limits through
 * Redis, and the lease (`lock`, e.g. `@agent-release/ledger`'s) keeps each agent's releases from
 * overlapping. Give every worker the same ledger: a re-delivered job reads it to stay exactly once.
 */
export async function createRolloutWorker(options: RolloutWorkerOptions): Promise<RolloutWorker> {
  const resolved = resolveConnection(options);
  const client = options.rateLimit ? redisClient(resolved) : undefined;
  const limiter =
    client && options.rateLimit
      ? new RedisRateLimiter(
          client,
          options.rateLimit,
          `${resolved.prefix}:${resolved.queueName}:rate`,
          options.clock,
        )
      : undefined;
  const deps: TargetTaskDeps = { ...options, limiter };
  const worker = new Worker<TargetJob, TargetResult>(
    resolved.queueName,
    async (job, _token, signal) => runTargetJob(deps, job.data, signal),
    {
      connection: resolved.connection,
      prefix: resolved.prefix,
      concurrency: options.concurrency ?? 8,
      lockDuration: options.lockDurationMs ?? 30_000,
      // Look for jobs of dead workers as often as a lock can expire.
      stalledInterval: options.lockDurationMs ?? 30_000,
      // A job whose worker died is re-delivered once; the ledger makes that safe.
      maxStalledCount: 1,
    },
  );
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await client?.quit();
    },
  };
}
