import { ConflictError } from '@agent-release/core';
import { LANGDOCK_PROVIDER } from './langdock-capabilities.js';

/** What a refused release found in the shared draft and how far it undid its own write. */
export interface DraftConflict {
  agentId: string;
  /** Fields someone else changed in the draft. */
  foreign: readonly string[];
  /** The undo: the fields sent back with their live values, and those that had none to send. */
  restore: { fields: Readonly<Record<string, unknown>>; missing: readonly string[] };
  /** The error code of a failed undo request. */
  restoreError: string | undefined;
}

/**
 * The `ConflictError` of a release that would have published edits it did not make. It names
 * fields only, never their values, and says what to do. (A draft the update answer does not show
 * is no conflict: `editDraft` resets its managed fields instead, see `langdock-draft-reset.ts`.)
 */
export function draftConflictError({
  agentId,
  foreign,
  restore,
  restoreError,
}: DraftConflict): ConflictError {
  const restored = restoreError === undefined && restore.missing.length === 0;
  const why = `the agent's draft holds unpublished edits this release did not make (${foreign.join(', ')})`;
  const notPutBack = [...(restoreError !== undefined ? Object.keys(restore.fields) : []), ...restore.missing];
  const undo = restored
    ? 'nothing was published and the fields this release wrote were put back'
    : `nothing was published, but the fields this release wrote could not all be put back (${notPutBack.join(', ')}), so check the draft`;
  return new ConflictError(
    `${LANGDOCK_PROVIDER}: ${why}; ${undo}. Publish or discard those edits in Langdock, or pass foreignDraftEdits: 'include' to publish them with this release.`,
    {
      provider: LANGDOCK_PROVIDER,
      operation: 'editDraft',
      details: {
        agentId,
        reason: 'foreign-draft-edits',
        fields: [...foreign],
        restored,
        ...(restore.missing.length > 0 ? { notRestored: [...restore.missing] } : {}),
        ...(restoreError !== undefined ? { restoreError } : {}),
      },
    },
  );
}
