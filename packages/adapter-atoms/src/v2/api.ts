/**
 * Lenient zod schemas of the Atoms v2 (branch model) responses this adapter reads. Like
 * `atoms-api.ts`, each reads only what the adapter uses; unknown fields are ignored, and a missing
 * field we rely on fails as `UnexpectedResponseError` naming it.
 *
 * Two shapes to keep apart (per the spec): `Branch` is the document (`_id`, `isDefault`,
 * `headRevisionId`, `openDraftId` live here) and `BranchSummary` wraps it as `.branch` with
 * `isLive` next to it. A `Revision` is a v1 `AgentVersion` row plus the branch-model fields.
 */
import { z } from 'zod';
import { atomsVersionSchema, envelope } from '../shared/api.js';

/** The `Branch` document. */
export const atomsBranchSchema = z.object({
  _id: z.string().min(1),
  name: z.string().nullish(),
  isDefault: z.boolean().nullish(),
  sourceRevisionId: z.string().nullish(),
  /** Null until the branch's first commit. */
  headRevisionId: z.string().nullish(),
  /** The open draft's `draftId`, or null. */
  openDraftId: z.string().nullish(),
  status: z.string().nullish(),
});

/** `BranchSummary`: `{branch, isLive, hasOpenDraft, revisionsCount, headRevisionNumber}`. */
export const atomsBranchSummarySchema = z.object({
  branch: atomsBranchSchema,
  isLive: z.boolean(),
  hasOpenDraft: z.boolean().nullish(),
  headRevisionNumber: z.number().nullish(),
});

/** A `BranchSummary` as parsed by {@link atomsBranchSummarySchema}. */
export type AtomsBranchSummaryRow = z.output<typeof atomsBranchSummarySchema>;

/** A `Revision` (committed revision, or the draft row of a branch): an `AgentVersion` plus v2 fields. */
export const atomsRevisionSchema = atomsVersionSchema.extend({
  branch: z.string().nullish(),
  /** Per-branch number, set on committed rows only. */
  revisionNumber: z.number().nullish(),
  /** Set while a publish is armed against this draft row. */
  pendingPublish: z.object({ state: z.string().nullish() }).nullish(),
  sourceDraftId: z.string().nullish(),
  restoredFromRevisionId: z.string().nullish(),
});

/** A `Revision` as parsed by {@link atomsRevisionSchema}. */
export type AtomsRevisionRow = z.output<typeof atomsRevisionSchema>;

/** `GET /agent/{id}/branches`: the active (not archived) branches. */
export const listBranchesResponseSchema = envelope(z.object({ branches: z.array(atomsBranchSummarySchema) }));

/** `GET /agent/{id}/branches/{branchId}` and `POST .../live`: one `BranchSummary`. */
export const branchSummaryResponseSchema = envelope(atomsBranchSummarySchema);

/** `PUT /agent/{id}/branches/{branchId}/draft`: the merged draft as a revision-shaped row. */
export const putDraftResponseSchema = envelope(atomsRevisionSchema);

/** `GET /agent/{id}/branches/{branchId}/draft`: `DraftDetail`; only `latest` is read. */
export const getBranchDraftResponseSchema = envelope(z.object({ latest: atomsRevisionSchema }));

/**
 * `POST .../draft/publish` and `POST .../revisions/{revisionId}/restore`: `PublishResult`,
 * 200 `{state: "committed", revision}` or 202 `{state: "scanning"}` (no revision).
 */
export const publishResultResponseSchema = envelope(
  z.object({ state: z.string(), revision: atomsRevisionSchema.nullish() }),
);

/** `GET .../revisions?limit=&skip=`: committed and scanning rows, newest first. */
export const listRevisionsResponseSchema = envelope(
  z.object({ revisions: z.array(atomsRevisionSchema), total: z.number().int().nonnegative() }),
);

/** `GET .../revisions/{revisionId}`: `{revision, resolvedConfig}`; only `revision` is read. */
export const getRevisionResponseSchema = envelope(z.object({ revision: atomsRevisionSchema }));

/** `GET /agent/{id}/diff?a=&b=`: `DiffResult`; only whether anything changed is read. */
export const diffResponseSchema = envelope(
  z.object({
    diffs: z.array(z.object({ section: z.string().nullish(), changes: z.array(z.unknown()).nullish() })),
  }),
);

/** `DELETE .../draft` and `POST .../draft/publish/cancel`: nothing is read. */
export const ignoredResponseSchema = z.unknown();
