import { z } from 'zod';

/**
 * 8-4-4-4-12 hex, any version/variant. Langdock documents its ids as `format: uuid` without
 * saying which version, so the RFC 4122 variant check of `z.uuid()` could reject real ids.
 */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Langdock id (agent, action, attachment, version): a UUID. */
export const langdockUuidSchema = z
  .string({ error: 'must be a string' })
  .regex(UUID_PATTERN, 'must be a UUID (Langdock ids look like 550e8400-e29b-41d4-a716-446655440000)');

/** Agent ids: Langdock's `agentId` is a UUID; anything else could never name an agent. */
export const langdockAgentIdSchema = langdockUuidSchema;

/**
 * The `draftId` of every Langdock `DraftRef`. Langdock keeps one implicit draft per agent
 * (`PATCH /agent/v1/update` edits it), so there is nothing to name: this token only marks the ref.
 */
export const LANGDOCK_DRAFT_ID = 'draft';

/**
 * The version id `LangdockReleaser.getActiveVersion` reports when it cannot name the live
 * version: `GET /agent/v1/get` returns the live configuration but not its version id. It means
 * "whatever is live now", so activating it is a no-op.
 */
export const LANGDOCK_LIVE_VERSION_ID = 'live';
