/**
 * v1 publish: skip an empty draft (diff `hasChanges: false` → `unchanged`, draft discarded),
 * else publish it as a new, inactive version, exactly once even when an answer is lost.
 */
import { ConflictError, type PublishOutcome } from '@agent-release/core';
import { type HttpClient, pathOf, publishExactlyOnce } from '@agent-release/core/provider';
import type { AtomsVersionRow } from '../shared/api.js';
import { isErrorCode, isLostWrite } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { PublishTarget } from '../shared/input.js';
import { type AtomsReleaserDeps, discardEmptyDraft } from '../shared/requests.js';
import { draftDiffResponseSchema, publishResponseSchema } from './api.js';
import { toVersionInfo } from './mapping.js';
import { getDraft, listVersionRows, serverTime } from './requests.js';

/**
 * Where reconciliation of a lost publish starts looking ("ours is newer than this"):
 * - `since`: the server's creation time of the draft (from the fork answer or the draft read
 *   `editDraft` made). Our version was published after the draft existed, so its server-side
 *   `publishedAt` (else `createdAt`) is at or after it. Both are server clocks: no skew.
 * - `mark`: when the draft's creation time is unknown (a hand-built `DraftRef`), the newest
 *   version read just before the POST (one `GET .../versions?limit=1`).
 */
type ReconcileFloor =
  | { kind: 'since'; since: number }
  | { kind: 'mark'; mark: { id: string; number: number | undefined } | undefined };

interface PublishContext {
  agentId: string;
  draftId: string;
  source: string | undefined;
  floor: ReconcileFloor;
  body: { label?: string; description?: string };
  signal: AbortSignal | undefined;
}

// How far back reconciliation looks for the version a lost publish created (newest first).
const RECONCILE_PAGE_SIZE = 20;
const RECONCILE_MAX_PAGES = 5;

/** Publishes a v1 draft (see the file comment). */
export async function publishV1(
  deps: AtomsReleaserDeps,
  target: PublishTarget,
  signal: AbortSignal | undefined,
): Promise<PublishOutcome> {
  const { http, logger } = deps;
  const { agentId, draftId } = target;
  // No compareTo: the draft is compared with its source version.
  const { data: diff } = await http.request({
    operation: 'diffDraft',
    method: 'GET',
    path: pathOf`/agent/${agentId}/drafts/${draftId}/diff`,
    schema: draftDiffResponseSchema,
    signal,
  });
  if (!diff.data.hasChanges) {
    await discardEmptyDraft(
      http,
      logger,
      pathOf`/agent/${agentId}/drafts/${draftId}`,
      { agentId, draftId },
      signal,
    );
    logger.info('atoms draft had no changes; discarded', { provider: ATOMS_PROVIDER, agentId, draftId });
    return { status: 'unchanged', reason: 'no-changes' };
  }
  // What reconciliation needs, known before the write (see ReconcileFloor).
  let source = target.baseVersionId;
  let since = serverTime(target.draftCreatedAt);
  if (source === undefined) {
    const row = await getDraft(http, agentId, draftId, signal);
    source = row.sourceVersionId ?? undefined;
    since ??= serverTime(row.createdAt);
  }
  const floor: ReconcileFloor =
    since !== undefined
      ? { kind: 'since', since }
      : { kind: 'mark', mark: await newestVersion(http, agentId, signal) };
  const ctx: PublishContext = { agentId, draftId, source, floor, body: target.body, signal };

  // Publishing consumes the draft, so after a lost answer the draft tells what happened: gone →
  // applied (find the version it made), still open → not applied (re-send once), gone without a
  // version → someone discarded it (Conflict). A 404 to the re-send means the first one landed.
  const { value, how } = await publishExactlyOnce<AtomsVersionRow>({
    send: async () => {
      const { data } = await http.request({
        operation: 'publish',
        method: 'POST',
        path: pathOf`/agent/${agentId}/drafts/${draftId}/publish`,
        body: target.body,
        schema: publishResponseSchema,
        idempotent: false,
        signal,
      });
      return data.data;
    },
    mayHaveApplied: (error, attempt) =>
      isLostWrite(error) || (attempt === 2 && isErrorCode(error, 'NOT_FOUND')),
    onPossiblyApplied: (error) =>
      logger.warn('atoms publish answer lost; reconciling before any re-send', {
        provider: ATOMS_PROVIDER,
        agentId,
        draftId,
        code: isErrorCode(error, 'NOT_FOUND') ? 'NOT_FOUND' : 'PROVIDER_UNAVAILABLE',
      }),
    reconcile: async (cause) => {
      try {
        await getDraft(http, agentId, draftId, signal);
        return { kind: 'not-applied' };
      } catch (error) {
        if (!isErrorCode(error, 'NOT_FOUND')) throw error;
      }
      const version = await findVersionPublishedSince(deps, ctx);
      if (version !== undefined) return { kind: 'applied', value: version };
      throw new ConflictError(
        `${ATOMS_PROVIDER} publish: the answer was lost and draft ${draftId} no longer exists, but no version published from it was found; it may have been discarded by someone else. Nothing was released.`,
        { provider: ATOMS_PROVIDER, operation: 'publish', cause, details: { agentId, draftId } },
      );
    },
  });
  const version = toVersionInfo(agentId, value, false);
  logger.info('atoms version published', {
    provider: ATOMS_PROVIDER,
    agentId,
    draftId,
    versionId: version.id,
    versionNumber: version.number,
    how,
  });
  return { status: 'published', version };
}

async function newestVersion(http: HttpClient, agentId: string, signal: AbortSignal | undefined) {
  const { versions } = await listVersionRows(http, agentId, { limit: 1, skip: 0 }, signal);
  const newest = versions[0];
  return newest ? { id: newest._id, number: newest.versionNumber ?? undefined } : undefined;
}

/**
 * The newest version at or after the floor that was published from `source` (and has our
 * label). Versions come newest first, so the scan stops at the first one below the floor. With a
 * time floor, a row without a readable time cannot be shown to be ours and is skipped (at worst a
 * Conflict is reported; never an older version as ours). Several candidates (a concurrent
 * publish from the same source, no label to tell them apart): the newest, with a warning.
 */
async function findVersionPublishedSince(
  deps: AtomsReleaserDeps,
  ctx: PublishContext,
): Promise<AtomsVersionRow | undefined> {
  const { agentId, source, floor, body, signal } = ctx;
  const candidates: AtomsVersionRow[] = [];
  scan: for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
    const { versions } = await listVersionRows(
      deps.http,
      agentId,
      { limit: RECONCILE_PAGE_SIZE, skip: page * RECONCILE_PAGE_SIZE },
      signal,
    );
    for (const row of versions) {
      if (floor.kind === 'since') {
        const at = serverTime(row.publishedAt) ?? serverTime(row.createdAt);
        if (at === undefined) continue;
        if (at < floor.since) break scan;
      } else {
        const { mark } = floor;
        const older =
          mark !== undefined &&
          (row._id === mark.id ||
            (mark.number !== undefined &&
              typeof row.versionNumber === 'number' &&
              row.versionNumber <= mark.number));
        if (older) break scan;
      }
      const sameSource = source === undefined || row.sourceVersionId === source;
      const sameLabel = body.label === undefined || row.label === body.label;
      if (sameSource && sameLabel) candidates.push(row);
    }
    if (versions.length < RECONCILE_PAGE_SIZE) break;
  }
  if (candidates.length > 1) {
    deps.logger.warn('atoms publish reconciliation found several candidate versions; taking the newest', {
      provider: ATOMS_PROVIDER,
      agentId,
      draftId: ctx.draftId,
      candidates: candidates.map((c) => c._id),
    });
  }
  return candidates[0];
}
