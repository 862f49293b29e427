import type { Clock } from './clock.js';
import { isAgentReleaseError } from './errors.js';
import type {
  ConfigSnapshot,
  LedgerEntry,
  LedgerEntryFinish,
  LedgerEntryStart,
  ReleaseLedger,
} from './ledger.js';
import type { StepRecord } from './step-runner.js';

/** The `errorCode` of an entry settled as `abandoned`. */
const ABANDONED = 'ABANDONED';
// How far back the next attempt looks for entries a crashed writer left running.
const SETTLE_LOOKBACK = 50;

/** How an attempt ended, as the ledger records it. */
export interface AttemptEnd {
  outcome: LedgerEntryFinish['outcome'];
  versionAfter?: string | undefined;
  snapshotAfter?: ConfigSnapshot | undefined;
}

/** Who and what an attempt is about, as `release()` and `rollback()` know it from their options. */
export type LedgerContext = Pick<
  LedgerEntryStart,
  'kind' | 'provider' | 'agentId' | 'tenant' | 'actor' | 'rolloutId' | 'label'
>;

/**
 * Writes one attempt to an optional ledger: `begin` once the attempt knows what it starts from,
 * `finish` whatever happens. Without a ledger every call is a no-op, so the orchestrators never
 * branch on it.
 */
export class LedgerRecorder {
  #entry: LedgerEntry | undefined;
  #armed = false;
  #finished = false;
  /** Set inside `within`, which the orchestrators run while holding the release lease. */
  #leased = false;
  /** Whether the lease still vouches for this attempt, asked right before each settling write. */
  #holds: () => boolean = () => false;
  #settled = false;

  constructor(
    private readonly ledger: ReleaseLedger | undefined,
    private readonly clock: Clock,
    private readonly context: LedgerContext,
  ) {}

  /**
   * Marks the input as valid: from now on the attempt is recorded whatever happens. Input refused
   * by validation is no attempt (nothing was sent) and leaves no entry.
   */
  arm(): void {
    this.#armed = true;
  }

  /** Whether there is a ledger to write to (callers skip reads made only for it). */
  get enabled(): boolean {
    return this.ledger !== undefined;
  }

  /** The entry written by `begin`, when there is one. */
  get entry(): LedgerEntry | undefined {
    return this.#entry;
  }

  /**
   * Records the start. A ledger that cannot be written fails the attempt here, before anything
   * is sent to the vendor: an attempt the ledger does not know about could not be resumed.
   */
  async begin(
    facts: Pick<LedgerEntryStart, 'versionBefore' | 'snapshotBefore' | 'snapshotAfter'>,
  ): Promise<void> {
    if (!this.ledger || this.#entry) return;
    await this.#settleAbandoned(facts.versionBefore);
    this.#entry = await this.ledger.begin({
      ...this.context,
      ...facts,
      startedAt: new Date(this.clock.now()).toISOString(),
    });
  }

  /**
   * Runs `body` and records how it ended before returning, so that the entry is finished while the
   * caller still holds the release lease: a process that takes the lease next never reads a
   * `running` entry for an attempt that is over. Returns what `finish` returned as `ledgerError`.
   */
  async within<T>(
    body: () => Promise<T>,
    ended: (value: T) => AttemptEnd,
    steps: readonly StepRecord[],
    surface: (error: unknown) => unknown,
    lease: { durable: boolean; holds: () => boolean },
  ): Promise<{ value: T; ledgerError: unknown }> {
    let value: T;
    // Only a lease that spans processes proves that no one else is writing this agent: under the
    // in-process lock another process may be mid-attempt with an entry that is `running` for real.
    this.#leased = lease.durable;
    this.#holds = lease.holds;
    try {
      value = await body();
    } catch (error) {
      await this.finish('failed', { error: surface(error), steps });
      throw error;
    }
    const { outcome, ...facts } = ended(value);
    return { value, ledgerError: await this.finish(outcome, { ...facts, steps }) };
  }

  /**
   * Finishes the agent's `running` entries as `abandoned`. Only a holder of a durable lease that
   * still holds may (checked before the read and before each write): the
   * writer of such an entry lost the lease without finishing (crashed, killed), so nobody else
   * ever will. `liveNow` (this attempt's `versionBefore`) says what that writer left live; its
   * `snapshotAfter` stays, so a rollback can still tell whether it took effect. Best effort per
   * entry: one the store refuses to settle stays `running`, which `previous` trusts no more.
   */
  async #settleAbandoned(liveNow: string | undefined): Promise<void> {
    if (!this.ledger || !this.#leased || this.#settled || !this.#holds()) return;
    this.#settled = true;
    const { provider, agentId } = this.context;
    const history = await this.ledger.history({ provider, agentId, limit: SETTLE_LOOKBACK });
    for (const stale of history.filter((e) => e.outcome === 'running')) {
      // A holder whose own lease ran out may be looking at the entry of the one that holds it now.
      if (!this.#holds()) return;
      await this.ledger
        .finish(stale.id, {
          outcome: 'abandoned',
          versionAfter: liveNow,
          errorCode: ABANDONED,
          steps: [],
          finishedAt: new Date(this.clock.now()).toISOString(),
        })
        .catch(() => undefined);
    }
  }

  /**
   * Records the end. Returns the error when the ledger could not be written, so the caller can
   * report it without changing what it tells about the vendor (which is true either way).
   */
  async finish(
    outcome: LedgerEntryFinish['outcome'],
    facts: {
      versionAfter?: string | undefined;
      snapshotAfter?: ConfigSnapshot | undefined;
      error?: unknown;
      steps: readonly StepRecord[];
    },
  ): Promise<unknown> {
    if (!this.ledger || !this.#armed || this.#finished) return undefined;
    this.#finished = true;
    try {
      await this.begin({});
      if (!this.#entry) return undefined;
      this.#entry = await this.ledger.finish(this.#entry.id, {
        outcome,
        versionAfter: facts.versionAfter,
        errorCode:
          facts.error === undefined
            ? undefined
            : isAgentReleaseError(facts.error)
              ? facts.error.code
              : 'UNKNOWN',
        steps: facts.steps,
        snapshotAfter: facts.snapshotAfter,
        finishedAt: new Date(this.clock.now()).toISOString(),
      });
      return undefined;
    } catch (error) {
      return error;
    }
  }
}
