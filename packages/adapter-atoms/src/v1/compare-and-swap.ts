/**
 * Atoms v1 has no compare-and-swap on activation, so two writers that forked the same version
 * could both succeed with one change gone. A version this releaser published is activated only
 * while its base is still live (else the change is rebased: forked again from what is live,
 * re-applied, published), and after activating, a version that went live in between is
 * detected: it is restored and the activation fails with a `ConflictError` naming both.
 * Of two activations that both passed their base check, the earlier one (server time, see
 * {@link wentLiveFirst}) wins and the later one restores it, so exactly one of them goes on;
 * the winner's confirm waits for that restore (`settle.ts`) instead of failing too.
 */
import { ConflictError, type VersionInfo } from '@agent-release/core';
import type { AtomsChangeSet } from '../shared/changes.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { toVersionInfo } from './mapping.js';
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

/** What decides a race between two activations: server times, so both writers read the same. */
type Contender = Pick<VersionInfo, 'id' | 'createdAt' | 'activatedAt'>;

/**
 * Whether `a` went live before `b`: by server activation time, a tie broken by publish time and
 * then by id, so two writers that read the same rows reach the same decision. Unknown when a
 * time is unreadable.
 */
export function wentLiveFirst(a: Contender, b: Contender): boolean | undefined {
  const keys = (v: Contender) => [serverTime(v.activatedAt), serverTime(v.createdAt)];
  const [aAt, aPub] = keys(a);
  const [bAt, bPub] = keys(b);
  if (aAt === undefined || bAt === undefined) return undefined;
  if (aAt !== bAt) return aAt < bAt;
  if (aPub !== undefined && bPub !== undefined && aPub !== bPub) return aPub < bPub;
  return a.id < b.id;
}

/**
 * Whether activating `loser` overwrote `winner`: `winner` went live after `loser` was published
 * (so after `loser`'s base check could see it) and before `loser` went live. Of two concurrent
 * activations the earlier one wins: its writer may already have told its caller so, while the
 * later one's writer is still checking. The loser restores the winner and fails.
 */
export function overwrote(loser: Contender, winner: Contender): boolean {
  const publishedAt = serverTime(loser.createdAt);
  const winnerAt = serverTime(winner.activatedAt);
  if (publishedAt === undefined || winnerAt === undefined || winnerAt <= publishedAt) return false;
  return wentLiveFirst(winner, loser) === true;
}

/**
 * After `ours` was activated: a version other than ours and its base that {@link overwrote}
 * says ours overwrote is restored (the first to go live, if several), and the activation fails
 * naming both.
 */
export async function restoreIfOverwritten(
  deps: AtomsReleaserDeps,
  agentId: string,
  ours: VersionInfo,
  base: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (serverTime(ours.createdAt) === undefined || serverTime(ours.activatedAt) === undefined) return;
  const { versions } = await listVersionRows(deps.http, agentId, { limit: RECENT, skip: 0 }, signal);
  const intruder = versions
    .filter((row) => row._id !== ours.id && row._id !== base)
    .map((row) => toVersionInfo(agentId, row))
    .filter((other) => overwrote(ours, other))
    .reduce<VersionInfo | undefined>(
      (first, other) => (first === undefined || wentLiveFirst(other, first) ? other : first),
      undefined,
    );
  if (intruder === undefined) return;
  await activateVersion(deps.http, agentId, intruder.id, AbortSignal.timeout(15_000));
  deps.logger.warn('atoms v1 concurrent activation detected; restored the other version', {
    provider: ATOMS_PROVIDER,
    agentId,
    ours: ours.id,
    restored: intruder.id,
  });
  throw new ConflictError(
    `${ATOMS_PROVIDER} activate: version ${intruder.id} went live while version ${ours.id} was being activated; both were made from ${base}, so ours would have dropped its change. ${intruder.id} was made live again and ${ours.id} is not live: release again to build on it.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'activate',
      details: { agentId, versionId: ours.id, concurrentVersionId: intruder.id, base, live: intruder.id },
    },
  );
}
