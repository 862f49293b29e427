import type { ConfigSnapshot } from './port.js';
import type { StepRecord } from './step-runner.js';

export type { ConfigSnapshot } from './port.js';

/**
 * The release ledger port: every release and rollback attempt, recorded.
 *
 * `release()` and `rollback()` write one entry per attempt when given `options.ledger` (or the
 * `TOKENS.ReleaseLedger` binding): `begin` before the first request, `finish` when the attempt
 * ends, whatever the outcome. `@agent-release/ledger` implements it on SQLite (the embedded
 * default) and PostgreSQL.
 */

/**
 * How an attempt ended. `running` until `finish` is called (or the writer crashed).
 * `abandoned`: the writer never finished it (crashed, killed) and the next attempt on the agent,
 * holding the lease the writer lost, settled it; its `versionAfter` is what that attempt found
 * live, so the crashed attempt may or may not have taken effect.
 */
export type LedgerOutcome = 'running' | 'released' | 'unchanged' | 'rolled-back' | 'failed' | 'abandoned';

/** What `begin` records. */
export interface LedgerEntryStart {
  kind: 'release' | 'rollback';
  provider: string;
  agentId: string;
  /** The tenant, when the caller knows it. */
  tenant?: string | undefined;
  /** Who asked, as the caller names them (a user id, a service, a rollout). */
  actor?: string | undefined;
  /** Groups attempts of one fleet rollout, so a resumed rollout can tell what was done. */
  rolloutId?: string | undefined;
  /** The live version when the attempt started, when known. */
  versionBefore?: string | undefined;
  /** The touched fields as they were live before, when known. */
  snapshotBefore?: ConfigSnapshot | undefined;
  /** The touched fields as this attempt means them to be. */
  snapshotAfter?: ConfigSnapshot | undefined;
  label?: string | undefined;
  /** ISO-8601. */
  startedAt: string;
}

/** What `finish` records. */
export interface LedgerEntryFinish {
  outcome: Exclude<LedgerOutcome, 'running'>;
  /** The live version when the attempt ended, when known. */
  versionAfter?: string | undefined;
  /** The stable error code, when the attempt failed. */
  errorCode?: string | undefined;
  steps: readonly StepRecord[];
  /** ISO-8601. */
  finishedAt: string;
  /**
   * The configuration as it ended up, when only the end can tell (a rollback to an older
   * version); replaces the one recorded at `begin` when given.
   */
  snapshotAfter?: ConfigSnapshot | undefined;
}

/** One recorded attempt. */
export interface LedgerEntry extends LedgerEntryStart {
  /** Store-assigned, unique, sortable by creation within one store. */
  readonly id: string;
  outcome: LedgerOutcome;
  versionAfter?: string | undefined;
  errorCode?: string | undefined;
  steps: readonly StepRecord[];
  finishedAt?: string | undefined;
}

/** Query of {@link ReleaseLedger.history}. */
export interface LedgerHistoryQuery {
  agentId: string;
  provider?: string | undefined;
  tenant?: string | undefined;
  rolloutId?: string | undefined;
  /** Newest first; default 50, at most 1,000. */
  limit?: number | undefined;
}

/** The durable record of release attempts. Implementations are safe for concurrent writers. */
export interface ReleaseLedger {
  /** Records the start of an attempt and returns the entry (outcome `running`). */
  begin(start: LedgerEntryStart): Promise<LedgerEntry>;
  /** Records how the attempt `id` ended and returns the completed entry. */
  finish(id: string, finish: LedgerEntryFinish): Promise<LedgerEntry>;
  /** One entry by id, or `null`. */
  get(id: string): Promise<LedgerEntry | null>;
  /** Entries of an agent, newest first. */
  history(query: LedgerHistoryQuery): Promise<LedgerEntry[]>;
  /**
   * The last finished attempt that made `versionId` live on (provider, agent) — outcome
   * `released` or `rolled-back` with that `versionAfter` — or `null`.
   */
  lastMadeLive(query: { provider: string; agentId: string; versionId: string }): Promise<LedgerEntry | null>;
  /** Releases the store's resources (connections, file handles). */
  close(): Promise<void>;
}
