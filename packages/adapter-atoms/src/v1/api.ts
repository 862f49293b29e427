/**
 * Lenient zod schemas of the Atoms v1 (drafts + versions) responses: each reads only what the
 * v1 releaser uses, so additive vendor changes never break a release.
 */
import { z } from 'zod';
import { atomsVersionSchema, envelope } from '../shared/api.js';

/** `POST /agent/{id}/drafts` (201): the new draft row. */
export const forkDraftResponseSchema = envelope(atomsVersionSchema);

/** `PATCH /agent/{id}/drafts/{draftId}/config`: the draft row (no echo of the fields sent). */
export const patchDraftConfigResponseSchema = envelope(
  z.object({ draftRevision: z.number().nullish() }).nullish(),
);

/** `GET /agent/{id}/drafts/{draftId}`: the draft's latest revision. */
export const getDraftResponseSchema = envelope(z.object({ latest: atomsVersionSchema }));

/** `GET /agent/{id}/drafts/{draftId}/diff`: whether the draft differs from its source version. */
export const draftDiffResponseSchema = envelope(
  z.object({
    hasChanges: z.boolean(),
    sections: z.record(z.string(), z.object({ changed: z.boolean().optional() }).nullish()).optional(),
  }),
);

/** `POST /agent/{id}/drafts/{draftId}/publish` (201): the new, inactive version. */
export const publishResponseSchema = envelope(atomsVersionSchema);

/** `GET /agent/{id}/versions/{versionId}`. */
export const getVersionResponseSchema = envelope(z.object({ version: atomsVersionSchema }));

/** `GET /agent/{id}/versions?limit=&skip=`: newest first. */
export const listVersionsResponseSchema = envelope(
  z.object({ versions: z.array(atomsVersionSchema), total: z.number().int().nonnegative() }),
);

/** `PATCH /agent/{id}/versions/{versionId}/activate`: the now active version. */
export const activateResponseSchema = envelope(atomsVersionSchema);
