import { parseInput } from '@agent-release/core/provider';
import { z } from 'zod';

/** The provider id of this adapter, used in errors, logs, `DraftRef`s and DI names. */
export const ATOMS_PROVIDER = 'atoms';

/**
 * Agent and version ids are Mongo ObjectIds: 24 lower-case hex characters (the spec's
 * `^[a-f\d]{24}$`). Checking the format up front means a typo fails as a `ValidationError`
 * before any request, and nothing a caller passes can reach another endpoint.
 */
export const atomsObjectIdSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[a-f\d]{24}$/, 'must be a 24-character lower-case hex Atoms id');

/**
 * Draft ids have no pattern in the spec (they look like `draft_…`), so accept only a safe token:
 * letters, digits, `_` and `-`. `pathOf` encodes segments anyway; this keeps odd ids out of logs.
 */
export const atomsDraftIdSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "-" and "_"');

/** Parses an agent id or throws a `ValidationError` naming `what`. */
export function parseAgentId(value: unknown, what = 'agentId'): string {
  return parseInput(atomsObjectIdSchema, value, what, ATOMS_PROVIDER);
}

/** Parses a version id or throws a `ValidationError` naming `what`. */
export function parseVersionId(value: unknown, what = 'versionId'): string {
  return parseInput(atomsObjectIdSchema, value, what, ATOMS_PROVIDER);
}

/** Parses a draft id or throws a `ValidationError` naming `what`. */
export function parseDraftId(value: unknown, what = 'draftId'): string {
  return parseInput(atomsDraftIdSchema, value, what, ATOMS_PROVIDER);
}
