import { z } from 'zod';

/**
 * Lenient schemas of the Langdock responses this adapter reads. Each reads only the fields the
 * adapter uses, so an added vendor field never breaks a release.
 */

/** Request paths, relative to the base URL (which may be a deployment's `.../api/public`). */
export const LANGDOCK_PATHS = Object.freeze({
  get: '/agent/v1/get',
  update: '/agent/v1/update',
  publish: '/agent/v1/publish',
});

/**
 * `POST /agent/v1/publish` 200: `{status, message, version: {id, version, createdAt}}`.
 * Only `version.id` is required: it is what makes the new version addressable.
 */
export const publishResponseSchema = z.object({
  version: z.object({
    id: z.string().min(1),
    version: z.number().int().optional(),
    createdAt: z.string().optional(),
  }),
});

/** A parsed publish response. */
export type PublishResponse = z.output<typeof publishResponseSchema>;

/**
 * `GET /agent/v1/get` 200: `{status, agent: {...}}`. The agent is the live configuration (or the
 * draft of a never-published agent); it carries no version id. Its fields are kept as sent and
 * read one by one (`langdock-draft-diff.ts`, `langdock-config.ts`), so an odd or added field never
 * fails the parse.
 */
export const getAgentResponseSchema = z.object({
  agent: z.looseObject({}),
});

/** The agent of a `GET /agent/v1/get` answer: field name → value as Langdock sent it. */
export type LangdockAgent = Readonly<Record<string, unknown>>;

/**
 * `PATCH /agent/v1/update` 200: the body is not specified ("Agent updated successfully"; believed
 * `{status, message, agent}`), and nothing in it is needed, so any body is accepted.
 */
export const updateResponseSchema = z.unknown();
