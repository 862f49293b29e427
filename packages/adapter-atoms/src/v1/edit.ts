/**
 * v1 edit: fork a draft from the active version (or use a given draft) and PATCH the mapped
 * config into it. `instructions` keep the agent's tools (see `shared/changes.ts`).
 */
import { ConflictError, type DraftRef, UnexpectedResponseError } from '@agent-release/core';
import { pathOf } from '@agent-release/core/provider';
import type { AtomsAgentRow } from '../shared/api.js';
import {
  type AtomsChangeSet,
  needsCurrentConfig,
  toDraftConfigBody,
  toolsOf,
  workflowTypeOf,
} from '../shared/changes.js';
import { DraftConflictError } from '../shared/errors.js';
import { ATOMS_PROVIDER, atomsDraftIdSchema } from '../shared/ids.js';
import { type AtomsReleaserDeps, getAtomsAgent } from '../shared/requests.js';
import { forkDraftResponseSchema, patchDraftConfigResponseSchema } from './api.js';
import { getDraft, serverTime } from './requests.js';

/**
 * v1 has no server-side `expectedRevision`, so `providerOptions.atoms.expectedRevision` is checked
 * here against the `draftRevision` of the draft named by `draftId`, before anything is written:
 * v1 drafts have no field-level merge, so any difference is a conflict.
 */
function checkExpectedRevision(
  expected: number | null | undefined,
  actual: number | undefined,
  draftId: string,
): void {
  if (typeof expected !== 'number' || actual === undefined || expected === actual) return;
  const where = `draft ${draftId}`;
  throw new DraftConflictError(
    expected > actual
      ? `${ATOMS_PROVIDER} editDraft: expectedRevision ${expected} is not a revision of ${where} (it is at ${actual}). Nothing was written: re-read the draft and apply the change again, or send expectedRevision: null to skip the check.`
      : `${ATOMS_PROVIDER} editDraft: ${where} was edited since revision ${expected} (it is at ${actual}). Nothing was written: re-read the draft and apply the change again, or send expectedRevision: null to overwrite.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'editDraft',
      kind: expected > actual ? 'base-revision-unavailable' : 'concurrent-edit',
      expectedRevision: expected,
      latestRevision: actual,
    },
  );
}

/** Applies the changes to a v1 draft (see the file comment). */
export async function editV1Draft(
  deps: AtomsReleaserDeps,
  agentId: string,
  changes: AtomsChangeSet,
  opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
): Promise<DraftRef> {
  const { signal } = opts;
  let draftId = opts.draftId;
  let baseVersionId: string | undefined;
  let revision: number | undefined;
  let agent: AtomsAgentRow | undefined;
  // Server creation time of the draft row, for publish's reconciliation (see ReconcileFloor).
  let draftCreatedAt: string | undefined;

  if (draftId !== undefined) {
    // An existing draft: read it first (it must exist, and publish needs its source version to
    // reconcile a lost response), then its resolved config when the edit needs the tools.
    const draft = await getDraft(deps.http, agentId, draftId, signal);
    baseVersionId = draft.sourceVersionId ?? undefined;
    revision = draft.draftRevision ?? undefined;
    // The row we already read: its server time is a valid floor even if it is a later
    // revision's row (it still existed before any publish of this draft).
    draftCreatedAt = serverTime(draft.createdAt) !== undefined ? (draft.createdAt ?? undefined) : undefined;
    checkExpectedRevision(changes.expectedRevision, revision, draftId);
    if (needsCurrentConfig(changes)) agent = await getAtomsAgent(deps.http, agentId, { draftId }, signal);
  } else {
    // A fresh fork has no concurrent editors, so `expectedRevision` has nothing to guard here
    // (and checking it would stop an 'auto' releaser from reaching the fork that detects v2).
    agent = await getAtomsAgent(deps.http, agentId, {}, signal);
    baseVersionId = agent.activeVersionId ?? agent.versionId ?? undefined;
    if (baseVersionId === undefined) {
      throw new ConflictError(
        `${ATOMS_PROVIDER} editDraft: agent ${agentId} has no active version to fork a draft from; activate a version first or pass an existing draftId`,
        { provider: ATOMS_PROVIDER, operation: 'editDraft' },
      );
    }
  }

  // Built before the fork, so an edit Atoms cannot take (e.g. a globalPrompt over 4000
  // characters on a workflow_graph agent) fails without leaving a draft behind.
  const body = toDraftConfigBody(
    changes,
    agent
      ? { workflowType: workflowTypeOf(agent), tools: toolsOf(agent) }
      : { workflowType: 'single_prompt', tools: undefined },
  );

  if (draftId === undefined) {
    const forked = await forkDraft(deps, agentId, baseVersionId!, signal);
    draftId = forked.draftId;
    baseVersionId = forked.sourceVersionId ?? baseVersionId;
    revision = forked.draftRevision ?? undefined;
    draftCreatedAt = forked.createdAt;
  }

  const fields = Object.keys(body);
  if (fields.length > 0) {
    const { data } = await deps.http.request({
      operation: 'patchDraftConfig',
      method: 'PATCH',
      path: pathOf`/agent/${agentId}/drafts/${draftId}/config`,
      body,
      schema: patchDraftConfigResponseSchema,
      // Re-applying the same fields gives the same config (only the revision counter moves),
      // so a retry after a lost answer is safe.
      idempotent: true,
      signal,
    });
    revision = data.data?.draftRevision ?? revision;
  }
  deps.logger.info('atoms draft edited', {
    provider: ATOMS_PROVIDER,
    agentId,
    draftId,
    baseVersionId,
    forked: opts.draftId === undefined,
    fields,
  });
  return {
    provider: ATOMS_PROVIDER,
    agentId,
    draftId,
    baseVersionId,
    revision,
    meta: {
      apiGeneration: 'v1',
      ...(agent ? { workflowType: workflowTypeOf(agent) } : {}),
      ...(draftCreatedAt !== undefined ? { draftCreatedAt } : {}),
    },
  };
}

async function forkDraft(
  deps: AtomsReleaserDeps,
  agentId: string,
  sourceVersionId: string,
  signal: AbortSignal | undefined,
): Promise<{
  draftId: string;
  sourceVersionId: string | undefined;
  draftRevision: number | null | undefined;
  createdAt: string | undefined;
}> {
  const { data } = await deps.http.request({
    operation: 'forkDraft',
    method: 'POST',
    path: pathOf`/agent/${agentId}/drafts`,
    body: { sourceVersionId },
    schema: forkDraftResponseSchema,
    // A fork is not idempotent, but a duplicate is harmless: a lost answer leaves at worst an
    // orphan draft that nothing publishes. So it is retried like a read (502/503/504, network,
    // timeout) instead of failing the release.
    idempotent: true,
    signal,
  });
  // The lifecycle guide and SDK read `draftId`; one migration example reads `_id`.
  const draftId = data.data.draftId ?? data.data._id;
  if (!atomsDraftIdSchema.safeParse(draftId).success) {
    throw new UnexpectedResponseError(`${ATOMS_PROVIDER} forkDraft: the new draft has no usable draftId`, {
      provider: ATOMS_PROVIDER,
      operation: 'forkDraft',
      field: 'data.draftId',
    });
  }
  deps.logger.debug('atoms draft forked', { provider: ATOMS_PROVIDER, agentId, draftId, sourceVersionId });
  return {
    draftId,
    sourceVersionId: data.data.sourceVersionId ?? undefined,
    draftRevision: data.data.draftRevision,
    createdAt: serverTime(data.data.createdAt) !== undefined ? (data.data.createdAt ?? undefined) : undefined,
  };
}
