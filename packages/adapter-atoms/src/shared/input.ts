/**
 * Validation of every port call's input, shared by the v1 and v2 releasers: nothing is sent
 * before the whole call validated, and a bad input is a `ValidationError` naming the field.
 */
import {
  type ActivateOptions,
  type AgentChanges,
  type DraftRef,
  type EditDraftOptions,
  type ListVersionsOptions,
  type PublishOptions,
  type ReleaseInput,
  ValidationError,
} from '@agent-release/core';
import { parseInput, throwIfAborted } from '@agent-release/core/provider';
import { z } from 'zod';
import {
  type AtomsChangeSet,
  atomsListVersionsOptionsSchema,
  parseAtomsChanges,
  toPublishBody,
} from './changes.js';
import { ATOMS_PROVIDER, atomsObjectIdSchema, parseAgentId, parseDraftId, parseVersionId } from './ids.js';

const maxWaitSchema = z.int('must be an integer number of ms').nonnegative('must not be negative').optional();

// `DraftRef.meta` as this adapter writes it (other keys are ignored). A draft from elsewhere
// without meta still works: the releaser then finds its way from the ids.
const draftMetaSchema = z
  .object({
    apiGeneration: z.enum(['v1', 'v2'], "must be 'v1' or 'v2'").optional(),
    branchId: atomsObjectIdSchema.optional(),
    draftRowId: atomsObjectIdSchema.optional(),
    edited: z.boolean('must be a boolean').optional(),
    draftCreatedAt: z
      .string('must be a string')
      .refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO 8601 timestamp')
      .optional(),
  })
  .optional();

/** Options of the Atoms `listVersions`: the port's, plus `skip` for paging. */
export interface AtomsListVersionsOptions extends ListVersionsOptions {
  /** Versions to skip (newest first). Default 0. */
  skip?: number | undefined;
}

/** A validated `DraftRef` and publish options. */
export interface PublishTarget {
  agentId: string;
  draftId: string;
  baseVersionId: string | undefined;
  generation: 'v1' | 'v2' | undefined;
  branchId: string | undefined;
  /** v2: the `_id` of the draft row, which a branch's `openDraftId` may name instead of `draftId`. */
  draftRowId: string | undefined;
  edited: boolean | undefined;
  draftCreatedAt: string | undefined;
  body: { label?: string; description?: string };
  maxWaitMs: number | undefined;
  ref: DraftRef;
}

/** Rejects, without sending anything, whatever a release would be refused for. */
export function validateRelease(input: ReleaseInput, generation: 'v1' | 'v2'): void {
  parseAgentId(input.agentId);
  parseAtomsChanges(input.changes, generation);
  toPublishBody({ label: input.label, description: input.description });
  if (input.draftId !== undefined) parseDraftId(input.draftId);
}

/** `editDraft` arguments. */
export function parseEditArgs(
  agentId: string,
  changes: AgentChanges,
  opts: EditDraftOptions,
  generation: 'v1' | 'v2',
): { agentId: string; changes: AtomsChangeSet; draftId: string | undefined } {
  const id = parseAgentId(agentId);
  const changeSet = parseAtomsChanges(changes, generation);
  const draftId = opts.draftId === undefined ? undefined : parseDraftId(opts.draftId);
  throwIfAborted(opts.signal, `${ATOMS_PROVIDER} editDraft`);
  return { agentId: id, changes: changeSet, draftId };
}

/** `publish` arguments. */
export function parsePublishArgs(draft: DraftRef, opts: PublishOptions): PublishTarget {
  if (typeof draft !== 'object' || draft === null || draft.provider !== ATOMS_PROVIDER) {
    throw new ValidationError(`Invalid draft: not an ${ATOMS_PROVIDER} draft`, {
      provider: ATOMS_PROVIDER,
      issues: [{ path: 'draft.provider', message: `must be "${ATOMS_PROVIDER}"` }],
    });
  }
  const agentId = parseAgentId(draft.agentId, 'draft.agentId');
  const draftId = parseDraftId(draft.draftId, 'draft.draftId');
  const baseVersionId =
    draft.baseVersionId === undefined
      ? undefined
      : parseVersionId(draft.baseVersionId, 'draft.baseVersionId');
  const meta = parseInput(draftMetaSchema, draft.meta, 'draft.meta', ATOMS_PROVIDER);
  const body = toPublishBody(opts);
  const maxWaitMs = parseInput(maxWaitSchema, opts.maxWaitMs, 'maxWaitMs', ATOMS_PROVIDER);
  throwIfAborted(opts.signal, `${ATOMS_PROVIDER} publish`);
  return {
    agentId,
    draftId,
    baseVersionId,
    generation: meta?.apiGeneration,
    branchId: meta?.branchId,
    draftRowId: meta?.draftRowId,
    edited: meta?.edited,
    draftCreatedAt: meta?.draftCreatedAt,
    body,
    maxWaitMs,
    ref: draft,
  };
}

/** `activate` arguments. */
export function parseActivateArgs(
  agentId: string,
  versionId: string,
  opts: ActivateOptions,
): { agentId: string; versionId: string; maxWaitMs: number | undefined } {
  const id = parseAgentId(agentId);
  const version = parseVersionId(versionId);
  const maxWaitMs = parseInput(maxWaitSchema, opts.maxWaitMs, 'maxWaitMs', ATOMS_PROVIDER);
  throwIfAborted(opts.signal, `${ATOMS_PROVIDER} activate`);
  return { agentId: id, versionId: version, maxWaitMs };
}

/** `listVersions` arguments. */
export function parseListArgs(
  agentId: string,
  opts: AtomsListVersionsOptions,
): { agentId: string; limit: number; skip: number } {
  const id = parseAgentId(agentId);
  const page = parseInput(
    atomsListVersionsOptionsSchema,
    { limit: opts.limit, skip: opts.skip },
    'options',
    ATOMS_PROVIDER,
  );
  throwIfAborted(opts.signal, `${ATOMS_PROVIDER} listVersions`);
  return { agentId: id, limit: page.limit ?? 20, skip: page.skip ?? 0 };
}

/** An agent id of a read (`getActiveVersion`, `readConfig`). */
export function parseReadArgs(agentId: string, signal: AbortSignal | undefined, operation: string): string {
  const id = parseAgentId(agentId);
  throwIfAborted(signal, `${ATOMS_PROVIDER} ${operation}`);
  return id;
}
