import type { AgentChanges } from './changes.js';
import { changesOfSnapshot, isEmptySnapshot, snapshotToUndo } from './config-snapshot.js';
import { NotFoundError, UnsupportedOperationError } from './errors.js';
import type { ConfigSnapshot, LedgerEntry, ReleaseLedger } from './ledger.js';
import type { AgentReleaser, VersionInfo } from './port.js';
import { type UndoStack, undoStack } from './rollback-history.js';

/**
 * Where a rollback goes: a version id, or `'previous'`.
 *
 * `'previous'` undoes the newest release still in effect: each `previous` walks one release
 * further back, because a rollback undoes releases and is not itself a release to go back to.
 * Three releases then three `previous` rollbacks leave the configuration of before the first
 * release live; a fourth is a `NotFoundError`. The ledger says which releases are in effect (an
 * attempt that never finished counts only if what is live shows it took effect); without a
 * ledger, or when the live version is not the one the ledger last recorded, it is the version
 * before the live one in the vendor's history.
 */
export interface RollbackTarget {
  to: string;
}

/** A resolved rollback: either make an existing version live, or re-publish a recorded snapshot. */
export type RollbackPlan =
  | { kind: 'already-live'; versionId: string }
  | { kind: 'activate'; versionId: string; source: 'ledger' | 'vendor-history' | 'caller' }
  | { kind: 'republish'; versionId: string | undefined; changes: AgentChanges; restore: ConfigSnapshot };

const LOOKBACK = 200;

/**
 * Decides how to reach `target` from what is live now. Reads the ledger first (it knows what was
 * live before each release), then the vendor's version history; never writes.
 */
export async function planRollback(
  releaser: AgentReleaser,
  agentId: string,
  target: RollbackTarget,
  live: VersionInfo | null,
  ledger: ReleaseLedger | undefined,
  signal: AbortSignal | undefined,
): Promise<RollbackPlan> {
  const provider = releaser.provider;
  const history = ledger ? await ledger.history({ agentId, provider, limit: LOOKBACK }) : [];
  const stack = await undoStack(
    history,
    once(async () => releaser.readConfig?.(agentId, { signal })),
  );

  if (releaser.capabilities.rollback === 'none') {
    return planRepublish(provider, agentId, target, stack);
  }

  if (target.to !== 'previous') {
    return live?.id === target.to
      ? { kind: 'already-live', versionId: target.to }
      : { kind: 'activate', versionId: target.to, source: 'caller' };
  }
  // The ledger speaks for the agent only while the live version is the one it last recorded.
  const { head, releases } = stack;
  if (head && live && (head.versionAfter === undefined || head.versionAfter === live.id)) {
    const last = releases.at(-1);
    if (!last) throw nothingEarlier(provider, agentId);
    if (last.versionBefore) return { kind: 'activate', versionId: last.versionBefore, source: 'ledger' };
  }
  if (!releaser.listVersions) {
    throw new UnsupportedOperationError(
      `${provider} cannot list versions and the ledger does not say what was live before ${live?.id ?? 'now'}; pass { to: versionId }.`,
      { provider, operation: 'rollback' },
    );
  }
  const versions = await releaser.listVersions(agentId, { limit: 100, signal });
  const at = live ? versions.findIndex((v) => v.id === live.id) : -1;
  const previous = versions.slice(at + 1).find((v) => v.gate?.status !== 'failed');
  if (!previous) {
    throw new NotFoundError(`No earlier version of agent ${agentId} to roll back to.`, {
      provider,
      operation: 'rollback',
    });
  }
  return { kind: 'activate', versionId: previous.id, source: 'vendor-history' };
}

/**
 * A vendor without version history or restore: undo the recorded releases newer than the target
 * by re-publishing the values they replaced.
 */
function planRepublish(
  provider: string,
  agentId: string,
  target: RollbackTarget,
  { head, releases }: UndoStack,
): RollbackPlan {
  if (!head) {
    throw new UnsupportedOperationError(
      `${provider} has no version history to roll back with, and no ledger entry records what agent ${agentId} looked like before; roll back with a ledger that recorded its releases.`,
      { provider, operation: 'rollback' },
    );
  }
  let newer: readonly LedgerEntry[];
  let versionId: string | undefined;
  if (target.to === 'previous') {
    const last = releases.at(-1);
    if (!last) throw nothingEarlier(provider, agentId);
    newer = [last];
    versionId = last.versionBefore;
  } else {
    if (head.versionAfter === target.to) return { kind: 'already-live', versionId: target.to };
    const at = releases.findLastIndex((e) => e.versionAfter === target.to);
    if (at < 0) {
      throw new NotFoundError(
        `The ledger has no release of agent ${agentId} in effect that made version ${target.to} live.`,
        {
          provider,
          operation: 'rollback',
        },
      );
    }
    // Newest first, as snapshotToUndo reads them.
    newer = releases.slice(at + 1).reverse();
    versionId = target.to;
  }
  const restore = snapshotToUndo(newer);
  if (isEmptySnapshot(restore)) {
    throw new UnsupportedOperationError(
      `The ledger holds no earlier values for the fields agent ${agentId}'s last releases changed, so there is nothing to re-publish.`,
      { provider, operation: 'rollback' },
    );
  }
  return { kind: 'republish', versionId, changes: changesOfSnapshot(restore), restore };
}

function nothingEarlier(provider: string, agentId: string): NotFoundError {
  return new NotFoundError(
    `Every release of agent ${agentId} the ledger recorded has been rolled back already, so there is no previous one to go back to; pass { to: versionId } to go to a given version.`,
    { provider, operation: 'rollback' },
  );
}

/** Runs `read` at most once, on first use. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= read();
    return result;
  };
}
