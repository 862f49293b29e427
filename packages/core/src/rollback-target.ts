import type { AgentChanges } from './changes.js';
import { changesOfSnapshot, isEmptySnapshot, snapshotToUndo } from './config-snapshot.js';
import { NotFoundError, UnsupportedOperationError } from './errors.js';
import type { ConfigSnapshot, LedgerEntry, ReleaseLedger } from './ledger.js';
import type { AgentReleaser, VersionInfo } from './port.js';

/** Where a rollback goes: a version id, or `'previous'` (what was live before the current one). */
export interface RollbackTarget {
  to: string;
}

/** A resolved rollback: either make an existing version live, or re-publish a recorded snapshot. */
export type RollbackPlan =
  | { kind: 'already-live'; versionId: string }
  | { kind: 'activate'; versionId: string; source: 'ledger' | 'vendor-history' | 'caller' }
  | { kind: 'republish'; versionId: string | undefined; changes: AgentChanges; restore: ConfigSnapshot };

const SUCCESS = new Set(['released', 'rolled-back']);
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
  const history = ledger
    ? (await ledger.history({ agentId, provider, limit: LOOKBACK })).filter(
        (e) => SUCCESS.has(e.outcome) && e.versionAfter !== undefined,
      )
    : [];

  if (releaser.capabilities.rollback === 'none') {
    return planRepublish(provider, agentId, target, history);
  }

  if (target.to !== 'previous') {
    return live?.id === target.to
      ? { kind: 'already-live', versionId: target.to }
      : { kind: 'activate', versionId: target.to, source: 'caller' };
  }
  const last = history[0];
  if (last?.versionBefore && live && last.versionAfter === live.id) {
    return { kind: 'activate', versionId: last.versionBefore, source: 'ledger' };
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
 * A vendor without version history or restore: undo the recorded attempts newer than the target
 * by re-publishing the values they replaced.
 */
function planRepublish(
  provider: string,
  agentId: string,
  target: RollbackTarget,
  history: readonly LedgerEntry[],
): RollbackPlan {
  if (history.length === 0) {
    throw new UnsupportedOperationError(
      `${provider} has no version history to roll back with, and no ledger entry records what agent ${agentId} looked like before; roll back with a ledger that recorded its releases.`,
      { provider, operation: 'rollback' },
    );
  }
  let newer: readonly LedgerEntry[];
  let versionId: string | undefined;
  if (target.to === 'previous') {
    newer = history.slice(0, 1);
    versionId = history[0]?.versionBefore;
  } else {
    const at = history.findIndex((e) => e.versionAfter === target.to);
    if (at < 0) {
      throw new NotFoundError(
        `The ledger has no release of agent ${agentId} that made version ${target.to} live.`,
        {
          provider,
          operation: 'rollback',
        },
      );
    }
    if (at === 0) return { kind: 'already-live', versionId: target.to };
    newer = history.slice(0, at);
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
