/**
 * Atoms v1 has no compare-and-swap on activation, so two writers that forked the same version
 * could both succeed with one change gone. A version this releaser published is activated only
 * while its base is still live (else the change is rebased: forked again from what is live,
 * re-applied, published), and after activating, a version that went live in between is
 * detected: it is restored and the activation fails with a `ConflictError` naming both.
 */
import { ConflictError, type VersionInfo } from '@agent-release/core';
import type { AtomsChangeSet } from '../shared/changes.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { activateVersion, listVersionRows, serverTime } from './requests.js';

/** What a published version was made from, to check its base and to rebase it. */
export interface PublishedPlan {
  /** The version the draft was forked from. */
  base: string;
  /** The edits applied to the draft, in order. */
  edits: readonly AtomsChangeSet[];
  body: { label?: string; description?: string };
  /** When the publish answered (this releaser's clock): the security check started then. */
  publishedAt: number;
}

/** The live version moved off the base before activation: the change must be rebased. */
export class LiveMovedError extends ConflictError {
  readonly live: string | undefined;
  constructor(versionId: string, base: string, live: string | undefined) {
    super(
      `${ATOMS_PROVIDER} activate: version ${versionId} was made from ${base}, but ${live ?? 'no version'} is live now; activating it would drop that change. Release again to build on what is live.`,
      { provider: ATOMS_PROVIDER, operation: 'activate', details: { versionId, base, live } },
    );
    this.live = live;
  }
}

/** Throws {@link LiveMovedError} unless `base` (or the version itself) is live. */
export async function assertBaseLive(
  deps: AtomsReleaserDeps,
  agentId: string,
  versionId: string,
  base: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const agent = await getAtomsAgent(deps.http, agentId, {}, signal);
  const live = agent.activeVersionId ?? agent.versionId ?? undefined;
  if (live !== base && live !== versionId) throw new LiveMovedError(versionId, base, live);
}

// How many recent versions are looked at for one that went live in between.
const RECENT = 10;

/**
 * After `ours` was activated: a version other than ours and its base, activated after ours was
 * published (so after the base check) and no later than ours, went live in between and was
 * replaced by ours. It is restored, and the activation fails naming both.
 */
export async function restoreIfOverwritten(
  deps: AtomsReleaserDeps,
  agentId: string,
  ours: VersionInfo,
  base: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const publishedAt = serverTime(ours.createdAt);
  const activatedAt = serverTime(ours.activatedAt);
  if (publishedAt === undefined || activatedAt === undefined) return;
  const { versions } = await listVersionRows(deps.http, agentId, { limit: RECENT, skip: 0 }, signal);
  const intruder = versions.find((row) => {
    if (row._id === ours.id || row._id === base) return false;
    const at = serverTime(row.activatedAt);
    return at !== undefined && at > publishedAt && at <= activatedAt;
  });
  if (intruder === undefined) return;
  await activateVersion(deps.http, agentId, intruder._id, AbortSignal.timeout(15_000));
  deps.logger.warn('atoms v1 concurrent activation detected; restored the other version', {
    provider: ATOMS_PROVIDER,
    agentId,
    ours: ours.id,
    restored: intruder._id,
  });
  throw new ConflictError(
    `${ATOMS_PROVIDER} activate: version ${intruder._id} went live while version ${ours.id} was being activated; both were made from ${base}, so ours would have dropped its change. ${intruder._id} was made live again and ${ours.id} is not live: release again to build on it.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'activate',
      details: { agentId, versionId: ours.id, concurrentVersionId: intruder._id, base, live: intruder._id },
    },
  );
}
