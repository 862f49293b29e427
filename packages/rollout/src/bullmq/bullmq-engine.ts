import { randomUUID } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { RolloutEngine, RolloutRun } from '../engine.js';
import { type RolloutPlan, validatePlan } from '../plan.js';
import { type PlanCheckDeps, planCheck } from '../plan-check.js';
import { startRollout } from '../rollout-run.js';
import type { TargetJob } from '../target-job.js';
import type { TargetResult } from '../target-result.js';
import type { TaskExecutor } from '../task-executor.js';
import { type BullmqConnectionOptions, resolveConnection } from './connection.js';

/** Options of {@link createBullmqEngine}. */
export interface BullmqEngineOptions extends BullmqConnectionOptions {
  /**
   * Jobs of one rollout in the queue at once. The rest wait in this process, so pausing or
   * cancelling only has to take back this many. Default 256.
   */
  window?: number | undefined;
  /** How often jobs whose completion event was missed are looked up. Default 1,000 ms. */
  sweepIntervalMs?: number | undefined;
  /**
   * The workers' releasers. With it, a plan is checked before any job is queued, as the
   * in-process engine does: a plan a target's adapter rejects makes `run.done` reject with a
   * `ValidationError`. Without it, each worker still validates its own targets (no request sent).
   */
  resolveReleaser?: PlanCheckDeps['resolveReleaser'] | undefined;
  /**
   * The workers' ledger. With it (and `resolveReleaser`), reusing a rollout id for another change
   * is refused before any job is queued; without it, each worker refuses its own targets.
   */
  ledger?: PlanCheckDeps['ledger'] | undefined;
}

/**
 * The distributed engine: the plan's targets become BullMQ jobs on Redis, released by workers
 * ({@link createRolloutWorker}) in any number of processes. This side runs the plan: waves, the
 * failure budget, pause/resume/cancel (of this rollout only; the queue is shared) and progress.
 */
export async function createBullmqEngine(options: BullmqEngineOptions): Promise<RolloutEngine> {
  const resolved = resolveConnection(options);
  const queue: RolloutQueue = new Queue(resolved.queueName, {
    connection: resolved.connection,
    prefix: resolved.prefix,
  });
  const events = new QueueEvents(resolved.queueName, {
    connection: resolved.connection,
    prefix: resolved.prefix,
  });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const settings = { window: options.window ?? 256, sweepIntervalMs: options.sweepIntervalMs ?? 1000 };
  return {
    start(plan: RolloutPlan): RolloutRun {
      const validated = validatePlan(plan);
      const executor = new QueueExecutor(queue, events, settings, `${plan.id}.${randomUUID().slice(0, 8)}`);
      const { resolveReleaser, ledger } = options;
      const check = resolveReleaser ? planCheck({ resolveReleaser, ledger }) : undefined;
      return startRollout(validated, executor, () => Date.now(), check);
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

type Outstanding = Map<string, TargetJob>;
type RolloutQueue = Queue<TargetJob, TargetResult, string, TargetJob, TargetResult, string>;

const WITHDRAWABLE = new Set(['waiting', 'prioritized', 'delayed', 'paused']);

/**
 * Feeds one rollout's jobs into the shared queue, a window at a time, and hears their results
 * through queue events (with a periodic look-up for events it missed).
 */
class QueueExecutor implements TaskExecutor {
  #paused = false;
  #stopped = false;
  #current:
    | {
        pending: TargetJob[];
        outstanding: Outstanding;
        settle: () => void;
        report: (r: TargetResult) => void;
      }
    | undefined;
  #seq = 0;

  constructor(
    private readonly queue: RolloutQueue,
    private readonly events: QueueEvents,
    private readonly settings: { window: number; sweepIntervalMs: number },
    private readonly runId: string,
  ) {}

  run(jobs: readonly TargetJob[], onResult: (result: TargetResult) => void): Promise<void> {
    this.#stopped = false;
    const outstanding: Outstanding = new Map();
    return new Promise<void>((resolve, reject) => {
      const finishIfDone = () => {
        if (outstanding.size === 0 && (run.pending.length === 0 || this.#stopped)) {
          cleanup();
          resolve();
        }
      };
      const report = (result: TargetResult) => {
        onResult(result);
        finishIfDone();
        this.#feed().catch(fail);
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        const job = outstanding.get(jobId);
        if (!job) return;
        outstanding.delete(jobId);
        report(parseResult(returnvalue));
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
        const job = outstanding.get(jobId);
        if (!job) return;
        outstanding.delete(jobId);
        report(workerLost(job, failedReason));
      };
      const sweep = setInterval(
        () => void this.#sweep(outstanding, report).catch(() => {}),
        this.settings.sweepIntervalMs,
      );
      const cleanup = () => {
        clearInterval(sweep);
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
        this.#current = undefined;
      };
      const fail = (error: unknown) => {
        cleanup();
        reject(error);
      };
      this.events.on('completed', onCompleted);
      this.events.on('failed', onFailed);
      const run = { pending: [...jobs], outstanding, settle: finishIfDone, report };
      this.#current = run;
      finishIfDone();
      this.#feed().catch(fail);
    });
  }

  async pause(): Promise<void> {
    this.#paused = true;
    await this.#withdraw(true);
  }

  async resume(): Promise<void> {
    this.#paused = false;
    await this.#feed();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#paused = false;
    const run = this.#current;
    if (!run) return;
    run.pending.length = 0;
    await this.#withdraw(false);
    run.settle();
  }

  /** Tops the queue up to the window. */
  async #feed(): Promise<void> {
    const run = this.#current;
    if (!run || this.#paused || this.#stopped) return;
    const room = this.settings.window - run.outstanding.size;
    if (room <= 0 || run.pending.length === 0) return;
    const batch = run.pending.splice(0, room);
    const entries = batch.map((job) => {
      // A fresh id per attempt: an id left over from a cancelled run must not swallow this one.
      const id = `${this.runId}.${job.kind}.${job.index}.${this.#seq++}`;
      run.outstanding.set(id, job);
      return {
        name: job.kind,
        data: job,
        opts: { jobId: id, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } },
      };
    });
    await this.queue.addBulk(entries);
  }

  /** Takes this run's waiting jobs back out of the queue; jobs already taken by a worker finish. */
  async #withdraw(keep: boolean): Promise<void> {
    const run = this.#current;
    if (!run) return;
    const takenBack: TargetJob[] = [];
    for (const [id, job] of [...run.outstanding]) {
      // Only waiting jobs: removing a finished one whose event is still on its way would lose its result.
      if (!WITHDRAWABLE.has(await this.queue.getJobState(id))) continue;
      if ((await this.queue.remove(id)) === 1) {
        run.outstanding.delete(id);
        takenBack.push(job);
      }
    }
    if (keep) run.pending.unshift(...takenBack.sort((a, b) => a.index - b.index));
  }

  /** Looks up jobs still outstanding, in case their completion event was missed. */
  async #sweep(outstanding: Outstanding, report: (r: TargetResult) => void): Promise<void> {
    for (const id of [...outstanding.keys()].slice(0, 500)) {
      const found = await Job.fromId<TargetJob, TargetResult>(this.queue, id);
      const job = outstanding.get(id);
      if (!found || !job || found.finishedOn === undefined) continue;
      outstanding.delete(id);
      report(found.failedReason ? workerLost(job, found.failedReason) : parseResult(found.returnvalue));
    }
  }
}

function parseResult(value: unknown): TargetResult {
  return (typeof value === 'string' ? JSON.parse(value) : value) as TargetResult;
}

/** A job BullMQ gave up on (its worker died twice, or the processor itself crashed). */
function workerLost(job: TargetJob, reason: string): TargetResult {
  return {
    index: job.index,
    tenant: job.tenant,
    agentId: job.agentId,
    outcome: job.kind === 'release' ? 'failed' : 'rollback-failed',
    error: {
      code: 'WORKER_LOST',
      message: `The worker processing this target stopped (${reason.slice(0, 200)}); run the rollout again to re-check it.`,
    },
    durationMs: 0,
  };
}
