import {
  type AgentReleaser,
  type LedgerEntry,
  type ReleaserCapabilities,
  release,
  rollback,
  type VersionInfo,
} from '@agent-release/core';
import { assertSameChange, earlierAttempts, isLive } from './change-binding.js';
import type { JobOutcome, TargetJob, TargetTaskDeps } from './target-job.js';

const DONE = new Set(['released', 'unchanged']);

/**
 * Releases one target exactly once per rollout. The ledger says what earlier runs did, after
 * checking that they ran the same change (a rollout id is bound to its change, see
 * `assertSameChange`):
 * - a finished `released`/`unchanged` attempt of this rollout: skipped if the change is still
 *   live (one read); otherwise (rolled back since, or changed by someone) released again;
 * - a `running` attempt (one that crashed, or still runs elsewhere: the lease orders this one after
 *   it) or a `failed` one: where a published version can wait to go live (see `canStrand`), a
 *   crash or failure in between strands it, and it is made live instead of publishing a second one
 *   (never one whose check failed). Then the change is released again, which answers `unchanged`
 *   without a new version when it is already live.
 */
export async function releaseOnce(
  deps: TargetTaskDeps,
  releaser: AgentReleaser,
  job: TargetJob,
  signal: AbortSignal | undefined,
): Promise<JobOutcome> {
  const earlier = await earlierAttempts(deps.ledger, releaser.provider, job);
  assertSameChange(earlier, job);
  const done = earlier.find((e) => e.kind === 'release' && DONE.has(e.outcome));
  if (done && (await isLive(releaser, job.agentId, job.changes, signal))) {
    return { outcome: 'skipped', versionId: done.versionAfter };
  }
  // The newest attempt, if it crashed (`running`, or `abandoned` once settled) or failed: it may
  // have left a version published.
  const latest = earlier.find((e) => e.kind === 'release');
  const crashed = latest && ['running', 'abandoned', 'failed'].includes(latest.outcome) ? latest : undefined;
  const common = {
    ledger: deps.ledger,
    lock: deps.lock,
    tenant: job.tenant,
    actor: deps.actor ?? `rollout:${job.rolloutId}`,
    maxWaitMs: job.maxWaitMs,
    signal,
  };
  if (crashed) {
    const stranded = await strandedVersion(releaser, job, crashed, signal);
    // rollback() to a named version is core's one way to make an existing version live under the lease.
    if (stranded) {
      await rollback(releaser, job.agentId, { to: stranded.id }, { ...common, rolloutId: job.rolloutId });
    }
  }
  const result = await release(releaser, job.agentId, job.changes, {
    ...common,
    rolloutId: job.rolloutId,
    label: job.label,
    description: job.description,
  });
  // Without a way to read what is live, release() told: an earlier run's change still holds.
  const outcome = done && result.status === 'unchanged' ? 'skipped' : result.status;
  return {
    outcome,
    versionId: result.version?.id ?? (outcome === 'skipped' ? done?.versionAfter : undefined),
  };
}

/**
 * Whether a published version can be left not live: with explicit activation, and also where
 * publishing makes the change live only after a vendor check (an `on-publish` adapter that
 * publishes, waits for the check, then activates — Atoms `auto` on a v1 agent). A crash during
 * that wait leaves the version published but not live, whatever the activation model says.
 */
function canStrand(capabilities: ReleaserCapabilities): boolean {
  return capabilities.activation === 'explicit' || capabilities.publishGate !== 'none';
}

/**
 * The version a crashed attempt published but never made live: newer than what was live when it
 * began, still not live, its check not failed, and carrying the rollout's label (or, without a
 * label, the only such version of an attempt whose record shows it published). Only while nothing
 * else went live since.
 */
async function strandedVersion(
  releaser: AgentReleaser,
  job: TargetJob,
  crashed: LedgerEntry,
  signal: AbortSignal | undefined,
): Promise<VersionInfo | undefined> {
  if (!canStrand(releaser.capabilities) || !releaser.listVersions || !crashed.versionBefore) {
    return undefined;
  }
  // A version of someone else's (waiting for review, say) must never be made live on a guess:
  // adopt one only with evidence that the crashed attempt published — its label, or, for an
  // attempt that finished as failed, a publish step in its record.
  const publishedPerRecord = crashed.steps.some((step) => step.name === 'publish');
  if (crashed.outcome === 'failed' && !publishedPerRecord) return undefined;
  if (job.label === undefined && !publishedPerRecord) return undefined;
  const versions = await releaser.listVersions(job.agentId, { limit: 50, signal });
  const before = versions.findIndex((v) => v.id === crashed.versionBefore);
  if (before < 0 || !versions[before]?.isActive) return undefined;
  const candidates = versions
    .slice(0, before)
    .filter((v) => !v.isActive && v.gate?.status !== 'failed')
    .filter((v) => job.label === undefined || v.label === job.label);
  return job.label !== undefined || candidates.length === 1 ? candidates[0] : undefined;
}
