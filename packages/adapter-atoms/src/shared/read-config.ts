/**
 * `readConfig`: the live configuration in neutral terms, from `GET /agent/{id}` (its
 * `_resolvedConfig` is the active version under v1 and the live branch's head under v2).
 */
import type { ConfigSnapshot } from '@agent-release/core';
import type { HttpClient } from '@agent-release/core/provider';
import { workflowTypeOf } from './changes.js';
import { getAtomsAgent } from './requests.js';

/** Reads the agent and maps its resolved config to a {@link ConfigSnapshot}. */
export async function readAtomsConfig(
  http: HttpClient,
  agentId: string,
  signal: AbortSignal | undefined,
  apiGeneration: 'v1' | 'v2' = 'v1',
): Promise<ConfigSnapshot> {
  const agent = await getAtomsAgent(http, agentId, {}, signal);
  const resolved = agent._resolvedConfig ?? agent._versionedWorkflow ?? {};
  // v2 edits write the prompt as `globalPrompt`; an agent never edited under v2 still has only
  // the prompt it was created with.
  const globalPrompt = typeof resolved.globalPrompt === 'string' ? resolved.globalPrompt : undefined;
  const instructions =
    workflowTypeOf(agent) === 'workflow_graph' || (apiGeneration === 'v2' && globalPrompt)
      ? globalPrompt
      : resolved.prompt;
  return {
    ...(typeof instructions === 'string' ? { instructions } : {}),
    ...(typeof resolved.firstMessage === 'string' ? { firstMessage: resolved.firstMessage } : {}),
    ...(typeof resolved.modelName === 'string' ? { model: resolved.modelName } : {}),
  };
}
