/**
 * v2 publish: commit the branch's draft as a revision (200 at once, or 202 while a security scan
 * runs, waited for), exactly once even when an answer is lost.
 */
import {
  AbortedError,
  ConflictError,
  type GateProgress,
  isAgentReleaseError,
  type PublishGateInfo,
  type PublishOutcome,
  SecurityCheckFailedError,
  UnexpectedResponseError,
} from '@agent-release/core';
import {
  type Reconciled as CoreReconciled,
  pathOf,
  publishExactlyOnce as publishExactlyOnceCore,
} from '@agent-release/core/provider';
import { DraftConflictError, errorTypeOfError, isErrorCode, isLostWrite } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { PublishTarget } from '../shared/input.js';
import { discardEmptyDraft } from '../shared/requests.js';
import { gateOf } from '../shared/security-check.js';
import { type AtomsBranchSummaryRow, type AtomsRevisionRow, publishResultResponseSchema } from './api.js';
import { PUBLISH_IN_PROGRESS } from './errors.js';
import {
  baseRevisionOf,
  diffHasChanges,
  hasOpenDraft,
  revisionToVersionInfo,
  scanStateOf,
} from './mapping.js';
import {
  diffDraft,
  getBranch,
  getBranchDraft,
  getRevision,
  listBranches,
  target,
  type V2Context,
} from './requests.js';
import { awaitScan } from './scan.js';
import { settleArmedPublish, settledFacts, settledSentence } from './settle.js';

/** Where a publish (or restore) commits, and what reconciliation needs to recognise it. */
export interface PublishContext {
  agentId: string;
  branchId: string;
  /** The draft being published (`openDraftId`), for messages and logs. */
  draftId: string;
  /** The branch head before the write: a head that moved since is the new revision. */
  preHead: string | undefined;
  /** Whether the branch was live when published: the new revision then serves at once. */
  isLive: boolean;
  label: string | undefined;
  signal: AbortSignal | undefined;
  /** The caller's bound on waiting for the scan (else the releaser's). */
  maxWaitMs?: number | undefined;
  onGateProgress?: ((progress: GateProgress) => void) | undefined;
}

type Reconciled =
  | { kind: 'committed'; row: AtomsRevisionRow }
  | { kind: 'scanning'; rowId: string }
  | { kind: 'failed'; row: AtomsRevisionRow; gate: PublishGateInfo }
  | { kind: 'not-applied' }
  | { kind: 'missing' };

/**
 * Publishes the branch's draft. Nothing written by `editDraft`, or a draft that does not differ
 * from its base (`GET /diff`), is `unchanged` (the empty draft is discarded). Otherwise
 * `POST .../draft/publish`: 200 is committed at once; 202 means a scan runs, which is waited
 * for (the scan's `securityCheck`, with the releaser's security-check delays and deadline).
 * Aborting or reaching the deadline cancels the publish, so nothing goes live behind the
 * caller's back. A lost answer is reconciled before anything is re-sent.
 */
export async function publish(
  ctx: V2Context,
  draft: PublishTarget,
  signal: AbortSignal | undefined,
  onGateProgress?: ((progress: GateProgress) => void) | undefined,
): Promise<PublishOutcome> {
  const { agentId, body } = draft;
  if (draft.edited === false) {
    // A release publishes what it wrote, never a draft others left open on the branch.
    ctx.logger.info('atoms nothing was written to the draft; nothing to publish', {
      provider: ATOMS_PROVIDER,
      apiGeneration: 'v2',
      agentId,
      draftId: draft.draftId,
    });
    return { status: 'unchanged', reason: 'no-changes' };
  }
  const summary =
    draft.branchId !== undefined
      ? await getBranch(ctx, agentId, draft.branchId, signal)
      : target(agentId, await listBranches(ctx, agentId, signal), draft.draftId, 'publish');
  const branchId = summary.branch._id;
  const openDraftId = summary.branch.openDraftId ?? undefined;
  const ours =
    hasOpenDraft(summary) &&
    (openDraftId === undefined ||
      draft.draftId === branchId ||
      draft.draftId === openDraftId ||
      // Nothing documents which id of the draft row `openDraftId` holds: accept either.
      draft.draftRowId === openDraftId);
  if (!ours) return draftNoLongerOpen(ctx, draft, summary, signal);

  const base = baseRevisionOf(summary);
  if (base !== undefined) {
    if (!diffHasChanges(await diffDraft(ctx, agentId, branchId, base, signal))) {
      await discardEmptyDraft(
        ctx.http,
        ctx.logger,
        pathOf`/agent/${agentId}/branches/${branchId}/draft`,
        { agentId, branchId },
        signal,
      );
      ctx.logger.info('atoms draft had no changes; discarded', {
        provider: ATOMS_PROVIDER,
        apiGeneration: 'v2',
        agentId,
        branchId,
      });
      return { status: 'unchanged', reason: 'no-changes' };
    }
  }
  if (body.description !== undefined) {
    ctx.logger.debug('atoms v2 revisions have no description; not sent', {
      provider: ATOMS_PROVIDER,
      agentId,
      branchId,
    });
  }
  return publishExactlyOnce(ctx, {
    agentId,
    branchId,
    draftId: openDraftId ?? draft.draftId,
    preHead: summary.branch.headRevisionId ?? undefined,
    isLive: summary.isLive,
    label: body.label,
    signal,
    maxWaitMs: draft.maxWaitMs,
    onGateProgress,
  });
}

/** Our draft is not the branch's open draft any more: published already, or gone. */
export async function draftNoLongerOpen(
  ctx: V2Context,
  draft: PublishTarget,
  summary: AtomsBranchSummaryRow,
  signal: AbortSignal | undefined,
): Promise<PublishOutcome> {
  const { agentId, draftId } = draft;
  const branchId = summary.branch._id;
  const head = summary.branch.headRevisionId ?? undefined;
  if (head !== undefined) {
    const row = await getRevision(ctx, agentId, branchId, head, signal);
    // A publish of this very draft already committed (a repeated publish call).
    if (row.sourceDraftId === draftId) {
      return published(
        ctx,
        {
          agentId,
          branchId,
          draftId,
          preHead: undefined,
          isLive: summary.isLive,
          label: undefined,
          signal,
        },
        row,
        'already-committed',
      );
    }
  }
  throw new ConflictError(
    `${ATOMS_PROVIDER} publish: draft ${draftId} is no longer the open draft of branch ${branchId}: it was published or discarded by someone else. Nothing was released; edit again (calling release again does).`,
    { provider: ATOMS_PROVIDER, operation: 'publish', details: { agentId, branchId, draftId } },
  );
}

/**
 * Publishes so that at most one revision results, even when an answer is lost. After a lost
 * answer the branch tells what happened before anything is re-sent:
 * - the head moved: the publish committed; the new head is ours;
 * - the draft has an armed publish (`pendingPublish.state: active`): it is scanning; wait;
 * - the draft's scan failed: `SecurityCheckFailedError`;
 * - the draft is open and not armed: nothing happened, re-send once (a 409
 *   `publish_in_progress` then means the first did land: wait for it);
 * - no draft and no new head: someone discarded it (`ConflictError`).
 */
export async function publishExactlyOnce(ctx: V2Context, pub: PublishContext): Promise<PublishOutcome> {
  const { agentId, branchId, signal } = pub;
  const toOutcome = async (
    reconciled: Reconciled,
    cause: unknown,
  ): Promise<CoreReconciled<PublishOutcome>> => {
    switch (reconciled.kind) {
      case 'committed':
        return { kind: 'applied', value: published(ctx, pub, reconciled.row, 'reconciled') };
      case 'scanning':
        return {
          kind: 'applied',
          value: published(ctx, pub, await awaitScan(ctx, pub, reconciled.rowId, true), 'scanned'),
        };
      case 'failed':
        throw scanFailed(pub, reconciled.row._id, reconciled.gate);
      case 'missing':
        throw new ConflictError(
          `${ATOMS_PROVIDER} publish: the answer was lost and the draft of branch ${branchId} no longer exists, but no revision was committed from it; it may have been discarded by someone else. Nothing was released.`,
          { provider: ATOMS_PROVIDER, operation: 'publish', cause, details: { agentId, branchId } },
        );
      default:
        return { kind: 'not-applied' };
    }
  };
  try {
    const { value } = await publishExactlyOnceCore<PublishOutcome>({
      send: async (attempt) => {
        const response = await ctx.http
          .request({
            operation: 'publish',
            method: 'POST',
            path: pathOf`/agent/${agentId}/branches/${branchId}/draft/publish`,
            body: pub.label !== undefined ? { label: pub.label } : {},
            schema: publishResultResponseSchema,
            // Never re-sent by the HTTP layer after it may have reached Atoms: see above.
            idempotent: false,
            signal,
          })
          .catch(async (error: unknown) => {
            throw await explainRefusal(ctx, pub, error);
          });
        return afterPublish(ctx, pub, response.data.data, attempt === 1 ? 'direct' : 'resent');
      },
      // Only one publish runs per branch: after a re-send, "in progress" (or the draft gone)
      // means the first one landed.
      mayHaveApplied: (error, attempt) =>
        isLostWrite(error) ||
        (attempt === 2 &&
          (isErrorCode(error, 'NOT_FOUND') ||
            (isErrorCode(error, 'CONFLICT') && errorTypeOfError(error) === PUBLISH_IN_PROGRESS))),
      onPossiblyApplied: (error) =>
        ctx.logger.warn('atoms publish answer lost; reconciling before any re-send', {
          provider: ATOMS_PROVIDER,
          apiGeneration: 'v2',
          agentId,
          branchId,
          code: isAgentReleaseError(error) ? error.code : 'error',
        }),
      reconcile: async (cause) => toOutcome(await reconcilePublish(ctx, pub), cause),
    });
    return value;
  } catch (error) {
    // An abort while the POST was in flight: the publish may be armed. Errors from the scan wait
    // carry what settling found already (`details.live`).
    if (!signal?.aborted || (isAgentReleaseError(error) && error.details?.live !== undefined)) throw error;
    const settled = await settleArmedPublish(ctx, pub);
    throw new AbortedError(`${ATOMS_PROVIDER} publish was aborted. ${settledSentence(settled, branchId)}`, {
      provider: ATOMS_PROVIDER,
      operation: 'publish',
      details: { agentId, branchId, ...settledFacts(settled) },
    });
  }
}

/**
 * A 409 to a publish whose text did not say why (no `error_type` for it is documented): the
 * draft row's `securityCheck` decides. Failed → `SecurityCheckFailedError` with its reason;
 * otherwise Atoms' own refusal (a `ConflictError` quoting it) stands.
 */
async function explainRefusal(ctx: V2Context, pub: PublishContext, error: unknown): Promise<unknown> {
  if (
    !isAgentReleaseError(error) ||
    error.code !== 'CONFLICT' ||
    error.status !== 409 ||
    errorTypeOfError(error) === PUBLISH_IN_PROGRESS ||
    error instanceof DraftConflictError
  ) {
    return error;
  }
  try {
    const latest = await getBranchDraft(ctx, pub.agentId, pub.branchId, pub.signal);
    const gate = gateOf(latest);
    return gate?.status === 'failed' ? scanFailed(pub, latest._id, gate) : error;
  } catch {
    return error;
  }
}

/** 200 `committed` carries the revision; 202 `scanning` has none: wait for the scan. */
export async function afterPublish(
  ctx: V2Context,
  pub: PublishContext,
  result: { state: string; revision?: AtomsRevisionRow | null | undefined },
  how: string,
): Promise<PublishOutcome> {
  if (result.state === 'committed' && result.revision) return published(ctx, pub, result.revision, how);
  if (result.state === 'scanning') {
    return published(ctx, pub, await awaitScan(ctx, pub, undefined, true), 'scanned');
  }
  throw new UnexpectedResponseError(
    `${ATOMS_PROVIDER} publish: unexpected publish result state "${result.state}"${result.state === 'committed' ? ' without a revision' : ''}`,
    { provider: ATOMS_PROVIDER, operation: 'publish', field: 'data.state' },
  );
}

export async function reconcilePublish(ctx: V2Context, pub: PublishContext): Promise<Reconciled> {
  const { agentId, branchId, signal } = pub;
  const summary = await getBranch(ctx, agentId, branchId, signal);
  const head = summary.branch.headRevisionId ?? undefined;
  if (head !== undefined && head !== pub.preHead) {
    return { kind: 'committed', row: await getRevision(ctx, agentId, branchId, head, signal) };
  }
  if (!hasOpenDraft(summary)) return { kind: 'missing' };
  let latest: AtomsRevisionRow;
  try {
    latest = await getBranchDraft(ctx, agentId, branchId, signal);
  } catch (error) {
    if (isErrorCode(error, 'NOT_FOUND')) return { kind: 'missing' };
    throw error;
  }
  if (latest.pendingPublish?.state === 'active') return { kind: 'scanning', rowId: latest._id };
  const state = scanStateOf(latest);
  if (state.kind === 'failed') return { kind: 'failed', row: latest, gate: state.gate };
  return { kind: 'not-applied' };
}

export function published(
  ctx: V2Context,
  pub: PublishContext,
  row: AtomsRevisionRow,
  how: string,
): PublishOutcome {
  const version = revisionToVersionInfo(pub.agentId, row, pub.isLive);
  ctx.branchOfRevision.set(row._id, pub.branchId);
  if (pub.isLive) ctx.justPublished.set(pub.agentId, version);
  ctx.logger.info('atoms revision published', {
    provider: ATOMS_PROVIDER,
    apiGeneration: 'v2',
    agentId: pub.agentId,
    branchId: pub.branchId,
    revisionId: version.id,
    revisionNumber: version.number,
    live: pub.isLive,
    how,
  });
  return { status: 'published', version };
}

export function scanFailed(
  pub: PublishContext,
  rowId: string | undefined,
  gate: PublishGateInfo,
): SecurityCheckFailedError {
  return new SecurityCheckFailedError(
    `${ATOMS_PROVIDER} publish: the draft of branch ${pub.branchId} failed its security scan (${gate.raw ?? 'failed'})${gate.reason ? `: ${gate.reason}` : ''}. Nothing was committed; the draft stays open with the rejected content: change it (release again with a fixed configuration) or discard it.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'publish',
      ...(rowId !== undefined ? { versionId: rowId } : {}),
      checkStatus: gate.raw ?? 'failed',
      ...(gate.reason !== undefined ? { reason: gate.reason } : {}),
      details: { agentId: pub.agentId, branchId: pub.branchId },
    },
  );
}
