import type { LangdockAgent } from './langdock-api.js';
import { liveConfigFields } from './langdock-config.js';
import { LANGDOCK_CONFIG_FIELDS } from './langdock-draft-diff.js';

/**
 * What to write when the update answer did not show the shared draft (Langdock documents no body
 * for it, so `{status, message}` alone is a valid answer).
 *
 * The draft then cannot be compared with the live agent, and Langdock has no other read of it,
 * so instead of proving the draft clean the release makes it so: every field this adapter manages
 * is written with its live value, except the fields this release changes. Whatever someone else
 * left in the draft for those fields is overwritten (not published, and gone from the draft),
 * which keeps "a release ships only the edits it made" for them.
 */
export interface DraftReset {
  /** The `PATCH /agent/v1/update` fields: live values overlaid with this release's `written`. */
  readonly fields: Record<string, unknown>;
  /**
   * Managed fields that could not be reset: the live agent does not show them, or shows a value
   * a write would be refused for. An unpublished edit to them would ship unseen.
   */
  readonly notReset: readonly string[];
}

/** The reset of the managed fields to live + `written` (see {@link DraftReset}). */
export function draftReset(live: LangdockAgent, written: Readonly<Record<string, unknown>>): DraftReset {
  const fields = { ...liveConfigFields(live).fields, ...written };
  return { fields, notReset: LANGDOCK_CONFIG_FIELDS.filter((field) => !(field in fields)) };
}

/**
 * The `DraftRef.caveats` entry of a reset draft: what could not be checked. `release()` passes it
 * on as `ReleaseResult.caveats`.
 */
export function draftResetNote(reset: DraftReset): string {
  const also = reset.notReset.length > 0 ? `, nor ${reset.notReset.join(', ')}` : '';
  return `Langdock's update answer did not show the draft, so every field this adapter manages was set to live + this change; unpublished edits to fields it does not manage were not checked${also}.`;
}
