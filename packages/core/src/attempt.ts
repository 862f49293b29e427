import { type Clock, systemClock } from './clock.js';
import { AbortedError, isAgentReleaseError } from './errors.js';
import type { LeaseFence } from './lease-fence.js';
import type { ReleaseLedger } from './ledger.js';
import { type AttemptEnd, type LedgerContext, LedgerRecorder } from './ledger-recorder.js';
import type { AgentReleaser, GateProgress } from './port.js';
import { holdReleaseLease } from './release-lease.js';
import type { ReleaseLock } from './release-lock.js';
import { type StepRecord, StepRunner, safeEmitter } from './step-runner.js';
import { vouchedOrSettled } from './unvouched.js';

/** The options every attempt (release, rollback) takes for its frame. */
export interface AttemptOptions {
  signal?: AbortSignal | undefined;
  observer?: ((event: never) => void) | undefined;
  clock?: Clock | undefined;
  ledger?: ReleaseLedger | undefined;
  lock?: ReleaseLock | undefined;
  actor?: string | undefined;
  tenant?: string | undefined;
  rolloutId?: string | undefined;
}

/** An event without the provider and agent id the frame adds. */
export type AttemptEvent = { type: string } & Record<string, unknown>;

/** What the steps of an attempt get from its frame. */
export interface AttemptContext<Step extends string> {
  readonly runner: StepRunner<Step>;
  readonly recorder: LedgerRecorder;
  /** Reports an event of the attempt's own kind (e.g. `gate-progress`). */
  readonly emit: (event: AttemptEvent) => void;
  /** The caller's signal joined with the lease's fence: pass it to every vendor call. */
  readonly signal: AbortSignal;
  readonly fence: LeaseFence;
  readonly onGateProgress: (progress: GateProgress) => void;
}

/** One kind of attempt: its validation, its steps, and how its answers are recorded. */
export interface AttemptSpec<Step extends string, R> {
  kind: LedgerContext['kind'];
  releaser: AgentReleaser;
  agentId: string;
  options: AttemptOptions;
  /** The version label, for the ledger. */
  label?: string | undefined;
  /** Throws on bad input. Runs as the `validate` step: before the lease, any request, any entry. */
  validate(): void;
  /** The attempt's steps, run while the lease is held and inside its fence. */
  steps(ctx: AttemptContext<Step>): Promise<R>;
  /** The answer when the lease ran out before the steps' own answer was in (see `settleUnvouched`). */
  unvouched(ctx: AttemptContext<Step>): Promise<R>;
  /** What the ledger records for an answer. */
  recorded(result: R, ctx: AttemptContext<Step>): AttemptEnd;
}

/** An attempt's answer with the frame's own facts. */
export type AttemptResult<Step extends string, R> = R & { steps: StepRecord<Step>[]; durationMs: number };

/**
 * The frame every release and rollback runs in, declared once (smithy's middleware stack, in
 * one function): `<kind>-start` → validate (nothing sent, nothing recorded on failure) → take
 * the lease per (provider, agent) → run the steps inside its fence, recorded in the ledger →
 * answer what the lease can vouch for → `<kind>-end` or `<kind>-error`.
 */
export async function runAttempt<Step extends string, R extends object>(
  spec: AttemptSpec<Step | 'validate', R>,
): Promise<AttemptResult<Step | 'validate', R>> {
  const { kind, releaser, agentId, options } = spec;
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  const provider = releaser.provider;
  const started = clock.now();
  const what = kind === 'release' ? 'The release' : 'The rollback';
  const observe = safeEmitter(options.observer as ((event: unknown) => void) | undefined);
  const emit = (event: AttemptEvent) => observe({ provider, agentId, ...event });
  const runner = new StepRunner<Step | 'validate'>({ provider, agentId, clock, signal, what, emit });
  const { steps } = runner;
  const recorder = new LedgerRecorder(options.ledger, clock, {
    kind,
    provider,
    agentId,
    tenant: options.tenant,
    actor: options.actor,
    rolloutId: options.rolloutId,
    label: spec.label,
  });
  const surface = (error: unknown) =>
    !isAgentReleaseError(error) && signal?.aborted ? new AbortedError(`${what} was aborted`) : error;
  const ledgerError = (error: unknown) => {
    if (error) emit({ type: 'ledger-error', error });
  };
  emit({ type: `${kind}-start`, at: started });
  try {
    await runner.run(
      'validate',
      () => spec.validate(),
      () => 'input valid',
    );
    recorder.arm();
    const held = await holdReleaseLease(
      options.lock,
      { provider, agentId },
      signal,
      kind,
      ({ guard, fence }) => {
        runner.guard = guard;
        const ctx: AttemptContext<Step | 'validate'> = {
          runner,
          recorder,
          emit,
          // Either one cuts every wait and request of the steps.
          signal: signal ? AbortSignal.any([signal, fence.signal]) : fence.signal,
          fence,
          onGateProgress: (progress) => emit({ type: 'gate-progress', progress }),
        };
        return recorder.within(
          () =>
            vouchedOrSettled(
              fence,
              signal,
              () => spec.steps(ctx),
              () => spec.unvouched(ctx),
            ),
          (result) => spec.recorded(result, ctx),
          steps,
          surface,
          { durable: fence.durable, holds: () => fence.holds() },
        );
      },
    );
    const result = { ...held.value, steps, durationMs: clock.now() - started };
    ledgerError(held.ledgerError);
    emit({ type: `${kind}-end`, result });
    return result;
  } catch (error) {
    const surfaced = surface(error);
    ledgerError(await recorder.finish('failed', { error: surfaced, steps }));
    emit({ type: `${kind}-error`, error: surfaced, steps });
    throw surfaced;
  }
}
