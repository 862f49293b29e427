import { isAgentReleaseError, type Logger } from '@agent-release/core';
import type { HttpClient } from '@agent-release/core/provider';
import {
  getAgentResponseSchema,
  LANGDOCK_PATHS,
  type LangdockAgent,
  publishResponseSchema,
  updateResponseSchema,
} from './langdock-api.js';

/**
 * The Langdock requests of the releaser, one function each, so its file holds the lifecycle and
 * not the wire.
 */

/** What the requests are sent through. */
export interface LangdockIo {
  readonly http: HttpClient;
  readonly logger: Logger;
}

/** `GET /agent/v1/get`: the live agent (or a never-published agent's draft). */
export async function readAgent(
  io: LangdockIo,
  agentId: string,
  operation: string,
  signal?: AbortSignal,
): Promise<LangdockAgent> {
  const { data } = await io.http.request({
    operation,
    method: 'GET',
    path: LANGDOCK_PATHS.get,
    query: { agentId },
    schema: getAgentResponseSchema,
    signal,
  });
  return data.agent;
}

/** `PATCH /agent/v1/update {agentId, ...fields}`; resolves to the answer as sent (unspecified). */
export async function updateDraft(
  io: LangdockIo,
  agentId: string,
  fields: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<unknown> {
  const { data } = await io.http.request({
    operation: 'editDraft',
    method: 'PATCH',
    path: LANGDOCK_PATHS.update,
    body: { agentId, ...fields },
    schema: updateResponseSchema,
    // Setting the same fields to the same values twice has the effect of once, so a lost
    // response may be re-sent safely.
    idempotent: true,
    signal,
  });
  return data;
}

/**
 * Writes `fields` (live values) back into the draft; returns the error code when that fails.
 * Not cut by the caller's signal: giving up must not leave this release's write in the shared
 * draft for someone else's publish. The request timeout still bounds it.
 */
export async function putBack(
  io: LangdockIo,
  agentId: string,
  fields: Record<string, unknown>,
): Promise<string | undefined> {
  if (Object.keys(fields).length === 0) return undefined;
  try {
    await updateDraft(io, agentId, fields, undefined);
    return undefined;
  } catch (error) {
    const code = isAgentReleaseError(error) ? error.code : 'UNKNOWN';
    io.logger.warn('langdock editDraft: could not put the written fields back into the draft', {
      agentId,
      fields: Object.keys(fields),
      code,
    });
    return code;
  }
}

/** One `POST /agent/v1/publish`; never re-sent here (see `publishExactlyOnce`). */
export async function publishOnce(
  io: LangdockIo,
  body: { agentId: string; description?: string },
  signal?: AbortSignal,
) {
  const { data } = await io.http.request({
    operation: 'publish',
    method: 'POST',
    path: LANGDOCK_PATHS.publish,
    body,
    schema: publishResponseSchema,
    // Publishing twice could create two versions: the HTTP layer re-sends it only when it
    // cannot have reached Langdock (429, connection refused); lost responses come back here.
    idempotent: false,
    signal,
  });
  return data;
}
