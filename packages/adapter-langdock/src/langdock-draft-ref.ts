import { AbortedError, type DraftRef, ProviderUnavailableError, ValidationError } from '@agent-release/core';
import { parseInput } from '@agent-release/core/provider';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';
import { LANGDOCK_DRAFT_ID, langdockAgentIdSchema } from './langdock-ids.js';

/** Whether a failed update may still have changed the draft (answer lost, or abandoned in flight). */
export function mayHaveWritten(error: unknown): boolean {
  return (
    (error instanceof ProviderUnavailableError && error.mayHaveTakenEffect) || error instanceof AbortedError
  );
}

/** A ref from an `editDraft` that found every requested value live and wrote nothing. */
export function wroteNothing(draft: DraftRef): boolean {
  const updated = draft.meta?.updatedFields;
  return Array.isArray(updated) && updated.length === 0;
}

/** The live values of the fields a draft's edit wrote, to put back when it is discarded. */
export function restoreOf(draft: DraftRef): Record<string, unknown> {
  const restore = draft.meta?.restore;
  return typeof restore === 'object' && restore !== null ? (restore as Record<string, unknown>) : {};
}

/**
 * Rejects a `draftId` other than the implicit draft's (Langdock has one draft per agent).
 * @throws ValidationError naming `path`.
 */
export function checkDraftId(draftId: string | undefined, path: string): void {
  if (draftId === undefined || draftId === LANGDOCK_DRAFT_ID) return;
  throw new ValidationError(
    `Invalid ${path}: Langdock has one implicit draft per agent; omit draftId or pass "${LANGDOCK_DRAFT_ID}"`,
    {
      provider: LANGDOCK_PROVIDER,
      issues: [{ path, message: `must be omitted or "${LANGDOCK_DRAFT_ID}"` }],
    },
  );
}

/**
 * The agent id of a ref this adapter's `editDraft` made.
 * @throws ValidationError for another provider's ref, another draft id or a non-UUID agent id.
 */
export function draftRefAgentId(draft: DraftRef): string {
  if (typeof draft !== 'object' || draft === null || draft.provider !== LANGDOCK_PROVIDER) {
    throw new ValidationError(
      `Invalid draft: it was not created by the ${LANGDOCK_PROVIDER} releaser (provider ${JSON.stringify(
        (draft as DraftRef | null)?.provider,
      )})`,
      {
        provider: LANGDOCK_PROVIDER,
        issues: [{ path: 'draft.provider', message: `must be "${LANGDOCK_PROVIDER}"` }],
      },
    );
  }
  checkDraftId(draft.draftId, 'draft.draftId');
  return parseInput(langdockAgentIdSchema, draft.agentId, 'draft.agentId', LANGDOCK_PROVIDER);
}
