/**
 * Requests the v1 and v2 releasers send the same way: reading the agent, and discarding an
 * empty draft as housekeeping.
 */
import { type Clock, isAgentReleaseError, type Logger } from '@agent-release/core';
import { type HttpClient, pathOf } from '@agent-release/core/provider';
import { z } from 'zod';
import { type AtomsAgentRow, getAgentResponseSchema } from './api.js';
import { isErrorCode } from './errors.js';
import { ATOMS_PROVIDER } from './ids.js';
import type { AtomsSecurityCheckOptions } from './options.js';

/** `GET /agent/{id}`, optionally resolving the config of a draft or version. */
export async function getAtomsAgent(
  http: HttpClient,
  agentId: string,
  query: { draftId?: string; versionId?: string },
  signal: AbortSignal | undefined,
): Promise<AtomsAgentRow> {
  const { data } = await http.request({
    operation: 'getAgent',
    method: 'GET',
    path: pathOf`/agent/${agentId}`,
    query,
    schema: getAgentResponseSchema,
    signal,
  });
  return data.data;
}

/**
 * Sends the `DELETE` that discards an empty draft at `path`. Housekeeping: an empty draft left
 * behind changes nothing live, so a failure must not fail an otherwise complete "unchanged"
 * release; it is logged (with `facts`) unless the draft was already gone. Aborts still propagate.
 */
export async function discardEmptyDraft(
  http: HttpClient,
  logger: Logger,
  path: string,
  facts: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await http.request({ operation: 'discardDraft', method: 'DELETE', path, schema: z.unknown(), signal });
  } catch (error) {
    if (isErrorCode(error, 'ABORTED')) throw error;
    if (!isErrorCode(error, 'NOT_FOUND')) {
      logger.warn('atoms could not discard an empty draft', {
        provider: ATOMS_PROVIDER,
        ...facts,
        code: isAgentReleaseError(error) ? error.code : 'error',
      });
    }
  }
}

/** What a releaser of either generation is built with. */
export interface AtomsReleaserDeps {
  http: HttpClient;
  logger: Logger;
  clock: Clock;
  random: () => number;
  securityCheck: Readonly<Required<AtomsSecurityCheckOptions>>;
}
