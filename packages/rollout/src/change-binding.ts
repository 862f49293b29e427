import { isDeepStrictEqual } from 'node:util';
import {
  type AgentChanges,
  type AgentReleaser,
  type LedgerEntry,
  type ReleaseLedger,
  ValidationError,
} from '@agent-release/core';
import { changesHold, snapshotOfChanges } from '@agent-release/core/provider';
import type { TargetJob } from './target-job.js';

/** This rollout's earlier attempts on the job's agent, newest first. */
export function earlierAttempts(
  ledger: ReleaseLedger,
  provider: string,
  job: TargetJob,
): Promise<LedgerEntry[]> {
  const { agentId, tenant, rolloutId } = job;
  return ledger.history({ agentId, tenant, provider, rolloutId, limit: 50 });
}

/**
 * A rollout id is bound to its plan's change: a resume must never mistake another change's
 * releases (or a version it left stranded) for its own. The ledger records, per attempt, the
 * change it meant to leave live and its label; the newest such record of this rollout must match.
 * @throws ValidationError naming the rollout id when it does not.
 */
export function assertSameChange(earlier: readonly LedgerEntry[], job: TargetJob): void {
  const recorded = earlier.find((e) => e.kind === 'release' && e.snapshotAfter !== undefined);
  if (!recorded) return;
  const sameChange = isDeepStrictEqual(plain(recorded.snapshotAfter), plain(snapshotOfChanges(job.changes)));
  if (sameChange && (recorded.label ?? undefined) === job.label) return;
  throw new ValidationError(
    `Rollout "${job.rolloutId}" already ran another change or label on agent ${job.agentId} (tenant ${job.tenant}), and a rollout id is bound to its plan's change. Give the new change a new rollout id, or run the original plan again to resume it; nothing was sent.`,
  );
}

/**
 * Whether the agent's live configuration already holds every field of `changes` this vendor
 * reads (other vendors' `providerOptions` are ignored, as the adapter ignores them). False when
 * the vendor cannot say (no `readConfig`): the caller then releases, which answers `unchanged`.
 */
export async function isLive(
  releaser: AgentReleaser,
  agentId: string,
  changes: AgentChanges,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!releaser.readConfig) return false;
  return changesHold(await releaser.readConfig(agentId, { signal }), changes, releaser.provider);
}

// Stores hand back JSON; compare as JSON, so key order and prototypes do not count.
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
