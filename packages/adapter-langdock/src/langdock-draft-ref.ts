import { AbortedError, type DraftRef, ProviderUnavailableError } from '@agent-release/core';

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
