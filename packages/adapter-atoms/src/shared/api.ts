/**
 * Lenient zod schemas of the Atoms rows both API generations read (the agent, a version row). Each reads only the fields
 * the adapter uses (unknown fields are ignored), so additive vendor changes never break a release,
 * while a missing field we rely on fails as `UnexpectedResponseError` naming it.
 */
import { z } from 'zod';

/** Wraps a `data` schema in Atoms' success envelope `{status: true, data}`. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ data });
}

/** `securityCheck` on a version (HEAD schema; absent on the v1 spec, null before the feature). */
export const atomsSecurityCheckSchema = z.object({
  status: z.string().nullish(),
  reason: z.string().nullish(),
});

/** The parts of an `AgentVersion` row (draft or published version) the adapter reads. */
export const atomsVersionSchema = z.object({
  _id: z.string().min(1),
  status: z.string().nullish(),
  versionNumber: z.number().nullish(),
  label: z.string().nullish(),
  description: z.string().nullish(),
  isActive: z.boolean().optional(),
  sourceVersionId: z.string().nullish(),
  draftId: z.string().nullish(),
  draftRevision: z.number().nullish(),
  createdAt: z.string().nullish(),
  publishedAt: z.string().nullish(),
  activatedAt: z.string().nullish(),
  securityCheck: atomsSecurityCheckSchema.nullish(),
});

/** An `AgentVersion` as parsed by {@link atomsVersionSchema}. */
export type AtomsVersionRow = z.output<typeof atomsVersionSchema>;

// Tools are read as opaque values: they are sent back exactly as the server stored them.
const resolvedToolsSchema = z.object({
  tools: z.array(z.unknown()).nullish(),
  workflowGraph: z.unknown().optional(),
  // What `readConfig` reports (the live config in neutral terms).
  prompt: z.string().nullish(),
  globalPrompt: z.string().nullish(),
  firstMessage: z.string().nullish(),
  modelName: z.string().nullish(),
});

/** `GET /agent/{id}` (optionally `?draftId=`): the agent, its active version and resolved config. */
export const getAgentResponseSchema = envelope(
  z.object({
    workflowType: z.string().nullish(),
    activeVersionId: z.string().nullish(),
    /** Documented alias of `activeVersionId`. */
    versionId: z.string().nullish(),
    _resolvedConfig: resolvedToolsSchema.nullish(),
    /** Deprecated mirror of `_resolvedConfig`, read only when that is missing. */
    _versionedWorkflow: resolvedToolsSchema.nullish(),
  }),
);

/** The agent as parsed by {@link getAgentResponseSchema}. */
export type AtomsAgentRow = z.output<typeof getAgentResponseSchema>['data'];
