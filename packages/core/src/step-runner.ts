import type { Clock } from './clock.js';
import { throwIfAborted } from './clock.js';
import { isAgentReleaseError } from './errors.js';

/** What happened in one step of a release or rollback. */
export interface StepRecord<Name extends string = string> {
  name: Name;
  status: 'ok' | 'skipped' | 'failed';
  /** ms since the epoch, from the run's clock. */
  startedAt: number;
  durationMs: number;
  /** One human line, e.g. `draft d1 forked`, `skipped: activate:false`. */
  detail?: string | undefined;
}

/** The events a step runner reports; `release()` and `rollback()` add their start/end events. */
export type StepEvent<Name extends string> =
  | { type: 'step-start'; provider: string; agentId: string; step: Name; at: number }
  | { type: 'step-end'; provider: string; agentId: string; step: StepRecord<Name> };

/**
 * Runs named steps in order, timing each, recording it and reporting start and end. Shared by
 * `release()` and `rollback()` so both tell observers the same story in the same shape.
 */
export class StepRunner<Name extends string> {
  readonly steps: StepRecord<Name>[] = [];

  constructor(
    private readonly context: {
      provider: string;
      agentId: string;
      clock: Clock;
      signal: AbortSignal | undefined;
      what: string;
      emit: (event: StepEvent<Name>) => void;
    },
  ) {}

  /** Checked before each step starts (e.g. that a lease is still held); throws to stop the run. */
  guard: ((step: Name) => void) | undefined;

  /** Runs `run` as step `name`; a throw is recorded as a failed step and rethrown. */
  async run<T>(
    name: Name,
    run: () => Promise<T> | T,
    describe: (value: T) => string,
    options: { ignoreAbort?: boolean } = {},
  ): Promise<T> {
    const { provider, agentId, clock, emit } = this.context;
    const startedAt = clock.now();
    emit({ type: 'step-start', provider, agentId, step: name, at: startedAt });
    try {
      if (!options.ignoreAbort) throwIfAborted(this.context.signal, this.context.what);
      this.guard?.(name);
      const value = await run();
      this.#end({
        name,
        status: 'ok',
        startedAt,
        durationMs: clock.now() - startedAt,
        detail: describe(value),
      });
      return value;
    } catch (error) {
      const detail = isAgentReleaseError(error) ? error.code : 'error';
      this.#end({ name, status: 'failed', startedAt, durationMs: clock.now() - startedAt, detail });
      throw error;
    }
  }

  /** Records step `name` as skipped, with the reason. */
  skip(name: Name, detail: string): void {
    this.#end({ name, status: 'skipped', startedAt: this.context.clock.now(), durationMs: 0, detail });
  }

  #end(step: StepRecord<Name>): void {
    this.steps.push(step);
    this.context.emit({
      type: 'step-end',
      provider: this.context.provider,
      agentId: this.context.agentId,
      step,
    });
  }
}

/** Wraps an observer so that a throwing one never breaks or half-finishes the run. */
export function safeEmitter<E>(observer: ((event: E) => void) | undefined): (event: E) => void {
  return (event) => {
    try {
      observer?.(event);
    } catch {
      // Observers are for reporting; their failures are theirs.
    }
  };
}
