import { type AgentReleaser, type LedgerEntry, rollback } from '@agent-release/core';
import type { JobOutcome, TargetJob, TargetTaskDeps } from './target-job.js';

const SUCCESS = new Set(['released', 'rolled-back']);
// A crashed attempt: still `running`, or settled as `abandoned` by the next holder of the lease.
const UNFINISHED = new Set(['running', 'abandoned']);

/**
 * Undoes this rollout's change to one agent, once, after a halt. The ledger tells whether the
 * rollout changed the agent (a `released` attempt, or a crashed one re-checked as `unchanged`),
 * what was live before its first attempt, and whether anyone released the agent since (then it is
 * left alone and reported as `rollback-failed`). Repeating it does no harm: it aims at the version
 * that was live before, or sees that the re-publish already happened.
 */
export async function rollbackOnce(
  deps: TargetTaskDeps,
  releaser: AgentReleaser,
  job: TargetJob,
  signal: AbortSignal | undefined,
): Promise<JobOutcome> {
  const history = await deps.ledger.history({
    agentId: job.agentId,
    tenant: job.tenant,
    provider: releaser.provider,
    limit: 200,
  });
  const mine = history.filter((e) => e.rolloutId === job.rolloutId && e.kind === 'release');
  const first = mine.at(-1);
  const changed =
    mine.some((e) => e.outcome === 'released') ||
    (mine.some((e) => UNFINISHED.has(e.outcome)) && mine.some((e) => e.outcome === 'unchanged'));
  if (!first || !changed) return { outcome: 'unchanged' };
  const since = history.slice(0, history.indexOf(first));
  if (since.some((e) => e.kind === 'release' && e.rolloutId !== job.rolloutId && e.outcome === 'released')) {
    return failed(
      `Agent ${job.agentId} was released by someone else after this rollout changed it, so it was not rolled back. Check what is live before undoing it by hand.`,
    );
  }
  const options = {
    ledger: deps.ledger,
    lock: deps.lock,
    tenant: job.tenant,
    actor: deps.actor ?? `rollout:${job.rolloutId}`,
    // Filed under the rollout it undoes, next to its releases.
    rolloutId: job.rolloutId,
    maxWaitMs: job.maxWaitMs,
    signal,
  };
  if (releaser.capabilities.rollback !== 'none' && first.versionBefore) {
    // The exact version this rollout replaced: repeating the rollback cannot go back too far.
    const result = await rollback(releaser, job.agentId, { to: first.versionBefore }, options);
    return { outcome: 'rolled-back', versionId: result.version?.id };
  }
  // Without version history, core re-publishes what the newest finished release replaced.
  const newest = [...since, first].find((e) => SUCCESS.has(e.outcome)) as LedgerEntry | undefined;
  if (newest?.kind === 'rollback') return { outcome: 'rolled-back', versionId: newest.versionAfter };
  if (newest?.rolloutId !== job.rolloutId) {
    return failed(
      `This rollout's release of agent ${job.agentId} was interrupted and re-checked, so the ledger has no finished record of what it replaced; restore it by hand from the ledger entry's snapshotBefore.`,
    );
  }
  const result = await rollback(releaser, job.agentId, { to: 'previous' }, options);
  return { outcome: 'rolled-back', versionId: result.version?.id };
}

function failed(message: string): JobOutcome {
  return { outcome: 'rollback-failed', error: { code: 'CONFLICT', message } };
}
