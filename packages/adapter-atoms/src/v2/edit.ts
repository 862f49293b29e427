/**
 * v2 edit: `PUT` the mapped changes into the target branch's draft (the live branch unless
 * `draftId` names a branch or its open draft), opening the draft if none is open.
 */
import { ConflictError, type DraftRef } from '@agent-release/core';
import { pathOf } from '@agent-release/core/provider';
import { type AtomsChangeSet, type AtomsEditContext, toDraftConfigBody } from '../shared/changes.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { type AtomsBranchSummaryRow, type AtomsRevisionRow, putDraftResponseSchema } from './api.js';
import { baseRevisionOf, draftEditsOf, hasOpenDraft } from './mapping.js';
import { diffDraft, getBranchDraft, listBranches, target, type V2Context } from './requests.js';

/** Refuses to build on an open draft that differs from its base (see `editDraft`). */
async function refuseForeignEdits(
  ctx: V2Context,
  agentId: string,
  summary: AtomsBranchSummaryRow,
  signal: AbortSignal | undefined,
): Promise<void> {
  const branchId = summary.branch._id;
  const base = baseRevisionOf(summary);
  if (base === undefined) return;
  const edits = draftEditsOf(await diffDraft(ctx, agentId, branchId, base, signal));
  if (edits.length === 0) return;
  const named = edits.slice(0, 5).map((e) => (e.path ? `${e.section}.${e.path}` : e.section));
  throw new ConflictError(
    `${ATOMS_PROVIDER} editDraft: branch ${branchId} of agent ${agentId} has an open draft with unpublished edits this release did not make (${named.join(', ')}${edits.length > 5 ? `, and ${edits.length - 5} more` : ''}); releasing now would ship them too. Nothing was written: publish or discard that draft first, or set providerOptions.atoms.includeDraftEdits: true to ship them along.`,
    {
      provider: ATOMS_PROVIDER,
      operation: 'editDraft',
      details: { agentId, branchId, base, draftEdits: edits.slice(0, 20) },
    },
  );
}

/**
 * `PUT`s the mapped changes into the target branch's draft (the live branch unless `draftId`
 * names a branch or its open draft), opening the draft if none is open. The edit carries
 * `expectedRevision` (the caller's, else the draft revision read here, 0 when no draft was
 * open), so a concurrent edit of the same fields is a `DraftConflictError` instead of a silent
 * overwrite. `instructions` are sent as `globalPrompt`.
 */
const V2_EDIT_CONTEXT: AtomsEditContext = {
  workflowType: 'workflow_graph',
  tools: undefined,
  globalPromptMax: Number.POSITIVE_INFINITY,
};

export async function editDraft(
  ctx: V2Context,
  agentId: string,
  changes: AtomsChangeSet,
  opts: { draftId?: string | undefined; signal?: AbortSignal | undefined },
): Promise<DraftRef> {
  const { signal } = opts;
  const picked = target(agentId, await listBranches(ctx, agentId, signal), opts.draftId, 'editDraft');
  const branchId = picked.branch._id;
  const openDraftId = picked.branch.openDraftId ?? undefined;
  const draftOpen = hasOpenDraft(picked);

  // `expectedRevision` is "the draftRevision the edit was based on": with no open draft there is
  // no base, and the vendor's own clients send none (a base the branch lacks is a 409).
  let expectedRevision =
    changes.expectedRevision !== undefined ? changes.expectedRevision : draftOpen ? undefined : null;
  if (draftOpen) {
    if (expectedRevision === undefined) {
      expectedRevision = (await getBranchDraft(ctx, agentId, branchId, signal)).draftRevision ?? null;
    }
    // A release ships only its own edits: an open draft someone else changed is refused unless
    // the caller named that draft, based the edit on a revision of it, or asked to include them.
    const callerKnowsDraft =
      opts.draftId !== undefined ||
      typeof changes.expectedRevision === 'number' ||
      changes.includeDraftEdits === true;
    if (!callerKnowsDraft) {
      await refuseForeignEdits(ctx, agentId, picked, signal);
    }
  }

  // Built before the first write, so an edit Atoms cannot take fails with nothing written.
  // v2's `UpdateBranchDraftRequest` takes the prompt as `globalPrompt` whatever the workflow
  // type, with no 4,000-character cap (the spec, the vendor's SDK and its probe all send it), so
  // no tools need reading to keep them.
  const config = toDraftConfigBody(changes, V2_EDIT_CONTEXT);
  const fields = Object.keys(config);
  let row: AtomsRevisionRow | undefined;
  if (fields.length > 0) {
    const { data } = await ctx.http.request({
      operation: 'putDraft',
      method: 'PUT',
      path: pathOf`/agent/${agentId}/branches/${branchId}/draft`,
      body: expectedRevision === null ? config : { ...config, expectedRevision },
      schema: putDraftResponseSchema,
      // Merging the same fields again gives the same draft, so a lost answer is simply re-sent.
      idempotent: true,
      signal,
    });
    row = data.data;
  }
  const draftId = row?.draftId ?? openDraftId ?? branchId;
  const baseVersionId = row?.sourceVersionId ?? baseRevisionOf(picked);
  ctx.logger.info('atoms draft edited', {
    provider: ATOMS_PROVIDER,
    apiGeneration: 'v2',
    agentId,
    branchId,
    draftId,
    baseVersionId,
    fields,
    expectedRevision,
  });
  return {
    provider: ATOMS_PROVIDER,
    agentId,
    draftId,
    baseVersionId,
    revision: row?.draftRevision ?? undefined,
    meta: {
      apiGeneration: 'v2',
      branchId,
      edited: fields.length > 0,
      ...(row?._id !== undefined && row._id !== draftId ? { draftRowId: row._id } : {}),
    },
  };
}
