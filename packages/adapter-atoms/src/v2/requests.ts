/**
 * The v2 (branch model) reads and small writes, as plain functions over the releaser's context.
 */
import { ConflictError, isAgentReleaseError, NotFoundError, type VersionInfo } from '@agent-release/core';
import { BoundedMap, pathOf } from '@agent-release/core/provider';
import { isErrorCode } from '../shared/errors.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import type { AtomsReleaserDeps } from '../shared/requests.js';
import {
  type AtomsBranchSummaryRow,
  type AtomsRevisionRow,
  branchSummaryResponseSchema,
  diffResponseSchema,
  getBranchDraftResponseSchema,
  getRevisionResponseSchema,
  ignoredResponseSchema,
  listBranchesResponseSchema,
  listRevisionsResponseSchema,
} from './api.js';
import { pickBranch } from './mapping.js';

/** What the v2 functions share: the releaser's deps and its per-agent memory. */
export interface V2Context extends AtomsReleaserDeps {
  /** Revision id → branch id for revisions this releaser saw, to find them again in one read. */
  branchOfRevision: BoundedMap<string, string>;
  /**
   * Per agent, the revision the last `publish` on the live branch made live, so the port's
   * "activate what publish made live" needs no request. Good for that one call only: every other
   * call for the agent forgets it, so any later activate asks Atoms (someone may have replaced it).
   */
  justPublished: BoundedMap<string, VersionInfo>;
}

// Per-agent memory is bounded (see BoundedMap); forgetting only costs a request later.
const MEMORY_MAX = 10_000;

/** A fresh context for one releaser. */
export function v2Context(deps: AtomsReleaserDeps): V2Context {
  return { ...deps, branchOfRevision: new BoundedMap(MEMORY_MAX), justPublished: new BoundedMap(MEMORY_MAX) };
}

/**
 * `details.reason` of the `ConflictError` thrown when an agent has no branches: it is not on the
 * branch model (yet). The `auto` releaser reads it to fall back to v1.
 */
export const NOT_ON_BRANCH_MODEL = 'not-on-branch-model';

// The cancel after an abort or a deadline must not wait on the caller's (fired) signal, but it
// must not hang either: a short deadline of its own, best effort.
const CANCEL_TIMEOUT_MS = 10_000;

/** The agent has no branches: it is on v1 (not migrated yet). */
export function notOnBranchModel(agentId: string, operation: string): ConflictError {
  return new ConflictError(
    `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has no branches, so it is not on the Atoms branch model (versioning v2) yet. Use apiGeneration 'auto' (the default) or 'v1' for it.`,
    { provider: ATOMS_PROVIDER, operation, details: { agentId, reason: NOT_ON_BRANCH_MODEL } },
  );
}

/** Whether `error` says the agent is not on the branch model. */
export function isNotOnBranchModel(error: unknown): boolean {
  return (
    isAgentReleaseError(error) && error.code === 'CONFLICT' && error.details?.reason === NOT_ON_BRANCH_MODEL
  );
}

/** The branch an edit targets, or the typed error saying why there is none. */
export function target(
  agentId: string,
  branches: readonly AtomsBranchSummaryRow[],
  draftId: string | undefined,
  operation: string,
): AtomsBranchSummaryRow {
  if (branches.length === 0) throw notOnBranchModel(agentId, operation);
  const target = pickBranch(branches, draftId);
  if (target !== undefined) return target;
  if (draftId !== undefined) {
    throw new NotFoundError(
      `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has no active branch and no open draft with id ${draftId} (under Atoms versioning v2, draftId names a branch or its open draft)`,
      { provider: ATOMS_PROVIDER, operation, details: { agentId, draftId } },
    );
  }
  throw new ConflictError(
    `${ATOMS_PROVIDER} ${operation}: agent ${agentId} has neither a live nor a default branch`,
    { provider: ATOMS_PROVIDER, operation, details: { agentId } },
  );
}

export async function listBranches(
  ctx: V2Context,
  agentId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsBranchSummaryRow[]> {
  const { data } = await ctx.http.request({
    operation: 'listBranches',
    method: 'GET',
    path: pathOf`/agent/${agentId}/branches`,
    schema: listBranchesResponseSchema,
    signal,
  });
  return data.data.branches;
}

export async function getBranch(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsBranchSummaryRow> {
  const { data } = await ctx.http.request({
    operation: 'getBranch',
    method: 'GET',
    path: pathOf`/agent/${agentId}/branches/${branchId}`,
    schema: branchSummaryResponseSchema,
    signal,
  });
  return data.data;
}

/** The diff of a branch's open draft against `base` (the revision it was opened from). */
export async function diffDraft(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  base: string,
  signal: AbortSignal | undefined,
) {
  const { data } = await ctx.http.request({
    operation: 'diffDraft',
    method: 'GET',
    path: pathOf`/agent/${agentId}/diff`,
    query: { a: `${branchId}:draft`, b: base },
    schema: diffResponseSchema,
    signal,
  });
  return data.data;
}

export async function getBranchDraft(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsRevisionRow> {
  const { data } = await ctx.http.request({
    operation: 'getDraft',
    method: 'GET',
    path: pathOf`/agent/${agentId}/branches/${branchId}/draft`,
    schema: getBranchDraftResponseSchema,
    signal,
  });
  return data.data.latest;
}

export async function getRevision(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  revisionId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsRevisionRow> {
  const { data } = await ctx.http.request({
    operation: 'getRevision',
    method: 'GET',
    path: pathOf`/agent/${agentId}/branches/${branchId}/revisions/${revisionId}`,
    schema: getRevisionResponseSchema,
    signal,
  });
  return data.data.revision;
}

export async function listRevisionRows(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  page: { limit: number; skip: number },
  signal: AbortSignal | undefined,
): Promise<AtomsRevisionRow[]> {
  const { data } = await ctx.http.request({
    operation: 'listRevisions',
    method: 'GET',
    path: pathOf`/agent/${agentId}/branches/${branchId}/revisions`,
    query: { limit: page.limit, skip: page.skip },
    schema: listRevisionsResponseSchema,
    signal,
  });
  return data.data.revisions;
}

export async function makeLive(
  ctx: V2Context,
  agentId: string,
  branchId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await ctx.http.request({
    operation: 'makeLive',
    method: 'POST',
    path: pathOf`/agent/${agentId}/branches/${branchId}/live`,
    schema: branchSummaryResponseSchema,
    // Making the live branch live again changes nothing, so a lost answer is re-sent.
    idempotent: true,
    signal,
  });
}

/** `POST .../draft/publish/cancel`, best effort and idempotent: true when Atoms confirmed it. */
export async function cancelPublish(ctx: V2Context, agentId: string, branchId: string): Promise<boolean> {
  try {
    await ctx.http.request({
      operation: 'cancelPublish',
      method: 'POST',
      path: pathOf`/agent/${agentId}/branches/${branchId}/draft/publish/cancel`,
      schema: ignoredResponseSchema,
      // Documented as idempotent (200 even when nothing is scanning), so it may be re-sent.
      idempotent: true,
      timeoutMs: CANCEL_TIMEOUT_MS,
    });
    ctx.logger.info('atoms publish cancelled', { provider: ATOMS_PROVIDER, agentId, branchId });
    return true;
  } catch (error) {
    ctx.logger.warn('atoms could not cancel the publish; it may still commit', {
      provider: ATOMS_PROVIDER,
      agentId,
      branchId,
      code: isErrorCode(error, 'ABORTED') ? 'ABORTED' : ((error as { code?: string }).code ?? 'error'),
    });
    return false;
  }
}
