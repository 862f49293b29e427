import type { PlannedWave } from './plan.js';
import type { TargetResult } from './target-result.js';

/** Counts of one wave (or of the whole rollout). */
export interface WaveProgress {
  name: string;
  total: number;
  /** Released or unchanged by this run. */
  done: number;
  failed: number;
  /** Finished by an earlier run of the same rollout (read from the ledger). */
  skipped: number;
  /** Not finished yet (or never started, once the rollout halted or was cancelled). */
  remaining: number;
}

/** Where a rollout stands. */
export type RolloutState = 'running' | 'paused' | 'rolling-back' | 'completed' | 'halted' | 'cancelled';

/** A snapshot for progress displays. */
export interface RolloutProgress {
  rolloutId: string;
  state: RolloutState;
  /** Index of the wave being run (or last run). */
  wave: number;
  waves: WaveProgress[];
  totals: WaveProgress & { rolledBack: number; rollbackFailed: number };
  /** Targets finished (done or failed) per second since the start; skipped ones are not counted. */
  ratePerSec: number;
  /** Estimated time to finish the remaining targets at the current rate, when there is a rate. */
  etaMs: number | undefined;
  elapsedMs: number;
}

/** Tallies results into {@link RolloutProgress}. Pure bookkeeping; the caller supplies the time. */
export class ProgressTracker {
  readonly #waves: WaveProgress[];
  readonly #waveOf: Map<number, number>;
  readonly #results = new Map<number, TargetResult>();
  readonly #rollbacks = new Map<number, TargetResult>();
  #worked = 0;

  constructor(
    readonly rolloutId: string,
    waves: readonly PlannedWave[],
    private readonly startedAt: number,
  ) {
    this.#waves = waves.map((w) => ({
      name: w.name,
      total: w.targets.length,
      done: 0,
      failed: 0,
      skipped: 0,
      remaining: w.targets.length,
    }));
    this.#waveOf = new Map(waves.flatMap((w) => w.targets.map((t) => [t.index, w.index] as const)));
  }

  /** Records a release result; a repeated report of the same target is ignored. */
  record(result: TargetResult): void {
    const wave = this.#waves[this.#waveOf.get(result.index) ?? -1];
    if (!wave || this.#results.has(result.index)) return;
    this.#results.set(result.index, result);
    wave.remaining--;
    if (result.outcome === 'skipped') wave.skipped++;
    else {
      this.#worked++;
      if (result.outcome === 'failed') wave.failed++;
      else wave.done++;
    }
  }

  /** Records a rollback result. */
  recordRollback(result: TargetResult): void {
    this.#rollbacks.set(result.index, result);
  }

  /** The release results so far, by target index. */
  results(): TargetResult[] {
    return [...this.#results.values()].sort((a, b) => a.index - b.index);
  }

  rollbacks(): TargetResult[] {
    return [...this.#rollbacks.values()].sort((a, b) => a.index - b.index);
  }

  failedIn(wave: number): { failed: number; attempted: number } {
    const w = this.#waves[wave];
    return { failed: w?.failed ?? 0, attempted: (w?.failed ?? 0) + (w?.done ?? 0) };
  }

  get failed(): number {
    return this.#waves.reduce((n, w) => n + w.failed, 0);
  }

  snapshot(state: RolloutState, wave: number, now: number): RolloutProgress {
    const waves = this.#waves.map((w) => ({ ...w }));
    const sum = (key: 'total' | 'done' | 'failed' | 'skipped' | 'remaining') =>
      waves.reduce((n, w) => n + w[key], 0);
    const elapsedMs = Math.max(0, now - this.startedAt);
    const ratePerSec = elapsedMs > 0 ? (this.#worked * 1000) / elapsedMs : 0;
    const remaining = sum('remaining');
    const rollbacks = [...this.#rollbacks.values()];
    return {
      rolloutId: this.rolloutId,
      state,
      wave,
      waves,
      totals: {
        name: 'total',
        total: sum('total'),
        done: sum('done'),
        failed: sum('failed'),
        skipped: sum('skipped'),
        remaining,
        rolledBack: rollbacks.filter((r) => r.outcome === 'rolled-back').length,
        rollbackFailed: rollbacks.filter((r) => r.outcome === 'rollback-failed').length,
      },
      ratePerSec,
      etaMs: ratePerSec > 0 ? Math.round((remaining / ratePerSec) * 1000) : undefined,
      elapsedMs,
    };
  }
}
